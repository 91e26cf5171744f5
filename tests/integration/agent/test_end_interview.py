"""POST /end-interview through the real handler: moto's DynamoDB and ECS, the Twirp LiveKit fake."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from interview_common.clock import now_iso
from interview_common.lifecycle import InterviewState
from interview_common.store import InterviewStore
from interviewer.conductor import Phrases

from tests.conftest import TABLE_NAME, Api, FakeLiveKit, reset_process_caches
from tests.integration.agent.conftest import AGENT_IDENTITY, INTERVIEW_ID, ROOM, HarnessFactory, question
from tests.integration.stored_interviews import store_interview


@pytest.fixture
def end_api() -> Api:
    return Api("end_interview")


def ago(seconds: float) -> str:
    return (
        (datetime.now(UTC) - timedelta(seconds=seconds))
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def agent_in_room(livekit: FakeLiveKit) -> list[dict[str, Any]]:
    """The agent connected to the (simulated) room; returns what it receives."""
    received: list[dict[str, Any]] = []
    livekit.sim.create_room(ROOM)
    livekit.sim.join(ROOM, AGENT_IDENTITY, agent=True)
    livekit.sim.join(ROOM, "candidate-cand-1")
    livekit.sim.subscribe(ROOM, AGENT_IDENTITY, received.append)
    return received


def interview(state: InterviewState = InterviewState.IN_PROGRESS, **fields: Any) -> None:
    store_interview(ROOM, interview_id=INTERVIEW_ID, state=state, **fields)


def meta() -> Any:
    return InterviewStore(TABLE_NAME, boto3.client("dynamodb")).get_interview(ROOM)


def test_a_live_agent_is_told_at_once_and_the_request_is_recorded(
    aws: None, livekit: FakeLiveKit, end_api: Api
) -> None:
    # Given an interview in progress whose agent sent a heartbeat a second ago
    interview(last_heartbeat_at=ago(1))
    received = agent_in_room(livekit)

    # When the frontend asks to end it
    status, body, _ = end_api.call("POST", "/end-interview", body={"roomName": ROOM, "candidateId": "cand-1"})

    # Then it answers 202: the agent closes the interview, and the request reached the agent's identity
    assert status == 202
    assert body["status"] == "success"
    assert body["success"] is True
    assert body["endedBy"] == "agent"
    assert body["delivered"] is True
    assert body["state"] == "in_progress"
    assert body["interviewId"] == INTERVIEW_ID
    assert received == [
        {
            "topic": "interview.control",
            "sender": None,
            "payload": {"type": "end_interview", "requestedAt": body["endRequestedAt"]},
        }
    ]
    (send,) = livekit.calls("SendData")
    assert list(send.destination_identities) == [AGENT_IDENTITY]
    # And META holds the request for the agent's heartbeat to read if the message were lost
    assert meta().end_requested_at == body["endRequestedAt"]
    assert meta().state == InterviewState.IN_PROGRESS


def test_a_repeated_request_is_answered_the_same_way(aws: None, livekit: FakeLiveKit, end_api: Api) -> None:
    interview(last_heartbeat_at=ago(1))
    agent_in_room(livekit)
    _, first, _ = end_api.call("POST", "/end-interview", body={"roomName": ROOM})

    status, second, _ = end_api.call("POST", "/end-interview", body={"roomName": ROOM})

    assert status == 202
    assert second["endRequestedAt"] == first["endRequestedAt"]
    assert meta().end_requested_at == first["endRequestedAt"]


def test_when_livekit_cannot_be_reached_the_request_waits_on_the_record(aws: None, end_api: Api) -> None:
    # Given a live agent and no LiveKit answering (LIVEKIT_URL points at a closed port)
    interview(last_heartbeat_at=ago(1))

    status, body, _ = end_api.call("POST", "/end-interview", body={"roomName": ROOM})

    assert status == 202
    assert body["delivered"] is False
    assert meta().end_requested_at == body["endRequestedAt"]


def test_an_agent_that_is_still_starting_reads_the_request_when_it_joins(
    aws: None, livekit: FakeLiveKit, end_api: Api
) -> None:
    interview(state=InterviewState.LAUNCHING)

    status, body, _ = end_api.call("POST", "/end-interview", body={"roomName": ROOM})

    assert status == 202
    assert body["endedBy"] == "agent"
    assert meta().state == InterviewState.LAUNCHING
    assert meta().end_requested_at is not None


def test_with_no_live_agent_the_backend_ends_the_interview_itself(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit, end_api: Api
) -> None:
    # Given an interview in progress whose agent's last heartbeat is 10 minutes old, its task still listed
    ecs = ecs_cluster["ecs"]
    ec2 = boto3.client("ec2")
    network = {
        "subnets": [ec2.describe_subnets()["Subnets"][0]["SubnetId"]],
        "securityGroups": [ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]],
    }
    task = ecs.run_task(
        cluster=ecs_cluster["cluster"],
        taskDefinition=ecs_cluster["task_definition"],
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": network},
    )["tasks"][0]["taskArn"]
    interview(last_heartbeat_at=ago(600), task_arn=task)
    livekit.sim.create_room(ROOM)

    # When the frontend asks to end it
    status, body, _ = end_api.call("POST", "/end-interview", body={"roomName": ROOM})

    # Then it answers 200: ended now, as completed; the task is stopped and the room deleted
    assert status == 200
    assert body["endedBy"] == "backend"
    assert body["state"] == "completed"
    ended = meta()
    assert ended.state == InterviewState.COMPLETED
    assert ended.end_reason == "end_requested"
    assert ended.ended_at is not None
    described = ecs.describe_tasks(cluster=ecs_cluster["cluster"], tasks=[task])["tasks"][0]
    assert described["desiredStatus"] == "STOPPED"
    assert [request.room for request in livekit.calls("DeleteRoom")] == [ROOM]
    assert ROOM not in livekit.sim.rooms


def test_an_unknown_room_is_404(aws: None, end_api: Api) -> None:
    status, body, _ = end_api.call("POST", "/end-interview", body={"roomName": "no-such-room"})
    assert status == 404
    assert body["detail"] == "no interview is known for room no-such-room"


@pytest.mark.parametrize("state", [InterviewState.COMPLETED, InterviewState.ABANDONED, InterviewState.FAILED])
def test_an_interview_that_already_ended_is_answered_200_with_its_state(
    aws: None, livekit: FakeLiveKit, end_api: Api, table_items: Any, state: InterviewState
) -> None:
    # Given an interview that already ended (the candidate had joined)
    interview(
        state=state,
        started_at=ago(900),
        end_reason="completed" if state == InterviewState.COMPLETED else None,
    )
    before = table_items()

    # When the frontend asks to end it again (the seed does so when its room page closes)
    status, body, _ = end_api.call("POST", "/end-interview", body={"roomName": ROOM})

    # Then it is what the caller wanted: 200 with the interview's state; nothing written, LiveKit not called
    assert status == 200
    assert body["state"] == state.value
    assert body["alreadyEnded"] is True
    assert body["roomName"] == ROOM and body["interviewId"] == INTERVIEW_ID
    assert table_items() == before
    assert livekit.requests == []


def test_ending_an_interview_the_candidate_never_joined_records_a_no_show(
    aws: None, livekit: FakeLiveKit, end_api: Api
) -> None:
    # Given an interview waiting for its candidate, whose agent's heartbeat is long stale
    interview(state=InterviewState.WAITING_FOR_CANDIDATE, last_heartbeat_at=ago(600), question_count=5)
    livekit.sim.create_room(ROOM)

    # When the frontend asks to end it
    status, body, _ = end_api.call("POST", "/end-interview", body={"roomName": ROOM})

    # Then it ended abandoned as a no-show (never "completed"), at 0 %
    assert status == 200
    assert body["state"] == "abandoned" and body["endReason"] == "no_show"
    ended = meta()
    assert ended.state == InterviewState.ABANDONED and ended.end_reason == "no_show"
    _, polled, _ = Api("agent_status").call("GET", "/agent-status", query={"room": ROOM})
    assert polled["interviewProgress"] == 0
    assert polled["interview"]["state"] == "abandoned"
    assert polled["interview"]["endReason"] == "no_show"


def test_another_candidates_interview_is_409(aws: None, end_api: Api) -> None:
    interview(last_heartbeat_at=ago(1))
    status, _body, _ = end_api.call(
        "POST", "/end-interview", body={"roomName": ROOM, "candidateId": "someone-else"}
    )
    assert status == 409
    assert meta().end_requested_at is None


@pytest.mark.parametrize(
    ("request_body", "expected"),
    [
        ({}, 422),
        ({"roomName": "bad room name!"}, 422),
        ({"roomName": ROOM, "candidateId": "x" * 300}, 422),
    ],
)
def test_bad_bodies_are_refused_with_field_details(
    aws: None, end_api: Api, request_body: Any, expected: int
) -> None:
    status, body, _ = end_api.call("POST", "/end-interview", body=request_body)
    assert status == expected
    assert body["error"]["code"] == "validation_error"


def test_bad_json_and_missing_auth_are_refused(aws: None, end_api: Api) -> None:
    status, body, _ = end_api.call("POST", "/end-interview", raw_body="{not json")
    assert status == 400
    assert body["error"]["code"] == "bad_json"
    status, body, _ = end_api.call("POST", "/end-interview", body={"roomName": ROOM}, auth=False)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"


async def test_the_agent_closes_politely_when_the_request_comes_through_the_route(
    make_harness: HarnessFactory, end_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the agent interviewing (text transport; the SendData message cannot reach it, so the record must).
    # Its virtual clock writes heartbeats dated in January; the route judges them by wall time, so it is told
    # to count them as fresh: this test is about the record reaching the agent, not about staleness.
    monkeypatch.setenv("HEARTBEAT_STALE_SECONDS", str(10**9))
    reset_process_caches()
    harness = make_harness("strong")

    statuses: list[int] = []

    async def request_end() -> None:
        # The route runs on its own thread (its LiveKit call needs a loop of its own) while this loop waits
        # blocked: the virtual clock cannot run ahead (to max duration) during the request.
        caller = threading.Thread(
            target=lambda: statuses.append(end_api.call("POST", "/end-interview", body={"roomName": ROOM})[0])
        )
        caller.start()
        caller.join()

    harness.when(question(2), request_end)

    # When the interview runs and the route is called during question 2
    outcome = await harness.run()

    # Then the agent saw the request with its heartbeat, said goodbye and completed the interview
    assert statuses == [202]
    assert outcome.end_reason == "end_requested"
    assert outcome.state == InterviewState.COMPLETED
    assert harness.transport.spoken[-1].endswith(Phrases().closing_on_request)
    assert meta().state == InterviewState.COMPLETED
    assert meta().end_requested_at is not None


async def test_an_end_request_recorded_before_the_agent_joins_ends_the_interview_at_once(
    make_harness: HarnessFactory,
) -> None:
    # Given an end request recorded while the agent was still launching
    harness = make_harness("strong")
    InterviewStore(TABLE_NAME, boto3.client("dynamodb")).update_fields(
        ROOM, INTERVIEW_ID, end_requested_at=now_iso()
    )

    # When the agent starts
    outcome = await harness.run()

    # Then it ends the interview at once without asking anything: the candidate never came, so it is a
    # no-show (abandoned), not a completed interview with nothing in it
    assert outcome.state == InterviewState.ABANDONED
    assert outcome.end_reason == "no_show"
    assert outcome.questions_asked == 0
