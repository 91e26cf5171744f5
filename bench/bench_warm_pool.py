"""Warm pool vs cold launch on the local stack: POST /start-interview -> agentConnected, in one run.

    .venv/bin/python bench/bench_warm_pool.py [--runs 3]

Baseline, measured in the same run: the cold launch (AGENT_POOL_SIZE=0, today's path: a new
`python -m interviewer` process per interview, the local stand-in for RunTask). Then the same interviews
on a stack with AGENT_POOL_SIZE=1: before each one the bench waits until a pool agent is idle (registered,
imports done), as a pool in AWS is between interviews, and the interview is handed to it. Printed: the
median of each path in seconds, the warm path as a ratio to the cold one, and the claim's own cost
(start-interview's answer time) for the AWS estimate in docs/operations.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [
    str(ROOT),
    str(ROOT / "layers" / "common"),
    str(ROOT / "agent_container"),
    str(ROOT / "bench"),
]

from bench_local_stack import AGENT_ENV, one_interview  # noqa: E402
from interview_common.agent_pool import AgentPool  # noqa: E402

from local.stack import LocalStack, StackOptions  # noqa: E402


def wait_for_idle_pool_task(stack: LocalStack, timeout: float = 60.0) -> None:
    import boto3

    pool = AgentPool(stack.options.table_name, boto3.client("dynamodb", endpoint_url=stack.dynamodb_url))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pool.idle_tasks():
            return
        time.sleep(0.05)
    raise RuntimeError("no pool agent became idle")


def measure(pool_size: int, runs: int) -> list[dict[str, float]]:
    stack = LocalStack(
        StackOptions(
            agent_log_sink=lambda _room, _line: None,
            agent_environment={**AGENT_ENV, "AGENT_POOL_POLL_SECONDS": "0.1"},
            lambda_log_level="ERROR",
            agent_pool_size=pool_size,
        )
    ).start()
    results: list[dict[str, float]] = []
    try:
        for index in range(runs):
            if pool_size:
                wait_for_idle_pool_task(stack)
            room = f"bench-pool{pool_size}-{index}-{int(time.time())}"
            results.append(asyncio.run(one_interview(stack, room)))
    finally:
        stack.stop("benchmark over")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cold = measure(0, args.runs)
    warm = measure(1, args.runs)
    key, answered = "start-interview -> agentConnected", "start-interview answered"
    cold_connected = statistics.median(run[key] for run in cold)
    warm_connected = statistics.median(run[key] for run in warm)
    rows = [
        ("baseline: cold launch, start -> agentConnected", cold_connected),
        ("warm pool task, start -> agentConnected", warm_connected),
        ("cold launch, start-interview answered", statistics.median(run[answered] for run in cold)),
        (
            "warm pool task, start-interview answered (claim + accept)",
            statistics.median(run[answered] for run in warm),
        ),
    ]
    print(f"{'figure':<60} {'seconds':>9} {'x baseline':>11}")
    for name, seconds in rows:
        print(f"{name:<60} {seconds:9.3f} {seconds / cold_connected:11.2f}")
    print(f"\nruns: {args.runs}; cold: {json.dumps(cold)}\nwarm: {json.dumps(warm)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
