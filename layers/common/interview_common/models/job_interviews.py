"""GET /jobs/{jobId}/interviews: every interview of a job, side by side, for the people who decide."""

from __future__ import annotations

from typing import Literal

from interview_common.models.api import CamelModel
from interview_common.models.decision import HumanDecision

DecisionFilter = Literal["advance", "hold", "reject", "none"]


class CompetencyLevel(CamelModel):
    competency_id: str
    name: str
    weight: float
    level: int | None  # None: no evidence in the interview


class DecisionInForce(CamelModel):
    decision: HumanDecision
    reviewer: str
    decided_at: str


class JobInterviewRow(CamelModel):
    room_name: str
    interview_id: str
    candidate_id: str
    candidate_name: str | None  # the name given at start or with the candidate details; never an email
    state: str
    created_at: str
    started_at: str | None
    ended_at: str | None
    profile_version: int | None
    rubric_version: str | None
    competencies: list[CompetencyLevel]
    weighted_mean: float | None
    suggested_outcome: str | None
    decision: DecisionInForce | None
    report_url: str | None  # report.html, once the interview has a report
    record_url: str


class JobInterviewsResponse(CamelModel):
    status: Literal["success"] = "success"
    success: bool = True
    job_id: str
    interviews: list[JobInterviewRow]  # newest first
    count: int
    next_cursor: str | None  # None: this was the last page
