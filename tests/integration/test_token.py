"""POST /token: a candidate token, only for the room of an existing, still-active interview."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from interview_common.lifecycle import ACTIVE_STATES, InterviewState
from livekit import api

from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, Api, FakeLiveKit, reset_process_caches
from tests.integration.stored_interviews import store_interview

ROOM = "interview-room-9"


def request_token(body: dict[str, Any], **kwargs: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    return Api("issue_token").call("POST", "/token", body=body, **kwargs)


def verified(token: str) -> tuple[Any, dict[str, Any]]:
    """The claims as LiveKit checks them (signature, issuer, expiry), and the raw payload for its times."""
    claims = api.TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET).verify(token)
    payload = jwt.decode(token, options={"verify_signature": False})
    return claims, payload


@pytest.mark.parametrize("state", sorted(ACTIVE_STATES))
def test_an_active_interview_gets_a_room_scoped_short_lived_token(
    aws: None, livekit: FakeLiveKit, state: InterviewState
) -> None:
    # Given an interview in the room that has not ended
    store_interview(ROOM, state=state)

    # When the frontend asks a token for a candidate
    status, body, _ = request_token(
        {"room": ROOM, "identity": "candidate-cand-1", "name": "Ada", "metadata": {"seat": "left"}}
    )

    # Then it gets {url, token, identity, room} and the token is valid for this room and this identity only
    assert status == 200
    assert set(body) == {"url", "token", "identity", "room"}
    assert body["identity"] == "candidate-cand-1"
    assert body["room"] == ROOM
    assert body["url"] == livekit.url
    claims, payload = verified(body["token"])
    assert claims.identity == "candidate-cand-1"
    assert claims.name == "Ada"
    assert json.loads(claims.metadata) == {"seat": "left"}
    assert claims.video is not None
    assert claims.video.room == ROOM
    assert claims.video.room_join is True
    assert not claims.video.room_admin
    assert not claims.video.room_create
    assert not claims.video.room_list
    assert not claims.video.agent
    # And it expires within CANDIDATE_TOKEN_TTL_SECONDS (2 h by default), not LiveKit's 6 h default
    assert 0 < payload["exp"] - time.time() <= 2 * 3600 + 5
    # And minting it needed no call to LiveKit
    assert livekit.requests == []


def test_the_token_lifetime_follows_the_setting(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDIDATE_TOKEN_TTL_SECONDS", "600")
    reset_process_caches()
    store_interview(ROOM)
    _, body, _ = request_token({"room": ROOM, "identity": "candidate-cand-1"})
    _, payload = verified(body["token"])
    assert 590 <= payload["exp"] - time.time() <= 605


def test_a_string_metadata_is_passed_through_verbatim(aws: None) -> None:
    store_interview(ROOM)
    _, body, _ = request_token({"room": ROOM, "identity": "candidate-cand-1", "metadata": "plain text"})
    claims, _ = verified(body["token"])
    assert claims.metadata == "plain text"


def test_a_room_not_started_yet_gets_a_token_because_the_seed_asks_before_starting(
    aws: None, table_items: Any
) -> None:
    # Given no interview in the room yet (the seed's interview page calls /token, then /start-interview)
    status, body, _ = request_token({"room": "not-started-yet", "identity": "candidate-1"})

    # Then the candidate gets a token for that room alone, and nothing is recorded
    assert status == 200
    claims, _ = verified(body["token"])
    assert claims.identity == "candidate-1"
    assert claims.video is not None and claims.video.room == "not-started-yet"
    assert table_items() == []


def test_a_failed_interview_room_still_gets_a_token_so_it_can_be_started_again(aws: None) -> None:
    store_interview(ROOM, state=InterviewState.FAILED)
    status, body, _ = request_token({"room": ROOM, "identity": "candidate-1"})
    assert status == 200
    assert body["room"] == ROOM


@pytest.mark.parametrize("state", [InterviewState.COMPLETED, InterviewState.ABANDONED])
def test_an_ended_interview_is_a_409(aws: None, state: InterviewState) -> None:
    store_interview(ROOM, state=state)
    status, body, _ = request_token({"room": ROOM, "identity": "candidate-1"})
    assert status == 409
    assert body["error"]["code"] == "conflict"
    assert state.value in body["detail"]
    assert "token" not in body


@pytest.mark.parametrize("identity", ["interview-agent-123", "interview-agent", "interview-agentx"])
def test_the_agents_identity_cannot_be_claimed(aws: None, identity: str) -> None:
    # Given an active interview, When someone asks a token under the interviewer's identity
    interview = store_interview(ROOM)
    for claimed in (identity, interview.agent_identity):
        status, body, _ = request_token({"room": ROOM, "identity": claimed})

        # Then it is refused as invalid input: nobody may impersonate the interviewer
        assert status == 422
        assert body["error"]["details"][0]["field"] == "body.identity"
        assert "reserved" in body["detail"]
        assert "token" not in body


def test_a_token_requires_the_bearer(aws: None) -> None:
    store_interview(ROOM)
    status, body, _ = request_token({"room": ROOM, "identity": "candidate-1"}, auth=False)
    assert status == 401
    assert "token" not in body


def test_oversized_metadata_is_a_422(aws: None) -> None:
    store_interview(ROOM)
    status, body, _ = request_token({"room": ROOM, "identity": "candidate-1", "metadata": "m" * 5000})
    assert status == 422
    assert [d["field"] for d in body["error"]["details"]] == ["body.metadata"]
