"""Use case: keep a room's interview context for its agent (POST /agent/candidate-details).

The seed's frontend posts the candidate's whole record, possibly before the interview starts (from its
invitation form) and again when the room page loads. What is kept is InterviewContext (name, job title,
department, skills, experience, interview mode, difficulty), merged field by field into
`ROOM#<room>/CONTEXT`: data minimisation, the email and the resume are never stored (nor logged). The
agent reads the context when the candidate arrives, to greet them by name and name the job.

A room whose interview has finished (completed or abandoned) is not given a context any more (409);
a room with no interview yet, or a failed one (which may be started again), is.
"""

from __future__ import annotations

from collections.abc import Callable

from interview_common.clock import expiry_epoch, now_iso
from interview_common.dal.context_store import InterviewContextStore
from interview_common.dal.interviews import InterviewStore
from interview_common.errors import Conflict
from interview_common.lifecycle import InterviewState
from interview_common.models.api import (
    CandidateDetailsRequest,
    CandidateDetailsResponse,
    InterviewContextView,
)
from interview_common.observability import logger, metrics
from interview_common.settings import Settings

FINISHED_STATES = frozenset({InterviewState.COMPLETED, InterviewState.ABANDONED})


def keep_candidate_details(
    request: CandidateDetailsRequest,
    *,
    settings: Settings,
    store: InterviewStore,
    contexts: InterviewContextStore,
    now: Callable[[], str] = now_iso,
) -> CandidateDetailsResponse:
    interview = store.get_interview(request.room_name)
    if interview is not None and interview.state in FINISHED_STATES:
        raise Conflict(f"the interview in room {request.room_name} has ended ({interview.state.value})")
    # The context lives as long as the interview's record would (the same retention).
    expires_at = interview.expires_at if interview is not None else expiry_epoch(settings.retention_days)
    given = request.context()
    stored = contexts.merge(request.room_name, given, updated_at=now(), expires_at=expires_at)
    # Which fields were kept, never their values.
    logger.info(
        "interview context kept",
        extra={"room_name": request.room_name, "fields": sorted(given.fields_set())},
    )
    metrics.add_metric(name="InterviewContextKept", unit="Count", value=1)
    return CandidateDetailsResponse(
        room_name=request.room_name,
        context=InterviewContextView.model_validate(stored.context().model_dump()),
        interview_state=interview.state.value if interview is not None else None,
    )
