"""`make dev`: the backend's HTTP API on http://127.0.0.1:3001 for the Next.js frontend, until Ctrl-C.

Point the frontend at it with BACKEND_API_URL=http://127.0.0.1:3001 and BACKEND_API_KEY=dev-backend-key
(the seed's app reads NEXT_PUBLIC_BACKEND_URL: docs/frontend.md says what else it needs).

- Without LiveKit settings, rooms are simulated: interviews run against the simulated room (the agent
  uses its simulated-room transport); a candidate can join with `python -m local.candidate`.
- With LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET set (e.g. `livekit-server --dev`, whose key
  pair is devkey/secret), rooms and tokens are that server's, the agent joins it with the LiveKit
  transport, and the server's webhooks are expected at http://127.0.0.1:$PORT/livekit/webhook.

Environment: PORT (default 3001), BACKEND_API_KEY (default dev-backend-key), OPENAI_API_KEY (optional).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from local.http_adapter import routes_from_template
from local.stack import DEV_BACKEND_API_KEY, ExternalLiveKit, LocalStack, StackOptions, serve_until_signal

DEFAULT_PORT = 3001


def _ready(stack: LocalStack) -> None:
    livekit = stack.options.livekit
    print(f"\nLive interview API: {stack.api_url}", flush=True)
    print(f"  BACKEND_API_URL={stack.api_url}")
    print(f"  BACKEND_API_KEY={stack.options.backend_api_key}")
    print(f"  The seed's Next.js app (docs/frontend.md): NEXT_PUBLIC_BACKEND_URL={stack.api_url}")
    print("  Browser access: on (a candidate's page may send its LiveKit token on its room's routes)")
    if livekit is None:
        print(
            f"  LiveKit: simulated at {stack.livekit_url} (devkey/secret; no LiveKit server needed, no media)"
        )
    else:
        print(f"  LiveKit: {livekit.url}; set its webhook URL to {stack.api_url}/livekit/webhook")
    print(f"  DynamoDB: moto at {stack.dynamodb_url} (in memory: data is gone when this stops)")
    print(f"  Review page: {stack.api_url}/review (the hiring team's page; enter BACKEND_API_KEY there)")
    print("  Routes:")
    for route in routes_from_template():
        print(f"    {route.method:6} {route.path}")
    print("Ctrl-C stops everything (running interviews end as failed, saying why).\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the live-interview API locally for the frontend.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    try:
        livekit = ExternalLiveKit.from_env()
        pool_size = _pool_size(os.environ.get("AGENT_POOL_SIZE", ""))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    options = StackOptions(
        host=args.host,
        port=args.port,
        livekit=livekit,
        backend_api_key=os.environ.get("BACKEND_API_KEY") or DEV_BACKEND_API_KEY,
        agent_pool_size=pool_size,
    )
    try:
        outcomes = serve_until_signal(LocalStack(options), on_ready=_ready)
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for outcome in outcomes:
        print(f"interview {outcome.describe()}", flush=True)
    print("stopped.", flush=True)
    return 0


def _pool_size(value: str) -> int:
    """AGENT_POOL_SIZE for `make dev`: warm agents kept waiting (0 or unset: off)."""
    try:
        size = int(value or 0)
    except ValueError:
        raise ValueError(f"AGENT_POOL_SIZE must be a whole number (got {value!r})") from None
    if not 0 <= size <= 20:
        raise ValueError("AGENT_POOL_SIZE must be between 0 and 20 locally")
    return size


if __name__ == "__main__":
    sys.exit(main())
