"""POST /end-interview with candidateId alone (the seed's end-interview route may send no roomName):
the candidate's latest active interview is found through GSI1 and ended as with its roomName."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from interview_common.clock import now_iso
from interview_common.lifecycle import InterviewState

from tests.conftest import Api, FakeLiveKit
from tests.integration.stored_interviews import read_interview, store_interview

CANDIDATE = "test@example.com"


@pytest.fixture
def end_api() -> Api:
    return Api("end_interview")


def iso_ago(seconds: float) -> str:
    moment = datetime.now(UTC) - timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_candidate_id_alone_reaches_the_live_agent_of_the_candidates_interview(
    aws: None, livekit: FakeLiveKit, end_api: Api
) -> None:
    # Given the candidate's interview in progress, its agent alive, in a room the caller does not name
    interview = store_interview(
        "room-a", candidate_id=CANDIDATE, state=InterviewState.IN_PROGRESS, last_heartbeat_at=now_iso()
    )
    livekit.sim.create_room("room-a")
    livekit.sim.join("room-a", interview.agent_identity, agent=True)

    # When the seed's end-interview route posts only the candidate
    status, body, _ = end_api.call("POST", "/end-interview", body={"candidateId": CANDIDATE})

    # Then the agent of that room is asked to close, and the answer names the room (the seed reads it)
    assert status == 202
    assert body["roomName"] == "room-a"
    assert body["interviewId"] == interview.interview_id
    assert body["endedBy"] == "agent" and body["delivered"] is True
    (send,) = livekit.calls("SendData")
    assert send.room == "room-a"
    assert list(send.destination_identities) == [interview.agent_identity]
    stored = read_interview("room-a")
    assert stored is not None and stored.end_requested_at == body["endRequestedAt"]


@pytest.mark.parametrize(
    "room_field", [{}, {"roomName": None}, {"roomName": ""}], ids=["absent", "null", "empty"]
)
def test_without_a_live_agent_the_backend_ends_the_candidates_interview(
    aws: None, livekit: FakeLiveKit, end_api: Api, room_field: dict[str, Any]
) -> None:
    # Given the candidate's interview whose agent stopped sending heartbeats long ago
    store_interview(
        "room-b", candidate_id=CANDIDATE, state=InterviewState.IN_PROGRESS, last_heartbeat_at=iso_ago(600)
    )

    status, body, _ = end_api.call("POST", "/end-interview", body={"candidateId": CANDIDATE, **room_field})

    assert status == 200
    assert body["roomName"] == "room-b"
    assert body["state"] == "completed" and body["endedBy"] == "backend"
    stored = read_interview("room-b")
    assert stored is not None and stored.state == InterviewState.COMPLETED


def test_the_latest_active_interview_is_chosen_over_newer_finished_ones(
    aws: None, livekit: FakeLiveKit, end_api: Api
) -> None:
    # Given an older interview still running and a newer one, in another room, that failed to launch
    store_interview(
        "room-old",
        candidate_id=CANDIDATE,
        state=InterviewState.WAITING_FOR_CANDIDATE,
        created_at="2026-01-01T09:00:00.000Z",
    )
    store_interview(
        "room-new", candidate_id=CANDIDATE, state=InterviewState.FAILED, created_at="2026-01-01T10:00:00.000Z"
    )
    # And another candidate's active interview, newer still
    store_interview(
        "room-other",
        candidate_id="someone-else",
        state=InterviewState.IN_PROGRESS,
        created_at="2026-01-01T11:00:00.000Z",
    )

    status, body, _ = end_api.call("POST", "/end-interview", body={"candidateId": CANDIDATE})

    assert status == 200
    assert body["roomName"] == "room-old"
    other = read_interview("room-other")
    assert other is not None and other.state == InterviewState.IN_PROGRESS
    assert other.end_requested_at is None


def test_a_candidate_whose_interviews_all_ended_is_answered_200_with_the_latest_state_changing_nothing(
    aws: None, end_api: Api, table_items: Any
) -> None:
    # Given the candidate's only interview, which completed
    store_interview(
        "room-done",
        candidate_id=CANDIDATE,
        state=InterviewState.COMPLETED,
        started_at="2026-01-01T09:00:00.000Z",
        end_reason="completed",
    )
    before = table_items()

    # When the seed's end-interview route posts the candidate again
    status, body, _ = end_api.call("POST", "/end-interview", body={"candidateId": CANDIDATE})

    # Then it is what the caller wanted: 200 with that interview's state, and nothing is written
    assert status == 200
    assert body["roomName"] == "room-done"
    assert body["state"] == "completed"
    assert body["alreadyEnded"] is True and body["endReason"] == "completed"
    assert table_items() == before


def test_an_unknown_candidate_is_a_404(aws: None, end_api: Api) -> None:
    status, body, _ = end_api.call("POST", "/end-interview", body={"candidateId": "nobody"})

    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_a_room_and_a_candidate_that_do_not_match_are_still_a_409(aws: None, end_api: Api) -> None:
    store_interview("room-c", candidate_id="someone-else", state=InterviewState.IN_PROGRESS)

    status, body, _ = end_api.call(
        "POST", "/end-interview", body={"roomName": "room-c", "candidateId": CANDIDATE}
    )

    assert status == 409
    assert "another candidate" in body["detail"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="empty"),
        pytest.param({"roomName": None, "candidateId": None}, id="nulls"),
        pytest.param({"reason": "done"}, id="reason-only"),
    ],
)
def test_a_request_naming_no_interview_is_a_422(aws: None, end_api: Api, body: dict[str, Any]) -> None:
    status, answer, _ = end_api.call("POST", "/end-interview", body=body)

    assert status == 422
    assert "roomName" in answer["detail"] and "candidateId" in answer["detail"]
