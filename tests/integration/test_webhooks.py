"""POST /livekit/webhook through the real handler and moto's DynamoDB (and ECS where an agent runs).

Events are LiveKit's own protobufs, signed as LiveKit signs them; the agent-status handler is polled
after each one, as the frontend does every 3 s.
"""

from __future__ import annotations

import base64
import hashlib
import time
from datetime import timedelta
from typing import Any

import boto3
import pytest
from interview_common import wiring
from interview_common.launcher import LaunchRequest
from interview_common.lifecycle import InterviewState
from interview_common.models.items import InterviewItem
from interview_common.participants import ParticipantStore
from livekit.protocol import models
from livekit.protocol.webhook import WebhookEvent

from local.livekit_sim.events import camera, microphone, participant_info, room_info, webhook_event
from local.livekit_sim.webhooks import WEBHOOK_CONTENT_TYPE, encode_event, sign_body
from tests.conftest import (
    TABLE_NAME,
    TEST_LIVEKIT_KEY,
    TEST_LIVEKIT_SECRET,
    Api,
    FakeLiveKit,
    reset_process_caches,
)
from tests.integration.stored_interviews import read_interview, store_interview
from tests.integration.webhook_support import WebhookClient, captured_logs, log_lines, signed

ROOM = "webhook-room-1"
OTHER_SECRET = "another-secret-that-is-long-enough-456"


@pytest.fixture
def webhooks() -> WebhookClient:
    return WebhookClient()


@pytest.fixture
def interview(aws: None) -> InterviewItem:
    """An interview whose agent is launching, as start-interview leaves it."""
    return store_interview(ROOM, candidate_id="cand-1", state=InterviewState.LAUNCHING)


def joined(
    identity: str, *, at: float, agent: bool = False, room: str = ROOM, name: str = ""
) -> WebhookEvent:
    return webhook_event(
        "participant_joined",
        room=room_info(room),
        participant=participant_info(identity, name=name, joined_at=at, agent=agent),
        created_at=at,
    )


def left(identity: str, *, joined_at: float, at: float, agent: bool = False) -> WebhookEvent:
    return webhook_event(
        "participant_left",
        room=room_info(ROOM),
        participant=participant_info(identity, joined_at=joined_at, agent=agent, connected=False),
        created_at=at,
    )


def poll(status_api: Api, room: str = ROOM) -> dict[str, Any]:
    status, body, _ = status_api.call("GET", "/agent-status", query={"room": room})
    assert status == 200
    return body


# -- accepted events ---------------------------------------------------------------------------------


def test_agent_joining_is_recorded_and_the_interview_waits_for_the_candidate(
    interview: InterviewItem, webhooks: WebhookClient, status_api: Api, table_items: Any
) -> None:
    # Given a launching interview, When LiveKit reports its agent joined (as application/webhook+json)
    status, answer = webhooks.deliver(
        joined(interview.agent_identity, at=time.time(), agent=True, name="AI Interviewer")
    )

    # Then the webhook is accepted and applied
    assert status == 200
    assert answer == {
        "status": "success",
        "event": "participant_joined",
        "result": "applied",
        "state": "waiting_for_candidate",
    }
    # And the next poll shows the agent connected and the candidate awaited
    body = poll(status_api)
    assert body["agentConnected"] is True
    assert body["candidateConnected"] is False
    assert body["interview"]["state"] == "waiting_for_candidate"
    assert [(p["identity"], p["kind"], p["isAgent"], p["name"]) for p in body["participants"]] == [
        (interview.agent_identity, "agent", True, "AI Interviewer")
    ]
    # And META's flag agrees with the participants, and the event id is remembered for 7 days
    meta = read_interview(ROOM)
    assert meta is not None
    assert meta.agent_connected is True
    (marker,) = [item for item in table_items() if item["SK"].startswith("EVENT#")]
    assert marker["event"] == "participant_joined"
    assert 6.9 * 86400 < int(marker["expiresAt"]) - time.time() <= 7 * 86400


def test_a_base64_encoded_body_is_accepted(
    interview: InterviewItem, webhooks: WebhookClient, status_api: Api
) -> None:
    # Given API Gateway hands the body over base64-encoded, When the candidate's join arrives
    status, answer = webhooks.deliver(joined(interview.candidate_identity, at=time.time()), as_base64=True)

    # Then it is verified over the decoded bytes and applied: the interview is in progress
    assert status == 200
    assert answer["result"] == "applied"
    assert poll(status_api)["interview"]["state"] == "in_progress"


def test_a_repeated_delivery_is_answered_as_a_duplicate_and_changes_nothing(
    interview: InterviewItem, webhooks: WebhookClient, table_items: Any
) -> None:
    # Given the candidate's join was applied
    event = joined(interview.candidate_identity, at=time.time())
    assert webhooks.deliver(event)[1]["result"] == "applied"
    before = table_items()

    # When LiveKit delivers the same event again (re-signed, as its retries are)
    status, answer = webhooks.deliver(event)

    # Then it is acknowledged as a duplicate and the table is as it was
    assert status == 200
    assert answer["result"] == "duplicate"
    assert table_items() == before


def test_an_older_event_arriving_late_does_not_undo_a_newer_one(
    interview: InterviewItem, webhooks: WebhookClient, status_api: Api
) -> None:
    # Given the candidate joined and then left, and the leave arrived first
    start = time.time()
    webhooks.deliver(left(interview.candidate_identity, joined_at=start, at=start + 30))

    # When the join arrives late
    status, answer = webhooks.deliver(joined(interview.candidate_identity, at=start))

    # Then the candidate is still shown as gone, though the interview did start
    assert status == 200
    body = poll(status_api)
    assert body["candidateConnected"] is False
    assert body["participants"] == []
    assert body["interview"]["state"] == "in_progress"
    assert answer["state"] == "in_progress"


def test_the_candidates_microphone_and_camera_follow_track_events(
    interview: InterviewItem, webhooks: WebhookClient
) -> None:
    # Given the candidate joined
    start = time.time()
    person = participant_info(interview.candidate_identity, joined_at=start)
    room = room_info(ROOM)
    webhooks.deliver(joined(interview.candidate_identity, at=start))
    cam = camera()

    # When they publish a microphone and a camera, then unpublish the camera
    for name, track, at in (
        ("track_published", microphone(), 1),
        ("track_published", cam, 2),
        ("track_unpublished", cam, 3),
    ):
        status, answer = webhooks.deliver(
            webhook_event(name, room=room, participant=person, track=track, created_at=start + at)
        )
        assert status == 200
        assert answer["result"] == "applied"

    # Then the participant item has the microphone on and the camera off
    record = ParticipantStore(TABLE_NAME, boto3.client("dynamodb")).get(ROOM, interview.candidate_identity)
    assert record is not None
    assert (record.state, record.microphone_on, record.camera_on) == ("joined", True, False)


def test_tracks_other_than_the_candidates_microphone_and_camera_write_nothing(
    interview: InterviewItem, webhooks: WebhookClient, table_items: Any
) -> None:
    # Given the agent is in the room
    start = time.time()
    webhooks.deliver(joined(interview.agent_identity, at=start, agent=True))
    before = table_items()

    # When the agent publishes its microphone, an observer their camera, and the candidate a screen share
    room = room_info(ROOM)
    agent = participant_info(interview.agent_identity, joined_at=start, agent=True)
    observer = participant_info("hiring-manager-1", joined_at=start)
    candidate = participant_info(interview.candidate_identity, joined_at=start)
    screen = models.TrackInfo(
        sid="TR_screen", type=models.TrackType.VIDEO, source=models.TrackSource.SCREEN_SHARE
    )
    answers = [
        webhooks.deliver(
            webhook_event("track_published", room=room, participant=who, track=track, created_at=start + 1)
        )
        for who, track in ((agent, microphone()), (observer, camera()), (candidate, screen))
    ]

    # Then each is acknowledged and nothing is written
    assert [(status, answer["result"]) for status, answer in answers] == [(200, "ignored")] * 3
    assert table_items() == before


def test_room_finished_after_completion_leaves_the_interview_completed(
    aws: None, webhooks: WebhookClient, status_api: Api
) -> None:
    # Given an interview the agent completed (its task still finishing the report)
    store_interview(
        ROOM, state=InterviewState.COMPLETED, task_arn="arn:aws:ecs:us-east-1:123456789012:task/agents/abc"
    )

    # When the room finishes
    status, answer = webhooks.deliver(
        webhook_event("room_finished", room=room_info(ROOM), created_at=time.time())
    )

    # Then it stays completed (nothing to stop: no launcher is even configured here)
    assert status == 200
    assert answer["state"] == "completed"
    meta = read_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.COMPLETED
    assert meta.error is None


@pytest.mark.parametrize("end_requested", [None, "2025-10-09T09:00:00.000Z"], ids=["plain", "end-requested"])
def test_room_finished_before_the_candidate_ever_joined_is_a_no_show(
    aws: None, webhooks: WebhookClient, status_api: Api, end_requested: str | None
) -> None:
    # Given an interview whose agent waits for a candidate who never came (its end perhaps requested)
    store_interview(
        ROOM, state=InterviewState.WAITING_FOR_CANDIDATE, question_count=5, end_requested_at=end_requested
    )

    # When the room finishes
    status, answer = webhooks.deliver(
        webhook_event("room_finished", room=room_info(ROOM), created_at=time.time())
    )

    # Then the interview is abandoned as a no-show, at 0 %, and status says so
    assert status == 200
    assert answer["state"] == "abandoned"
    meta = read_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.ABANDONED and meta.end_reason == "no_show"
    body = poll(status_api)
    assert body["interviewProgress"] == 0
    assert body["interview"]["endReason"] == "no_show"


def test_room_finished_after_an_end_was_requested_leaves_the_closing_to_the_agent(
    aws: None, webhooks: WebhookClient, status_api: Api
) -> None:
    # Given an interview in progress whose end was requested (POST /end-interview), its agent still closing
    task = "arn:aws:ecs:us-east-1:123456789012:task/agents/closing"
    store_interview(
        ROOM, state=InterviewState.IN_PROGRESS, task_arn=task, end_requested_at="2025-10-09T09:00:00.000Z"
    )

    # When the room finishes before the agent recorded the end
    status, answer = webhooks.deliver(
        webhook_event("room_finished", room=room_info(ROOM), created_at=time.time())
    )

    # Then the interview is not abandoned (nor its agent stopped: no launcher is configured here), and
    # nobody is shown connected any more
    assert status == 200
    assert answer["state"] == "in_progress"
    body = poll(status_api)
    assert body["interview"]["state"] == "in_progress"
    meta = read_interview(ROOM)
    assert meta is not None
    assert (meta.agent_connected, meta.candidate_connected) == (False, False)


def test_a_whole_interview_is_reflected_in_each_poll_and_room_finished_stops_the_agent(
    ecs_cluster: dict[str, Any],
    livekit: FakeLiveKit,
    start_api: Api,
    status_api: Api,
    webhooks: WebhookClient,
) -> None:
    # Given an interview started through the API, whose simulated LiveKit room signs and delivers webhooks
    status, started, _ = start_api.call(
        "POST", "/start-interview", body={"roomName": ROOM, "candidateId": "c-9", "jobId": "j-1"}
    )
    assert status == 202
    deliveries: list[tuple[str, int, str]] = []

    def deliver(event: WebhookEvent) -> None:
        code, answer = webhooks.deliver(event)
        deliveries.append((event.event, code, answer.get("result", "")))

    livekit.sim.add_event_sink(deliver)
    sim = livekit.sim

    # When the agent joins, Then the next poll shows it connected and the interview waiting
    sim.join(ROOM, started["agentIdentity"], name="AI Interviewer", agent=True)
    body = poll(status_api)
    assert (body["agentConnected"], body["candidateConnected"], body["interview"]["state"]) == (
        True,
        False,
        "waiting_for_candidate",
    )

    # When the candidate joins, Then both are connected and the interview is in progress
    sim.join(ROOM, started["candidateIdentity"], name="Ada")
    body = poll(status_api)
    assert (body["agentConnected"], body["candidateConnected"], body["interview"]["state"]) == (
        True,
        True,
        "in_progress",
    )
    assert body["participantCount"] == 2
    assert body["interview"]["startedAt"] is not None
    kinds = {p["identity"]: p["kind"] for p in body["participants"]}
    assert kinds == {started["agentIdentity"]: "agent", "candidate-c-9": "candidate"}

    # When the candidate's connection drops, Then they are shown gone but the interview is not abandoned yet
    sim.leave(ROOM, started["candidateIdentity"], aborted=True)
    body = poll(status_api)
    assert (body["candidateConnected"], body["participantCount"], body["interview"]["state"]) == (
        False,
        1,
        "in_progress",
    )

    # When they come back, Then they are connected again
    sim.join(ROOM, started["candidateIdentity"], name="Ada")
    assert poll(status_api)["candidateConnected"] is True

    # When the room is closed before the interview completed
    sim.delete_room(ROOM)

    # Then every event was accepted, the interview is abandoned, nobody is connected
    assert all(code == 200 for _, code, _ in deliveries), deliveries
    assert [name for name, _, _ in deliveries][-1] == "room_finished"
    body = poll(status_api)
    assert (body["agentConnected"], body["candidateConnected"], body["participantCount"]) == (False, False, 0)
    assert body["interview"]["state"] == "abandoned"
    assert body["interview"]["error"] == "the room closed before the interview completed"
    # And the agent's task was stopped
    ecs, cluster = ecs_cluster["ecs"], ecs_cluster["cluster"]
    task_arn = ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]
    assert len(task_arn) == 1
    task = ecs.describe_tasks(cluster=cluster, tasks=task_arn)["tasks"][0]
    assert task["lastStatus"] == "STOPPED"
    assert ROOM in task["stoppedReason"]


def test_an_event_that_fails_midway_is_applied_by_livekits_retry(
    ecs_cluster: dict[str, Any], webhooks: WebhookClient, monkeypatch: pytest.MonkeyPatch, table_items: Any
) -> None:
    # Given an interview in progress whose agent task runs
    interview = store_interview(ROOM, state=InterviewState.IN_PROGRESS)
    task_arn = (
        wiring.launcher()
        .launch(
            LaunchRequest(
                interview_id=interview.interview_id,
                room_name=ROOM,
                candidate_id=interview.candidate_id,
                candidate_identity=interview.candidate_identity,
                job_id=interview.job_id,
                agent_identity=interview.agent_identity,
            )
        )
        .task_ref
    )
    store_interview(
        ROOM, state=InterviewState.IN_PROGRESS, interview_id=interview.interview_id, task_arn=task_arn
    )
    finished = webhook_event("room_finished", room=room_info(ROOM), created_at=time.time())

    # When room_finished arrives while the agent cannot be stopped (no launcher configured)
    monkeypatch.setenv("ECS_TASK_DEFINITION", "")
    reset_process_caches()
    status, answer = webhooks.deliver(finished)

    # Then LiveKit is told to retry, and the event's marker is released
    assert status == 503
    assert answer["error"]["code"] == "service_unavailable"
    (marker,) = [item for item in table_items() if item["SK"].startswith("EVENT#")]
    assert marker["status"] == "released"

    # When LiveKit retries once the launcher works again
    monkeypatch.setenv("ECS_TASK_DEFINITION", ecs_cluster["task_definition"])
    reset_process_caches()
    status, answer = webhooks.deliver(finished)

    # Then the retry is applied: the interview is abandoned and the agent's task stopped
    assert status == 200
    assert answer["state"] == "abandoned"
    task = ecs_cluster["ecs"].describe_tasks(cluster=ecs_cluster["cluster"], tasks=[task_arn])["tasks"][0]
    assert task["lastStatus"] == "STOPPED"
    (marker,) = [item for item in table_items() if item["SK"].startswith("EVENT#")]
    assert marker["status"] == "applied"


# -- refused and ignored requests -------------------------------------------------------------------


def _tampered(event: WebhookEvent) -> tuple[str, dict[str, str]]:
    body, headers = signed(event)
    return body.replace('"participant_joined"', '"participant_left"'), headers


def _wrong_key(event: WebhookEvent) -> tuple[str, dict[str, str]]:
    return signed(event, key="APIsomebodyelse")


def _wrong_secret(event: WebhookEvent) -> tuple[str, dict[str, str]]:
    return signed(event, secret=OTHER_SECRET)


def _expired(event: WebhookEvent) -> tuple[str, dict[str, str]]:
    # Past LiveKit's 5 minutes and the verifier's 1 minute of leeway.
    return signed(event, ttl=timedelta(minutes=-2))


def _no_header(event: WebhookEvent) -> tuple[str, dict[str, str]]:
    body, headers = signed(event)
    del headers["authorization"]
    return body, headers


def _bearer_prefix(event: WebhookEvent) -> tuple[str, dict[str, str]]:
    body, headers = signed(event)
    headers["authorization"] = "Bearer " + headers["authorization"]
    return body, headers


def _unsigned_hash(event: WebhookEvent) -> tuple[str, dict[str, str]]:
    # A token signed with our key pair but for another body (an old request replayed with a new body).
    body = encode_event(event)
    other = sign_body(body + " ", TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
    return body, {"content-type": WEBHOOK_CONTENT_TYPE, "authorization": other}


@pytest.mark.parametrize(
    "forge", [_tampered, _wrong_key, _wrong_secret, _expired, _no_header, _bearer_prefix, _unsigned_hash]
)
def test_a_request_without_a_valid_signature_is_refused_with_401_and_writes_nothing(
    forge: Any, interview: InterviewItem, webhooks: WebhookClient, table_items: Any
) -> None:
    # Given an interview, and a request for its candidate's join that LiveKit did not sign as sent
    before = table_items()
    body, headers = forge(joined(interview.candidate_identity, at=time.time()))

    # When it is posted
    with captured_logs() as logs:
        status, answer = webhooks.post(body, headers)

    # Then it is refused as unauthorized, nothing is written
    assert status == 401
    assert answer["status"] == "error"
    assert answer["error"]["code"] == "unauthorized"
    assert table_items() == before
    # And neither the answer nor the logs hold the token, the secret or the body
    token = headers.get("authorization", "").removeprefix("Bearer ")
    written = logs.getvalue() + repr(answer)
    for secret in filter(
        None, (token, TEST_LIVEKIT_SECRET, OTHER_SECRET, body, interview.candidate_identity)
    ):
        assert secret not in written
    # And the refusal is logged with its kind of reason only
    (warning,) = [line for line in log_lines(logs) if line.get("message") == "webhook signature rejected"]
    assert warning["level"] == "WARNING"
    assert warning["reason"]


def test_garbage_with_a_valid_signature_is_a_400_and_writes_nothing(
    interview: InterviewItem, webhooks: WebhookClient, table_items: Any
) -> None:
    # Given a body that is not JSON, correctly signed with our key pair
    before = table_items()
    body = '{"event": "participant_joined", "room": {"name": '
    headers = {
        "content-type": WEBHOOK_CONTENT_TYPE,
        "authorization": sign_body(body, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET),
    }

    # When it is posted
    with captured_logs() as logs:
        status, answer = webhooks.post(body, headers)

    # Then it is a bad request, nothing is written, and the body is not echoed or logged
    assert status == 400
    assert answer["error"]["code"] == "bad_request"
    assert table_items() == before
    assert body not in logs.getvalue() + repr(answer)
    assert headers["authorization"] not in logs.getvalue()


def test_a_base64_body_that_is_not_utf8_is_a_400(
    interview: InterviewItem, webhooks: WebhookClient, table_items: Any
) -> None:
    # Given bytes that are not UTF-8 (API Gateway passes them base64-encoded)
    raw = b"\xff\xfe\x00garbage"
    digest = base64.b64encode(hashlib.sha256(raw).digest()).decode()
    from livekit import api

    token = api.AccessToken(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET).with_sha256(digest).to_jwt()
    before = table_items()

    # When they are posted
    status, _ = webhooks.post(raw, {"content-type": WEBHOOK_CONTENT_TYPE, "authorization": token})

    # Then they are refused and nothing is written
    assert status == 400
    assert table_items() == before


@pytest.mark.parametrize(
    "name", ["egress_started", "ingress_ended", "room_started", "agent_job_started", "made_up_event"]
)
def test_events_we_do_not_act_on_are_acknowledged_without_a_write(
    name: str, interview: InterviewItem, webhooks: WebhookClient, table_items: Any
) -> None:
    # Given a correctly signed event that does not concern the interview's state
    before = table_items()

    # When it is delivered
    status, answer = webhooks.deliver(webhook_event(name, room=room_info(ROOM), created_at=time.time()))

    # Then it is acknowledged (LiveKit retries anything else) and nothing is written
    assert status == 200
    assert (answer["event"], answer["result"]) == (name, "ignored")
    assert table_items() == before


@pytest.mark.parametrize("room", ["someone-elses-room", "room with spaces"])
def test_an_event_for_a_room_without_an_interview_is_acknowledged_without_a_write(
    room: str, interview: InterviewItem, webhooks: WebhookClient, table_items: Any
) -> None:
    # Given a room we host no interview in
    before = table_items()

    # When LiveKit reports someone joined it, and that it finished
    for event in (
        joined("candidate-x", at=time.time(), room=room),
        webhook_event("room_finished", room=room_info(room), created_at=time.time()),
    ):
        status, answer = webhooks.deliver(event)
        # Then each is acknowledged as for an unknown room, and nothing is written
        assert status == 200
        assert answer["result"] == "unknown_room"
    assert table_items() == before


def test_log_lines_of_an_unknown_room_carry_no_keys_of_the_previous_webhook(
    interview: InterviewItem, webhooks: WebhookClient
) -> None:
    # Given a warm handler that just handled a webhook for our interview's room
    webhooks.deliver(joined(interview.agent_identity, at=time.time(), agent=True))

    # When a webhook for another room follows
    with captured_logs() as logs:
        webhooks.deliver(joined("candidate-x", at=time.time(), room="someone-elses-room"))

    # Then its log lines say so, without the previous room's or interview's keys
    lines = log_lines(logs)
    assert [line["message"] for line in lines] == ["webhook for a room without an interview"]
    assert "room_name" not in lines[0]
    assert "interview_id" not in lines[0]
