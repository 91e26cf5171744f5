"""Use case: the whole record of an interview (GET /interviews/{room}); GET /interviews/{room}/report.html
renders the same record as a page (functions/interview_record/report_page.py)."""

from __future__ import annotations

from interview_common.clock import epoch_from_iso
from interview_common.dal.room_record import RoomRecord, RoomRecordReader
from interview_common.errors import NotFound
from interview_common.lifecycle import TERMINAL_STATES
from interview_common.logic.room_status import end_reason
from interview_common.models.decision import DecisionView
from interview_common.models.record import (
    InterviewRecordResponse,
    RecordedExchange,
    RecordedInterview,
    RecordedParticipant,
    RecordedTurn,
    TimelineEntry,
)
from interview_common.models.turn import TurnItem

_EXCHANGE_EVENTS = {
    "question": "question_asked",
    "follow_up": "follow_up_asked",
    "prompt": "prompted",
    "repeat": "question_repeated",
}


def report_path(room_name: str) -> str:
    return f"/interviews/{room_name}/report.html"


def interview_record(
    reader: RoomRecordReader, room_name: str, *, public_api_url: str | None = None
) -> InterviewRecordResponse:
    record = reader.read(room_name)
    if record is None:
        raise NotFound(f"no interview is known for room {room_name}")
    interview = record.interview
    base = (public_api_url or "").rstrip("/")
    return InterviewRecordResponse(
        interview=RecordedInterview(
            room_name=interview.room_name,
            interview_id=interview.interview_id,
            candidate_id=interview.candidate_id,
            candidate_name=interview.candidate_name,
            job_id=interview.job_id,
            state=interview.state.value,
            phase=interview.phase,
            error=interview.error,
            end_reason=end_reason(interview),
            created_at=interview.created_at,
            started_at=interview.started_at,
            ended_at=interview.ended_at,
            question_index=interview.question_index,
            question_count=interview.question_count,
            profile_version=interview.profile_version,
        ),
        participants=[
            RecordedParticipant(
                identity=p.identity,
                kind=p.kind,
                name=p.name,
                state=p.state,
                joined_at=p.joined_at,
                left_at=p.left_at,
            )
            for p in record.participants
        ],
        timeline=timeline(record),
        turns=[_turn_view(turn) for turn in record.turns],
        report=record.report,
        decision=DecisionView.of(record.decisions[-1]) if record.decisions else None,
        decisions=[DecisionView.of(decision) for decision in record.decisions],
        report_url=base + report_path(interview.room_name),
    )


def timeline(record: RoomRecord) -> list[TimelineEntry]:
    """What happened, in order, from the timestamps the record holds."""
    interview = record.interview
    entries = [TimelineEntry(at=interview.created_at, event="interview_requested")]
    if interview.started_at:
        entries.append(TimelineEntry(at=interview.started_at, event="interview_started"))
    for participant in record.participants:
        who = f"{participant.kind} {participant.identity}"
        if participant.joined_at:
            entries.append(
                TimelineEntry(at=participant.joined_at, event=f"{participant.kind}_joined", detail=who)
            )
        if participant.left_at:
            entries.append(
                TimelineEntry(at=participant.left_at, event=f"{participant.kind}_left", detail=who)
            )
    for turn in record.turns:
        for exchange in turn.exchanges:
            event = _EXCHANGE_EVENTS.get(exchange.kind, exchange.kind)
            entries.append(TimelineEntry(at=exchange.asked_at, event=event, detail=f"question {turn.index}"))
            if exchange.answer and exchange.answer_ended_at:
                entries.append(
                    TimelineEntry(
                        at=exchange.answer_ended_at, event="answered", detail=f"question {turn.index}"
                    )
                )
        if turn.assessment is not None:
            entries.append(
                TimelineEntry(
                    at=turn.assessment.assessed_at, event="answer_assessed", detail=f"question {turn.index}"
                )
            )
    if interview.end_requested_at:
        entries.append(
            TimelineEntry(at=interview.end_requested_at, event="end_requested", detail=interview.end_reason)
        )
    if interview.ended_at and interview.state in TERMINAL_STATES:
        detail = interview.error or interview.end_reason
        entries.append(
            TimelineEntry(at=interview.ended_at, event=f"interview_{interview.state.value}", detail=detail)
        )
    if record.report is not None:
        entries.append(TimelineEntry(at=record.report.generated_at, event="report_written"))
    for decision in record.decisions:
        entries.append(
            TimelineEntry(at=decision.decided_at, event="decision_recorded", detail=decision.decision)
        )
    return sorted(entries, key=lambda entry: _epoch(entry.at))


def _epoch(value: str) -> float:
    try:
        return epoch_from_iso(value)
    except ValueError:
        return float("inf")


def _turn_view(turn: TurnItem) -> RecordedTurn:
    return RecordedTurn(
        index=turn.index,
        question_id=turn.question_id,
        question=turn.question,
        category=turn.category,
        competencies=turn.competencies,
        status=turn.status,
        asked_at=turn.asked_at,
        answered_at=turn.answered_at,
        follow_ups=turn.follow_ups,
        exchanges=[RecordedExchange.model_validate(exchange.model_dump()) for exchange in turn.exchanges],
        answer=turn.answer,
        assessment=turn.assessment,
    )
