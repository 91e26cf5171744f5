"""LiveKit helpers that need no server: the server API URL and room-scoped tokens."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from interview_common.credentials import LiveKitKeyPair
from interview_common.livekit_rooms import http_url, participant_token
from livekit import api

KEYS = LiveKitKeyPair("devkey", "secret-that-is-long-enough-for-hs256-0123")


@pytest.mark.parametrize(
    ("livekit_url", "expected"),
    [
        ("wss://project.livekit.cloud", "https://project.livekit.cloud"),
        ("ws://127.0.0.1:7880", "http://127.0.0.1:7880"),
        ("wss://host:443/path", "https://host:443/path"),
        ("https://project.livekit.cloud", "https://project.livekit.cloud"),
        ("http://localhost:7880", "http://localhost:7880"),
    ],
)
def test_the_server_api_speaks_http_on_the_clients_host(livekit_url: str, expected: str) -> None:
    assert http_url(livekit_url) == expected


def test_only_the_scheme_prefix_is_rewritten() -> None:
    assert http_url("wss://ws.example/wss://") == "https://ws.example/wss://"


def claims_of(token: str) -> tuple[Any, dict[str, Any]]:
    claims = api.TokenVerifier(KEYS.api_key, KEYS.api_secret).verify(token)
    return claims, jwt.decode(token, options={"verify_signature": False})


def test_a_candidate_token_joins_one_room_for_a_short_time() -> None:
    token = participant_token(
        KEYS,
        room_name="room-1",
        identity="candidate-1",
        name="Ada",
        metadata='{"a":1}',
        ttl=timedelta(minutes=10),
    )
    claims, payload = claims_of(token)
    assert claims.identity == "candidate-1"
    assert claims.name == "Ada"
    assert claims.metadata == '{"a":1}'
    assert claims.video.room == "room-1"
    assert claims.video.room_join is True
    assert claims.video.can_publish_data is True
    assert not claims.video.room_admin
    assert not claims.video.agent
    assert claims.kind != "agent"
    assert 590 <= payload["exp"] - time.time() <= 605


def test_an_agent_token_is_marked_as_an_agent() -> None:
    token = participant_token(
        KEYS, room_name="room-1", identity="interview-agent-1", ttl=timedelta(hours=1), is_agent=True
    )
    claims, _ = claims_of(token)
    assert claims.video.agent is True
    assert claims.kind == "agent"


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = participant_token(KEYS, room_name="room-1", identity="c", ttl=timedelta(minutes=1))
    with pytest.raises(jwt.InvalidSignatureError):
        api.TokenVerifier(KEYS.api_key, "another-secret-that-is-long-enough-0123").verify(token)


def test_the_key_pair_repr_hides_the_secret() -> None:
    assert KEYS.api_secret not in repr(KEYS)
    assert "devkey" in repr(KEYS)
