"""Use case: end an interview on request (POST /end-interview). Idempotent.

The interview is the one in `roomName`; with candidateId alone (the seed's end-interview route may send
no roomName), the candidate's latest active interview (GSI1).

1. The request is recorded on META (`end_requested_at`, conditional: never on a finished interview).
   A repeated request keeps the first time and is answered the same way.
2. A live agent is told at once: RoomService.SendData to its identity on `interview.control` (reaches it
   in well under 2 s); it says goodbye, ends the interview as `completed` with what was answered, and
   deletes the room. If SendData fails, the agent still sees the request with its next heartbeat (it
   reads META back every HEARTBEAT_INTERVAL seconds).
3. No live agent (its heartbeat is stale, or it never came): the backend ends the interview itself as
   `completed` (`abandoned` with end reason `no_show` when the candidate never joined), stops the task
   if there is one, and deletes the room.
An agent that is still starting (requested/launching, no heartbeat yet) reads the request when it joins
and ends the interview at once.

An interview that already ended is answered `200` with its state (`alreadyEnded`): ending it is what the
caller wanted, and the seed's frontend turns a 409 here into a 500. With candidateId alone, that is the
candidate's latest interview when none is active.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from interview_common import heartbeat, livekit_rooms
from interview_common.aws_clients import is_retriable
from interview_common.clock import epoch_from_iso, now_iso
from interview_common.credentials import LiveKitKeyPair
from interview_common.dal.interviews import InterviewStore
from interview_common.errors import Conflict, DomainError, NotFound, TransitionRejected
from interview_common.launcher import AgentLauncher
from interview_common.lifecycle import END_REASON_NO_SHOW, TERMINAL_STATES, InterviewState
from interview_common.logic.room_status import end_reason
from interview_common.models.api import EndInterviewRequest, EndInterviewResponse
from interview_common.models.items import InterviewItem
from interview_common.observability import logger, metrics
from interview_common.room_protocol import CONTROL_TOPIC, EndInterviewControl
from interview_common.settings import Settings

STARTING_STATES = frozenset({InterviewState.REQUESTED, InterviewState.LAUNCHING})


def end_interview(
    request: EndInterviewRequest,
    *,
    settings: Settings,
    store: InterviewStore,
    keys: LiveKitKeyPair,
    launcher: AgentLauncher,
    now: Callable[[], str] = now_iso,
) -> tuple[EndInterviewResponse, bool]:
    """The response and whether the backend itself ended the interview (200) or the agent will (202)."""
    interview = _interview_to_end(store, request)
    if interview.state in TERMINAL_STATES:
        logger.append_keys(interview_id=interview.interview_id, room_name=interview.room_name)
        logger.info("end requested; the interview had already ended", extra={"state": interview.state.value})
        return _already_ended(interview), True
    requested_at = interview.end_requested_at or now()
    if interview.end_requested_at is None:
        try:
            interview = store.update_fields(
                interview.room_name, interview.interview_id, end_requested_at=requested_at
            )
        except TransitionRejected:  # it ended meanwhile: answered as already ended
            interview = _interview_in_room(store, interview.room_name, request.candidate_id)
            if interview.state in TERMINAL_STATES:
                return _already_ended(interview), True
    logger.append_keys(interview_id=interview.interview_id, room_name=interview.room_name)

    if _agent_is_live(interview, settings) or interview.state in STARTING_STATES:
        delivered = _tell_agent(settings, keys, interview, requested_at, request.reason)
        metrics.add_metric(name="InterviewEndRequested", unit="Count", value=1)
        logger.info("end requested; the agent closes the interview", extra={"delivered": delivered})
        return _response(interview, requested_at, ended_by="agent", delivered=delivered), False

    ended = _end_without_agent(store, interview, launcher)
    _delete_room(settings, keys, interview.room_name)
    metrics.add_metric(name="InterviewEndedWithoutAgent", unit="Count", value=1)
    logger.info("end requested; no live agent, the backend ended the interview")
    return _response(ended, requested_at, ended_by="backend", delivered=False), True


def _interview_to_end(store: InterviewStore, request: EndInterviewRequest) -> InterviewItem:
    room_name = request.room_name or _candidates_room(store, request.candidate_id)
    return _interview_in_room(store, room_name, request.candidate_id)


def _candidates_room(store: InterviewStore, candidate_id: str | None) -> str:
    """The room of the candidate's latest active interview (the seed may send candidateId alone), else
    of their latest interview (it ended: answered as such)."""
    assert candidate_id is not None  # EndInterviewRequest asks for roomName or candidateId
    found = store.latest_active_for_candidate(candidate_id) or store.latest_for_candidate(candidate_id)
    if found is None:
        raise NotFound("no interview is known for this candidate")
    return found.room_name  # read again by room below: the index may lag the table


def _interview_in_room(store: InterviewStore, room_name: str, candidate_id: str | None) -> InterviewItem:
    interview = store.get_interview(room_name)
    if interview is None:
        raise NotFound(f"no interview is known for room {room_name}")
    if candidate_id is not None and candidate_id != interview.candidate_id:
        raise Conflict(f"room {room_name} is interviewing another candidate")
    return interview


def _agent_is_live(interview: InterviewItem, settings: Settings) -> bool:
    return heartbeat.is_fresh(
        interview.last_heartbeat_at, epoch_from_iso(now_iso()), settings.heartbeat_stale_seconds
    )


def _tell_agent(
    settings: Settings,
    keys: LiveKitKeyPair,
    interview: InterviewItem,
    requested_at: str,
    reason: str | None,
) -> bool:
    payload = EndInterviewControl(requestedAt=requested_at, reason=reason or None).payload()
    try:
        livekit_rooms.send_data(
            settings.livekit_url,
            keys,
            interview.room_name,
            payload,
            topic=CONTROL_TOPIC,
            destination_identities=[interview.agent_identity],
            timeout=settings.livekit_timeout_seconds,
        )
    except DomainError as error:  # LiveKit unreachable: the agent's heartbeat reads the request instead
        logger.warning("could not send the end request to the agent", extra={"reason": error.message})
        return False
    return True


def _end_without_agent(
    store: InterviewStore, interview: InterviewItem, launcher: AgentLauncher
) -> InterviewItem:
    if interview.task_arn:
        # The task is stopped before the end is recorded: if ECS refuses (throttled, down), the client's
        # 503 retry finds the interview still open and stops it then. Never a completed interview whose
        # task runs on. A task that is already gone is what we want (the launcher ignores that).
        try:
            launcher.stop(interview.task_arn, "interview ended on request")
        except Exception as error:
            if is_retriable(error):
                raise
            logger.warning("could not stop the agent task", extra={"task": interview.task_arn})
    # Nobody came: the interview is a no-show, not a completed interview of 0 questions.
    no_show = not interview.candidate_ever_joined
    try:
        ended = store.transition(
            interview.room_name,
            interview.interview_id,
            InterviewState.ABANDONED if no_show else InterviewState.COMPLETED,
            phase="ended",
            end_reason=END_REASON_NO_SHOW if no_show else "end_requested",
            is_agent_speaking=False,
            is_listening=False,
        )
    except TransitionRejected:
        current = store.get_interview(interview.room_name)
        if current is None:
            raise NotFound(f"no interview is known for room {interview.room_name}") from None
        ended = current
    return ended


def _delete_room(settings: Settings, keys: LiveKitKeyPair, room_name: str) -> None:
    try:
        livekit_rooms.delete_room(
            settings.livekit_url, keys, room_name, timeout=settings.livekit_timeout_seconds
        )
    except DomainError as error:  # the room's empty timeout closes it anyway
        logger.warning("could not delete the room", extra={"reason": error.message})


def _already_ended(interview: InterviewItem) -> EndInterviewResponse:
    """An interview that ended before this request: its state, nothing done."""
    return EndInterviewResponse(
        room_name=interview.room_name,
        interview_id=interview.interview_id,
        state=interview.state.value,
        end_requested_at=interview.end_requested_at or interview.ended_at or interview.updated_at,
        ended_by="backend",
        delivered=False,
        already_ended=True,
        end_reason=end_reason(interview),
    )


def _response(
    interview: InterviewItem, requested_at: str, *, ended_by: Literal["agent", "backend"], delivered: bool
) -> EndInterviewResponse:
    return EndInterviewResponse(
        room_name=interview.room_name,
        interview_id=interview.interview_id,
        state=interview.state.value,
        end_requested_at=requested_at,
        ended_by=ended_by,
        delivered=delivered,
        end_reason=end_reason(interview),
    )
