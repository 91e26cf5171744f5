"""What DELETE /candidates/{candidateId} removed: every interview of the candidate, item by item.

The answer is the same shape whether the candidate had interviews or not: an unknown candidate (or one
already deleted) is answered `200` with no rooms, so a retried erasure request is answered the same way
it would be had the first one been lost.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from interview_common.models.api import CamelModel

# The kinds of item a room's partition holds, by sort key (anything else is counted as "other").
ItemKind = Literal["META", "PARTICIPANT", "TURN", "REPORT", "EVENT", "DECISION", "CONTEXT", "other"]


class RemovedRoom(CamelModel):
    room_name: str
    interview_id: str
    state: str
    items: dict[str, int] = Field(description="Items removed from the room's partition, by kind")
    item_count: int


class DeleteCandidateResponse(CamelModel):
    status: Literal["success"] = "success"
    success: bool = True
    candidate_id: str
    rooms: list[RemovedRoom]
    room_count: int
    item_count: int
