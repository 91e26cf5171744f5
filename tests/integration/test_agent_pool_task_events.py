"""ECS "task stopped" for a warm-pool task: its interview is read from its POOL# item (its environment
has none), so a pool agent that crashes mid-interview fails that interview as a RunTask agent's crash does."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
from interview_common.agent_pool import AgentPool
from interview_common.launcher import LaunchRequest
from interview_common.lifecycle import InterviewState

from tests.conftest import TABLE_NAME
from tests.integration.stored_interviews import read_interview, store_interview
from tests.integration.test_agent_task_events import invoke, stopped_event

ROOM = "pool-task-room"


def pool_task(ecs_cluster: dict[str, Any]) -> str:
    """A task the pool's service started: the task definition's environment only, no overrides."""
    ec2 = boto3.client("ec2")
    return str(
        ecs_cluster["ecs"].run_task(
            cluster=ecs_cluster["cluster"],
            taskDefinition=ecs_cluster["task_definition"],
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": [ec2.describe_subnets()["Subnets"][0]["SubnetId"]],
                    "securityGroups": [ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]],
                }
            },
        )["tasks"][0]["taskArn"]
    )


def assigned_pool_task(ecs_cluster: dict[str, Any], *, accepted: bool) -> str:
    interview = store_interview(ROOM, state=InterviewState.IN_PROGRESS, interview_id=uuid.uuid4().hex)
    task_arn = pool_task(ecs_cluster)
    pool = AgentPool(TABLE_NAME, boto3.client("dynamodb"))
    pool.register(task_arn)
    request = LaunchRequest(
        interview_id=interview.interview_id,
        room_name=ROOM,
        candidate_id=interview.candidate_id,
        candidate_identity=interview.candidate_identity,
        job_id=interview.job_id,
        agent_identity=interview.agent_identity,
    )
    claimed = pool.claim(request, stale_after=30)
    assert claimed is not None
    if accepted:
        assert pool.accept(claimed.task_id, interview.interview_id)
        boto3.client("dynamodb").update_item(
            TableName=TABLE_NAME,
            Key={"PK": {"S": f"ROOM#{ROOM}"}, "SK": {"S": "META"}},
            UpdateExpression="SET task_arn = :t",
            ExpressionAttributeValues={":t": {"S": task_arn}},
        )
    else:
        assert pool.revoke(claimed.task_id, interview.interview_id)
    return task_arn


def test_a_pool_agent_that_crashes_mid_interview_fails_the_interview_it_took(
    ecs_cluster: dict[str, Any],
) -> None:
    # Given an interview in progress served by a pool task, whose container exits with 1
    task_arn = assigned_pool_task(ecs_cluster, accepted=True)
    event = stopped_event(
        ecs_cluster,
        task_arn,
        exit_code=1,
        reason="Essential container in task exited",
        stop_code="EssentialContainerExited",
    )
    # When ECS reports the task stopped
    outcome = invoke(event)
    # Then the interview failed with the reason
    assert outcome == {"result": "failed", "room_name": ROOM, "state": "failed"}
    meta = read_interview(ROOM)
    assert meta is not None and meta.state == InterviewState.FAILED
    assert meta.error is not None and "exit code 1" in meta.error


def test_a_pool_task_whose_assignment_was_revoked_stopping_changes_nothing(
    ecs_cluster: dict[str, Any],
) -> None:
    # Given a pool task that was claimed but did not take the interview in time (a RunTask serves it)
    task_arn = assigned_pool_task(ecs_cluster, accepted=False)
    event = stopped_event(
        ecs_cluster,
        task_arn,
        exit_code=0,
        reason="Essential container in task exited",
        stop_code="EssentialContainerExited",
    )
    # When it stops
    outcome = invoke(event)
    # Then the interview goes on
    assert outcome["result"] == "ignored"
    meta = read_interview(ROOM)
    assert meta is not None and meta.state == InterviewState.IN_PROGRESS


def test_an_idle_pool_task_stopping_is_ignored(ecs_cluster: dict[str, Any]) -> None:
    task_arn = pool_task(ecs_cluster)
    AgentPool(TABLE_NAME, boto3.client("dynamodb")).register(task_arn)
    event = stopped_event(
        ecs_cluster, task_arn, exit_code=0, reason="Scaling activity", stop_code="ServiceSchedulerInitiated"
    )
    assert invoke(event) == {"result": "ignored"}
