"""Use case: a LiveKit webhook keeps the interview's DynamoDB state true.

Verification first (`receive`), then one function per event kind, which decides from META as read (it
holds the room's participants) what the event changes; that change is one write (ParticipantStore.commit:
the EVENT#<id> dedupe marker, the participant item and META, all or none). Every effect is safe to repeat
and to apply out of order: participants merge by event order (participants.py), interview states only
move forward (a transition is decided from the state read, and the write holds only while META is still
as read), and the marker makes an exact repeat one conditional failure.

Grace period after the candidate leaves. A Lambda has no clock that outlives the request, so webhooks
record the facts and two other parties decide:
1. The agent runs the grace timer. It is the one long-lived process in the room, sees the candidate
   leave at once (no webhook latency), and if nobody comes back in time it marks the interview
   `abandoned` (InterviewStore.transition) and exits. The webhook stores the candidate's `left_at` and
   `candidate_connected=false`, so status shows the absence meanwhile.
2. LiveKit's departure timeout is the backstop. The agent is an agent-kind participant and does not keep
   the room open: LiveKit closes the room ROOM_DEPARTURE_TIMEOUT_SECONDS after the last ordinary
   participant (the candidate) left, whether the agent is still in it or not. That timeout is the rejoin
   grace plus a margin (interview_common.livekit_room_settings), so the agent's grace decides first; if
   the agent gave up or crashed, `room_finished` before `completed` abandons the interview here and stops
   the agent's task if it still runs.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from interview_common.clock import iso_from_epoch, now_iso
from interview_common.credentials import LiveKitKeyPair
from interview_common.dal.interviews import InterviewStore
from interview_common.dal.participants import (
    MARKER_APPLIED,
    MARKER_CLAIMED,
    MAX_WRITE_ATTEMPTS,
    PHASE_JOINED,
    PHASE_LEFT,
    PHASE_TRACK,
    EventAlreadySeen,
    EventMarker,
    ParticipantChange,
    ParticipantRecord,
    ParticipantStore,
    RoomWrite,
    StaleRead,
    merge,
    order_key,
)
from interview_common.errors import BadRequest, ServiceUnavailable, Unauthorized
from interview_common.launcher import AgentLauncher
from interview_common.lifecycle import END_REASON_NO_SHOW, InterviewState, can_move
from interview_common.models.identifiers import AGENT_IDENTITY_MARKER, ROOM_NAME_PATTERN
from interview_common.models.items import InterviewItem, ParticipantKind
from interview_common.models.webhook import (
    PARTICIPANT_CONNECTION_ABORTED,
    PARTICIPANT_JOINED,
    PARTICIPANT_LEFT,
    ROOM_FINISHED,
    TRACK_PUBLISHED,
    TRACK_UNPUBLISHED,
    WebhookAck,
    WebhookEvent,
    WebhookParticipant,
)
from interview_common.observability import logger, metrics

AGENT_MARKER = AGENT_IDENTITY_MARKER  # "interview-agent"
ROOM_CLOSED_REASON = "the room closed before the interview completed"
_ROOM_NAME = re.compile(ROOM_NAME_PATTERN)

Result = Literal["applied", "unchanged", "duplicate", "ignored", "unknown_room"]


# -- verification -----------------------------------------------------------------------------------


def request_body(body: str | None, is_base64_encoded: bool) -> str:
    """The body exactly as LiveKit signed it (API Gateway may hand it over base64-encoded)."""
    if not body:
        return ""
    if not is_base64_encoded:
        return body
    try:
        return base64.b64decode(body, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise BadRequest("the webhook body must be UTF-8 JSON") from error


def receive(body: str, authorization: str | None, keys: LiveKitKeyPair) -> WebhookEvent:
    """Check the signature (a JWT signed with our key pair whose sha256 claim covers the body) and parse.

    Unauthorized for a missing, malformed, expired, foreign or tampered signature; BadRequest for a
    correctly signed body that is not a webhook event. Neither message quotes the header or the body.
    """
    from google.protobuf.json_format import ParseError
    from livekit import api

    if not authorization:
        logger.warning("webhook signature rejected", extra={"reason": "no Authorization header"})
        raise Unauthorized("the webhook is not signed (no Authorization header)")
    try:
        message = api.WebhookReceiver(api.TokenVerifier(keys.api_key, keys.api_secret)).receive(
            body, authorization
        )
    except ParseError as error:
        raise BadRequest("the webhook body is not a LiveKit event") from error
    except Exception as error:  # jwt errors, hash mismatch, a sha256 claim that is not base64: all "not ours"
        # Its type says why (ExpiredSignatureError, InvalidIssuerError, ...); its text may not be safe to log.
        logger.warning("webhook signature rejected", extra={"reason": type(error).__name__})
        raise Unauthorized("the webhook signature is not valid for this body") from error
    try:
        return WebhookEvent.from_protobuf(message)
    except ValueError as error:
        raise BadRequest(
            "the webhook event is not one LiveKit sends (a field is missing or out of range)"
        ) from error


# -- dispatch ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookPorts:
    store: InterviewStore
    participants: ParticipantStore
    launcher: AgentLauncher  # services.DeferredLauncher: built only when an agent must be stopped


@dataclass(frozen=True)
class Decision:
    """What one event does to a room, decided from META as read: the write, and what follows it."""

    write: RoomWrite
    changed: bool  # whether the event changes anything (applied) or not (unchanged)
    state: InterviewState  # the interview's state once written
    stop_task: str | None = None  # the agent's task to stop once written (room_finished)


def handle_event(event: WebhookEvent, ports: WebhookPorts, *, now_epoch: float | None = None) -> WebhookAck:
    """Apply one verified event. Always answers (never raises for an event we do not act on): LiveKit
    retries every non-2xx answer, and retrying cannot make an event about a room we do not host useful.

    One read (META, which holds the room's participants) and one write: the dedupe marker, the participant
    and META together (ParticipantStore.commit). A repeat is that write's one conditional failure. When a
    concurrent write moved META on in between, the event is decided again on what is there now."""
    handler = _HANDLERS.get(event.event)
    if handler is None:  # room_started, egress_*, ingress_*, agent_job_*, or a name LiveKit adds later
        logger.info("webhook needs no action", extra={"event": event.event})
        return WebhookAck(event=event.event, result="ignored")
    now = time.time() if now_epoch is None else now_epoch
    for _ in range(MAX_WRITE_ATTEMPTS):
        interview = _interview_for(event, ports.store)
        if interview is None:
            # Another application's room on the same LiveKit project, or one whose record has expired:
            # nothing to update, and a 404 would only make LiveKit retry it.
            logger.info("webhook for a room without an interview", extra={"event": event.event})
            return WebhookAck(event=event.event, result="unknown_room")
        logger.append_keys(room_name=interview.room_name, interview_id=interview.interview_id)
        if not _concerns_us(event, interview):
            return WebhookAck(event=event.event, result="ignored", state=interview.state.value)
        decision = handler(event, interview, ports.participants.room_of(interview))
        marker = None
        if event.id:  # work outside DynamoDB follows: claimed until it is done
            status = MARKER_CLAIMED if decision.stop_task else MARKER_APPLIED
            marker = EventMarker(event.id, event.event, now, status=status)
        try:
            ports.participants.commit(replace(decision.write, marker=marker))
        except StaleRead:
            continue  # another write came between our read and ours: decide again on what it left
        except EventAlreadySeen as seen:
            if seen.in_flight:
                raise ServiceUnavailable("an earlier delivery of this event is being applied") from None
            logger.info("webhook already applied", extra={"event": event.event, "event_id": event.id})
            return WebhookAck(event=event.event, result="duplicate", state=interview.state.value)
        break
    else:
        raise ServiceUnavailable("the room kept changing under concurrent writes; retry")
    if decision.state != interview.state:
        logger.info("interview moved", extra={"from": interview.state.value, "to": decision.state.value})
    if decision.stop_task:
        _stop_agent(decision.stop_task, interview, decision.state, ports, event.id)
    result: Result = "applied" if decision.changed else "unchanged"
    logger.info(
        "webhook handled",
        extra={"event": event.event, "event_id": event.id, "result": result, "state": decision.state.value},
    )
    metrics.add_metric(
        name="WebhookApplied" if result == "applied" else "WebhookUnchanged", unit="Count", value=1
    )
    return WebhookAck(event=event.event, result=result, state=decision.state.value)


def _stop_agent(
    task: str, interview: InterviewItem, state: InterviewState, ports: WebhookPorts, event_id: str
) -> None:
    """Stop the agent of a closed room; the event's claim is completed after, or released on failure so
    that LiveKit's retry stops it (every part of the event is safe to apply again)."""
    try:
        ports.launcher.stop(task, f"room {interview.room_name} finished ({state.value})")
    except Exception:
        if event_id:
            _settle_claim(ports.participants.release_event, interview.room_name, event_id)
        raise
    logger.info("agent task stopped", extra={"task": task})
    if event_id:
        _settle_claim(ports.participants.complete_event, interview.room_name, event_id)


def _settle_claim(settle: Callable[[str, str], None], room_name: str, event_id: str) -> None:
    """Release or complete a claim, best effort: if DynamoDB refuses, the claim's lease runs out and a
    redelivery applies the event again (every effect is idempotent), so the event is never lost."""
    try:
        settle(room_name, event_id)
    except Exception as error:
        logger.warning("could not settle the event's claim", extra={"reason": type(error).__name__})


def _interview_for(event: WebhookEvent, store: InterviewStore) -> InterviewItem | None:
    if not _ROOM_NAME.fullmatch(event.room_name):  # not a name we would ever have created
        return None
    return store.get_interview(event.room_name)


def _concerns_us(event: WebhookEvent, interview: InterviewItem) -> bool:
    """Whether the event could change anything; events that cannot are answered without a write."""
    if event.event == ROOM_FINISHED:
        return True
    if event.participant is None or not event.participant.identity:
        return False
    if event.event in (TRACK_PUBLISHED, TRACK_UNPUBLISHED):
        return classify(event.participant, interview) == "candidate" and _track_field(event) is not None
    return True


# -- classification and ordering --------------------------------------------------------------------


def classify(participant: WebhookParticipant, interview: InterviewItem) -> ParticipantKind:
    """agent, candidate or other: a pure function of the identity, so every delivery order agrees.

    The candidate is the identity recorded at start; a frontend that mints its own tokens is matched by
    the clients' own rule (the identity contains "candidate"); when no identity was recorded, any
    standard (human) participant is taken for the candidate.
    """
    identity = participant.identity
    if identity.startswith(AGENT_MARKER):
        return "agent"
    if identity == interview.candidate_identity:
        return "candidate"
    if participant.kind == "STANDARD" and (
        "candidate" in identity.lower() or not interview.candidate_identity
    ):
        return "candidate"
    return "other"


def _change(
    event: WebhookEvent,
    interview: InterviewItem,
    *,
    phase: int,
    present: bool,
    microphone_on: bool | None = None,
    camera_on: bool | None = None,
) -> ParticipantChange:
    participant = event.participant
    assert participant is not None  # _concerns_us checked it
    session_ms = participant.session_started_ms() or event.created_at * 1000
    return ParticipantChange(
        identity=participant.identity,
        kind=classify(participant, interview),
        name=participant.name or None,
        order=order_key(session_ms, phase, event.created_at, event.id),
        event_at=event.created_at_iso,
        present=present,
        joined_at=iso_from_epoch(session_ms / 1000),
        microphone_on=microphone_on,
        camera_on=camera_on,
    )


def _track_field(event: WebhookEvent) -> Literal["microphone_on", "camera_on"] | None:
    source = event.track.source if event.track else "UNKNOWN"
    return {"MICROPHONE": "microphone_on", "CAMERA": "camera_on"}.get(source)  # type: ignore[return-value]


# -- one function per event kind: each decides from META as read, and writes nothing itself -------------

Room = dict[str, ParticipantRecord]


def on_participant_joined(event: WebhookEvent, interview: InterviewItem, room: Room) -> Decision:
    change = _change(event, interview, phase=PHASE_JOINED, present=True, microphone_on=False, camera_on=False)
    fields: dict[str, Any] = {}
    # Joining happened whatever arrived since, and transitions only move forward: always try.
    if change.kind == "agent" and can_move(interview.state, InterviewState.WAITING_FOR_CANDIDATE):
        fields.update(state=InterviewState.WAITING_FOR_CANDIDATE.value)
    elif change.kind == "candidate":
        if can_move(interview.state, InterviewState.IN_PROGRESS):
            fields.update(state=InterviewState.IN_PROGRESS.value, started_at=event.created_at_iso)
        elif interview.started_at is None or interview.started_at > event.created_at_iso:
            # Started earlier, or ended: started_at still becomes the earliest join delivered.
            fields.update(started_at=event.created_at_iso)
        if interview.end_reason == END_REASON_NO_SHOW:
            # The room's close arrived before this join: the candidate did come, so it was no no-show.
            fields.update(end_reason=None)
    return _participant_decision(change, interview, room, fields)


def on_participant_left(event: WebhookEvent, interview: InterviewItem, room: Room) -> Decision:
    """participant_left and participant_connection_aborted. A candidate's absence is recorded; deciding
    that they will not return is the agent's grace timer's, or room_finished's (see the module's notes)."""
    change = _change(event, interview, phase=PHASE_LEFT, present=False, microphone_on=False, camera_on=False)
    return _participant_decision(change, interview, room, {})


def on_track_changed(event: WebhookEvent, interview: InterviewItem, room: Room) -> Decision:
    """The candidate's microphone or camera published (on, unless published muted) or unpublished (off)."""
    on = event.event == TRACK_PUBLISHED and not (event.track is not None and event.track.muted)
    if _track_field(event) == "microphone_on":
        change = _change(event, interview, phase=PHASE_TRACK, present=True, microphone_on=on)
    else:
        change = _change(event, interview, phase=PHASE_TRACK, present=True, camera_on=on)
    return _participant_decision(change, interview, room, {})


def on_room_finished(event: WebhookEvent, interview: InterviewItem, room: Room) -> Decision:
    """The room closed: nobody is connected any more, an unfinished interview is abandoned, and its agent
    is stopped if it still runs. Two exceptions leave the agent to finish and record the end itself:
    a completed interview (its agent may still be writing the report), and one whose end was asked for
    (POST /end-interview: the agent closes it as completed; if it dies instead, its task's STOPPED event
    fails the interview)."""
    fields: dict[str, Any] = {}
    if interview.room_finished_at is None:  # from now on nobody is connected, whatever arrives late
        fields.update(agent_connected=False, candidate_connected=False, room_finished_at=event.created_at_iso)
    no_show = not interview.candidate_ever_joined
    if interview.state == InterviewState.COMPLETED or (
        interview.end_requested_at is not None and not no_show
    ):
        return _decision(interview, fields, changed=bool(fields))
    if can_move(interview.state, InterviewState.ABANDONED):
        # A room that closes before the candidate ever joined ends a no-show, even when its end was asked
        # for (the agent, if it is still closing, records the same).
        fields.update(
            state=InterviewState.ABANDONED.value, error=ROOM_CLOSED_REASON, ended_at=event.created_at_iso
        )
        if no_show:
            fields.update(end_reason=END_REASON_NO_SHOW)
    decision = _decision(interview, fields, changed=bool(fields))
    if (
        interview.task_arn
        and decision.state != InterviewState.COMPLETED
        and interview.end_requested_at is None
    ):
        decision = replace(decision, stop_task=interview.task_arn)
    return decision


_HANDLERS: dict[str, Callable[[WebhookEvent, InterviewItem, Room], Decision]] = {
    PARTICIPANT_JOINED: on_participant_joined,
    PARTICIPANT_LEFT: on_participant_left,
    PARTICIPANT_CONNECTION_ABORTED: on_participant_left,
    TRACK_PUBLISHED: on_track_changed,
    TRACK_UNPUBLISHED: on_track_changed,
    ROOM_FINISHED: on_room_finished,
    # room_started needs nothing: start-interview recorded the interview before it created the room.
}


# -- shared steps -----------------------------------------------------------------------------------


def _participant_decision(
    change: ParticipantChange, interview: InterviewItem, room: Room, fields: dict[str, Any]
) -> Decision:
    """Merge the change into the participant; when the agent or the candidate came or went, bring META's
    presence flags in line with everyone in the room (until room_finished, after which they stay false)."""
    before = room.get(change.identity)
    merged = merge(before, change, interview.room_name, interview.expires_at)
    if merged is None:
        return _decision(interview, fields, changed=bool(fields))
    after = {**room, merged.identity: merged}
    presence_changed = before is None or before.state != merged.state
    if presence_changed and change.kind != "other" and interview.room_finished_at is None:
        present = [p for p in after.values() if p.state == "joined"]
        agent = any(p.kind == "agent" for p in present)
        candidate = any(p.kind == "candidate" for p in present)
        if (interview.agent_connected, interview.candidate_connected) != (agent, candidate):
            fields = {**fields, "agent_connected": agent, "candidate_connected": candidate}
    return _decision(interview, fields, changed=True, participant=merged, participants=after)


def _decision(
    interview: InterviewItem,
    fields: dict[str, Any],
    *,
    changed: bool,
    participant: ParticipantRecord | None = None,
    participants: Room | None = None,
) -> Decision:
    if fields:
        fields = {**fields, "updated_at": now_iso()}
    state = InterviewState(fields.get("state", interview.state))
    write = RoomWrite(interview=interview, participant=participant, participants=participants, fields=fields)
    return Decision(write=write, changed=changed, state=state)
