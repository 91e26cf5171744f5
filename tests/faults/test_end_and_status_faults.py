"""End-interview, the agent's task events and the status poll while DynamoDB, ECS or LiveKit fail."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from interview_common.clock import now_iso
from interview_common.lifecycle import InterviewState

from tests.conftest import Api
from tests.faults.test_start_interview_faults import THROTTLED, assert_retriable_503, running_tasks
from tests.integration.stored_interviews import read_interview, store_interview
from tests.integration.test_agent_task_events import invoke, launch_agent, stopped_event

ROOM = "fault-end-room"


def end() -> tuple[int, dict[str, Any], dict[str, str]]:
    return Api("end_interview").call("POST", "/end-interview", body={"roomName": ROOM})


def interview_with_agent(ecs_cluster: dict[str, Any], **fields: Any) -> str:
    interview = store_interview(ROOM, state=InterviewState.IN_PROGRESS)
    task_arn = launch_agent(ecs_cluster, interview)
    store_interview(
        ROOM,
        state=InterviewState.IN_PROGRESS,
        interview_id=interview.interview_id,
        task_arn=task_arn,
        **fields,
    )
    return task_arn


def test_ending_an_interview_whose_agent_is_dead_never_leaves_its_task_running(
    world: dict[str, Any], ecs_cluster: dict[str, Any]
) -> None:
    # Given an interview whose agent stopped heartbeating (its task still runs), and ECS throttling StopTask
    task_arn = interview_with_agent(ecs_cluster)
    world["ecs"].fail("StopTask", "ThrottlingException")

    # When the frontend ends the interview
    status, body, headers = end()

    # Then it is told to retry; the interview is still open (end requested) and not marked completed
    # while its task runs
    assert_retriable_503(status, body, headers, "service_unavailable")
    meta = read_interview(ROOM)
    assert meta is not None and meta.state == InterviewState.IN_PROGRESS and meta.end_requested_at
    assert [task["taskArn"] for task in running_tasks(world)] == [task_arn]

    # When ECS recovers and the frontend retries, Then the task is stopped and the interview completed
    world["ecs"].heal()
    status, body, _ = end()
    assert (status, body["state"], body["endedBy"]) == (200, "completed", "backend")
    assert running_tasks(world) == []


def test_a_livekit_error_telling_a_live_agent_leaves_the_request_for_its_heartbeat(
    world: dict[str, Any], ecs_cluster: dict[str, Any]
) -> None:
    # Given a live agent (fresh heartbeat) and LiveKit failing SendData
    interview_with_agent(ecs_cluster, last_heartbeat_at=now_iso())
    world["livekit_faults"].fail("SendData", "internal")

    # When the frontend ends the interview
    status, body, _ = end()

    # Then the agent will close it: the request is recorded on META, where its next heartbeat reads it
    assert (status, body["endedBy"], body["delivered"]) == (202, "agent", False)
    meta = read_interview(ROOM)
    assert meta is not None and meta.end_requested_at == body["endRequestedAt"]
    assert meta.state == InterviewState.IN_PROGRESS
    assert len(running_tasks(world)) == 1


def test_a_throttled_end_request_is_a_503_that_changes_nothing(
    world: dict[str, Any], ecs_cluster: dict[str, Any]
) -> None:
    # Given DynamoDB refusing every update
    interview_with_agent(ecs_cluster, last_heartbeat_at=now_iso())
    before = read_interview(ROOM)
    world["dynamodb"].fail("UpdateItem", THROTTLED)

    # When the frontend ends the interview, Then it retries later; nothing changed, nothing was sent
    status, body, headers = end()
    assert_retriable_503(status, body, headers, "service_unavailable")
    assert read_interview(ROOM) == before
    assert world["livekit"].calls("SendData") == []


def test_a_task_stopped_event_that_cannot_be_recorded_is_retried_by_lambda(
    world: dict[str, Any], ecs_cluster: dict[str, Any]
) -> None:
    # Given the agent's task stopped with an error while DynamoDB refuses every update
    task_arn = interview_with_agent(ecs_cluster)
    event = stopped_event(
        ecs_cluster,
        task_arn,
        exit_code=1,
        reason="Essential container exited",
        stop_code="EssentialContainerExited",
    )
    world["dynamodb"].fail("UpdateItem", THROTTLED)

    # When EventBridge invokes the function, Then the invocation fails (Lambda retries it twice, then the
    # event waits in the function's dead-letter queue) and the interview is untouched
    with pytest.raises(ClientError, match=THROTTLED):
        invoke(event)
    assert read_interview(ROOM).state == InterviewState.IN_PROGRESS  # type: ignore[union-attr]

    # When the retry comes with DynamoDB healthy, Then the interview fails with the task's reason
    world["dynamodb"].heal()
    assert invoke(event)["result"] == "failed"
    meta = read_interview(ROOM)
    assert meta is not None and meta.state == InterviewState.FAILED and "exit code 1" in (meta.error or "")


def test_a_throttled_status_poll_is_a_503_the_frontend_retries(world: dict[str, Any]) -> None:
    # Given an interview, and DynamoDB refusing reads
    store_interview(ROOM, state=InterviewState.IN_PROGRESS)
    world["dynamodb"].fail("Query", THROTTLED)

    # When the frontend polls, Then it gets a 503 with Retry-After (its next poll, 3 s later, succeeds)
    status, body, headers = Api("agent_status").call("GET", "/agent-status", query={"room": ROOM})
    assert_retriable_503(status, body, headers, "service_unavailable")
    world["dynamodb"].heal()
    status, body, _ = Api("agent_status").call("GET", "/agent-status", query={"room": ROOM})
    assert (status, body["interview"]["state"]) == (200, "in_progress")
