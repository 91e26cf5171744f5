"""The conductor's three ports. No LiveKit, OpenAI or DynamoDB type appears here or in the conductor.

- Transport: how the agent speaks, hears and signals in the room (LiveKit rtc, the simulated room,
  or an in-memory text transport with a simulated candidate).
- Brain: what to ask, whether to follow up, how an answer scores, the final report.
- InterviewRecorder: the interview's durable state (DynamoDB in every deployment).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

# Topics on the room. The frontend listens on every topic and switches on `type`.
INTERVIEW_TOPIC = "interview"
TRANSCRIPTION_TOPIC = "lk.transcription"
CHAT_TOPIC = "lk.chat"
# Control messages to the agent (e.g. end-interview from the backend through RoomService.SendData).
CONTROL_TOPIC = "interview.control"

AgentState = Literal["initializing", "idle", "listening", "thinking", "speaking"]


class Utterance(BaseModel):
    """What the candidate said in one turn, with timings (seconds on the transport's clock)."""

    model_config = ConfigDict(frozen=True)

    text: str
    started_at: float
    ended_at: float
    final: bool = True


class RoomEvent(BaseModel):
    """Something that happened in the room that the conductor must react to."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["candidate_joined", "candidate_left", "room_closed", "end_requested"]
    identity: str | None = None
    reason: str | None = None
    at: float = 0.0
    data: dict[str, Any] = Field(default_factory=dict)


RoomEventListener = Callable[[RoomEvent], Awaitable[None] | None]


class Transport(Protocol):
    async def connect(self) -> None:
        """Join the room as the agent (identity interview-agent-<interviewId>)."""

    async def wait_for_candidate(self, timeout: float) -> bool:
        """True once the candidate is in the room; False if they did not come within `timeout`."""

    async def say(self, text: str) -> None:
        """Speak `text` (voice and live caption) and return when it has been said."""

    async def listen(self, timeout: float) -> Utterance | None:
        """The candidate's next complete turn, or None after `timeout` seconds of silence."""

    async def publish(self, message: dict[str, Any], topic: str = INTERVIEW_TOPIC) -> None:
        """Send a reliable data message (JSON) to the room."""

    async def set_agent_state(self, state: AgentState) -> None:
        """Keep the `lk.agent.state` attribute true."""

    def on_room_event(self, listener: RoomEventListener) -> None:
        """Register for candidate joined/left, room closed and end requests."""

    async def close(self) -> None:
        """Leave the room and release resources (idempotent)."""
