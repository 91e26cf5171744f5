"""LiveKit delivers webhooks at least once and in no guaranteed order: whatever the order and however many
copies arrive, the interview must end exactly where in-order delivery leaves it.

Each example delivers a whole interview's webhooks (or the part of it before the room closed), each one
once or twice, shuffled, through the real handler (signed and verified), into a table emptied first.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interview_common.lifecycle import InterviewState
from livekit.protocol.webhook import WebhookEvent

from local.livekit_sim.events import interview_timeline
from tests.conftest import TABLE_NAME, Api
from tests.integration.stored_interviews import store_interview
from tests.integration.webhook_support import WebhookClient

ROOM = "ordering-room"
CANDIDATE_ID = "cand-7"
INTERVIEW_ID = "0123456789abcdef0123456789abcdef"
AGENT = f"interview-agent-{INTERVIEW_ID}"
CANDIDATE = f"candidate-{CANDIDATE_ID}"
START = 1_760_000_000.0
CREATED_AT = "2025-10-09T08:52:59.000Z"

TIMELINE = interview_timeline(
    ROOM, agent_identity=AGENT, candidate_identity=CANDIDATE, candidate_name="Ada", start=START
)
# The whole interview, and the part before the agent left and the room closed (the interview still live).
SCENARIOS: dict[str, list[WebhookEvent]] = {
    "whole": TIMELINE,
    "before_room_finished": [
        e
        for e in TIMELINE
        if e.event != "room_finished"
        and not (e.event == "participant_left" and e.participant.identity == AGENT)
    ],
}
# Fields that record when a write happened rather than what it decided.
WRITE_BOOKKEEPING = {"updated_at", "version", "received_at", "expiresAt"}


def reset_table() -> None:
    dynamodb = boto3.client("dynamodb")
    for item in dynamodb.scan(TableName=TABLE_NAME)["Items"]:
        dynamodb.delete_item(TableName=TABLE_NAME, Key={"PK": item["PK"], "SK": item["SK"]})
    store_interview(
        ROOM,
        candidate_id=CANDIDATE_ID,
        interview_id=INTERVIEW_ID,
        state=InterviewState.LAUNCHING,
        created_at=CREATED_AT,
    )


def final_state(status_api: Api) -> dict[str, Any]:
    """What a reader can see: the poll's answer and every stored META/PARTICIPANT field but bookkeeping."""
    from interview_common.store import from_attribute_values

    status, poll, _ = status_api.call("GET", "/agent-status", query={"room": ROOM})
    assert status == 200
    poll["interview"].pop("updatedAt")
    items = [from_attribute_values(i) for i in boto3.client("dynamodb").scan(TableName=TABLE_NAME)["Items"]]
    stored = {
        item["SK"]: {k: v for k, v in item.items() if k not in WRITE_BOOKKEEPING}
        for item in items
        if not item["SK"].startswith("EVENT#")
    }
    return {"poll": poll, "stored": stored}


def deliver_all(webhooks: WebhookClient, events: list[WebhookEvent]) -> None:
    for event in events:
        status, answer = webhooks.deliver(event)
        assert status == 200, answer


@pytest.fixture
def in_order(aws: None, status_api: Api) -> dict[str, dict[str, Any]]:
    webhooks = WebhookClient()
    expected = {}
    for name, events in SCENARIOS.items():
        reset_table()
        deliver_all(webhooks, events)
        expected[name] = final_state(status_api)
    return expected


def test_in_order_delivery_ends_where_the_interview_did(in_order: dict[str, dict[str, Any]]) -> None:
    # Given a whole interview's webhooks delivered in order, Then the room closing abandoned it,
    whole = in_order["whole"]
    assert whole["poll"]["interview"]["state"] == "abandoned"
    assert (
        whole["poll"]["agentConnected"],
        whole["poll"]["candidateConnected"],
        whole["poll"]["participants"],
    ) == (False, False, [])
    candidate = whole["stored"][f"PARTICIPANT#{CANDIDATE}"]
    # the candidate left from their second connection, with microphone and camera off,
    assert (candidate["state"], candidate["microphone_on"], candidate["camera_on"]) == ("left", False, False)
    assert candidate["joined_at"] == "2025-10-09T08:54:00.600Z"
    assert candidate["left_at"] == "2025-10-09T08:54:55.000Z"
    # and the interview started at the first join
    assert whole["poll"]["interview"]["startedAt"] == "2025-10-09T08:53:22.000Z"

    # And before the room closed: in progress, agent present, candidate gone
    live = in_order["before_room_finished"]
    assert live["poll"]["interview"]["state"] == "in_progress"
    assert (live["poll"]["agentConnected"], live["poll"]["candidateConnected"]) == (True, False)
    assert [p["identity"] for p in live["poll"]["participants"]] == [AGENT]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_duplicated_shuffled_delivery_converges_to_in_order_delivery(
    data: st.DataObject, in_order: dict[str, dict[str, Any]], status_api: Api
) -> None:
    # Given one of the scenarios, each webhook delivered one to three times, in any order
    name = data.draw(st.sampled_from(sorted(SCENARIOS)), label="scenario")
    events = SCENARIOS[name]
    copies = data.draw(
        st.lists(st.integers(1, 2), min_size=len(events), max_size=len(events)), label="copies"
    )
    deliveries = data.draw(
        st.permutations([e for e, n in zip(events, copies, strict=True) for _ in range(n)])
    )
    reset_table()

    # When they are all delivered
    deliver_all(WebhookClient(), deliveries)

    # Then what anyone can read is exactly what in-order delivery left
    assert final_state(status_api) == in_order[name], [
        f"{e.event}:{e.participant.identity}" for e in deliveries
    ]
