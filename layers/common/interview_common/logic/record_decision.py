"""Use case: a person records the hiring decision on an interview (POST /interviews/{roomName}/decision).

- Only on an interview that has ended (completed, abandoned or failed): `409` while it is still running.
- Append-only: every decision is a new `DECISION#<decidedAt>` item; the latest is the decision in force
  and the answer carries the whole trail. It expires with the interview (the interview's `expiresAt`).
- The note is the reviewer's words: stored and shown (escaped) in the report, never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from interview_common.dal.decision_log import DecisionExists, DecisionLog
from interview_common.dal.interviews import InterviewStore
from interview_common.errors import Conflict, NotFound, ServiceUnavailable
from interview_common.lifecycle import TERMINAL_STATES
from interview_common.models.decision import DecisionItem, DecisionRequest, DecisionResponse, DecisionView
from interview_common.observability import logger, metrics

MAX_ATTEMPTS = 5


def now_precise() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    """Microseconds: decisions sort by time in the table, and two in one millisecond stay two."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def record_decision(
    room_name: str,
    request: DecisionRequest,
    *,
    store: InterviewStore,
    decisions: DecisionLog,
    now: Callable[[], datetime] = now_precise,
) -> DecisionResponse:
    interview = store.get_interview(room_name)
    if interview is None:
        raise NotFound(f"no interview is known for room {room_name}")
    if interview.state not in TERMINAL_STATES:
        raise Conflict(
            f"the interview in room {room_name} is still {interview.state.value}; "
            "a decision is recorded once it has ended"
        )
    logger.append_keys(room_name=room_name, interview_id=interview.interview_id)
    moment = now()
    for _ in range(MAX_ATTEMPTS):
        decision = DecisionItem(
            room_name=room_name,
            interview_id=interview.interview_id,
            candidate_id=interview.candidate_id,
            reviewer=request.reviewer,
            decision=request.decision,
            note=request.note,
            decided_at=_iso(moment),
            expires_at=interview.expires_at,
        )
        try:
            decisions.append(decision)
            break
        except DecisionExists:
            moment += timedelta(microseconds=1)  # another decision took this instant: the next one
    else:
        raise ServiceUnavailable("decisions kept arriving at the same instant; retry")
    trail = decisions.trail(room_name, interview.interview_id)
    if decision.decided_at not in {item.decided_at for item in trail}:
        trail.append(decision)  # never answer without the decision just written
    trail.sort(key=lambda item: item.decided_at)
    metrics.add_metric(name="DecisionRecorded", unit="Count", value=1)
    logger.info("decision recorded", extra={"decision": decision.decision, "trail_length": len(trail)})
    return DecisionResponse(
        room_name=room_name,
        interview_id=interview.interview_id,
        candidate_id=interview.candidate_id,
        decision=DecisionView.of(decision),
        decisions=[DecisionView.of(item) for item in trail],
    )
