"""POST /api/candidate-joined and GET /health, as the seed's test page and server routes call them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from interview_common.lifecycle import InterviewState

from tests.conftest import Api
from tests.integration.stored_interviews import read_interview, store_interview

ROOM = "test-room"
# The seed's test-backend-connection page and test-backend-endpoints.py send exactly this.
SEED_NOTICE = {
    "sessionId": "test-session",
    "roomId": ROOM,
    "candidateName": "Test Candidate",
    "candidateEmail": "test@example.com",
}


@pytest.fixture
def joined_api() -> Api:
    return Api("candidate_joined")


def test_a_notice_for_a_room_with_no_interview_is_acknowledged_as_not_found(
    aws: None, joined_api: Api, table_items: Any
) -> None:
    status, body, _ = joined_api.call("POST", "/api/candidate-joined", body=SEED_NOTICE)

    assert status == 200
    assert body["success"] is True and body["acknowledged"] is True
    assert body["roomName"] == ROOM
    assert body["interviewStatus"] == "not_found"
    assert body["state"] is None
    # Nothing is written: no presence, no name, no email
    assert table_items() == []


@pytest.mark.parametrize(
    ("state", "public"),
    [
        (InterviewState.WAITING_FOR_CANDIDATE, "active"),
        (InterviewState.IN_PROGRESS, "active"),
        (InterviewState.COMPLETED, "completed"),
        (InterviewState.FAILED, "failed"),
    ],
)
def test_a_notice_answers_the_rooms_coarse_status_and_writes_no_presence(
    aws: None, joined_api: Api, table_items: Any, state: InterviewState, public: str
) -> None:
    # Given an interview in the room, with no one in it as far as LiveKit's webhooks know
    interview = store_interview(ROOM, candidate_id="test@example.com", state=state)
    before = table_items()

    # When the seed says the candidate joined
    status, body, _ = joined_api.call("POST", "/api/candidate-joined", body=SEED_NOTICE)

    # Then it is acknowledged with the interview's status, and nothing changed: webhooks own presence
    assert status == 200
    assert body["interviewStatus"] == public
    assert body["state"] == state.value
    assert body["interviewId"] == interview.interview_id
    assert table_items() == before
    current = read_interview(ROOM)
    assert current is not None and current.candidate_connected is False


def test_roomName_is_read_as_well_as_roomId(aws: None, joined_api: Api) -> None:
    store_interview(ROOM, state=InterviewState.IN_PROGRESS)

    status, body, _ = joined_api.call("POST", "/api/candidate-joined", body={"roomName": ROOM})

    assert status == 200
    assert body["interviewStatus"] == "active"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"sessionId": "s", "candidateName": "x"}, id="no-room"),
        pytest.param({"roomId": "a/b"}, id="bad-room"),
        pytest.param({"roomId": 7}, id="room-as-number"),
    ],
)
def test_a_notice_without_a_valid_room_is_a_422(aws: None, joined_api: Api, body: dict[str, Any]) -> None:
    status, answer, _ = joined_api.call("POST", "/api/candidate-joined", body=body)

    assert status == 422
    assert answer["error"]["code"] == "validation_error"
    assert "roomName" in answer["detail"] or "roomId" in answer["detail"]


def test_a_notice_needs_the_bearer(aws: None, joined_api: Api) -> None:
    status, body, _ = joined_api.call("POST", "/api/candidate-joined", body=SEED_NOTICE, auth=False)

    assert status == 401
    assert body["error"]["code"] == "unauthorized"


# ------------------------------------------------------------------------------------------- health


@pytest.fixture
def empty_aws() -> Iterator[None]:
    """moto with nothing in it: no table, no secret (and no request can leave the machine)."""
    from moto import mock_aws

    with mock_aws():
        yield


def test_health_answers_200_without_a_key_and_says_nothing_else(empty_aws: None) -> None:
    # Given an account with no table and no secret: health must need neither
    status, body, headers = Api("health").call("GET", "/health", auth=False)

    assert status == 200
    assert body == {"status": "ok", "service": "live-interview"}
    assert headers["Content-Type"] == "application/json"


def test_health_ignores_a_wrong_key_rather_than_checking_it(
    empty_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the backend key could not even be read (Secrets Manager unreachable)
    monkeypatch.delenv("BACKEND_API_KEY")
    monkeypatch.setenv("BACKEND_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:x")

    status, body, _ = Api("health").call("GET", "/health", headers={"authorization": "Bearer wrong"})

    assert status == 200
    assert body["status"] == "ok"


def test_health_answers_the_seeds_browser_check_with_cors(empty_aws: None) -> None:
    status, _, headers = Api("health").call(
        "GET", "/health", auth=False, headers={"origin": "http://localhost:3000"}
    )

    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_health_serves_only_get_health(empty_aws: None) -> None:
    status, body, _ = Api("health").call("POST", "/health", auth=False, body={})

    assert status == 404
    assert body["error"]["code"] == "route_not_found"
