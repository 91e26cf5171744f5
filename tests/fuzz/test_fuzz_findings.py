"""What the fuzz suite found, pinned as plain examples (hypothesis may not draw them again on every run).

Each was a 500 (with its stack trace in the logs, and LiveKit retrying a webhook forever) before its fix.
"""

from __future__ import annotations

from typing import Any

import pytest
from interview_common.lifecycle import InterviewState
from livekit.protocol.webhook import WebhookEvent

from local.livekit_sim.webhooks import WEBHOOK_CONTENT_TYPE, encode_event, sign_body
from tests.conftest import TEST_API_KEY, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET
from tests.fuzz.support import World, http_event, invoke
from tests.integration.stored_interviews import store_interview

START = '{"roomName": "found-1", "candidateId": "cand-1", "jobId": "job-1"}'


def joined(**fields: Any) -> WebhookEvent:
    event = WebhookEvent(event="participant_joined", id=fields.pop("id", "EV_1"), created_at=1_800_000_000)
    event.room.name = "found-room"
    event.participant.identity = fields.pop("identity", "candidate-cand-1")
    for name, value in fields.items():
        if name == "created_at":
            event.created_at = value
        else:
            setattr(event.participant, name, value)
    return event


@pytest.mark.parametrize(
    ("event", "why"),
    [
        pytest.param(joined(id="i" * 1100), "EVENT#<id> over DynamoDB's 1 KiB sort key", id="long-event-id"),
        pytest.param(joined(identity="p" * 1100), "PARTICIPANT#<identity> over 1 KiB", id="long-identity"),
        pytest.param(joined(identity="ü" * 251), "251 two-byte characters", id="multibyte-identity"),
        pytest.param(joined(joined_at=-62_135_596_801), "before year 1", id="joined-before-year-1"),
        pytest.param(joined(joined_at_ms=2**62), "after year 9999", id="joined-ms-after-9999"),
        pytest.param(joined(created_at=2**62), "createdAt after year 9999", id="created-after-9999"),
    ],
)
def test_a_signed_event_no_livekit_would_send_is_a_400_and_writes_nothing(
    world: World, event: WebhookEvent, why: str
) -> None:
    # Given an interview, and a correctly signed event whose field is out of any real range (`why`)
    store_interview("found-room", candidate_id="cand-1", state=InterviewState.WAITING_FOR_CANDIDATE)
    body = encode_event(event)
    before = world.snapshot()

    # When it is posted
    answer = invoke(
        "livekit_webhook",
        http_event(
            "POST",
            "/livekit/webhook",
            body=body,
            headers={
                "content-type": WEBHOOK_CONTENT_TYPE,
                "authorization": sign_body(body, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET),
            },
        ),
    )

    # Then it is refused as not a LiveKit event, and nothing was written
    world.check(answer, before, presented=set(), may_write=False)
    assert answer.status == 400, answer
    assert "not one LiveKit sends" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        pytest.param(START, "text/plain", (415, "unsupported_media_type"), id="json-as-text-plain"),
        pytest.param(START, "application/xml", (415, "unsupported_media_type"), id="json-as-xml"),
        pytest.param(b"\x80\xff{}", "application/json", (400, "bad_json"), id="bytes-not-utf8"),
    ],
)
def test_a_body_that_is_not_utf8_json_is_refused_as_such(
    world: World, body: str | bytes, content_type: str, expected: tuple[int, str]
) -> None:
    before = world.snapshot()
    answer = invoke(
        "start_interview",
        http_event(
            "POST",
            "/start-interview",
            body=body,
            headers={"content-type": content_type, "authorization": f"Bearer {TEST_API_KEY}"},
        ),
    )
    world.check(answer, before, presented=set(), may_write=False)
    assert (answer.status, answer.json()["error"]["code"]) == expected


def test_the_size_and_auth_checks_still_come_first_for_a_wrong_content_type(world: World) -> None:
    # An unauthenticated caller learns it is refused, not what is wrong with its body
    before = world.snapshot()
    answer = invoke(
        "start_interview",
        http_event("POST", "/start-interview", body=START, headers={"content-type": "text/plain"}),
    )
    world.check(answer, before, presented=set(), may_write=False)
    assert answer.status == 401
