"""functions/agent_task_events: EventBridge's "ECS Task State Change" for our agents' tasks.

The event's detail is the task as ECS describes it; here it is the very task moto ran for the interview
(through the real EcsLauncher), stopped, and described, with the container's exit code ECS would report.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from interview_common.launcher import LaunchRequest
from interview_common.launcher.ecs import EcsLauncher
from interview_common.lifecycle import InterviewState
from interview_common.models.items import InterviewItem

from local.apigw_events import LocalLambdaContext
from local.handlers import load_handler_module
from tests.conftest import TABLE_NAME, Api
from tests.integration.stored_interviews import read_interview, store_interview

ROOM = "task-room-1"


def launch_agent(ecs_cluster: dict[str, Any], interview: InterviewItem) -> str:
    launcher = EcsLauncher(
        ecs_cluster["ecs"],
        cluster=ecs_cluster["cluster"],
        task_definition=ecs_cluster["task_definition"],
        container_name="agent",
        subnets=[boto3.client("ec2").describe_subnets()["Subnets"][0]["SubnetId"]],
        security_groups=[boto3.client("ec2").describe_security_groups()["SecurityGroups"][0]["GroupId"]],
        assign_public_ip=True,
    )
    request = LaunchRequest(
        interview_id=interview.interview_id,
        room_name=interview.room_name,
        candidate_id=interview.candidate_id,
        candidate_identity=interview.candidate_identity,
        job_id=interview.job_id,
        agent_identity=interview.agent_identity,
    )
    return launcher.launch(request).task_ref


def interview_with_agent(ecs_cluster: dict[str, Any], state: InterviewState) -> tuple[InterviewItem, str]:
    interview = store_interview(ROOM, state=state, interview_id=uuid.uuid4().hex)
    task_arn = launch_agent(ecs_cluster, interview)
    boto3.client("dynamodb").update_item(
        TableName=TABLE_NAME,
        Key={"PK": {"S": f"ROOM#{ROOM}"}, "SK": {"S": "META"}},
        UpdateExpression="SET task_arn = :t",
        ExpressionAttributeValues={":t": {"S": task_arn}},
    )
    return interview, task_arn


def stopped_event(
    ecs_cluster: dict[str, Any], task_arn: str, *, exit_code: int | None, reason: str, stop_code: str
) -> dict[str, Any]:
    """The EventBridge event ECS emits once the task is STOPPED (detail = the described task)."""
    ecs = ecs_cluster["ecs"]
    ecs.stop_task(cluster=ecs_cluster["cluster"], task=task_arn, reason=reason)
    task = json.loads(
        json.dumps(
            ecs.describe_tasks(cluster=ecs_cluster["cluster"], tasks=[task_arn])["tasks"][0], default=str
        )
    )
    task.update(lastStatus="STOPPED", desiredStatus="STOPPED", stopCode=stop_code, stoppedReason=reason)
    task["containers"] = [
        {"name": "agent", "lastStatus": "STOPPED", "exitCode": exit_code, "taskArn": task_arn}
    ]
    if exit_code is None:
        del task["containers"][0]["exitCode"]
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": "123456789012",
        "time": "2025-10-09T09:00:00Z",
        "region": "us-east-1",
        "resources": [task_arn],
        "detail": task,
    }


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    module = load_handler_module("agent_task_events")
    return module.lambda_handler(event, LocalLambdaContext("agent_task_events"))  # type: ignore[no-any-return]


def test_an_agent_that_crashes_mid_interview_fails_it_with_the_reason_and_exit_code(
    ecs_cluster: dict[str, Any],
) -> None:
    # Given an interview in progress whose agent's container exited with 1
    _, task_arn = interview_with_agent(ecs_cluster, InterviewState.IN_PROGRESS)
    event = stopped_event(
        ecs_cluster,
        task_arn,
        exit_code=1,
        reason="Essential container in task exited",
        stop_code="EssentialContainerExited",
    )

    # When ECS reports the task stopped
    outcome = invoke(event)

    # Then the interview failed, and says why in words an operator can act on
    assert outcome == {"result": "failed", "room_name": ROOM, "state": "failed"}
    meta = read_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.FAILED
    assert meta.error is not None
    assert "Essential container in task exited" in meta.error
    assert "EssentialContainerExited" in meta.error
    assert "exit code 1" in meta.error
    assert meta.ended_at is not None


def test_an_agent_that_exits_cleanly_before_the_candidate_came_ends_a_no_show(
    ecs_cluster: dict[str, Any],
) -> None:
    # Given an interview still waiting for its candidate, whose agent exited with 0 (its own write of
    # the end was lost)
    _, task_arn = interview_with_agent(ecs_cluster, InterviewState.WAITING_FOR_CANDIDATE)
    event = stopped_event(
        ecs_cluster,
        task_arn,
        exit_code=0,
        reason="Essential container in task exited",
        stop_code="EssentialContainerExited",
    )

    # When ECS reports it
    outcome = invoke(event)

    # Then the interview is a no-show: abandoned, end reason no_show, 0 % (never failed nor completed)
    assert outcome == {"result": "abandoned", "room_name": ROOM, "state": "abandoned"}
    meta = read_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.ABANDONED
    assert meta.end_reason == "no_show"
    assert "exit code 0" in (meta.error or "")
    status = Api("agent_status").call("GET", "/agent-status", query={"room": ROOM})[1]
    assert status["interviewProgress"] == 0
    assert status["interview"]["endReason"] == "no_show"


def test_an_agent_whose_end_was_requested_stopping_before_the_candidate_came_ends_a_no_show(
    ecs_cluster: dict[str, Any],
) -> None:
    # Given a waiting interview whose end was requested, and whose agent was then stopped (exit 137)
    _, task_arn = interview_with_agent(ecs_cluster, InterviewState.WAITING_FOR_CANDIDATE)
    boto3.client("dynamodb").update_item(
        TableName=TABLE_NAME,
        Key={"PK": {"S": f"ROOM#{ROOM}"}, "SK": {"S": "META"}},
        UpdateExpression="SET end_requested_at = :t",
        ExpressionAttributeValues={":t": {"S": "2025-10-09T09:00:00.000Z"}},
    )
    event = stopped_event(
        ecs_cluster, task_arn, exit_code=137, reason="Task stopped by user", stop_code="UserInitiated"
    )

    # When ECS reports it, Then the interview is a no-show
    assert invoke(event)["result"] == "abandoned"
    meta = read_interview(ROOM)
    assert meta is not None and meta.state == InterviewState.ABANDONED and meta.end_reason == "no_show"


def test_an_agent_that_crashes_before_the_candidate_came_fails_the_interview(
    ecs_cluster: dict[str, Any],
) -> None:
    # Given an interview waiting for its candidate, whose agent crashed (exit 1)
    _, task_arn = interview_with_agent(ecs_cluster, InterviewState.WAITING_FOR_CANDIDATE)
    event = stopped_event(
        ecs_cluster,
        task_arn,
        exit_code=1,
        reason="Essential container in task exited",
        stop_code="EssentialContainerExited",
    )

    # When ECS reports it, Then the interview failed (it could not be held), at 0 %
    assert invoke(event)["result"] == "failed"
    meta = read_interview(ROOM)
    assert meta is not None and meta.state == InterviewState.FAILED
    status = Api("agent_status").call("GET", "/agent-status", query={"room": ROOM})[1]
    assert status["interviewProgress"] == 0


@pytest.mark.parametrize("final", [InterviewState.COMPLETED, InterviewState.ABANDONED, InterviewState.FAILED])
def test_an_agent_stopping_after_its_interview_ended_changes_nothing(
    final: InterviewState, ecs_cluster: dict[str, Any], table_items: Any
) -> None:
    # Given an interview that already ended, whose agent then exited with 0
    _, task_arn = interview_with_agent(ecs_cluster, final)
    event = stopped_event(
        ecs_cluster,
        task_arn,
        exit_code=0,
        reason="Essential container in task exited",
        stop_code="EssentialContainerExited",
    )
    before = table_items()

    # When ECS reports it stopped
    outcome = invoke(event)

    # Then nothing changes
    assert outcome == {"result": "unchanged", "room_name": ROOM, "state": final.value}
    assert table_items() == before


def test_a_task_of_another_cluster_is_ignored(ecs_cluster: dict[str, Any], table_items: Any) -> None:
    # Given an interview in progress, and a stopped task (with its environment) reported from another cluster
    _, task_arn = interview_with_agent(ecs_cluster, InterviewState.IN_PROGRESS)
    event = stopped_event(
        ecs_cluster, task_arn, exit_code=137, reason="OutOfMemoryError", stop_code="EssentialContainerExited"
    )
    event["detail"]["clusterArn"] = "arn:aws:ecs:us-east-1:123456789012:cluster/someone-else"
    before = table_items()

    # When it arrives, Then it is ignored and nothing changes
    assert invoke(event) == {"result": "ignored"}
    assert table_items() == before


def test_a_task_of_another_task_family_is_ignored(ecs_cluster: dict[str, Any], table_items: Any) -> None:
    # Given a stopped task on our cluster from another task definition
    _, task_arn = interview_with_agent(ecs_cluster, InterviewState.IN_PROGRESS)
    event = stopped_event(
        ecs_cluster, task_arn, exit_code=1, reason="batch job done", stop_code="EssentialContainerExited"
    )
    event["detail"]["taskDefinitionArn"] = (
        "arn:aws:ecs:us-east-1:123456789012:task-definition/nightly-batch:4"
    )
    before = table_items()

    # When it arrives, Then it is ignored
    assert invoke(event) == {"result": "ignored"}
    assert table_items() == before


def test_a_stopped_task_that_is_not_the_interviews_agent_is_ignored(
    ecs_cluster: dict[str, Any], table_items: Any
) -> None:
    # Given an interview whose agent runs, and another task that names the same interview in its environment
    interview, _ = interview_with_agent(ecs_cluster, InterviewState.IN_PROGRESS)
    stray = launch_agent(ecs_cluster, interview)
    event = stopped_event(ecs_cluster, stray, exit_code=1, reason="stray", stop_code="UserInitiated")
    before = table_items()

    # When the stray task's stop arrives, Then the interview is left alone
    assert invoke(event)["result"] == "ignored"
    assert table_items() == before


def test_a_task_whose_interview_is_unknown_is_ignored(ecs_cluster: dict[str, Any], table_items: Any) -> None:
    # Given a stopped agent task whose room has no interview record (expired or never written)
    _, task_arn = interview_with_agent(ecs_cluster, InterviewState.IN_PROGRESS)
    event = stopped_event(
        ecs_cluster, task_arn, exit_code=1, reason="crash", stop_code="EssentialContainerExited"
    )
    for pair in event["detail"]["overrides"]["containerOverrides"][0]["environment"]:
        if pair["name"] == "ROOM_NAME":
            pair["value"] = "no-such-room"
    before = table_items()

    # When it arrives, Then it is ignored
    assert invoke(event) == {"result": "ignored", "room_name": "no-such-room"}
    assert table_items() == before


def test_a_task_stopping_without_an_exit_code_says_so(ecs_cluster: dict[str, Any]) -> None:
    # Given an agent task that never started its container (no exit code), stopped by ECS
    _, task_arn = interview_with_agent(ecs_cluster, InterviewState.LAUNCHING)
    event = stopped_event(
        ecs_cluster,
        task_arn,
        exit_code=None,
        reason="CannotPullContainerError: image not found",
        stop_code="TaskFailedToStart",
    )

    # When it arrives, Then the interview failed with that reason
    assert invoke(event)["result"] == "failed"
    meta = read_interview(ROOM)
    assert meta is not None
    assert meta.error is not None
    assert "CannotPullContainerError" in meta.error
    assert "no exit code" in meta.error
