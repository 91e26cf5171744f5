"""GET /interview-status/{candidateId}: the candidate's latest interview, through GSI1."""

from __future__ import annotations

from typing import Any

import pytest
from interview_common.lifecycle import InterviewState

from tests.conftest import Api, reset_process_caches
from tests.integration.stored_interviews import store_interview

FIELDS = {"status", "roomName", "agentConnected", "currentQuestion", "interviewProgress"}


def ask(candidate_id: str, **kwargs: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    return Api("interview_status").call(
        "GET",
        f"/interview-status/{candidate_id}",
        path_parameters={"candidateId": candidate_id},
        route_key="GET /interview-status/{candidateId}",
        **kwargs,
    )


def test_an_unknown_candidate_is_not_found_in_the_body(aws: None) -> None:
    # When a candidate with no interview is asked about
    status, body, _ = ask("cand-nobody")

    # Then the answer is a plain status the frontend can switch on
    assert status == 200
    assert body["status"] == "not_found"
    assert body["roomName"] is None
    assert body["agentConnected"] is False
    assert body["interviewProgress"] == 0


def test_an_active_interview_is_reported_with_its_progress(aws: None) -> None:
    # Given a candidate mid-interview, agent connected, question 3 of 4
    store_interview(
        "room-a",
        candidate_id="cand-1",
        state=InterviewState.IN_PROGRESS,
        agent_connected=True,
        current_question="How do you test concurrency?",
        question_index=3,
        question_count=4,
    )

    # When their status is asked
    status, body, _ = ask("cand-1")

    # Then it is active, in that room, with the question being asked
    assert status == 200
    assert set(body) >= FIELDS
    assert body["status"] == "active"
    assert body["roomName"] == "room-a"
    assert body["agentConnected"] is True
    assert body["currentQuestion"] == "How do you test concurrency?"
    assert body["interviewProgress"] == 75
    assert body["state"] == "in_progress"


@pytest.mark.parametrize(
    ("state", "public"),
    [
        (InterviewState.REQUESTED, "active"),
        (InterviewState.LAUNCHING, "active"),
        (InterviewState.WAITING_FOR_CANDIDATE, "active"),
        (InterviewState.IN_PROGRESS, "active"),
        (InterviewState.COMPLETED, "completed"),
        (InterviewState.ABANDONED, "abandoned"),
        (InterviewState.FAILED, "failed"),
    ],
)
def test_every_state_maps_to_one_public_status(aws: None, state: InterviewState, public: str) -> None:
    store_interview("room-a", candidate_id="cand-1", state=state)
    _, body, _ = ask("cand-1")
    assert body["status"] == public
    assert body["state"] == state.value


def test_the_latest_interview_wins(aws: None) -> None:
    # Given a candidate whose first interview failed and whose second completed later
    store_interview(
        "room-first",
        candidate_id="cand-1",
        state=InterviewState.FAILED,
        created_at="2026-01-01T10:00:00.000Z",
    )
    store_interview(
        "room-second",
        candidate_id="cand-1",
        state=InterviewState.COMPLETED,
        created_at="2026-01-02T10:00:00.000Z",
        started_at="2026-01-02T10:01:00.000Z",
    )
    # And another candidate's newer interview
    store_interview("room-other", candidate_id="cand-2", created_at="2026-01-03T10:00:00.000Z")

    # When the first candidate's status is asked
    _, body, _ = ask("cand-1")

    # Then it is their latest interview, not an older one and not someone else's
    assert body["roomName"] == "room-second"
    assert body["status"] == "completed"
    assert body["interviewProgress"] == 100


def test_interview_status_requires_the_bearer(aws: None) -> None:
    store_interview("room-a", candidate_id="cand-1")
    status, body, _ = ask("cand-1", auth=False)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"


def test_anonymous_mode_answers_without_the_bearer(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOW_ANONYMOUS_STATUS", "true")
    reset_process_caches()
    store_interview("room-a", candidate_id="cand-1", state=InterviewState.IN_PROGRESS)
    status, body, _ = ask("cand-1", auth=False)
    assert status == 200
    assert body["status"] == "active"


@pytest.mark.parametrize("candidate_id", ["..", "a b", "x" * 255, "a%00b", "a%0Ab", "tab%09", "a%2Fb"])
def test_a_hostile_candidate_id_is_a_422(aws: None, candidate_id: str) -> None:
    status, body, _ = ask(candidate_id)
    assert status == 422
    assert body["error"]["code"] == "validation_error"
    assert [d["field"] for d in body["error"]["details"]] == ["path.candidateId"]
