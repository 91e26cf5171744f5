"""Warm GET /agent-status latency through the real handler, as a ratio to a bare GetItem, same moto server.

    .venv/bin/python bench/bench_agent_status.py [--requests 400]

Both sides use the one DynamoDB client the handler uses (interview_common.aws_clients: same config, same
connection pool) against one moto ThreadedMotoServer on 127.0.0.1, so the ratio is the cost of the
handler itself: event parsing, auth, validation, the read, the response model, Powertools' logger and
metrics. The room holds an interview with an agent and a candidate, as the webhooks write it: META keeps
the participants, so a poll is one strongly consistent GetItem. A second room holds the same interview as
records written before META kept them (participants only as PARTICIPANT# items): its poll is a GetItem
and a Query (shown, not targeted). Calls alternate (handler, GetItem, ...) after a warm-up, so drift hits
all alike. Target (issue 17): p50 ratio <= 1.15.
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
TARGET_RATIO = 1.15
ROOM = "bench-room-1"
OLD_ROOM = "bench-room-old-record"


def percentile(samples: list[float], pct: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def seed(dynamodb: Any, table: str) -> None:
    """ROOM as today's writers leave it (participants on META and as items); OLD_ROOM as older ones did."""
    from interview_common.clock import expiry_epoch, now_iso
    from interview_common.dal.participants import ParticipantRecord
    from interview_common.lifecycle import InterviewState
    from interview_common.models.identifiers import agent_identity
    from interview_common.models.items import InterviewItem
    from interview_common.store import to_attribute_values

    from local.template_resources import create_table

    create_table(dynamodb, table)
    now = now_iso()
    for room, keeps_map in ((ROOM, True), (OLD_ROOM, False)):
        interview = InterviewItem(
            room_name=room,
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
        participants = [
            ParticipantRecord.model_validate(
                {
                    "room_name": room,
                    "identity": identity,
                    "kind": kind,
                    "name": name,
                    "joined_at": now,
                    "last_event_at": now,
                    "microphone_on": True,
                    "presence_order": f"000001760000000|1|001760000000|EV_{kind}",
                    "microphone_order": f"000001760000000|1|001760000000|EV_{kind}",
                    "expires_at": expiry_epoch(1),
                    "version": 2,
                }
            )
            for identity, kind, name in (
                (interview.agent_identity, "agent", "AI Interviewer"),
                (interview.candidate_identity, "candidate", "Ada Lovelace"),
            )
        ]
        if keeps_map:
            interview = interview.model_copy(
                update={"participants": {p.identity: p.to_map_entry() for p in participants}}
            )
        for item in [interview.to_item(), *(p.to_item() for p in participants)]:
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
    from local.moto_transactions import install as install_item_level_transaction_rollback
    from tests.conftest import (
        BASE_ENV,
        TABLE_NAME,
        TEST_API_KEY,
    )  # the environment the handlers are tested with

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the moto server's access log
    install_item_level_transaction_rollback()  # as the local stack runs moto (local/moto_transactions.py)
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

        def poll(room: str) -> None:
            event = http_api_event("GET", "/agent-status", headers=headers, query={"room": room})
            response = handler(event, context)
            if response["statusCode"] != 200:
                raise RuntimeError(f"agent-status answered {response['statusCode']}: {response.get('body')}")
            if '"candidateConnected":true' not in response["body"]:
                raise RuntimeError(f"agent-status lost the candidate: {response['body']}")

        def agent_status() -> None:
            poll(ROOM)

        def old_record_status() -> None:
            poll(OLD_ROOM)

        def get_item() -> None:
            if "Item" not in dynamodb.get_item(TableName=TABLE_NAME, Key=key, ConsistentRead=True):
                raise RuntimeError("the seeded interview is missing")

        def store_read() -> None:
            # The handler's read without the handler: shows what of the ratio is the server's (one
            # GetItem of a larger item) and what is the handler's own Python.
            InterviewStore(TABLE_NAME, dynamodb).get_room_snapshot(ROOM)

        for _ in range(args.warmup):
            agent_status()
            get_item()
            store_read()
            old_record_status()
        handler_times: list[float] = []
        get_item_times: list[float] = []
        read_times: list[float] = []
        old_record_times: list[float] = []
        started = time.perf_counter()
        for _ in range(args.requests):
            handler_times.append(timed(agent_status))
            get_item_times.append(timed(get_item))
            read_times.append(timed(store_read))
            old_record_times.append(timed(old_record_status))
        elapsed = time.perf_counter() - started
    finally:
        server.stop()

    rows = [
        ("bare GetItem (baseline)", get_item_times),
        ("GET /agent-status handler", handler_times),
        ("  its read alone (store)", read_times),
        ("  an older record (+Query)", old_record_times),
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
