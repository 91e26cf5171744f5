"""Use case: a candidate token for an interview room.

The seed's frontend asks for the candidate's token *before* it calls /start-interview, so a room with no
interview yet gets a token too. A room whose interview finished (completed or abandoned) does not: a
finished interview is never re-entered. A failed one may be started again, so its room stays open.
"""

from __future__ import annotations

import json
from datetime import timedelta

from interview_common import livekit_rooms
from interview_common.credentials import LiveKitKeyPair
from interview_common.dal.interviews import InterviewStore
from interview_common.errors import Conflict
from interview_common.lifecycle import InterviewState
from interview_common.models.api import TokenRequest, TokenResponse
from interview_common.settings import Settings

FINISHED_STATES = frozenset({InterviewState.COMPLETED, InterviewState.ABANDONED})


def issue_token(
    request: TokenRequest, *, settings: Settings, store: InterviewStore, keys: LiveKitKeyPair
) -> TokenResponse:
    interview = store.get_interview(request.room)
    if interview is not None and interview.state in FINISHED_STATES:
        raise Conflict(f"the interview in room {request.room} has ended ({interview.state.value})")
    metadata = (
        request.metadata
        if isinstance(request.metadata, str) or request.metadata is None
        else json.dumps(request.metadata)
    )
    token = livekit_rooms.participant_token(
        keys,
        room_name=request.room,
        identity=request.identity,
        name=request.name,
        metadata=metadata,
        ttl=timedelta(seconds=settings.candidate_token_ttl_seconds),
    )
    return TokenResponse(url=settings.livekit_url, token=token, identity=request.identity, room=request.room)
