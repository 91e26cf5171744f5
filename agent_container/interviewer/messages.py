"""The data messages the agent sends on the room, topic `interview`, exactly as DESIGN.md lists them.

The frontend listens on every topic and switches on `type`; each model here is one `type`, and its
`payload()` is the JSON object sent (no other keys).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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


class InterviewCompletedMessage(_Message):
    type: Literal["interview_completed"] = "interview_completed"
    total_questions: int
    total_responses: int
    reportUrl: str


class EndInterviewControl(_Message):
    """Topic `interview.control`, from the backend (RoomService.SendData): close politely and end."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: Literal["end_interview"] = "end_interview"
    reason: str | None = None


def progress_percent(question_number: int, total_questions: int) -> int:
    """How far through the interview asking question `question_number` is (0 for the first)."""
    if total_questions <= 0:
        return 0
    return max(0, min(100, round(100 * (question_number - 1) / total_questions)))
