"""Hypothesis drives POST /livekit/webhook with unsigned garbage, signed garbage and signed events whose
every field is fuzzed.

Whatever arrives: never a 5xx or a stack trace, never the LiveKit secret or the signature in an answer or a
log line; a request that is not correctly signed writes nothing; a signed event never moves an interview
backwards, and one the handler did not act on writes nothing.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from interview_common.lifecycle import InterviewState, can_move
from interview_common.models.webhook import DOCUMENTED_EVENTS
from livekit.protocol import models
from livekit.protocol.webhook import WebhookEvent

from local.livekit_sim.webhooks import WEBHOOK_CONTENT_TYPE, encode_event, sign_body
from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET
from tests.fuzz.conftest import KNOWN_CANDIDATE
from tests.fuzz.support import (
    FUZZ,
    Answer,
    World,
    header_values,
    hostile_strings,
    http_event,
    invoke,
    json_values,
    mostly,
    unique_secrets,
    valid_rooms,
)
from tests.integration.stored_interviews import store_interview

WEBHOOK = "/livekit/webhook"
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


# Plausible times (seconds and milliseconds around now), sometimes any int64 LiveKit could send.
SECONDS = mostly(st.integers(min_value=1_600_000_000, max_value=2_100_000_000), INT64, one_in=10)
MILLISECONDS = mostly(st.integers(min_value=1_600_000_000_000, max_value=2_100_000_000_000), INT64, one_in=10)


def post(body: str | bytes | None, headers: dict[str, str]) -> Answer:
    return invoke("livekit_webhook", http_event("POST", WEBHOOK, body=body, headers=headers))


def meta_state(room_name: str) -> InterviewState | None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from tests.conftest import TABLE_NAME

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].get_table(TABLE_NAME)
    for item in table.all_items():
        attributes = item.to_json()["Attributes"]
        if attributes["PK"]["S"] == f"ROOM#{room_name}" and attributes["SK"]["S"] == "META":
            return InterviewState(attributes["state"]["S"])
    return None


def wrote_nothing_unless_applied(answer: Answer) -> bool:
    """May the handler have written? Only for a signed event it acted on (a dedupe marker at least)."""
    return answer.status == 200 and answer.json().get("result") in ("applied", "unchanged")


# -- unsigned or wrongly signed ----------------------------------------------------------------------


@st.composite
def bad_signatures(draw: st.DrawFn, body: str) -> tuple[str | None, set[str]]:
    """An Authorization header LiveKit would never send for this body, and the values it presents."""
    other = draw(unique_secrets("OTHER-SECRET"))
    kind = draw(
        st.sampled_from(
            [
                "none",
                "text",
                "jwt-shaped",
                "wrong-secret",
                "wrong-key",
                "expired",
                "other-body",
                "bearer-prefix",
            ]
        )
    )
    if kind == "none":
        return None, set()
    if kind == "text":
        return draw(header_values), set()
    if kind == "jwt-shaped":
        parts = draw(st.lists(st.binary(min_size=1, max_size=40), min_size=3, max_size=3))
        return ".".join(base64.urlsafe_b64encode(p).decode().rstrip("=") for p in parts), set()
    if kind == "wrong-secret":
        token = sign_body(body, TEST_LIVEKIT_KEY, other)
        return token, {token, other}
    if kind == "wrong-key":
        token = sign_body(body, "not-our-key", TEST_LIVEKIT_SECRET)
        return token, {token}
    if kind == "expired":
        token = sign_body(body, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, ttl=timedelta(seconds=-120))
        return token, {token}
    if kind == "other-body":
        token = sign_body(body + " ", TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
        return token, {token}
    token = sign_body(body, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
    return f"Bearer {token}", {token}


def test_unsigned_or_wrongly_signed_webhooks_are_refused_and_write_nothing(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        # Given any body (a real event for a known room, JSON, text or bytes) under a signature not ours
        room = store_interview(f"wh-{uuid.uuid4().hex[:12]}", candidate_id=KNOWN_CANDIDATE).room_name
        real = WebhookEvent(event="participant_joined", id=uuid.uuid4().hex, created_at=1_800_000_000)
        real.room.name = room
        real.participant.identity = f"candidate-{KNOWN_CANDIDATE}"
        body = data.draw(
            st.just(encode_event(real)) | st.text(max_size=300) | st.builds(json.dumps, json_values)
        )
        authorization, presented = data.draw(bad_signatures(body))
        headers = {
            "content-type": data.draw(
                st.sampled_from([WEBHOOK_CONTENT_TYPE, "application/json", "text/plain"])
            )
        }
        if authorization is not None:
            headers["authorization"] = authorization
        as_bytes = data.draw(st.booleans())
        before = world.snapshot()

        # When it is posted
        answer = post(body.encode() if as_bytes else body, headers)

        # Then it is refused (401; 400 for a body that is not even text), and nothing is written
        world.check(answer, before, presented=presented, may_write=False)
        assert answer.status in (400, 401, 413), answer

    example()
    assert {401} <= world.statuses, world.statuses


# -- signed garbage ----------------------------------------------------------------------------------


def test_signed_garbage_is_a_400_or_ignored_and_never_a_500(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        # Given a body that is not a LiveKit event (or barely one), correctly signed with our key pair
        body = data.draw(
            st.text(max_size=300)
            | st.builds(json.dumps, json_values)
            | st.builds(
                json.dumps,
                st.fixed_dictionaries(
                    {},
                    optional={
                        "event": st.sampled_from(sorted(DOCUMENTED_EVENTS)) | hostile_strings | json_values,
                        "id": hostile_strings | json_values,
                        "createdAt": st.integers().map(str) | json_values,
                        "room": st.fixed_dictionaries(
                            {"name": st.sampled_from(["fuzz-waiting", "fuzz-live"]) | json_values}
                        )
                        | json_values,
                        "participant": st.dictionaries(
                            st.sampled_from(["identity", "kind", "state", "joinedAt", "joinedAtMs", "name"]),
                            json_values,
                        ),
                        "track": st.dictionaries(
                            st.sampled_from(["source", "type", "muted", "sid"]), json_values
                        ),
                    },
                ),
            )
        )
        token = sign_body(body, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
        before = world.snapshot()

        # When it is posted
        answer = post(body, {"content-type": WEBHOOK_CONTENT_TYPE, "authorization": token})

        # Then it is refused as not an event, or acknowledged; only an event acted on writes
        world.check(answer, before, presented={token}, may_write=wrote_nothing_unless_applied(answer))
        assert answer.status in (200, 400), answer

    example()
    assert {200, 400} <= world.statuses, world.statuses


# -- signed events with every field fuzzed -----------------------------------------------------------

HANDLED_EVENTS = [
    "participant_joined",
    "participant_left",
    "participant_connection_aborted",
    "track_published",
    "track_unpublished",
    "room_finished",
]
IDENTITIES = mostly(
    st.sampled_from([f"candidate-{KNOWN_CANDIDATE}", "interview-agent-abc", "observer"]),
    st.sampled_from(["candidate-someone-else", "", "p" * 251, "ü" * 250, "p" * 1100, "p" * 1100]),
)


@st.composite
def fuzzed_events(draw: st.DrawFn, room_name: str) -> WebhookEvent:
    event = WebhookEvent(
        event=draw(mostly(st.sampled_from(HANDLED_EVENTS * 3 + sorted(DOCUMENTED_EVENTS)), hostile_strings)),
        # DynamoDB keys hold at most 1 KiB: an id or identity longer than that must not reach a key.
        id=draw(
            mostly(
                st.uuids().map(str),
                st.sampled_from(["", "i" * 250, "i" * 251, "é" * 250, "i" * 1100, "i" * 1100])
                | st.text(max_size=60),
            )
        ),
        created_at=draw(SECONDS),
        num_dropped=draw(st.integers(min_value=-(2**31), max_value=2**31 - 1)),
    )
    if draw(st.integers(0, 9)):  # mostly about the interview's room
        event.room.name = draw(
            mostly(st.just(room_name), st.just("fuzz-live") | valid_rooms | st.text(max_size=40))
        )
        event.room.metadata = draw(st.text(max_size=60))
    if draw(st.integers(0, 4)):  # mostly about a participant
        participant = event.participant
        participant.identity = draw(IDENTITIES)
        participant.name = draw(st.text(max_size=60))
        participant.kind = draw(st.sampled_from(models.ParticipantInfo.Kind.values()))
        participant.state = draw(st.sampled_from(models.ParticipantInfo.State.values()))
        participant.joined_at = draw(SECONDS)
        participant.joined_at_ms = draw(st.just(0) | MILLISECONDS)
        participant.metadata = draw(st.text(max_size=60))
    if draw(st.booleans()):
        event.track.sid = draw(st.text(max_size=20))
        event.track.source = draw(st.sampled_from(models.TrackSource.values()))
        event.track.type = draw(st.sampled_from(models.TrackType.values()))
        event.track.muted = draw(st.booleans())
    return event


def test_signed_events_with_fuzzed_fields_never_fail_or_move_an_interview_backwards(world: World) -> None:
    results: set[str] = set()

    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        # Given an interview in any state, and a burst of signed events about it (some repeated)
        state = data.draw(st.sampled_from(list(InterviewState)))
        room = store_interview(
            f"wh-{uuid.uuid4().hex[:12]}", candidate_id=KNOWN_CANDIDATE, state=state
        ).room_name
        events = data.draw(st.lists(fuzzed_events(room), min_size=1, max_size=4))
        events += data.draw(st.lists(st.sampled_from(events), max_size=1))
        for event in events:
            body = encode_event(event)
            token = sign_body(body, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
            before, state_before = world.snapshot(), meta_state(room)

            # When each is delivered, signed as LiveKit signs it
            answer = post(body, {"content-type": WEBHOOK_CONTENT_TYPE, "authorization": token})

            # Then it is acknowledged (or refused as lacking what every event has), never a 5xx; the
            # interview only ever moves forward; and an event not acted on writes nothing
            world.check(answer, before, presented={token}, may_write=wrote_nothing_unless_applied(answer))
            assert answer.status in (200, 400), answer
            results.add(answer.json().get("result", "refused"))
            state_after = meta_state(room)
            assert state_before is not None and state_after is not None
            assert state_after == state_before or can_move(state_before, state_after), (
                state_before,
                state_after,
            )

    example()
    # And the bursts reached every way of handling an event
    assert {"applied", "duplicate", "ignored", "unknown_room", "refused"} <= results, results
