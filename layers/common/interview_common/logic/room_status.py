"""Use cases: the status routes the frontend polls, answered from DynamoDB alone."""

from __future__ import annotations

from interview_common import heartbeat
from interview_common.dal.interviews import InterviewStore, RoomSnapshot
from interview_common.errors import NotFound, Unauthorized
from interview_common.lifecycle import END_REASON_NO_SHOW, InterviewState, is_terminal, public_status
from interview_common.models.api import (
    AgentStatusResponse,
    InterviewStatusResponse,
    InterviewSummary,
    ParticipantView,
)
from interview_common.models.items import InterviewItem, ParticipantItem


def agent_status(
    store: InterviewStore,
    room_name: str,
    *,
    include_personal: bool,
    now_epoch: float,
    stale_after_seconds: int,
) -> AgentStatusResponse:
    snapshot = store.get_room_snapshot(room_name)
    if snapshot is None:
        raise NotFound(f"no interview is known for room {room_name}")
    return _agent_status_view(snapshot, include_personal, now_epoch, stale_after_seconds)


def interview_status(
    store: InterviewStore, candidate_id: str, *, only_room: str | None = None
) -> InterviewStatusResponse:
    """The candidate's latest interview. `only_room`: a browser caller's room (its LiveKit token); the
    answer is given only when that is the room of the candidate's latest interview (401 otherwise, which
    says nothing of whether the candidate exists)."""
    interview = store.latest_for_candidate(candidate_id)
    if only_room is not None and (interview is None or interview.room_name != only_room):
        raise Unauthorized("this token does not grant access to that candidate's interview")
    if interview is None:
        return InterviewStatusResponse(status="not_found")
    return InterviewStatusResponse(
        status=public_status(interview.state),
        room_name=interview.room_name,
        interview_id=interview.interview_id,
        agent_connected=interview.agent_connected,
        current_question=current_question(interview),
        interview_progress=progress_percent(interview),
        state=interview.state.value,
        end_reason=end_reason(interview),
    )


def current_question(interview: InterviewItem) -> str | None:
    """The question on screen; none once the interview is over (the frontend would keep showing it)."""
    return None if is_terminal(interview.state) else interview.current_question


def is_no_show(interview: InterviewItem) -> bool:
    """Ended (not failed) before the candidate ever joined."""
    return interview.state in (InterviewState.COMPLETED, InterviewState.ABANDONED) and not (
        interview.candidate_ever_joined
    )


def end_reason(interview: InterviewItem) -> str | None:
    """Why it ended: `no_show` for an interview nobody attended (also for records that an older agent
    wrote as completed), otherwise what the ender recorded."""
    if is_no_show(interview):
        return END_REASON_NO_SHOW
    return interview.end_reason if is_terminal(interview.state) else None


def progress_percent(interview: InterviewItem) -> int:
    if not interview.candidate_ever_joined:
        return 0  # a no-show is 0 %, never a "completed" 100 % with 0 of 5 questions
    if interview.state == InterviewState.COMPLETED:
        return 100
    if interview.question_count <= 0:
        return 0
    return max(0, min(99, round(100 * interview.question_index / interview.question_count)))


def _agent_status_view(
    snapshot: RoomSnapshot, include_personal: bool, now_epoch: float, stale_after_seconds: int
) -> AgentStatusResponse:
    interview = snapshot.interview
    present = [p for p in snapshot.participants if p.state == "joined"]
    participants = [_participant_view(p, include_personal) for p in present]
    metadata = {
        "candidateId": interview.candidate_id,
        "jobId": interview.job_id,
        "interviewId": interview.interview_id,
    }
    if include_personal:
        metadata.update({key: value for key, value in interview.metadata.items() if key not in metadata})
        if interview.candidate_name:
            metadata["candidateName"] = interview.candidate_name
    else:
        metadata = {"interviewId": interview.interview_id}
    return AgentStatusResponse(
        room_name=interview.room_name,
        agent_connected=any(p.kind == "agent" for p in present),
        candidate_connected=any(p.kind == "candidate" for p in present),
        participant_count=len(present),
        participants=participants,
        room_metadata=metadata,
        current_question=current_question(interview),
        interview_progress=progress_percent(interview),
        is_agent_speaking=interview.is_agent_speaking and interview.state == InterviewState.IN_PROGRESS,
        is_listening=interview.is_listening and interview.state == InterviewState.IN_PROGRESS,
        interview=InterviewSummary(
            state=interview.state.value,
            phase=interview.phase,
            question_index=interview.question_index,
            question_count=interview.question_count,
            started_at=interview.started_at,
            updated_at=interview.updated_at,
            last_heartbeat_at=interview.last_heartbeat_at,
            heartbeat_stale=_is_stale(interview, now_epoch, stale_after_seconds),
            error=interview.error,
            end_reason=end_reason(interview),
        ),
    )


def _participant_view(participant: ParticipantItem, include_personal: bool) -> ParticipantView:
    return ParticipantView(
        identity=participant.identity if include_personal else participant.kind,
        name=participant.name if include_personal else None,
        kind=participant.kind,
        isAgent=participant.kind == "agent",
        isCandidate=participant.kind == "candidate",
        state=participant.state,
        joinedAt=participant.joined_at,
    )


def _is_stale(interview: InterviewItem, now_epoch: float, stale_after_seconds: int) -> bool:
    """A live interview whose agent beat once and then stopped (interview_common.heartbeat)."""
    if interview.state not in (InterviewState.WAITING_FOR_CANDIDATE, InterviewState.IN_PROGRESS):
        return False
    if interview.last_heartbeat_at is None:
        return False
    return not heartbeat.is_fresh(interview.last_heartbeat_at, now_epoch, stale_after_seconds)
