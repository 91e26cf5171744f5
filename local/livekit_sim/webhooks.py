"""Webhook delivery exactly as LiveKit does it: protobuf JSON body, JWT whose sha256 claim covers it."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from google.protobuf.json_format import MessageToJson
from livekit import api
from livekit.protocol.webhook import WebhookEvent

WEBHOOK_CONTENT_TYPE = "application/webhook+json"
WEBHOOK_TOKEN_TTL = timedelta(minutes=5)


def encode_event(event: WebhookEvent) -> str:
    # LiveKit marshals with protojson: camelCase, int64 as strings, enums as names, defaults omitted.
    return MessageToJson(event, indent=None)


def sign_body(body: str, api_key: str, api_secret: str, ttl: timedelta = WEBHOOK_TOKEN_TTL) -> str:
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    return api.AccessToken(api_key, api_secret).with_ttl(ttl).with_sha256(digest).to_jwt()


def signed_request(event: WebhookEvent, api_key: str, api_secret: str) -> tuple[str, dict[str, str]]:
    """The body and headers LiveKit would POST for this event (Authorization holds the bare JWT)."""
    body = encode_event(event)
    return body, {"Content-Type": WEBHOOK_CONTENT_TYPE, "Authorization": sign_body(body, api_key, api_secret)}
