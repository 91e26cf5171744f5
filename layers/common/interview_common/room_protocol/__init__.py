"""The room's protocol: what the backend, the agent and the frontend say to each other on a LiveKit room.

One place for both sides (the Lambdas and the agent import it; the Lambdas never import the agent):
- topics: `interview` (the agent's data messages, exactly as DESIGN.md lists them; the frontend listens
  on every topic and switches on `type`), `lk.transcription` and `lk.chat` (LiveKit's conventions), and
  `interview.control` (the backend's control messages to the agent, sent with RoomService.SendData);
- the agent's identity (`interview-agent-<interviewId>`, never containing "candidate": clients classify
  participants by substring; the rule itself is models/identifiers.py), its display name, its state
  attribute (`lk.agent.state`), and its token: grants and lifetime, minted here only;
- the message models: each is one `type`, and its `payload()` is the JSON object sent (no other keys).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_common import livekit_rooms
from interview_common.credentials import LiveKitKeyPair
from interview_common.models.identifiers import (
    AGENT_IDENTITY_MARKER,
    AGENT_IDENTITY_PREFIX,
    agent_identity,
    is_agent_identity,
)
from interview_common.models.job_profile import Question
from interview_common.models.turn import TurnItem, TurnStatus

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
    "AgentListeningMessage",
    "EndInterviewControl",
    "FeedbackMessage",
    "InterviewCompletedMessage",
    "QuestionMessage",
    "QuestionResponse",
    "ResponseReceivedMessage",
    "StatusMessage",
    "TranscriptMessage",
    "agent_identity",
    "agent_token",
    "is_agent_identity",
    "progress_percent",
    "question_responses",
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


# -- messages ----------------------------------------------------------------------------------------
class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class QuestionMessage(_Message):
    type: Literal["question"] = "question"
    question: str
    question_number: int = Field(ge=1)
    total_questions: int = Field(ge=1)
    progress: int = Field(ge=0, le=100)
    category: str
    timestamp: str


class AgentListeningMessage(_Message):
    type: Literal["agent_listening"] = "agent_listening"


class ResponseReceivedMessage(_Message):
    type: Literal["response_received"] = "response_received"
    question_number: int


class TranscriptMessage(_Message):
    type: Literal["transcript"] = "transcript"
    speaker: Literal["agent", "candidate"]
    text: str
    final: bool = True


class FeedbackMessage(_Message):
    """A neutral acknowledgement: never an evaluation (a person decides, after the interview)."""

    type: Literal["feedback"] = "feedback"
    question_number: int
    message: str


class StatusMessage(_Message):
    type: Literal["status"] = "status"
    state: str
    phase: str


class QuestionResponse(_Message):
    """One question of the interview and what became of it (`not_asked`: the interview ended first)."""

    question_number: int = Field(ge=1)
    question: str
    status: TurnStatus | Literal["not_asked"]


class InterviewCompletedMessage(_Message):
    type: Literal["interview_completed"] = "interview_completed"
    total_questions: int
    total_responses: int
    # One entry per question, in order (the seed's InterviewRoom_v2 reads `responses.length`).
    responses: list[QuestionResponse] = Field(default_factory=list)
    reportUrl: str


class EndInterviewControl(_Message):
    """Topic `interview.control`, from the backend (RoomService.SendData): close politely and end.

    The backend sends it (logic/end_interview.py) and the agent reads it; keys it does not know are
    ignored, so an older agent reads a newer backend's message."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: Literal["end_interview"] = "end_interview"
    requestedAt: str | None = None  # the wire's key, as the backend has always sent it
    reason: str | None = None

    def payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


def question_responses(questions: Sequence[Question], turns: Sequence[TurnItem]) -> list[QuestionResponse]:
    """Each question with its turn's status; the questions the interview never reached are not_asked."""
    by_number = {turn.index: turn for turn in turns}
    return [
        QuestionResponse(
            question_number=number,
            question=question.text,
            status=by_number[number].status if number in by_number else "not_asked",
        )
        for number, question in enumerate(questions, start=1)
    ]


def progress_percent(question_number: int, total_questions: int) -> int:
    """How far through the interview asking question `question_number` is (0 for the first)."""
    if total_questions <= 0:
        return 0
    return max(0, min(100, round(100 * (question_number - 1) / total_questions)))
