"""Use case: a candidate token for the room of an existing, still-active interview."""

from __future__ import annotations

import json
from datetime import timedelta

from interview_common import livekit_rooms
from interview_common.credentials import LiveKitKeyPair
from interview_common.errors import Conflict, NotFound
from interview_common.lifecycle import ACTIVE_STATES
from interview_common.models.api import TokenRequest, TokenResponse
from interview_common.models.identifiers import AGENT_IDENTITY_PREFIX
from interview_common.settings import Settings
from interview_common.store import InterviewStore


def issue_token(request: TokenRequest, *, settings: Settings, store: InterviewStore, keys: LiveKitKeyPair) -> TokenResponse:
    if request.identity.startswith(AGENT_IDENTITY_PREFIX.rstrip("-")):
        raise Conflict("identities starting with 'interview-agent' are reserved for the interviewer")
    interview = store.get_interview(request.room)
    if interview is None:
        raise NotFound(f"no interview is known for room {request.room}")
    if interview.state not in ACTIVE_STATES:
        raise Conflict(f"the interview in room {request.room} has ended ({interview.state.value})")
    metadata = request.metadata if isinstance(request.metadata, str) or request.metadata is None else json.dumps(request.metadata)
    token = livekit_rooms.participant_token(
        keys,
        room_name=request.room,
        identity=request.identity,
        name=request.name,
        metadata=metadata,
        ttl=timedelta(seconds=settings.candidate_token_ttl_seconds),
    )
    return TokenResponse(url=settings.livekit_url, token=token, identity=request.identity, room=request.room)
