"""Use case: every interview of a job, newest first, a page at a time (GET /jobs/{jobId}/interviews).

Each row: state, candidate (the name if one was given; never an email), when, the level per competency
and the suggested outcome from the report, the decision in force, and the report's link. Filters: state
(one or more) and decision (advance, hold, reject, or none for undecided). The cursor is opaque to
callers: the index position of the page's last row (job_interviews_index), checked on the way back in.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator

from interview_common.dal.job_interview_index import INDEX_KEY_ATTRIBUTES, JobInterviewIndex, index_key
from interview_common.errors import BadRequest
from interview_common.lifecycle import TERMINAL_STATES, InterviewState
from interview_common.logic.interview_record import report_path
from interview_common.models.assessment import InterviewReport
from interview_common.models.decision import DecisionItem
from interview_common.models.interview_context import InterviewContextItem
from interview_common.models.items import InterviewItem
from interview_common.models.job_interviews import (
    CompetencyLevel,
    DecisionFilter,
    DecisionInForce,
    JobInterviewRow,
    JobInterviewsResponse,
)
from interview_common.observability import logger

DEFAULT_PAGE = 20
MAX_PAGE = 50
VALID_STATES = {state.value for state in InterviewState}
DECISIONS = {"advance", "hold", "reject", "none"}


def parse_states(raw: str | None) -> list[str]:
    states = sorted({part.strip() for part in (raw or "").split(",") if part.strip()})
    unknown = [state for state in states if state not in VALID_STATES]
    if unknown:
        raise FilterInvalid(
            f"state must be one or more of {', '.join(sorted(VALID_STATES))} (comma-separated)",
            [{"field": "query.state", "message": f"unknown state {unknown[0]!r}", "type": "enum"}],
        )
    return states


def parse_decision(raw: str | None) -> DecisionFilter | None:
    if raw is None or raw == "":
        return None
    if raw not in DECISIONS:
        raise FilterInvalid(
            "decision must be advance, hold, reject or none",
            [{"field": "query.decision", "message": f"unknown decision {raw!r}", "type": "enum"}],
        )
    return raw  # type: ignore[return-value]


class FilterInvalid(BadRequest):
    status_code = 422
    code = "validation_error"


def list_job_interviews(
    job_id: str,
    *,
    index: JobInterviewIndex,
    states: list[str],
    decision: DecisionFilter | None,
    cursor: str | None,
    limit: int = DEFAULT_PAGE,
    public_api_url: str | None = None,
) -> JobInterviewsResponse:
    after = decode_cursor(cursor, job_id) if cursor else None
    rows: list[JobInterviewRow] = []
    last_examined: InterviewItem | None = None
    more = False
    # Read a little more than a page at a time: a decision filter drops rows after the read.
    candidates = index.newest_first(job_id, states=states, after=after, batch=min(limit * 2, 100))
    for chunk in _chunks(candidates, limit):
        for interview, row in _rows(chunk, index, decision, public_api_url):
            if len(rows) >= limit:
                more = True
                break
            last_examined = interview
            if row is not None:
                rows.append(row)
        if more:
            break
    # The cursor is the last interview examined for this page (rows filtered out before it are behind it).
    next_cursor = encode_cursor(index_key(last_examined)) if more and last_examined is not None else None
    logger.info(
        "job interviews listed",
        extra={"job_id": job_id, "rows": len(rows), "more": more, "states": states, "decision": decision},
    )
    return JobInterviewsResponse(job_id=job_id, interviews=rows, count=len(rows), next_cursor=next_cursor)


def _chunks(interviews: Iterator[InterviewItem], size: int) -> Iterator[list[InterviewItem]]:
    chunk: list[InterviewItem] = []
    for interview in interviews:
        chunk.append(interview)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _rows(
    interviews: list[InterviewItem],
    index: JobInterviewIndex,
    decision_filter: DecisionFilter | None,
    public_api_url: str | None,
) -> list[tuple[InterviewItem, JobInterviewRow | None]]:
    """Each interview with its row, or None when the decision filter leaves it out."""
    reports, contexts = index.reports_and_contexts([interview.room_name for interview in interviews])
    rows: list[tuple[InterviewItem, JobInterviewRow | None]] = []
    for interview in interviews:
        # A decision is recorded only once an interview has ended (409 before): no read for running ones.
        decided = (
            index.decision_in_force(interview.room_name, interview.interview_id)
            if interview.state in TERMINAL_STATES
            else None
        )
        decision_name = decided.decision if decided else "none"
        if decision_filter is not None and decision_name != decision_filter:
            rows.append((interview, None))
            continue
        report = reports.get(interview.room_name)
        if report is not None and report.interview_id != interview.interview_id:
            report = None  # the room's report is of an earlier interview
        rows.append(
            (interview, _row(interview, report, contexts.get(interview.room_name), decided, public_api_url))
        )
    return rows


def _row(
    interview: InterviewItem,
    report: InterviewReport | None,
    context: InterviewContextItem | None,
    decided: DecisionItem | None,
    public_api_url: str | None,
) -> JobInterviewRow:
    base = (public_api_url or "").rstrip("/")
    return JobInterviewRow(
        room_name=interview.room_name,
        interview_id=interview.interview_id,
        candidate_id=interview.candidate_id,
        candidate_name=_display_name(interview, context),
        state=interview.state.value,
        created_at=interview.created_at,
        started_at=interview.started_at,
        ended_at=interview.ended_at,
        profile_version=interview.profile_version,
        rubric_version=report.rubric_version if report else None,
        competencies=[
            CompetencyLevel(competency_id=c.competency_id, name=c.name, weight=c.weight, level=c.level)
            for c in (report.competencies if report else [])
        ],
        weighted_mean=report.weighted_mean if report else None,
        suggested_outcome=report.suggested_outcome if report else None,
        decision=(
            DecisionInForce(
                decision=decided.decision, reviewer=decided.reviewer, decided_at=decided.decided_at
            )
            if decided
            else None
        ),
        report_url=base + report_path(interview.room_name) if report else None,
        record_url=f"{base}/interviews/{interview.room_name}",
    )


def _display_name(interview: InterviewItem, context: InterviewContextItem | None) -> str | None:
    for name in (interview.candidate_name, context.candidate_name if context else None):
        if name and "@" not in name:  # a name field holding an email is not shown
            return name
    return None


def encode_cursor(key: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, job_id: str) -> dict[str, str]:
    refused = BadRequest("the cursor is not one this route returned for this job")
    try:
        key = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
    except (ValueError, binascii.Error) as error:
        raise refused from error
    if (
        not isinstance(key, dict)
        or set(key) != set(INDEX_KEY_ATTRIBUTES)
        or not all(isinstance(value, str) for value in key.values())
        or key["job_id"] != job_id
        or key["SK"] != "META"
        or not key["PK"].startswith("ROOM#")
    ):
        raise refused
    return key
