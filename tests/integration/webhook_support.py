"""Delivering LiveKit webhooks to the real handler, signed the way LiveKit signs them."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from interview_common.observability import logger
from livekit.protocol.webhook import WebhookEvent

from local.livekit_sim.webhooks import WEBHOOK_CONTENT_TYPE, encode_event, sign_body
from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, Api

WEBHOOK_PATH = "/livekit/webhook"


def signed(
    event: WebhookEvent,
    *,
    key: str = TEST_LIVEKIT_KEY,
    secret: str = TEST_LIVEKIT_SECRET,
    ttl: timedelta = timedelta(minutes=5),
) -> tuple[str, dict[str, str]]:
    body = encode_event(event)
    return body, {"content-type": WEBHOOK_CONTENT_TYPE, "authorization": sign_body(body, key, secret, ttl)}


class WebhookClient:
    """POSTs to functions/livekit_webhook as API Gateway would; no bearer key (LiveKit has none)."""

    def __init__(self) -> None:
        self.api = Api("livekit_webhook")

    def post(self, body: str | bytes | None, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        status, answer, _ = self.api.call("POST", WEBHOOK_PATH, raw_body=body, headers=headers, auth=False)
        return status, answer

    def deliver(self, event: WebhookEvent, *, as_base64: bool = False) -> tuple[int, dict[str, Any]]:
        body, headers = signed(event)
        return self.post(body.encode() if as_base64 else body, headers)


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Everything the Powertools logger writes (JSON lines) while the block runs."""
    handler = logger.registered_handler
    assert hasattr(handler, "setStream")
    sink = io.StringIO()
    previous = handler.setStream(sink)
    try:
        yield sink
    finally:
        handler.setStream(previous)


def log_lines(sink: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in sink.getvalue().splitlines() if line.strip()]
