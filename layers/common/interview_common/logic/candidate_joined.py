"""Use case: acknowledge the seed's "candidate joined" notice (POST /api/candidate-joined).

Nothing is written: LiveKit's signed webhooks are the source of truth for who is in a room (an unsigned
notice from a browser page could claim anything). The answer says what the room's interview is doing.
"""

from __future__ import annotations

from interview_common.dal.interviews import InterviewStore
from interview_common.lifecycle import public_status
from interview_common.models.api import CandidateJoinedRequest, CandidateJoinedResponse


def acknowledge_candidate_joined(
    request: CandidateJoinedRequest, *, store: InterviewStore
) -> CandidateJoinedResponse:
    interview = store.get_interview(request.room_name)
    if interview is None:
        return CandidateJoinedResponse(room_name=request.room_name, interview_status="not_found")
    return CandidateJoinedResponse(
        room_name=request.room_name,
        interview_status=public_status(interview.state),
        interview_id=interview.interview_id,
        state=interview.state.value,
    )
