"""POST /start-interview while DynamoDB, ECS or LiveKit fail.

Each fault ends in a defined state: botocore (or the launcher) retried it and the interview started; or the
client got a 503 it can retry and the record says `failed` with the reason; or nothing was recorded at all.
Never a half-written record (META's state, version and task agree), and never a task without its interview.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from interview_common.clock import iso_from_epoch

from tests.conftest import TABLE_NAME, Api
from tests.faults.injection import silent_server

BODY = {"roomName": "fault-room-1", "candidateId": "cand-1", "jobId": "job-1"}
THROTTLED = "ProvisionedThroughputExceededException"
BOTOCORE_ATTEMPTS = 4  # aws_clients: Config(retries={"max_attempts": 3}) is 3 retries after the first try
LAUNCH_ATTEMPTS = 3  # Settings.launch_max_attempts


def start() -> tuple[int, dict[str, Any], dict[str, str]]:
    return Api("start_interview").call("POST", "/start-interview", body=BODY)


def metas(table_items: Any) -> list[dict[str, Any]]:
    return [item for item in table_items() if item["SK"] == "META"]


def running_tasks(world: dict[str, Any]) -> list[dict[str, Any]]:
    ecs = boto3.client("ecs")  # not the handlers' client: no injected faults
    arns = ecs.list_tasks(cluster=world["cluster"], desiredStatus="RUNNING")["taskArns"]
    return ecs.describe_tasks(cluster=world["cluster"], tasks=arns)["tasks"] if arns else []


def task_interview_id(task: dict[str, Any]) -> str:
    (container,) = task["overrides"]["containerOverrides"]
    return next(item["value"] for item in container["environment"] if item["name"] == "INTERVIEW_ID")


def assert_retriable_503(status: int, body: dict[str, Any], headers: dict[str, str], code: str) -> None:
    assert status == 503, body
    assert body["status"] == "error" and body["error"]["code"] == code
    assert headers.get("Retry-After") == "2"
    assert "Traceback" not in body["detail"]


def assert_one_agent_for(meta: dict[str, Any], world: dict[str, Any]) -> None:
    """The interview's agent is the one task running, and the record names it."""
    (task,) = running_tasks(world)
    assert task_interview_id(task) == meta["interview_id"]
    assert meta.get("task_arn") in (None, task["taskArn"])


# -- DynamoDB --------------------------------------------------------------------------------------


def test_a_throttled_write_is_retried_by_botocore_and_the_interview_starts(
    world: dict[str, Any], table_items: Any
) -> None:
    # Given DynamoDB throttles the first write of the interview once
    world["dynamodb"].fail("PutItem", THROTTLED, times=1)

    # When start-interview is called
    status, body, _ = start()

    # Then botocore's retry wrote it, and the interview started with one agent
    assert status == 202, body
    assert world["dynamodb"].attempts["PutItem"] == 2
    (meta,) = metas(table_items)
    assert meta["state"] == "launching" and meta["task_arn"]
    assert_one_agent_for(meta, world)


def test_dynamodb_throttled_past_every_retry_is_a_503_and_nothing_exists(
    world: dict[str, Any], table_items: Any
) -> None:
    # Given DynamoDB throttles every write
    world["dynamodb"].fail("PutItem", THROTTLED)

    # When start-interview is called
    status, body, headers = start()

    # Then after botocore's retries the client gets a 503 to retry; no record, room or agent exists
    assert_retriable_503(status, body, headers, "service_unavailable")
    assert world["dynamodb"].attempts["PutItem"] == BOTOCORE_ATTEMPTS
    assert table_items() == []
    assert world["livekit"].requests == []
    assert running_tasks(world) == []

    # When DynamoDB recovers and the client retries, Then the interview starts
    world["dynamodb"].heal()
    status, body, _ = start()
    assert status == 202, body
    assert_one_agent_for(metas(table_items)[0], world)


def test_a_start_whose_writes_all_fail_midway_leaves_no_agent_and_is_replaced_later(
    world: dict[str, Any], table_items: Any
) -> None:
    # Given the interview is recorded, then DynamoDB throttles every update (the move to launching, and
    # the attempt to record the failure)
    world["dynamodb"].fail("UpdateItem", THROTTLED)

    # When start-interview is called
    status, body, headers = start()

    # Then the client gets a 503, no agent was launched, and the record is the one consistent write made
    assert_retriable_503(status, body, headers, "launch_failed")
    assert world["ecs"].attempts["RunTask"] == 0
    assert running_tasks(world) == []
    (meta,) = metas(table_items)
    assert (meta["state"], meta["version"]) == ("requested", 1)

    # When the client retries at once (DynamoDB healthy again), Then it is told the start is under way
    # (a double click must not launch twice) and still nothing runs
    world["dynamodb"].heal()
    status, body, _ = start()
    assert (status, body["state"]) == (200, "requested")
    assert running_tasks(world) == []

    # When it retries after ABANDONED_START_SECONDS (the record's last write is that old)
    boto3.client("dynamodb").update_item(
        TableName=TABLE_NAME,
        Key={"PK": {"S": "ROOM#fault-room-1"}, "SK": {"S": "META"}},
        UpdateExpression="SET updated_at = :old",
        ExpressionAttributeValues={":old": {"S": iso_from_epoch(0)}},
    )
    status, body, _ = start()

    # Then the abandoned start is replaced by a new interview with its agent
    assert status == 202, body
    assert body["interviewId"] != meta["interview_id"]
    (replaced,) = metas(table_items)
    assert replaced["state"] == "launching" and replaced["interview_id"] == body["interviewId"]
    assert_one_agent_for(replaced, world)


def test_a_conditional_check_failure_midway_fails_the_attempt_and_launches_nothing(
    world: dict[str, Any], table_items: Any
) -> None:
    # Given another writer changes the record just as this start moves it to launching (DynamoDB answers
    # ConditionalCheckFailedException once)
    world["dynamodb"].fail("UpdateItem", "ConditionalCheckFailedException", times=1)

    # When start-interview is called
    status, body, headers = start()

    # Then no agent was launched, the client may retry, and the record says it failed and why
    assert_retriable_503(status, body, headers, "launch_failed")
    assert world["ecs"].attempts["RunTask"] == 0
    (meta,) = metas(table_items)
    assert meta["state"] == "failed" and meta["error"] == "internal error while starting the interview"
    assert running_tasks(world) == []

    # When it retries, Then a new interview starts in the room
    status, body, _ = start()
    assert status == 202, body
    assert_one_agent_for(metas(table_items)[0], world)


def test_an_agent_whose_task_cannot_be_recorded_keeps_running_for_its_interview(
    world: dict[str, Any], table_items: Any
) -> None:
    # Given DynamoDB refuses only the write that records the launched task's ARN
    world["dynamodb"].fail("UpdateItem", THROTTLED, matching=lambda request: "task_arn" in request)

    # When start-interview is called
    status, body, _ = start()

    # Then the interview started: its agent runs (it ends with the interview; its STOPPED event carries the
    # interview id), the record is launching and consistent, just without the ARN
    assert status == 202, body
    (meta,) = metas(table_items)
    assert (meta["state"], meta["version"]) == ("launching", 2)
    assert "task_arn" not in meta
    assert_one_agent_for(meta, world)


# -- ECS -------------------------------------------------------------------------------------------

NO_CAPACITY = {"tasks": [], "failures": [{"arn": "", "reason": "Capacity is unavailable at this time"}]}


def test_runtask_capacity_failures_are_retried_then_fail_the_interview_with_the_reason(
    world: dict[str, Any], table_items: Any
) -> None:
    # Given Fargate has no capacity (RunTask answers 200 with failures[], on every attempt)
    world["ecs"].answer("RunTask", NO_CAPACITY)

    # When start-interview is called
    status, body, headers = start()

    # Then the launcher tried LAUNCH_MAX_ATTEMPTS times, the client gets a 503 with the reason, and the
    # interview is failed with it; no task runs
    assert_retriable_503(status, body, headers, "launch_failed")
    assert "Capacity is unavailable" in body["detail"]
    assert world["ecs"].attempts["RunTask"] == LAUNCH_ATTEMPTS
    (meta,) = metas(table_items)
    assert meta["state"] == "failed" and "Capacity is unavailable" in meta["error"]
    assert running_tasks(world) == []


def test_a_capacity_shortage_that_passes_is_absorbed_by_the_launcher(
    world: dict[str, Any], table_items: Any
) -> None:
    # Given Fargate has no capacity for the first two attempts
    world["ecs"].answer("RunTask", NO_CAPACITY, times=2)

    # When start-interview is called, Then the third attempt starts the agent
    status, body, _ = start()
    assert status == 202, body
    assert world["ecs"].attempts["RunTask"] == 3
    assert_one_agent_for(metas(table_items)[0], world)


def test_runtask_throttling_is_retried_by_botocore_and_the_launcher_then_fails_with_the_reason(
    world: dict[str, Any], table_items: Any
) -> None:
    # Given ECS throttles RunTask (the account's rate quota) on every call
    world["ecs"].fail("RunTask", "ThrottlingException")

    # When start-interview is called
    status, body, headers = start()

    # Then botocore retried each of the launcher's attempts, and the interview failed with the reason
    assert_retriable_503(status, body, headers, "launch_failed")
    assert world["ecs"].attempts["RunTask"] == BOTOCORE_ATTEMPTS * LAUNCH_ATTEMPTS
    (meta,) = metas(table_items)
    assert meta["state"] == "failed" and "ThrottlingException" in meta["error"]
    assert running_tasks(world) == []


def test_a_runtask_that_times_out_fails_the_interview_and_a_retry_starts_it(
    world: dict[str, Any], table_items: Any
) -> None:
    # Given every RunTask call times out before ECS answers
    world["ecs"].time_out("RunTask")

    # When start-interview is called
    status, body, headers = start()

    # Then the client may retry and the record says why it failed
    assert_retriable_503(status, body, headers, "launch_failed")
    (meta,) = metas(table_items)
    assert meta["state"] == "failed" and meta["error"]
    assert running_tasks(world) == []

    # When ECS answers again, Then the retry starts the interview
    world["ecs"].heal()
    status, body, _ = start()
    assert status == 202, body
    assert_one_agent_for(metas(table_items)[0], world)


# -- LiveKit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["internal", "unavailable", "resource_exhausted"])
def test_a_livekit_error_creating_the_room_fails_the_interview_before_any_launch(
    world: dict[str, Any], table_items: Any, code: str
) -> None:
    # Given LiveKit answers CreateRoom with a Twirp error
    world["livekit_faults"].fail("CreateRoom", code)

    # When start-interview is called
    status, body, headers = start()

    # Then no agent is launched, the client may retry, and the record says LiveKit refused
    assert_retriable_503(status, body, headers, "launch_failed")
    assert f"LiveKit refused the request ({code})" in body["detail"]
    assert world["ecs"].attempts["RunTask"] == 0
    (meta,) = metas(table_items)
    assert meta["state"] == "failed" and code in meta["error"]

    # When LiveKit recovers, Then the retry starts the interview
    world["livekit_faults"].heal()
    status, body, _ = start()
    assert status == 202, body
    assert_one_agent_for(metas(table_items)[0], world)


def test_a_livekit_that_never_answers_times_out_quickly_and_fails_the_interview(
    world: dict[str, Any], table_items: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with silent_server() as url:
        # Given a LiveKit server that accepts connections and never answers, and a short timeout
        monkeypatch.setenv("LIVEKIT_URL", url)
        monkeypatch.setenv("LIVEKIT_TIMEOUT_SECONDS", "0.3")
        from interview_common.settings import get_settings

        get_settings.cache_clear()  # settings only: the clients with their faults stay

        # When start-interview is called
        status, body, headers = start()

    # Then it gives up after the timeout, launches nothing, and records why
    assert_retriable_503(status, body, headers, "launch_failed")
    assert "did not answer in time" in body["detail"]
    assert world["ecs"].attempts["RunTask"] == 0
    (meta,) = metas(table_items)
    assert meta["state"] == "failed" and "did not answer in time" in meta["error"]
