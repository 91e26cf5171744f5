"""A person's hiring decision on an interview, and its audit trail.

`POST /interviews/{roomName}/decision` records who decided what and why. Each decision is its own item,
`ROOM#<roomName>` / `DECISION#<decidedAt>`, written once and never changed: a later decision is a new
item, so the trail shows every decision in order and the latest one is the decision in force. The AI's
report only suggests; this is where a person decides.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from interview_common.models.api import CamelModel
from interview_common.models.identifiers import ShortText
from interview_common.models.items import TableItem, room_pk

DECISION_PREFIX = "DECISION#"
MAX_NOTE_CHARS = 2000

HumanDecision = Literal["advance", "hold", "reject"]


def decision_sk(decided_at: str) -> str:
    return f"{DECISION_PREFIX}{decided_at}"


class DecisionRequest(CamelModel):
    """Body of POST /interviews/{roomName}/decision."""

    model_config = ConfigDict(extra="forbid")

    reviewer: ShortText = Field(description="Who decides (name or email of the person on the hiring team)")
    decision: HumanDecision
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS, description="Why, in a few words")


class DecisionItem(TableItem):
    """`ROOM#<roomName>` / `DECISION#<decidedAt>`: one decision, written once (append-only)."""

    room_name: str
    interview_id: str
    candidate_id: str
    reviewer: str
    decision: HumanDecision
    note: str | None = None
    decided_at: str
    expires_at: int

    def to_item(self) -> dict[str, Any]:
        item = super().to_item()
        item.update(PK=room_pk(self.room_name), SK=decision_sk(self.decided_at), expiresAt=self.expires_at)
        item.pop("expires_at", None)
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> DecisionItem:
        data = dict(item)
        data["expires_at"] = int(data.pop("expiresAt", 0))
        return cls.model_validate(data)


class DecisionView(CamelModel):
    reviewer: str
    decision: HumanDecision
    note: str | None = None
    decided_at: str

    @classmethod
    def of(cls, item: DecisionItem) -> DecisionView:
        return cls(reviewer=item.reviewer, decision=item.decision, note=item.note, decided_at=item.decided_at)


class DecisionResponse(CamelModel):
    status: Literal["success"] = "success"
    success: bool = True
    room_name: str
    interview_id: str
    candidate_id: str
    decision: DecisionView  # the one just recorded: the decision in force
    decisions: list[DecisionView]  # the audit trail, oldest first (includes this one)
