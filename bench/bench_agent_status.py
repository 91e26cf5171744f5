"""Warm GET /agent-status latency through the real handler, as a ratio to a bare GetItem, same moto server.

    .venv/bin/python bench/bench_agent_status.py [--requests 400]

Both sides use the one DynamoDB client the handler uses (interview_common.aws_clients: same config, same
connection pool) against one moto ThreadedMotoServer on 127.0.0.1, so the ratio is the cost of the
handler itself: event parsing, auth, validation, the Query of META + participants, the response model,
Powertools' logger and metrics. The room holds an interview with an agent and a candidate. Calls alternate
(handler, GetItem, handler, ...) after a warm-up, so drift hits both alike. Target (issue 3): p50 ratio
<= 1.3.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]
TARGET_RATIO = 1.3
ROOM = "bench-room-1"


def percentile(samples: list[float], pct: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def seed(dynamodb: Any, table: str) -> None:
    from interview_common.clock import expiry_epoch, now_iso
    from interview_common.lifecycle import InterviewState
    from interview_common.models.identifiers import agent_identity
    from interview_common.models.items import InterviewItem, ParticipantItem
    from interview_common.store import to_attribute_values

    from local.template_resources import create_table

    create_table(dynamodb, table)
    now = now_iso()
    interview = InterviewItem(
        room_name=ROOM,
        interview_id="benchinterview0001",
        candidate_id="cand-bench",
        job_id="job-bench",
        candidate_identity="candidate-cand-bench",
        agent_identity=agent_identity("benchinterview0001"),
        candidate_name="Ada Lovelace",
        state=InterviewState.IN_PROGRESS,
        current_question="Tell me about a system you simplified.",
        question_index=2,
        question_count=5,
        created_at=now,
        updated_at=now,
        last_heartbeat_at=now,
        expires_at=expiry_epoch(1),
    )
    items = [interview.to_item()]
    for identity, kind in ((interview.agent_identity, "agent"), (interview.candidate_identity, "candidate")):
        participant = ParticipantItem.model_validate(
            {
                "room_name": ROOM,
                "identity": identity,
                "kind": kind,
                "joined_at": now,
                "expires_at": expiry_epoch(1),
            }
        )
        items.append(participant.to_item())
    for item in items:
        dynamodb.put_item(TableName=table, Item=to_attribute_values(item))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=400, help="timed calls of each kind")
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()

    from moto.server import ThreadedMotoServer

    from local.livekit_sim.server import free_port
    from tests.conftest import (
        BASE_ENV,
        TABLE_NAME,
        TEST_API_KEY,
    )  # the environment the handlers are tested with

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the moto server's access log
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        os.environ.update(BASE_ENV)
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
        warnings.simplefilter("ignore")  # Powertools warns once that this route publishes no metric

        from interview_common.aws_clients import client
        from interview_common.models.items import META_SK, room_pk
        from interview_common.store import InterviewStore

        from local.apigw_events import LocalLambdaContext, http_api_event
        from local.handlers import load_handler_module

        dynamodb = client("dynamodb")  # the very client (and connection pool) the handler uses
        seed(dynamodb, TABLE_NAME)
        handler = load_handler_module("agent_status").lambda_handler
        context = LocalLambdaContext("agent_status")
        headers = {"authorization": f"Bearer {TEST_API_KEY}"}
        key = {"PK": {"S": room_pk(ROOM)}, "SK": {"S": META_SK}}

        def agent_status() -> None:
            event = http_api_event("GET", "/agent-status", headers=headers, query={"room": ROOM})
            response = handler(event, context)
            if response["statusCode"] != 200:
                raise RuntimeError(f"agent-status answered {response['statusCode']}: {response.get('body')}")

        def get_item() -> None:
            if "Item" not in dynamodb.get_item(TableName=TABLE_NAME, Key=key, ConsistentRead=True):
                raise RuntimeError("the seeded interview is missing")

        def bare_query() -> None:
            # The one request the handler sends, without the handler: shows what of the ratio is the
            # server's (a Query of three items) and what is the handler's own Python.
            InterviewStore(TABLE_NAME, dynamodb).get_room_snapshot(ROOM)

        for _ in range(args.warmup):
            agent_status()
            get_item()
            bare_query()
        handler_times: list[float] = []
        get_item_times: list[float] = []
        query_times: list[float] = []
        started = time.perf_counter()
        for _ in range(args.requests):
            handler_times.append(timed(agent_status))
            get_item_times.append(timed(get_item))
            query_times.append(timed(bare_query))
        elapsed = time.perf_counter() - started
    finally:
        server.stop()

    rows = [
        ("bare GetItem (baseline)", get_item_times),
        ("GET /agent-status handler", handler_times),
        ("  its Query alone (store)", query_times),
    ]
    print(f"warm latency, {args.requests} calls each after {args.warmup} warm-up, moto server on 127.0.0.1")
    print(f"{'':28} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'p50 ratio':>10}")
    baseline = percentile(get_item_times, 50)
    for label, samples in rows:
        p50, p99 = percentile(samples, 50), percentile(samples, 99)
        mean = statistics.fmean(samples)
        print(f"{label:28} {p50 * 1000:8.2f} {p99 * 1000:8.2f} {mean * 1000:8.2f} {p50 / baseline:10.2f}")
    p50_ratio = percentile(handler_times, 50) / percentile(get_item_times, 50)
    p99_ratio = percentile(handler_times, 99) / percentile(get_item_times, 99)
    verdict = "ok" if p50_ratio <= TARGET_RATIO else "MISS"
    print(
        f"handler/GetItem: p50 {p50_ratio:.2f}x ({verdict}, target <= {TARGET_RATIO}x), p99 {p99_ratio:.2f}x"
    )
    print(f"(timed part took {elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
