"""The room's protocol: what the backend, the agent and the frontend say to each other on a LiveKit room.

One place for both sides (the Lambdas and the agent import it; the Lambdas never import the agent):
- topics: `interview` (the agent's data messages, exactly as DESIGN.md lists them; the frontend listens
  on every topic and switches on `type`), `lk.transcription` and `lk.chat` (LiveKit's conventions), and
  `interview.control` (the backend's control messages to the agent, sent with RoomService.SendData);
- the agent's identity (`interview-agent-<interviewId>`, never containing "candidate": clients classify
  participants by substring; the rule itself is models/identifiers.py), its display name, its state
  attribute (`lk.agent.state`), and its token: grants and lifetime, minted here only;
- the control message the backend sends (EndInterviewControl, below) and the data messages the agent
  sends (room_protocol.messages: pydantic models a Lambda need not import, so kept apart): each is one
  `type`, and its `payload()` is the JSON object sent (no other keys).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from interview_common import livekit_rooms
from interview_common.credentials import LiveKitKeyPair
from interview_common.models.identifiers import (
    AGENT_IDENTITY_MARKER,
    AGENT_IDENTITY_PREFIX,
    agent_identity,
    is_agent_identity,
)

__all__ = [
    "AGENT_DISPLAY_NAME",
    "AGENT_IDENTITY_MARKER",
    "AGENT_IDENTITY_PREFIX",
    "AGENT_STATE_ATTRIBUTE",
    "AGENT_TOKEN_TTL",
    "CHAT_TOPIC",
    "CONTROL_TOPIC",
    "INTERVIEW_TOPIC",
    "TRANSCRIPTION_TOPIC",
    "EndInterviewControl",
    "agent_identity",
    "agent_token",
    "is_agent_identity",
]

# -- topics ----------------------------------------------------------------------------------------
INTERVIEW_TOPIC = "interview"
TRANSCRIPTION_TOPIC = "lk.transcription"
CHAT_TOPIC = "lk.chat"
# Control messages to the agent (end-interview from the backend through RoomService.SendData; the server
# stamps no sender on them, which is how the agent tells them from a participant's).
CONTROL_TOPIC = "interview.control"

# -- the agent in the room ---------------------------------------------------------------------------
AGENT_DISPLAY_NAME = "AI Interviewer"
AGENT_STATE_ATTRIBUTE = "lk.agent.state"
# Only for joining: LiveKit refreshes a connected participant's token every few minutes.
AGENT_TOKEN_TTL = timedelta(minutes=10)


def agent_token(keys: LiveKitKeyPair, *, room_name: str, identity: str) -> str:
    """The agent's own token: this one room, publish/subscribe/data/own attributes, the agent kind (as
    LiveKit dispatch gives), its identity and name, and the interview it conducts as metadata.

    `identity` is `agent_identity(interviewId)`; anything outside the interviewer's reserved namespace is
    refused (ValueError), so no token minted here can pass for a candidate."""
    if not identity.startswith(AGENT_IDENTITY_PREFIX) or len(identity) == len(AGENT_IDENTITY_PREFIX):
        raise ValueError(f"the agent's identity must be {AGENT_IDENTITY_PREFIX}<interviewId>")
    interview_id = identity.removeprefix(AGENT_IDENTITY_PREFIX)
    return livekit_rooms.participant_token(
        keys,
        room_name=room_name,
        identity=identity,
        name=AGENT_DISPLAY_NAME,
        metadata=json.dumps({"interviewId": interview_id, "role": "interviewer"}),
        ttl=AGENT_TOKEN_TTL,
        is_agent=True,
    )


# -- the backend's control message -----------------------------------------------------------------
class EndInterviewControl(BaseModel):
    """Topic `interview.control`, from the backend (RoomService.SendData): close politely and end.

    The backend sends it (logic/end_interview.py) and the agent reads it; keys it does not know are
    ignored, so an older agent reads a newer backend's message."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: Literal["end_interview"] = "end_interview"
    requestedAt: str | None = None  # the wire's key, as the backend has always sent it
    reason: str | None = None

    def payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
