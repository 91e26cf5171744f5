"""What the interviewer concluded: per-answer assessments with verbatim evidence, and the final report.

Readable by the Lambdas (GET /interviews/{room}, the HTML report) without importing the agent.
Scores are 1-5 per competency against the job profile's anchored rubric; every quote is verbatim from
the candidate's own words (a quote that is not is dropped, and the drop recorded); a person decides.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_common.models.candidate_question import CandidateQuestion
from interview_common.models.items import REPORT_SK, room_pk

HUMAN_DECISION_NOTICE = (
    "This report was prepared by an AI interviewer to support a person's decision. It is a suggestion, "
    "not a decision: a person on the hiring team reviews the answers and makes the hiring decision. "
    "Scores use only the words of the candidate's answers; nothing is inferred from voice, face, accent "
    "or emotion."
)

SuggestedOutcome = Literal["advance", "review", "do_not_advance", "insufficient_evidence"]
# What a flagged part of an answer tried (interviewer.injection describes each kind's patterns).
InjectionKind = Literal[
    "override",
    "score_demand",
    "outcome_demand",
    "fake_message",
    "fake_output",
    "role_play",
    "keyword_stuffing",
    "rubric_echo",
    "padding",
    "structured_verdict",
    "authority_claim",
    "addressed",
    "assessment_request",
]


class DroppedQuote(BaseModel):
    """An evidence quote a brain offered that is not verbatim in the answer; it was not used."""

    model_config = ConfigDict(frozen=True)

    competency_id: str
    text: str = Field(max_length=1000)
    reason: str


class InjectionFinding(BaseModel):
    """A part of an answer that tried to steer the assessment: excluded from scoring and evidence."""

    model_config = ConfigDict(frozen=True)

    kind: InjectionKind
    text: str = Field(max_length=1000)


class LevelAdjustment(BaseModel):
    """A brain's level that the shared rules lowered (e.g. a high level with no verbatim evidence)."""

    model_config = ConfigDict(frozen=True)

    competency_id: str
    from_level: int = Field(ge=1, le=5)
    to_level: int = Field(ge=1, le=5)
    reason: str


class CompetencyAssessment(BaseModel):
    model_config = ConfigDict(frozen=True)

    competency_id: str
    level: int = Field(ge=1, le=5)
    # One or two plain sentences for a person: what the answer shows for this competency, what it lacks.
    rationale: str = Field(max_length=400)
    evidence: list[str] = Field(default_factory=list, max_length=5)
    # The rule's mechanics (facets found, signals, caps), for an audit; never shown as the rationale.
    rule_trace: str = Field(default="", max_length=600)


class AnswerAssessment(BaseModel):
    """One answer (the main answer and its follow-ups) scored against its question's competencies."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    competencies: list[CompetencyAssessment]
    dropped_quotes: list[DroppedQuote] = Field(default_factory=list)
    # e.g. "instructions_in_answer": the answer tried to instruct the interviewer (ignored, reported).
    flags: list[str] = Field(default_factory=list)
    # The flagged parts themselves (verbatim), each with what it tried; none of them was scored.
    injections: list[InjectionFinding] = Field(default_factory=list)
    adjustments: list[LevelAdjustment] = Field(default_factory=list)
    brain: str
    model: str
    rubric_version: str
    note: str | None = None  # e.g. why the fallback brain assessed this answer
    # False when the brain could not assess the answer (another language, not an answer): it has no
    # levels and never counts in the scores; `not_assessed_reason` says why, for a person.
    assessable: bool = True
    not_assessed_reason: str | None = Field(default=None, max_length=300)
    assessed_at: str


class CompetencyResult(BaseModel):
    """A competency across the interview: the mean of its per-answer levels, with the evidence."""

    model_config = ConfigDict(frozen=True)

    competency_id: str
    name: str
    weight: float
    level: int | None = Field(default=None, ge=1, le=5)  # None: never assessed (no evidence)
    mean_level: float | None = None
    evidence: list[str] = Field(default_factory=list)
    rationales: list[str] = Field(default_factory=list)
    question_ids: list[str] = Field(default_factory=list)


class ReportedInjection(BaseModel):
    model_config = ConfigDict(frozen=True)

    question_id: str
    kind: InjectionKind
    text: str = Field(max_length=1000)


class InterviewReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    room_name: str
    interview_id: str
    candidate_id: str
    job_id: str
    job_title: str
    rubric_version: str
    brain: str
    model: str
    competencies: list[CompetencyResult]
    weighted_mean: float | None
    suggested_outcome: SuggestedOutcome
    outcome_rule: str
    summary: str
    strengths: list[str] = Field(default_factory=list)
    concerns: list[str] = Field(default_factory=list)
    total_questions: int
    questions_asked: int
    questions_answered: int
    partial: bool
    end_reason: str
    flags: list[str] = Field(default_factory=list)
    # What went wrong with the brain or speech and what was done instead (e.g. "offline brain used").
    brain_notes: list[str] = Field(default_factory=list)
    dropped_quotes: int = 0
    injections: list[ReportedInjection] = Field(default_factory=list)
    # Questions the candidate asked to skip, and questions left without an answer (neither is scored).
    skipped_questions: list[str] = Field(default_factory=list)
    unanswered_questions: list[str] = Field(default_factory=list)
    # The candidate's own questions and what was said back, for the hiring team to follow up.
    candidate_questions: list[CandidateQuestion] = Field(default_factory=list)
    # What the brain is and what its scores can and cannot tell (reports written before it: empty).
    brain_statement: str = ""
    # Answers the brain could not assess, each with why ("q3: not in English"): unscored, never weak.
    unassessable_answers: list[str] = Field(default_factory=list)
    notice: str = HUMAN_DECISION_NOTICE
    generated_at: str


class ReportItem(BaseModel):
    """`ROOM#<roomName>` / `REPORT`: the report as JSON text plus the fields a list view needs."""

    model_config = ConfigDict(frozen=True)

    report: InterviewReport
    expires_at: int

    def to_item(self) -> dict[str, Any]:
        report = self.report
        return {
            "PK": room_pk(report.room_name),
            "SK": REPORT_SK,
            "interview_id": report.interview_id,
            "rubric_version": report.rubric_version,
            "brain": report.brain,
            "model": report.model,
            "suggested_outcome": report.suggested_outcome,
            "generated_at": report.generated_at,
            "report": report.model_dump_json(),
            "expiresAt": self.expires_at,
        }

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ReportItem:
        return cls(
            report=InterviewReport.model_validate(json.loads(item["report"])),
            expires_at=int(item.get("expiresAt", 0)),
        )
