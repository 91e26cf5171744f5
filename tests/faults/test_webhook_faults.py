"""POST /livekit/webhook while DynamoDB or ECS fail.

LiveKit retries every non-2xx answer, so the defined outcome of a fault is: a 503, nothing half-applied, and
the retry applies the event exactly as a first delivery would. An event is never swallowed: a duplicate is
answered 200 only once the event was really applied.
"""

from __future__ import annotations

import time
from typing import Any

import boto3
from interview_common.clock import iso_from_epoch
from interview_common.lifecycle import InterviewState

from local.livekit_sim.events import participant_info, room_info, webhook_event
from tests.conftest import TABLE_NAME
from tests.faults.test_start_interview_faults import THROTTLED, running_tasks
from tests.integration.stored_interviews import read_interview, store_interview
from tests.integration.test_agent_task_events import launch_agent
from tests.integration.webhook_support import WebhookClient

ROOM = "fault-webhook-room"


def candidate_joined() -> Any:
    now = time.time()
    return webhook_event(
        "participant_joined",
        room=room_info(ROOM),
        created_at=now,
        participant=participant_info("candidate-cand-1", joined_at=now),
    )


def items(prefix: str) -> list[dict[str, Any]]:
    from interview_common.store import from_attribute_values

    scanned = boto3.client("dynamodb").scan(TableName=TABLE_NAME)["Items"]
    return [from_attribute_values(item) for item in scanned if item["SK"]["S"].startswith(prefix)]


def test_a_webhook_refused_by_dynamodb_is_a_503_and_its_retry_applies_it(world: dict[str, Any]) -> None:
    # Given an interview waiting for its candidate, and DynamoDB refusing every read
    store_interview(ROOM, candidate_id="cand-1", state=InterviewState.WAITING_FOR_CANDIDATE)
    world["dynamodb"].fail("GetItem", THROTTLED)
    event = candidate_joined()
    webhooks = WebhookClient()

    # When LiveKit delivers the candidate's join
    status, answer = webhooks.deliver(event)

    # Then LiveKit is told to retry, and nothing was written
    assert status == 503 and answer["error"]["code"] == "service_unavailable"
    assert items("EVENT#") == [] and items("PARTICIPANT#") == []

    # When DynamoDB recovers and LiveKit retries, Then the join is applied once
    world["dynamodb"].heal()
    status, answer = webhooks.deliver(event)
    assert (status, answer["result"], answer["state"]) == (200, "applied", "in_progress")
    assert [p["identity"] for p in items("PARTICIPANT#")] == ["candidate-cand-1"]


def test_an_event_whose_claim_cannot_be_released_is_still_applied_by_a_later_retry(
    world: dict[str, Any],
) -> None:
    # Given DynamoDB accepts the event's claim, then refuses the participant write and the release of
    # the claim (every update)
    store_interview(ROOM, candidate_id="cand-1", state=InterviewState.WAITING_FOR_CANDIDATE)
    world["dynamodb"].fail("PutItem", THROTTLED, matching=lambda request: "PARTICIPANT#" in request)
    world["dynamodb"].fail("UpdateItem", THROTTLED)
    event = candidate_joined()
    webhooks = WebhookClient()

    # When LiveKit delivers the join
    status, _ = webhooks.deliver(event)

    # Then it is told to retry; the claim is left behind, nothing else was written
    assert status == 503
    (marker,) = items("EVENT#")
    assert marker["status"] == "claimed"
    assert items("PARTICIPANT#") == []
    assert read_interview(ROOM).state == InterviewState.WAITING_FOR_CANDIDATE  # type: ignore[union-attr]

    # When LiveKit retries at once (DynamoDB healthy again), Then it is told to retry later, not that the
    # event is a duplicate: the claim may still be in flight
    world["dynamodb"].heal()
    status, answer = webhooks.deliver(event)
    assert status == 503 and "being applied" in answer["detail"]

    # When it retries after the claim's lease ran out
    boto3.client("dynamodb").update_item(
        TableName=TABLE_NAME,
        Key={"PK": {"S": f"ROOM#{ROOM}"}, "SK": {"S": f"EVENT#{event.id}"}},
        UpdateExpression="SET received_at = :old",
        ExpressionAttributeValues={":old": {"S": iso_from_epoch(time.time() - 120)}},
    )
    status, answer = webhooks.deliver(event)

    # Then the event is applied, and from now on its repeats are duplicates
    assert (status, answer["result"], answer["state"]) == (200, "applied", "in_progress")
    assert [p["identity"] for p in items("PARTICIPANT#")] == ["candidate-cand-1"]
    assert [m["status"] for m in items("EVENT#")] == ["applied"]
    assert webhooks.deliver(event)[1]["result"] == "duplicate"


def test_a_concurrent_participant_write_is_merged_not_lost(world: dict[str, Any]) -> None:
    # Given another delivery writes the participant just before this one (a conditional-check failure)
    store_interview(ROOM, candidate_id="cand-1", state=InterviewState.WAITING_FOR_CANDIDATE)
    world["dynamodb"].fail(
        "PutItem",
        "ConditionalCheckFailedException",
        times=1,
        matching=lambda request: "PARTICIPANT#" in request,
    )

    # When the join is delivered, Then the store merges into what is there and the join is applied
    status, answer = WebhookClient().deliver(candidate_joined())
    assert (status, answer["result"], answer["state"]) == (200, "applied", "in_progress")
    assert world["dynamodb"].injected["PutItem"] == 1


def test_room_finished_while_ecs_throttles_is_retried_until_the_agent_is_stopped(
    world: dict[str, Any], ecs_cluster: dict[str, Any]
) -> None:
    # Given an interview in progress whose agent runs, and ECS throttling StopTask
    interview = store_interview(ROOM, candidate_id="cand-1", state=InterviewState.IN_PROGRESS)
    task_arn = launch_agent(ecs_cluster, interview)
    store_interview(
        ROOM,
        candidate_id="cand-1",
        state=InterviewState.IN_PROGRESS,
        interview_id=interview.interview_id,
        task_arn=task_arn,
    )
    world["ecs"].fail("StopTask", "ThrottlingException")
    finished = webhook_event("room_finished", room=room_info(ROOM), created_at=time.time())
    webhooks = WebhookClient()

    # When the room closes
    status, _ = webhooks.deliver(finished)

    # Then LiveKit is told to retry: the interview is abandoned, but its agent still runs
    assert status == 503
    assert read_interview(ROOM).state == InterviewState.ABANDONED  # type: ignore[union-attr]
    assert [task["taskArn"] for task in running_tasks(world)] == [task_arn]

    # When ECS recovers and LiveKit retries, Then the agent is stopped; nothing runs for a closed room
    world["ecs"].heal()
    status, answer = webhooks.deliver(finished)
    assert (status, answer["state"]) == (200, "abandoned")
    assert running_tasks(world) == []
