"""GET /interviews/{roomName}: the whole record of one interview, as one JSON document.

Top-level fields are camelCase like the rest of the API. Assessments and the report are returned as the
agent stored them (models/assessment.py): they are versioned documents (rubric version, brain, model),
not views of them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from interview_common.models.api import CamelModel
from interview_common.models.assessment import AnswerAssessment, InterviewReport
from interview_common.models.decision import DecisionView


class TimelineEntry(CamelModel):
    at: str
    event: str
    detail: str | None = None


class RecordedInterview(CamelModel):
    room_name: str
    interview_id: str
    candidate_id: str
    candidate_name: str | None = None
    job_id: str
    state: str
    phase: str | None = None
    error: str | None = None
    end_reason: str | None = None
    created_at: str
    started_at: str | None = None
    ended_at: str | None = None
    question_index: int = 0
    question_count: int = 0
    # The job profile version the interview started with (0: the built-in default; None: not recorded).
    profile_version: int | None = None


class RecordedParticipant(CamelModel):
    identity: str
    kind: Literal["agent", "candidate", "other"]
    name: str | None = None
    state: str
    joined_at: str | None = None
    left_at: str | None = None


class RecordedExchange(CamelModel):
    kind: str
    prompt: str
    asked_at: str
    answer: str | None = None
    # What the candidate's reply was (answer, repeat_request, ...); None in older records: an answer.
    reply_kind: str | None = None
    answer_started_at: str | None = None
    answer_ended_at: str | None = None
    response_latency_ms: int | None = None


class RecordedTurn(CamelModel):
    index: int
    question_id: str
    question: str
    category: str
    competencies: list[str]
    status: str
    asked_at: str
    answered_at: str | None = None
    follow_ups: int = 0
    exchanges: list[RecordedExchange] = Field(default_factory=list)
    answer: str = ""
    assessment: AnswerAssessment | None = None


class InterviewRecordResponse(CamelModel):
    status: Literal["success"] = "success"
    interview: RecordedInterview
    participants: list[RecordedParticipant]
    timeline: list[TimelineEntry]
    turns: list[RecordedTurn]
    report: InterviewReport | None = None
    # A person's decision (POST /interviews/{roomName}/decision): the one in force and the whole trail.
    decision: DecisionView | None = None
    decisions: list[DecisionView] = Field(default_factory=list)
    report_url: str
