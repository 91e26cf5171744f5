"""The data messages the agent sends on the room, topic `interview`, exactly as DESIGN.md lists them.

The frontend listens on every topic and switches on `type`; each model here is one `type`, and its
`payload()` is the JSON object sent (no other keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_common.models.job_profile import Question
from interview_common.models.turn import TurnItem, TurnStatus


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
