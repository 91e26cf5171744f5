"""Use case: erase a candidate (DELETE /candidates/{candidateId}).

Every interview of the candidate (GSI1) is removed with everything its room's partition holds: META,
participants, turns (transcript and assessments), the report, webhook markers, decisions and the
context. The answer says what was removed, room by room and kind by kind.

- Idempotent: an unknown candidate, or one already erased, is answered `200` with no rooms.
- `409` while one of the candidate's interviews is still running (its agent would write again after
  the deletion): end it first with POST /end-interview, then erase.
- A room GSI1 still lists but whose META now belongs to another candidate (GSI1 lags a rewrite) is left
  alone: only a room whose current interview is this candidate's is erased.
"""

from __future__ import annotations

from collections import Counter

from interview_common.dal.candidate_records import CandidateRecords, RoomContents, StoredKey
from interview_common.errors import Conflict
from interview_common.lifecycle import TERMINAL_STATES
from interview_common.models.decision import DECISION_PREFIX
from interview_common.models.erasure import DeleteCandidateResponse, ItemKind, RemovedRoom
from interview_common.models.interview_context import CONTEXT_SK
from interview_common.models.items import EVENT_PREFIX, META_SK, PARTICIPANT_PREFIX, REPORT_SK, TURN_PREFIX
from interview_common.observability import logger, metrics

_TERMINAL = {state.value for state in TERMINAL_STATES}


def item_kind(key: StoredKey) -> ItemKind:
    sk = key.sk
    if sk == META_SK:
        return "META"
    if sk == REPORT_SK:
        return "REPORT"
    if sk == CONTEXT_SK:
        return "CONTEXT"
    for prefix, kind in (
        (PARTICIPANT_PREFIX, "PARTICIPANT"),
        (TURN_PREFIX, "TURN"),
        (EVENT_PREFIX, "EVENT"),
        (DECISION_PREFIX, "DECISION"),
    ):
        if sk.startswith(prefix):
            return kind  # type: ignore[return-value]
    return "other"


def delete_candidate(candidate_id: str, *, records: CandidateRecords) -> DeleteCandidateResponse:
    rooms: list[RoomContents] = []
    for room_name in records.rooms_of(candidate_id):
        contents = records.room_contents(room_name)
        if contents.candidate_id == candidate_id:
            rooms.append(contents)
    running = sorted(room.room_name for room in rooms if room.state not in _TERMINAL)
    if running:
        raise Conflict(
            f"the candidate's interview is still running in room(s) {', '.join(running)}; "
            "end it with POST /end-interview, then delete",
            details=[
                {"field": "roomName", "message": "interview still running", "value": room} for room in running
            ],
        )
    removed = []
    for room in rooms:
        records.delete(room.keys)
        counts = Counter(item_kind(key) for key in room.keys)
        removed.append(
            RemovedRoom(
                room_name=room.room_name,
                interview_id=room.interview_id or "",
                state=room.state or "",
                items=dict(sorted(counts.items())),
                item_count=len(room.keys),
            )
        )
    total = sum(room.item_count for room in removed)
    metrics.add_metric(name="CandidateErased", unit="Count", value=1)
    logger.info("candidate erased", extra={"rooms": len(removed), "items": total})
    return DeleteCandidateResponse(
        candidate_id=candidate_id, rooms=removed, room_count=len(removed), item_count=total
    )
