"""LiveKit webhook throughput through the real handler on one core, as a ratio to a bare conditional PutItem.

    .venv/bin/python bench/bench_webhooks.py [--rooms 30]

Both sides use the one DynamoDB client the handler uses (interview_common.aws_clients) against one moto
ThreadedMotoServer on 127.0.0.1, and the process (handler, client and moto server threads) is pinned to
one core. Each room holds an interview its agent is launching; its whole interview's webhooks (13 events,
local/livekit_sim/events.interview_timeline: joins, tracks, a drop and rejoin, leaves, room_finished) are
signed beforehand, as LiveKit sends them, and delivered in order through lambda_handler (API Gateway v2
event in, response out; Powertools' log and metric lines are formatted as in Lambda, then discarded).
The baseline is the cheapest write a webhook could make: one conditional PutItem (attribute_not_exists).
Handler and baseline alternate room by room, so drift hits both alike.

A webhook is META's GetItem and one write: the marker, the participant and META in one TransactWriteItems
(participants.py), or the marker alone when nothing changes; moto's transactions back up only the items
they touch here, as in the local stack (local/moto_transactions.py).

Also: the signature check alone (livekit-api's WebhookReceiver.receive: JWT HS256, SHA-256 of the body,
protobuf parse) per event as a share of the handler's time per event; the DynamoDB requests per event;
and the handler's time outside DynamoDB calls (its own Python: resolver, models, logic, logs, metrics).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]
TARGET_RATIO = 0.5  # issue 17: one read and one write per webhook


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned: no sched_setaffinity here"


class DynamoDBMeter:
    """Counts a client's DynamoDB requests and the time spent inside them (botocore's call events)."""

    def __init__(self, dynamodb: Any) -> None:
        self.requests = 0
        self.seconds = 0.0
        self._started = 0.0
        dynamodb.meta.events.register("before-call.dynamodb", self._before)
        dynamodb.meta.events.register("after-call.dynamodb", self._after)

    def _before(self, **_: Any) -> None:
        self.requests += 1
        self._started = time.perf_counter()

    def _after(self, **_: Any) -> None:
        self.seconds += time.perf_counter() - self._started

    def reset(self) -> None:
        self.requests, self.seconds = 0, 0.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rooms", type=int, default=30, help="interviews whose webhooks are delivered")
    parser.add_argument("--puts", type=int, default=600, help="bare conditional PutItems (baseline)")
    parser.add_argument("--verifications", type=int, default=2000, help="signature checks timed alone")
    args = parser.parse_args()
    pinned = pin_to_one_core()

    from moto.server import ThreadedMotoServer

    from local.livekit_sim.server import free_port
    from local.moto_transactions import install as install_item_level_transaction_rollback
    from tests.conftest import BASE_ENV, TABLE_NAME, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the moto server's access log
    install_item_level_transaction_rollback()  # as the local stack runs moto (local/moto_transactions.py)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    devnull = open(os.devnull, "w")  # noqa: SIM115 - open for the whole run
    try:
        os.environ.update(BASE_ENV)
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
        warnings.simplefilter("ignore")  # Powertools: "no metrics to publish" on ignored events

        from interview_common.aws_clients import client
        from interview_common.clock import expiry_epoch, now_iso
        from interview_common.lifecycle import InterviewState
        from interview_common.models.identifiers import agent_identity
        from interview_common.models.items import InterviewItem
        from interview_common.observability import logger
        from interview_common.store import InterviewStore, to_attribute_values
        from livekit import api

        from local.apigw_events import LocalLambdaContext, http_api_event
        from local.handlers import load_handler_module
        from local.livekit_sim.events import interview_timeline
        from local.livekit_sim.webhooks import signed_request
        from local.template_resources import create_table

        dynamodb = client("dynamodb")  # the very client (and connection pool) the handler uses
        create_table(dynamodb, TABLE_NAME)
        store = InterviewStore(TABLE_NAME, dynamodb)
        handler = load_handler_module("livekit_webhook").lambda_handler
        context = LocalLambdaContext("livekit_webhook")
        set_log_stream = getattr(logger.registered_handler, "setStream", None)
        if set_log_stream is not None:
            set_log_stream(devnull)
        meter = DynamoDBMeter(dynamodb)

        def new_room(index: int, label: str) -> list[dict[str, Any]]:
            room = f"bench-{label}-{index}"
            interview_id = f"{label}{index:04d}benchinterview"
            now = now_iso()
            store.create_interview(
                InterviewItem(
                    room_name=room,
                    interview_id=interview_id,
                    candidate_id=f"cand-{index}",
                    job_id="job-bench",
                    candidate_identity=f"candidate-cand-{index}",
                    agent_identity=agent_identity(interview_id),
                    state=InterviewState.LAUNCHING,
                    created_at=now,
                    updated_at=now,
                    expires_at=expiry_epoch(1),
                )
            )
            events = interview_timeline(
                room,
                agent_identity=agent_identity(interview_id),
                candidate_identity=f"candidate-cand-{index}",
                start=time.time() - 300,
            )
            requests = []
            for event in events:
                body, headers = signed_request(event, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
                lowered = {key.lower(): value for key, value in headers.items()}
                requests.append(http_api_event("POST", "/livekit/webhook", body=body, headers=lowered))
            return requests

        def deliver(requests: list[dict[str, Any]]) -> None:
            for request in requests:
                response = handler(request, context)
                if response["statusCode"] != 200:
                    raise RuntimeError(f"webhook answered {response['statusCode']}: {response.get('body')}")

        def conditional_put(index: int) -> None:
            item = {
                "PK": f"BENCH#{index}",
                "SK": "EVENT#bench",
                "event": "participant_joined",
                "expiresAt": 1,
            }
            dynamodb.put_item(
                TableName=TABLE_NAME,
                Item=to_attribute_values(item),
                ConditionExpression="attribute_not_exists(PK)",
            )

        with contextlib.redirect_stdout(devnull):  # Powertools prints each invocation's metrics (EMF)
            for index in range(3):  # warm-up: connections, first requests, lazy imports
                deliver(new_room(index, "warm"))
                conditional_put(-1 - index)
            prepared = [new_room(index, "run") for index in range(args.rooms)]
            events_total = sum(len(requests) for requests in prepared)
            puts_per_room = max(1, args.puts // args.rooms)
            handler_seconds = put_seconds = handler_dynamodb_seconds = 0.0
            handler_requests = puts = 0
            for requests in prepared:
                meter.reset()
                started = time.perf_counter()
                deliver(requests)
                handler_seconds += time.perf_counter() - started
                handler_requests += meter.requests
                handler_dynamodb_seconds += meter.seconds
                started = time.perf_counter()
                for _ in range(puts_per_room):
                    conditional_put(puts)
                    puts += 1
                put_seconds += time.perf_counter() - started

        # The signature check alone, on the same signed bodies.
        receiver = api.WebhookReceiver(api.TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET))
        signed = [(r["body"], r["headers"]["authorization"]) for requests in prepared for r in requests]
        checks: list[float] = []
        for index in range(args.verifications):
            body, authorization = signed[index % len(signed)]
            started = time.perf_counter()
            receiver.receive(body, authorization)
            checks.append(time.perf_counter() - started)
    finally:
        server.stop()
        devnull.close()

    events_per_second = events_total / handler_seconds
    puts_per_second = puts / put_seconds
    handler_us = handler_seconds / events_total * 1e6
    put_us = put_seconds / puts * 1e6
    verify_us = statistics.median(checks) * 1e6
    own_us = (handler_seconds - handler_dynamodb_seconds) / events_total * 1e6
    rows = [
        ("bare conditional PutItem (baseline)", puts_per_second, put_us, 1.0),
        (
            "webhook handler, whole interviews",
            events_per_second,
            handler_us,
            events_per_second / puts_per_second,
        ),
    ]
    print(f"webhooks on one core ({pinned}), moto server on 127.0.0.1: {events_total} events, {puts} puts")
    print(f"{'':38} {'per s':>8} {'µs each':>9} {'throughput ratio':>17}")
    for label, rate, each, ratio in rows:
        print(f"{label:38} {rate:8.0f} {each:9.0f} {ratio:17.3f}")
    print(f"{'':38} {'':8} {'µs/event':>9} {'share of handler':>17}")
    print(f"{'  signature check (median)':38} {'':8} {verify_us:9.1f} {verify_us / handler_us:17.3f}")
    print(f"{'  outside DynamoDB calls':38} {'':8} {own_us:9.0f} {own_us / handler_us:17.3f}")
    print(f"DynamoDB requests per webhook: {handler_requests / events_total:.2f}")
    ratio = events_per_second / puts_per_second
    print(
        f"=> handler throughput {events_per_second:.0f} events/s = {ratio:.3f}x bare PutItem "
        f"({'ok' if ratio >= TARGET_RATIO else 'MISS'}, target >= {TARGET_RATIO}x); "
        f"signature check {verify_us:.0f} µs = {100 * verify_us / handler_us:.1f}% of a webhook"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
