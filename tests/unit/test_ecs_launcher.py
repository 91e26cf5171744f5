"""EcsLauncher against a real botocore ECS client whose responses are stubbed (botocore's Stubber).

The Stubber checks every request against the ECS API model, so the RunTask calls built here are valid.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from interview_common.errors import LaunchFailed
from interview_common.launcher import LaunchRequest
from interview_common.launcher.ecs import MAX_CLIENT_TOKEN, EcsLauncher

TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task/agents/0123456789abcdef"
REQUEST = LaunchRequest(
    interview_id="4f1c2a9e0b7d4e6f8a1b2c3d4e5f6a7b",
    room_name="interview-room-1",
    candidate_id="cand-1",
    candidate_identity="candidate-cand-1",
    job_id="job-1",
    agent_identity="interview-agent-4f1c2a9e0b7d4e6f8a1b2c3d4e5f6a7b",
)


class Sleeps(list[float]):
    """An injected sleep that records the backoff instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def ecs() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("ecs", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def launcher(client: Any, sleeps: Sleeps, max_attempts: int = 3) -> EcsLauncher:
    return EcsLauncher(
        client,
        cluster="agents",
        task_definition="interview-agent:3",
        container_name="agent",
        subnets=["subnet-1", "subnet-2"],
        security_groups=["sg-1"],
        assign_public_ip=False,
        max_attempts=max_attempts,
        backoff_seconds=0.5,
        sleep=sleeps,
    )


def started() -> dict[str, Any]:
    return {"tasks": [{"taskArn": TASK_ARN}], "failures": []}


def no_capacity() -> dict[str, Any]:
    return {
        "tasks": [],
        "failures": [{"arn": "", "reason": "Capacity is unavailable at this time. Please try again"}],
    }


def expected_run_task(request: LaunchRequest = REQUEST) -> dict[str, Any]:
    return {
        "cluster": "agents",
        "taskDefinition": "interview-agent:3",
        "launchType": "FARGATE",
        "count": 1,
        "clientToken": request.interview_id,
        "startedBy": ANY,
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-1", "subnet-2"],
                "securityGroups": ["sg-1"],
                "assignPublicIp": "DISABLED",
            }
        },
        "overrides": {
            "containerOverrides": [
                {
                    "name": "agent",
                    "environment": [{"name": k, "value": v} for k, v in request.environment().items()],
                }
            ]
        },
        "tags": [
            {"key": "interviewId", "value": request.interview_id},
            {"key": "roomName", "value": request.room_name},
        ],
        "propagateTags": "TASK_DEFINITION",
    }


def test_one_run_task_with_the_interview_id_as_client_token(ecs: tuple[Any, Stubber]) -> None:
    client, stubber = ecs
    stubber.add_response("run_task", started(), expected_run_task())
    sleeps = Sleeps()

    result = launcher(client, sleeps).launch(REQUEST)

    assert result.task_ref == TASK_ARN
    assert sleeps == []


def test_the_agent_gets_its_interview_in_its_environment() -> None:
    assert REQUEST.environment() == {
        "INTERVIEW_ID": REQUEST.interview_id,
        "ROOM_NAME": "interview-room-1",
        "CANDIDATE_ID": "cand-1",
        "CANDIDATE_IDENTITY": "candidate-cand-1",
        "JOB_ID": "job-1",
        "AGENT_IDENTITY": REQUEST.agent_identity,
    }


def test_the_client_token_and_started_by_fit_ecs_limits(ecs: tuple[Any, Stubber]) -> None:
    client, stubber = ecs
    long_request = REQUEST.model_copy(update={"interview_id": "i" * 100})
    expected = expected_run_task(long_request)
    expected["clientToken"] = "i" * MAX_CLIENT_TOKEN
    stubber.add_response("run_task", started(), expected)
    # The Stubber refuses a request that differs from `expected`, including a longer clientToken
    assert launcher(client, Sleeps()).launch(long_request).task_ref == TASK_ARN


def test_capacity_failures_are_retried_with_exponential_backoff(ecs: tuple[Any, Stubber]) -> None:
    # Given RunTask reports no capacity twice (in failures[], not as an exception), then starts the task
    client, stubber = ecs
    stubber.add_response("run_task", no_capacity(), expected_run_task())
    stubber.add_response("run_task", no_capacity(), expected_run_task())
    stubber.add_response("run_task", started(), expected_run_task())
    sleeps = Sleeps()

    # When the agent is launched
    result = launcher(client, sleeps).launch(REQUEST)

    # Then the third attempt starts it, after waits of 0.5 s and 1 s, all with the same clientToken
    assert result.task_ref == TASK_ARN
    assert sleeps == [0.5, 1.0]


def test_capacity_failing_every_time_raises_launch_failed_with_the_reason(ecs: tuple[Any, Stubber]) -> None:
    client, stubber = ecs
    for _ in range(3):
        stubber.add_response("run_task", no_capacity(), expected_run_task())
    sleeps = Sleeps()

    with pytest.raises(LaunchFailed) as failed:
        launcher(client, sleeps).launch(REQUEST)

    assert "after 3 attempts" in failed.value.message
    assert "Capacity is unavailable" in failed.value.message
    assert failed.value.status_code == 503
    assert sleeps == [0.5, 1.0]  # no pointless wait after the last attempt


@pytest.mark.parametrize(
    "failure",
    [
        {"arn": "arn:aws:ecs:us-east-1:123456789012:task-definition/x:1", "reason": "MISSING"},
        {"reason": "INACTIVE", "detail": "the task definition is inactive"},
    ],
)
def test_a_non_retriable_failure_raises_immediately(
    ecs: tuple[Any, Stubber], failure: dict[str, str]
) -> None:
    client, stubber = ecs
    stubber.add_response("run_task", {"tasks": [], "failures": [failure]}, expected_run_task())
    sleeps = Sleeps()

    with pytest.raises(LaunchFailed) as failed:
        launcher(client, sleeps).launch(REQUEST)

    assert failure["reason"] in failed.value.message
    assert sleeps == []


def test_a_response_with_neither_task_nor_failure_is_a_failure(ecs: tuple[Any, Stubber]) -> None:
    client, stubber = ecs
    stubber.add_response("run_task", {"tasks": [], "failures": []}, expected_run_task())
    with pytest.raises(LaunchFailed, match="started no task"):
        launcher(client, Sleeps()).launch(REQUEST)


@pytest.mark.parametrize("code", ["ThrottlingException", "ServerException"])
def test_throttling_and_server_errors_are_retried(ecs: tuple[Any, Stubber], code: str) -> None:
    client, stubber = ecs
    stubber.add_client_error(
        "run_task", service_error_code=code, http_status_code=400, expected_params=expected_run_task()
    )
    stubber.add_response("run_task", started(), expected_run_task())
    sleeps = Sleeps()

    assert launcher(client, sleeps).launch(REQUEST).task_ref == TASK_ARN
    assert sleeps == [0.5]


@pytest.mark.parametrize(
    "code", ["InvalidParameterException", "AccessDeniedException", "ClusterNotFoundException"]
)
def test_a_client_error_that_retrying_cannot_fix_raises_immediately(
    ecs: tuple[Any, Stubber], code: str
) -> None:
    client, stubber = ecs
    stubber.add_client_error("run_task", service_error_code=code, http_status_code=400)
    sleeps = Sleeps()

    with pytest.raises(LaunchFailed) as failed:
        launcher(client, sleeps).launch(REQUEST)

    assert code in failed.value.message
    assert sleeps == []


def test_a_single_attempt_launcher_never_sleeps(ecs: tuple[Any, Stubber]) -> None:
    client, stubber = ecs
    stubber.add_response("run_task", no_capacity(), expected_run_task())
    sleeps = Sleeps()
    with pytest.raises(LaunchFailed):
        launcher(client, sleeps, max_attempts=1).launch(REQUEST)
    assert sleeps == []


def test_stop_asks_ecs_to_stop_the_task_with_a_bounded_reason(ecs: tuple[Any, Stubber]) -> None:
    client, stubber = ecs
    stubber.add_response(
        "stop_task",
        {"task": {"taskArn": TASK_ARN}},
        {"cluster": "agents", "task": TASK_ARN, "reason": "x" * 255},
    )
    launcher(client, Sleeps()).stop(TASK_ARN, "x" * 1000)


@pytest.mark.parametrize("code", ["InvalidParameterException", "ResourceNotFoundException"])
def test_stopping_a_task_that_is_gone_is_not_an_error(ecs: tuple[Any, Stubber], code: str) -> None:
    client, stubber = ecs
    stubber.add_client_error("stop_task", service_error_code=code, http_status_code=400)
    launcher(client, Sleeps()).stop(TASK_ARN, "interview ended")


def test_stop_reports_other_errors(ecs: tuple[Any, Stubber]) -> None:
    from botocore.exceptions import ClientError

    client, stubber = ecs
    stubber.add_client_error("stop_task", service_error_code="AccessDeniedException", http_status_code=403)
    with pytest.raises(ClientError):
        launcher(client, Sleeps()).stop(TASK_ARN, "interview ended")
