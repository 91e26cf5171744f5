"""Who is in the room, kept on META: a status poll is one GetItem, a webhook one write, older records still
answer the same (read from their PARTICIPANT# items until their next change puts them on META)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from interview_common import aws_clients
from interview_common.lifecycle import InterviewState
from interview_common.store import InterviewStore
from livekit.protocol.webhook import WebhookEvent

from local.livekit_sim.events import participant_info, room_info, webhook_event
from tests.conftest import TABLE_NAME, Api, FakeLiveKit
from tests.integration.stored_interviews import read_interview, store_interview, store_participant
from tests.integration.webhook_support import WebhookClient

ROOM = "participants-room-1"


class RequestLog:
    """The DynamoDB requests the handlers send (their own client), by operation, and the refusals."""

    def __init__(self) -> None:
        self.operations: list[str] = []
        self.refused: list[str] = []
        events = aws_clients.client("dynamodb").meta.events
        events.register("before-call.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    def _before(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def _after(self, model: Any, http_response: Any, **_: Any) -> None:
        if http_response.status_code >= 400:
            self.refused.append(model.name)

    def during(self, action: Any) -> tuple[Any, list[str], list[str]]:
        self.operations, self.refused = [], []
        result = action()
        return result, self.operations, self.refused


@pytest.fixture
def requests(aws: None) -> RequestLog:
    return RequestLog()


def joined(identity: str, *, at: float, agent: bool = False, name: str = "") -> WebhookEvent:
    return webhook_event(
        "participant_joined",
        room=room_info(ROOM),
        participant=participant_info(identity, name=name, joined_at=at, agent=agent),
        created_at=at,
    )


def left(identity: str, *, joined_at: float, at: float) -> WebhookEvent:
    return webhook_event(
        "participant_left",
        room=room_info(ROOM),
        participant=participant_info(identity, joined_at=joined_at, connected=False),
        created_at=at,
    )


def poll() -> dict[str, Any]:
    status, body, _ = Api("agent_status").call("GET", "/agent-status", query={"room": ROOM})
    assert status == 200, body
    return body


def who(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["identity"], p["kind"]) for p in body["participants"]]


@pytest.fixture
def started(ecs_cluster: dict[str, Any], livekit: FakeLiveKit, start_api: Api) -> dict[str, Any]:
    """An interview started as the frontend starts it (a new record)."""
    status, body, _ = start_api.call(
        "POST", "/start-interview", body={"roomName": ROOM, "candidateId": "cand-1", "jobId": "job-1"}
    )
    assert status == 202, body
    return body


def test_a_new_interviews_poll_is_one_getitem_before_and_after_people_join(
    started: dict[str, Any], requests: RequestLog
) -> None:
    # Given an interview just started: nobody in the room yet
    body, operations, _ = requests.during(poll)
    assert (body["agentConnected"], body["candidateConnected"], body["participants"]) == (False, False, [])
    assert operations == ["GetItem"]

    # When the agent and the candidate join
    webhooks = WebhookClient()
    now = time.time()
    assert webhooks.deliver(joined(started["agentIdentity"], at=now, agent=True))[1]["result"] == "applied"
    assert webhooks.deliver(joined(started["candidateIdentity"], at=now + 1))[1]["result"] == "applied"

    # Then a poll shows both, in progress, from one strongly consistent GetItem
    body, operations, _ = requests.during(poll)
    assert who(body) == [(started["candidateIdentity"], "candidate"), (started["agentIdentity"], "agent")]
    assert (body["agentConnected"], body["candidateConnected"], body["participantCount"]) == (True, True, 2)
    assert body["interview"]["state"] == "in_progress"
    assert operations == ["GetItem"]


def test_a_webhook_is_one_read_and_one_write_and_its_repeat_one_conditional_failure(
    started: dict[str, Any], requests: RequestLog
) -> None:
    # Given the agent is in the room
    webhooks = WebhookClient()
    now = time.time()
    webhooks.deliver(joined(started["agentIdentity"], at=now, agent=True))
    event = joined(started["candidateIdentity"], at=now + 1)

    # When the candidate's join arrives, Then it is META's read and one write (marker, participant and
    # META together)
    (status, answer), operations, refused = requests.during(lambda: webhooks.deliver(event))
    assert (status, answer["result"], answer["state"]) == (200, "applied", "in_progress")
    assert operations == ["GetItem", "TransactWriteItems"] and refused == []

    # When LiveKit delivers it again, Then it is a duplicate: the same read and one refused write
    (status, answer), operations, refused = requests.during(lambda: webhooks.deliver(event))
    assert (status, answer["result"]) == (200, "duplicate")
    assert operations == ["GetItem", "PutItem"] and refused == ["PutItem"]


def test_out_of_order_delivery_on_a_new_record_converges(started: dict[str, Any]) -> None:
    # Given the candidate joined at t and left at t+30, and LiveKit delivers the leave first
    webhooks = WebhookClient()
    start = time.time()
    candidate = started["candidateIdentity"]
    webhooks.deliver(joined(started["agentIdentity"], at=start, agent=True))
    webhooks.deliver(left(candidate, joined_at=start, at=start + 30))

    # When the join arrives late
    status, answer = webhooks.deliver(joined(candidate, at=start))

    # Then the candidate stays gone, the interview did start, and META's flags say the same
    assert (status, answer["state"]) == (200, "in_progress")
    body = poll()
    assert who(body) == [(started["agentIdentity"], "agent")]
    assert (body["agentConnected"], body["candidateConnected"]) == (True, False)
    meta = read_interview(ROOM)
    assert meta is not None and (meta.agent_connected, meta.candidate_connected) == (True, False)
    assert meta.participants is not None and meta.participants[candidate]["state"] == "left"


def test_an_older_record_answers_from_its_items_until_its_next_change_moves_them_onto_meta(
    requests: RequestLog,
) -> None:
    # Given an interview recorded before META kept its participants: the agent and candidate as items only
    interview = store_interview(ROOM, candidate_id="cand-1", state=InterviewState.IN_PROGRESS)
    store_participant(ROOM, interview.agent_identity, kind="agent", name="AI Interviewer")
    store_participant(ROOM, interview.candidate_identity, kind="candidate", name="Ada")

    # When the frontend polls, Then it sees both (META, then a Query of the items)
    before, operations, _ = requests.during(poll)
    assert who(before) == [(interview.candidate_identity, "candidate"), (interview.agent_identity, "agent")]
    assert operations == ["GetItem", "Query"]

    # When an observer joins (the room's next change)
    now = time.time()
    status, answer = WebhookClient().deliver(joined("observer-1", at=now, name="Hiring manager"))
    assert (status, answer["result"]) == (200, "applied")

    # Then META holds everyone, and a poll is one GetItem showing the earlier participants as before
    after, operations, _ = requests.during(poll)
    assert operations == ["GetItem"]
    assert who(after) == [*who(before), ("observer-1", "other")]
    meta = read_interview(ROOM)
    assert meta is not None and sorted(meta.participants or {}) == sorted(
        [interview.agent_identity, interview.candidate_identity, "observer-1"]
    )


def test_an_interview_started_again_after_a_failed_one_still_sees_who_is_in_the_room(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit, start_api: Api
) -> None:
    # Given a room whose interview failed while the candidate stayed in it
    body = {"roomName": ROOM, "candidateId": "cand-1", "jobId": "job-1"}
    status, first, _ = start_api.call("POST", "/start-interview", body=body)
    assert status == 202
    WebhookClient().deliver(joined(first["candidateIdentity"], at=time.time()))
    store = InterviewStore(TABLE_NAME, aws_clients.client("dynamodb"))
    store.transition(ROOM, first["interviewId"], InterviewState.FAILED, error="the agent crashed")

    # When the interview is started again in the same room
    status, second, _ = start_api.call("POST", "/start-interview", body=body)

    # Then it is a new interview, and the candidate still in the room is shown connected
    assert status == 202 and second["interviewId"] != first["interviewId"]
    polled = poll()
    assert polled["candidateConnected"] is True
    assert who(polled) == [(first["candidateIdentity"], "candidate")]
