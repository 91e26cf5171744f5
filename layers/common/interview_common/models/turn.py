"""`ROOM#<roomName>` / `TURN#<nnnn>`: one question of the interview, as it happened.

Written when the question is asked, updated when it is answered and again when its assessment lands,
so a crash loses at most the exchange in flight.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from interview_common.models.assessment import AnswerAssessment
from interview_common.models.items import TURN_PREFIX, TableItem, room_pk

# answered; skipped (at the candidate's request, not assessed); unanswered (nothing of substance).
TurnStatus = Literal["asked", "answered", "skipped", "unanswered", "interrupted"]
# What the interviewer said in one exchange of a turn.
ExchangeKind = Literal[
    "question",
    "follow_up",
    "prompt",
    "repeat",
    "clarification",
    "reassurance",
    "language",
    "confirm_stop",
    "closing_questions",
]
# What the candidate's words were (the brain's reading of the turn); only answers are assessed.
TurnKind = Literal[
    "answer",
    "repeat_request",
    "clarification",
    "skip_request",
    "needs_moment",
    "question_for_interviewer",
    "non_answer",
    "other_language",
    "wants_to_stop",
]
# The kinds in order, derived from the Literal (one list to keep).
TURN_KINDS: tuple[TurnKind, ...] = get_args(TurnKind)


def turn_sk(index: int) -> str:
    return f"{TURN_PREFIX}{index:04d}"


class Exchange(BaseModel):
    """One thing the interviewer said in this turn and what the candidate said back."""

    model_config = ConfigDict(extra="ignore")

    kind: ExchangeKind
    prompt: str
    asked_at: str
    answer: str | None = None
    # The reading of what the candidate said (None in records written before turns had kinds: an answer).
    reply_kind: TurnKind | None = None
    answer_started_at: str | None = None
    answer_ended_at: str | None = None
    # Agent overhead: end of the candidate's turn -> the interviewer's next utterance requested (ms).
    response_latency_ms: int | None = None


class TurnItem(TableItem):
    room_name: str
    interview_id: str
    index: int = Field(ge=1, le=9999)  # question_number, 1-based
    question_id: str
    question: str
    category: str
    competencies: list[str]
    status: TurnStatus = "asked"
    asked_at: str
    answered_at: str | None = None
    exchanges: list[Exchange] = Field(default_factory=list)
    follow_ups: int = 0
    assessment: AnswerAssessment | None = None
    expires_at: int

    @property
    def answer(self) -> str:
        """Everything the candidate said in this turn, in order (the transcript that is assessed)."""
        return "\n".join(
            exchange.answer
            for exchange in self.exchanges
            if exchange.answer and exchange.reply_kind in (None, "answer")
        )

    def to_item(self) -> dict[str, Any]:
        item = super().to_item()
        item.update(
            PK=room_pk(self.room_name), SK=turn_sk(self.index), answer=self.answer, expiresAt=self.expires_at
        )
        item.pop("expires_at", None)
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> TurnItem:
        data = dict(item)
        data.pop("answer", None)
        data["expires_at"] = int(data.pop("expiresAt", 0))
        return cls.model_validate(data)
