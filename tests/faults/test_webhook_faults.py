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
from interview_common.participants import PHASE_JOINED, ParticipantChange, ParticipantStore, order_key

from local.livekit_sim.events import participant_info, room_info, webhook_event
from tests.conftest import TABLE_NAME, Api
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


def test_a_webhook_whose_write_dynamodb_refuses_is_a_503_and_nothing_is_half_applied(
    world: dict[str, Any],
) -> None:
    # Given an interview waiting for its candidate, and DynamoDB refusing the event's one write (the
    # marker, the participant and META together)
    store_interview(ROOM, candidate_id="cand-1", state=InterviewState.WAITING_FOR_CANDIDATE)
    world["dynamodb"].fail("TransactWriteItems", THROTTLED)
    event = candidate_joined()
    webhooks = WebhookClient()

    # When LiveKit delivers the candidate's join
    status, answer = webhooks.deliver(event)

    # Then LiveKit is told to retry, and none of its parts was written
    assert status == 503 and answer["error"]["code"] == "service_unavailable"
    assert items("EVENT#") == [] and items("PARTICIPANT#") == []
    assert read_interview(ROOM).state == InterviewState.WAITING_FOR_CANDIDATE  # type: ignore[union-attr]

    # When DynamoDB recovers and LiveKit retries, Then the join is applied once, and its repeat is a duplicate
    world["dynamodb"].heal()
    assert webhooks.deliver(event)[1]["result"] == "applied"
    assert [p["identity"] for p in items("PARTICIPANT#")] == ["candidate-cand-1"]
    assert webhooks.deliver(event)[1]["result"] == "duplicate"


def test_an_event_whose_claim_cannot_be_released_is_still_applied_by_a_later_retry(
    world: dict[str, Any], ecs_cluster: dict[str, Any]
) -> None:
    # Given an interview in progress whose agent runs; the room closes while ECS refuses to stop the agent
    # and DynamoDB refuses every update (so the event's claim cannot be released)
    interview = store_interview(ROOM, candidate_id="cand-1", state=InterviewState.IN_PROGRESS)
    task_arn = launch_agent(ecs_cluster, interview)
    store_interview(
        ROOM,
        candidate_id="cand-1",
        state=InterviewState.IN_PROGRESS,
        interview_id=interview.interview_id,
        task_arn=task_arn,
        started_at=iso_from_epoch(time.time() - 600),
    )
    world["ecs"].fail("StopTask", "ThrottlingException")
    world["dynamodb"].fail("UpdateItem", THROTTLED)
    event = webhook_event("room_finished", room=room_info(ROOM), created_at=time.time())
    webhooks = WebhookClient()

    # When LiveKit delivers room_finished
    status, _ = webhooks.deliver(event)

    # Then it is told to retry; the interview is abandoned, the agent still runs, the claim is left behind
    assert status == 503
    (marker,) = items("EVENT#")
    assert marker["status"] == "claimed"
    assert read_interview(ROOM).state == InterviewState.ABANDONED  # type: ignore[union-attr]
    assert [task["taskArn"] for task in running_tasks(world)] == [task_arn]

    # When LiveKit retries at once (AWS healthy again), Then it is told to retry later, not that the
    # event is a duplicate: the claim may still be in flight
    world["dynamodb"].heal()
    world["ecs"].heal()
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

    # Then the event is applied: the agent is stopped, and from now on its repeats are duplicates
    assert (status, answer["state"]) == (200, "abandoned")
    assert running_tasks(world) == []
    assert [m["status"] for m in items("EVENT#")] == ["applied"]
    assert webhooks.deliver(event)[1]["result"] == "duplicate"


def test_a_concurrent_participant_write_is_merged_not_lost(world: dict[str, Any]) -> None:
    # Given the agent records itself in the room just between the webhook's read and its write
    interview = store_interview(ROOM, candidate_id="cand-1", state=InterviewState.WAITING_FOR_CANDIDATE)
    other_writer = ParticipantStore(TABLE_NAME, boto3.client("dynamodb"))
    concurrent = {"writes": 0}

    def agent_writes_first(**_: Any) -> None:
        if concurrent["writes"] == 0:
            concurrent["writes"] += 1
            now = iso_from_epoch(time.time())
            change = ParticipantChange(
                identity=interview.agent_identity,
                kind="agent",
                name="AI Interviewer",
                order=order_key(0, PHASE_JOINED, 0, "agent-self-report"),
                event_at=now,
                present=True,
                joined_at=now,
            )
            assert other_writer.apply(ROOM, change, interview.expires_at) is not None

    world["dynamodb"].client.meta.events.register_first(
        "before-call.dynamodb.TransactWriteItems", agent_writes_first
    )

    # When the candidate's join is delivered
    status, answer = WebhookClient().deliver(candidate_joined())

    # Then the webhook decided again on what the agent wrote: both are in the room, the interview started
    assert (status, answer["result"], answer["state"]) == (200, "applied", "in_progress")
    assert concurrent["writes"] == 1
    assert sorted(p["identity"] for p in items("PARTICIPANT#")) == [
        "candidate-cand-1",
        interview.agent_identity,
    ]
    poll = Api("agent_status").call("GET", "/agent-status", query={"room": ROOM})[1]
    assert (poll["agentConnected"], poll["candidateConnected"]) == (True, True)


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
