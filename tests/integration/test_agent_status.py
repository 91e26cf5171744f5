"""GET /agent-status: what the frontend polls every 3 s, answered from DynamoDB alone."""

from __future__ import annotations

import time
from typing import Any

import pytest
from interview_common.clock import iso_from_epoch
from interview_common.lifecycle import InterviewState

from tests.conftest import Api, FakeLiveKit, reset_process_caches
from tests.integration.stored_interviews import store_interview, store_participant

ROOM = "interview-room-7"
PARTICIPANT_FIELDS = {"identity", "name", "kind", "isAgent", "isCandidate", "state", "joinedAt"}
INTERVIEW_FIELDS = {
    "endReason",
    "state",
    "phase",
    "questionIndex",
    "questionCount",
    "startedAt",
    "updatedAt",
    "lastHeartbeatAt",
    "error",
    "heartbeatStale",
}


def by_query(room: str, **kwargs: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    return Api("agent_status").call("GET", "/agent-status", query={"room": room}, **kwargs)


def by_path(room: str, **kwargs: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    return Api("agent_status").call(
        "GET",
        f"/agent-status/{room}",
        path_parameters={"roomName": room},
        route_key="GET /agent-status/{roomName}",
        **kwargs,
    )


@pytest.fixture
def interview_in_progress(aws: None) -> dict[str, Any]:
    """An interview mid-way: agent and candidate joined (as the webhooks record them), question 2 of 5."""
    interview = store_interview(
        ROOM,
        candidate_id="cand-7",
        job_id="job-3",
        state=InterviewState.IN_PROGRESS,
        candidate_name="Grace Hopper",
        metadata={"source": "ats", "round": 2},
        phase="asking",
        current_question="Tell me about a system you simplified.",
        question_index=2,
        question_count=5,
        is_agent_speaking=True,
        is_listening=False,
        started_at=iso_from_epoch(time.time() - 120),
        last_heartbeat_at=iso_from_epoch(time.time() - 2),
    )
    agent = store_participant(ROOM, interview.agent_identity, kind="agent", name="AI Interviewer")
    candidate = store_participant(ROOM, "candidate-cand-7", kind="candidate", name="Grace Hopper")
    return {"interview": interview, "agent": agent, "candidate": candidate}


@pytest.mark.parametrize("ask", [by_query, by_path], ids=["query", "path"])
def test_a_known_room_answers_the_seed_shape(interview_in_progress: dict[str, Any], ask: Any) -> None:
    interview = interview_in_progress["interview"]

    # When the frontend polls the room's status (either form of the route)
    status, body, headers = ask(ROOM)

    # Then it gets every field its components read, with the room's true state
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body["status"] == "success"
    assert body["roomName"] == ROOM
    assert body["agentConnected"] is True
    assert body["candidateConnected"] is True
    assert body["participantCount"] == 2
    assert sorted(body["participants"], key=lambda p: p["kind"]) == [
        {
            "identity": interview.agent_identity,
            "name": "AI Interviewer",
            "kind": "agent",
            "isAgent": True,
            "isCandidate": False,
            "state": "joined",
            "joinedAt": interview_in_progress["agent"].joined_at,
        },
        {
            "identity": "candidate-cand-7",
            "name": "Grace Hopper",
            "kind": "candidate",
            "isAgent": False,
            "isCandidate": True,
            "state": "joined",
            "joinedAt": interview_in_progress["candidate"].joined_at,
        },
    ]
    assert body["roomMetadata"] == {
        "candidateId": "cand-7",
        "jobId": "job-3",
        "interviewId": interview.interview_id,
        "candidateName": "Grace Hopper",
        "source": "ats",
        "round": 2,
    }
    assert body["currentQuestion"] == "Tell me about a system you simplified."
    assert body["interviewProgress"] == 40
    assert body["isAgentSpeaking"] is True
    assert body["isListening"] is False
    assert set(body["interview"]) == INTERVIEW_FIELDS
    assert body["interview"]["state"] == "in_progress"
    assert body["interview"]["phase"] == "asking"
    assert body["interview"]["questionIndex"] == 2
    assert body["interview"]["questionCount"] == 5
    assert body["interview"]["startedAt"] == interview.started_at
    assert body["interview"]["lastHeartbeatAt"] == interview.last_heartbeat_at
    assert body["interview"]["heartbeatStale"] is False
    assert body["interview"]["error"] is None


def test_both_forms_of_the_route_answer_the_same(interview_in_progress: dict[str, Any]) -> None:
    assert by_query(ROOM)[:2] == by_path(ROOM)[:2]


@pytest.mark.parametrize("ask", [by_query, by_path], ids=["query", "path"])
def test_an_unknown_room_is_a_404_that_names_the_room(aws: None, ask: Any) -> None:
    status, body, _ = ask("no-such-room")
    assert status == 404
    assert body["status"] == "error"
    assert body["success"] is False
    assert body["error"]["code"] == "not_found"
    assert body["detail"] == "no interview is known for room no-such-room"


def test_status_never_calls_livekit(interview_in_progress: dict[str, Any], livekit: FakeLiveKit) -> None:
    # Given a LiveKit server that records every request it gets
    # When the frontend polls, as it does every 3 s
    for _ in range(3):
        assert by_query(ROOM)[0] == 200
    assert by_query("unknown-room")[0] == 404

    # Then LiveKit was never asked: the answer came from the table alone
    assert livekit.requests == []


def test_participants_written_by_webhooks_appear_and_those_who_left_do_not(aws: None) -> None:
    # Given an interview waiting for its candidate, and participant items as the webhook handler writes them
    interview = store_interview(ROOM, candidate_id="cand-7")
    store_participant(ROOM, interview.agent_identity, kind="agent", name="AI Interviewer")
    store_participant(ROOM, "observer-1", kind="other", name="Hiring manager")
    store_participant(ROOM, "candidate-cand-7", kind="candidate", name="Grace", state="left")

    # When the status is read
    status, body, _ = by_query(ROOM)

    # Then those present are listed and counted, the one who left is not
    assert status == 200
    assert body["participantCount"] == 2
    assert sorted((p["identity"], p["kind"]) for p in body["participants"]) == [
        (interview.agent_identity, "agent"),
        ("observer-1", "other"),
    ]
    assert body["agentConnected"] is True
    assert body["candidateConnected"] is False
    observer = next(p for p in body["participants"] if p["kind"] == "other")
    assert observer["isAgent"] is False
    assert observer["isCandidate"] is False


def test_participants_of_another_room_do_not_leak_in(aws: None) -> None:
    store_interview(ROOM)
    store_interview(ROOM + "-b")
    store_participant(ROOM + "-b", "candidate-other", kind="candidate")
    store_participant(ROOM + "0", "candidate-zero", kind="candidate")  # sorts right after ROOM's partition
    _, body, _ = by_query(ROOM)
    assert body["participants"] == []
    assert body["participantCount"] == 0


def test_a_fresh_interview_has_no_one_connected_and_zero_progress(aws: None) -> None:
    store_interview(ROOM, state=InterviewState.LAUNCHING)
    _, body, _ = by_query(ROOM)
    assert body["agentConnected"] is False
    assert body["candidateConnected"] is False
    assert body["participants"] == []
    assert body["currentQuestion"] is None
    assert body["interviewProgress"] == 0
    assert body["isAgentSpeaking"] is False
    assert body["isListening"] is False
    assert body["interview"]["state"] == "launching"
    assert body["interview"]["heartbeatStale"] is False


@pytest.mark.parametrize(
    ("state", "index", "count", "progress"),
    [
        (InterviewState.IN_PROGRESS, 0, 5, 0),
        (InterviewState.IN_PROGRESS, 1, 3, 33),
        (InterviewState.IN_PROGRESS, 5, 5, 99),  # all asked, report not yet written: not done
        (InterviewState.IN_PROGRESS, 9, 5, 99),
        (InterviewState.IN_PROGRESS, 2, 0, 0),
        (InterviewState.COMPLETED, 5, 5, 100),
        (InterviewState.COMPLETED, 0, 0, 100),
        (InterviewState.ABANDONED, 1, 4, 25),
    ],
)
def test_progress_is_a_percentage_from_0_to_100(
    aws: None, state: InterviewState, index: int, count: int, progress: int
) -> None:
    # Given an interview the candidate joined, at that point
    store_interview(
        ROOM, state=state, question_index=index, question_count=count, started_at="2026-01-01T09:00:00.000Z"
    )
    _, body, _ = by_query(ROOM)
    assert body["interviewProgress"] == progress


@pytest.mark.parametrize("state", [InterviewState.COMPLETED, InterviewState.ABANDONED])
def test_an_interview_the_candidate_never_joined_reads_as_a_no_show_at_0_percent(
    aws: None, state: InterviewState
) -> None:
    # Given an interview of 5 questions that ended before the candidate ever joined (an older agent
    # recorded such interviews as completed)
    store_interview(ROOM, state=state, question_index=0, question_count=5)

    # When the frontend polls
    _, body, _ = by_query(ROOM)

    # Then it is 0 %, with the reason, never a completed 100 % of 0 questions
    assert body["interviewProgress"] == 0
    assert body["interview"]["endReason"] == "no_show"


def test_speaking_and_listening_are_only_reported_while_in_progress(aws: None) -> None:
    # Given an interview that ended while the agent was marked speaking
    store_interview(ROOM, state=InterviewState.COMPLETED, is_agent_speaking=True, is_listening=True)
    _, body, _ = by_query(ROOM)
    assert body["isAgentSpeaking"] is False
    assert body["isListening"] is False


@pytest.mark.parametrize(
    ("state", "heartbeat_age", "stale"),
    [
        (InterviewState.IN_PROGRESS, 5, False),
        (InterviewState.IN_PROGRESS, 31, True),
        (InterviewState.IN_PROGRESS, 600, True),
        (InterviewState.WAITING_FOR_CANDIDATE, 120, True),
        (InterviewState.COMPLETED, 600, False),  # a finished interview has no heartbeat to miss
        (InterviewState.LAUNCHING, 600, False),
        (InterviewState.IN_PROGRESS, None, False),
    ],
)
def test_a_stale_heartbeat_is_flagged(
    aws: None, state: InterviewState, heartbeat_age: int | None, stale: bool
) -> None:
    # Given the agent last beat `heartbeat_age` seconds ago (HEARTBEAT_STALE_SECONDS is 30 by default)
    heartbeat = None if heartbeat_age is None else iso_from_epoch(time.time() - heartbeat_age)
    store_interview(ROOM, state=state, last_heartbeat_at=heartbeat)

    # When the status is read, Then a missing beat is shown as such, with the time of the last one
    _, body, _ = by_query(ROOM)
    assert body["interview"]["heartbeatStale"] is stale
    assert body["interview"]["lastHeartbeatAt"] == heartbeat


def test_a_failed_interview_reports_its_error(aws: None) -> None:
    store_interview(ROOM, state=InterviewState.FAILED, error="the agent could not be started: no capacity")
    _, body, _ = by_query(ROOM)
    assert body["interview"]["state"] == "failed"
    assert body["interview"]["error"] == "the agent could not be started: no capacity"


def test_status_requires_the_bearer_by_default(interview_in_progress: dict[str, Any]) -> None:
    status, body, _ = by_query(ROOM, auth=False)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"


@pytest.fixture
def anonymous_status_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOW_ANONYMOUS_STATUS", "true")
    reset_process_caches()


@pytest.mark.parametrize("ask", [by_query, by_path], ids=["query", "path"])
def test_anonymous_status_hides_names_and_metadata(
    interview_in_progress: dict[str, Any], anonymous_status_allowed: None, ask: Any
) -> None:
    interview = interview_in_progress["interview"]

    # Given the deployment lets browsers poll without the key, When a browser polls without it
    status, body, _ = ask(ROOM, auth=False)

    # Then it sees the progress it needs, but no names, identities or metadata
    assert status == 200
    assert body["agentConnected"] is True
    assert body["candidateConnected"] is True
    assert body["participantCount"] == 2
    assert body["interviewProgress"] == 40
    assert body["roomMetadata"] == {"interviewId": interview.interview_id}
    for participant in body["participants"]:
        assert participant["name"] is None
        assert participant["identity"] == participant["kind"]
    text = repr(body)
    for personal in ("Grace Hopper", "cand-7", "job-3", "ats", "candidate-cand-7"):
        assert personal not in text


def test_anonymous_mode_still_shows_everything_to_the_backend(
    interview_in_progress: dict[str, Any], anonymous_status_allowed: None
) -> None:
    _, body, _ = by_query(ROOM)
    assert body["roomMetadata"]["candidateName"] == "Grace Hopper"
    assert {p["name"] for p in body["participants"]} == {"AI Interviewer", "Grace Hopper"}


def test_anonymous_mode_refuses_a_wrong_key(
    interview_in_progress: dict[str, Any], anonymous_status_allowed: None
) -> None:
    # A caller that presents a key must present the right one: a wrong key is not silently anonymous
    status, body, _ = by_query(ROOM, auth=False, headers={"authorization": "Bearer wrong"})
    assert status == 401
    assert body["error"]["code"] == "unauthorized"


def test_status_follows_a_start_interview_through_the_real_routes(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit
) -> None:
    # Given an interview started through POST /start-interview
    status, started, _ = Api("start_interview").call(
        "POST", "/start-interview", body={"roomName": ROOM, "candidateId": "cand-7", "jobId": "job-3"}
    )
    assert status == 202
    requests_after_start = len(livekit.requests)

    # When its statusUrl is polled
    path, _, room = started["statusUrl"].partition("?room=")
    status, body, _ = Api("agent_status").call("GET", path, query={"room": room})

    # Then it shows the launching interview, nobody connected yet, and LiveKit was not asked again
    assert status == 200
    assert body["roomName"] == ROOM
    assert body["interview"]["state"] == "launching"
    assert body["roomMetadata"]["interviewId"] == started["interviewId"]
    assert body["agentConnected"] is False
    assert len(livekit.requests) == requests_after_start


def test_a_finished_interview_shows_no_current_question(aws: None) -> None:
    # Given an interview that completed while its last question was on screen
    store_interview(
        "finished-room",
        state=InterviewState.COMPLETED,
        current_question="Last question?",
        started_at="2026-01-01T09:00:00.000Z",
    )

    # When the frontend polls
    status, body, _ = Api("agent_status").call("GET", "/agent-status", query={"room": "finished-room"})

    # Then nothing is shown as being asked, and progress is full
    assert status == 200
    assert body["currentQuestion"] is None
    assert body["interviewProgress"] == 100
