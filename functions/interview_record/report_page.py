"""The interview report as one self-contained HTML page a hiring manager can read without help.

templates/report.html.j2 is the page and templates/report.css its stylesheet (inlined: no external
resources, no scripts; it renders the same offline, printed, or attached to an email). This module
holds what the page says for each code (labels), the few computed values (facts, footer) and the jinja2
environment, with autoescape on: every value from the record is HTML-escaped, the candidate's words
are data, never markup. Shipped with the function that serves GET /interviews/{roomName}/report.html,
not in the layer every function gets; jinja2 is imported on the first page, not at cold start.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from interview_common.models.assessment import HUMAN_DECISION_NOTICE
from interview_common.models.record import InterviewRecordResponse

if TYPE_CHECKING:
    from jinja2 import Template

TEMPLATES = Path(__file__).resolve().parent / "templates"

OUTCOME_LABELS = {
    "advance": "Advance",
    "review": "Review further",
    "do_not_advance": "Do not advance",
    "insufficient_evidence": "Not enough evidence to suggest an outcome: read the answers",
}
STATE_LABELS = {
    "requested": "Requested",
    "launching": "Starting",
    "waiting_for_candidate": "Waiting for the candidate",
    "in_progress": "In progress",
    "completed": "Completed",
    "abandoned": "Abandoned",
    "failed": "Failed",
}
FLAG_EXPLANATIONS = {
    "instructions_in_answer": (
        "An answer contained instructions addressed to the interviewer (for example, asking for a top "
        "score). "
        "They were treated as part of the answer, not followed, and earned nothing."
    ),
}
FLAG_EXPLANATIONS["rubric_gaming"] = (
    "An answer repeated the rubric's own words (a list of keywords, a recited rubric level, or the same "
    "sentence over and over). Those parts were not scored and earned nothing."
)
INJECTION_LABELS = {
    "override": "Told the interviewer to ignore its rubric or instructions",
    "score_demand": "Asked for a score",
    "outcome_demand": "Asked for an outcome",
    "fake_message": "Posed as another speaker (a system or interviewer message)",
    "fake_output": "Wrote the assessment's own output (JSON)",
    "role_play": "Tried to change the interviewer's role",
    "keyword_stuffing": "Listed the rubric's keywords",
    "rubric_echo": "Recited a rubric level",
    "padding": "Repeated a sentence",
    "structured_verdict": "Wrote scores or a verdict as data (key: value lines, a table, tags)",
    "authority_claim": "Claimed to speak for the hiring team or about the candidate from outside",
    "addressed": "Spoke to the evaluator, an AI or the hiring team instead of answering",
    "assessment_request": "Asked, politely, for a favourable write-up",
}
DECISION_LABELS = {"advance": "Advance", "hold": "Hold", "reject": "Reject"}
INPUTS_STATEMENT = (
    "Scores use only the words of the candidate's answers (the transcript), judged against the rubric. "
    "Nothing is inferred from voice, face, accent, emotion, name or any personal characteristic, and no "
    "audio or video is analysed for the assessment."
)
SPEAKERS = {
    "question": "Interviewer",
    "follow_up": "Interviewer (follow-up)",
    "prompt": "Interviewer",
    "repeat": "Interviewer",
}
# What a candidate's line was when it was not an answer (shown in the transcript; never assessed).
REPLY_LABELS = {
    "repeat_request": "asked to hear the question again",
    "clarification": "asked what the question means",
    "skip_request": "asked to skip the question",
    "needs_moment": "asked for a moment",
    "question_for_interviewer": "a question for the interviewer",
    "non_answer": "no answer of substance",
    "other_language": "in another language",
    "wants_to_stop": "asked to stop",
}
MAX_EVIDENCE_PER_COMPETENCY = 4
# What the interviewer did with a question the candidate asked (CandidateQuestion.source).
ANSWER_SOURCES = {
    "profile": "Answered from the job's own information",
    "passed_on": "Passed on to the hiring team: please get back to the candidate",
    "not_reached": "Not answered: the interview ended first; please get back to the candidate",
}


def when(value: str | None) -> str:
    """`2026-01-01T14:03:05.123Z` as `1 Jan 2026, 14:03 UTC`."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return value
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def clock_time(value: str | None) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).strftime("%H:%M:%S")
    except ValueError:
        return value


def decimal(value: float) -> str:
    """4.54 -> "4.54", 4.5 -> "4.5", 4.0 -> "4": as precise as the rule that used it, no more."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@cache
def _page() -> Template:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    def escaped(value: object) -> Markup:
        """Every value as the standard library escapes it (`&quot;`, `&#x27;`: quotes too, safe in
        attributes); markup the template itself built (macros) passes as it is. None shows as nothing."""
        if isinstance(value, Markup):
            return value
        return Markup(escape("" if value is None else str(value), quote=True))  # noqa: S704

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=escaped,
    )
    environment.filters.update(when=when, clock_time=clock_time, decimal=decimal)
    environment.globals.update(
        outcome_labels=OUTCOME_LABELS,
        flag_explanations=FLAG_EXPLANATIONS,
        injection_labels=INJECTION_LABELS,
        decision_labels=DECISION_LABELS,
        speakers=SPEAKERS,
        reply_labels=REPLY_LABELS,
        answer_sources=ANSWER_SOURCES,
        max_evidence=MAX_EVIDENCE_PER_COMPETENCY,
    )
    return environment.get_template("report.html.j2")


def render_report_html(record: InterviewRecordResponse) -> str:
    report = record.report
    interview = record.interview
    candidate = interview.candidate_name or interview.candidate_id
    job = report.job_title if report else f"Job {interview.job_id}"
    state_label = STATE_LABELS.get(interview.state, interview.state)
    return _page().render(
        title=f"Interview report: {candidate}, {job}",
        job=job,
        facts=_facts(record, candidate, state_label),
        notice=report.notice if report else HUMAN_DECISION_NOTICE,
        decision=record.decision,
        decisions=record.decisions,
        report=report,
        unassessed=", ".join(c.name for c in report.competencies if c.level is None) if report else "",
        not_answered=_not_answered(record),
        state_label=state_label,
        no_report_reason=_no_report_reason(record),
        turns=record.turns,
        competency_names={c.competency_id: c.name for c in report.competencies} if report else {},
        footer_facts=_footer_facts(record, state_label),
    )


def _facts(record: InterviewRecordResponse, candidate: str, state_label: str) -> list[tuple[str, str]]:
    interview = record.interview
    answered = sum(1 for turn in record.turns if turn.answer.strip())
    total = record.report.total_questions if record.report else interview.question_count
    return [
        ("Candidate", candidate),
        ("Interview", when(interview.started_at or interview.created_at)),
        ("Status", state_label),
        ("Answered", f"{answered} of {total} questions" if total else f"{answered} questions"),
    ]


def _not_answered(record: InterviewRecordResponse) -> list[tuple[str, str]]:
    """Questions skipped at the candidate's request, and questions left without an answer: neither scored."""
    report = record.report
    if report is None:
        return []
    texts = {turn.question_id: f"Question {turn.index}. {turn.question}" for turn in record.turns}
    rows = [(qid, "Skipped at the candidate's request") for qid in report.skipped_questions]
    rows += [(qid, "No answer (left unanswered)") for qid in report.unanswered_questions]
    return [(texts.get(qid, qid), why) for qid, why in rows]


def _no_report_reason(record: InterviewRecordResponse) -> str | None:
    interview = record.interview
    if interview.end_reason == "no_show":  # logic.room_status.end_reason: nobody ever joined
        return "The candidate never joined (a no-show): nothing was asked or scored."
    return interview.error or interview.end_reason


def _footer_facts(record: InterviewRecordResponse, state_label: str) -> list[tuple[str, str]]:
    report = record.report
    interview = record.interview
    facts: list[tuple[str, str]] = []
    if report:
        facts += [
            ("Rubric version", report.rubric_version),
            ("Scored by", f"{report.brain} brain, model {report.model}"),
            ("What the scores use", INPUTS_STATEMENT),
            ("Report written", when(report.generated_at)),
        ]
        if report.dropped_quotes:
            facts.append(
                (
                    "Quotes not used",
                    f"{report.dropped_quotes} proposed quote(s) were not verbatim in the answers "
                    "and were dropped",
                )
            )
        facts += [("Note", note) for note in report.brain_notes]
    facts += [
        ("Ended", f"{state_label} {when(interview.ended_at)}".strip()),
        ("Interview id", interview.interview_id),
        ("Room", interview.room_name),
        ("Job id", interview.job_id),
    ]
    if interview.error:
        facts.append(("What went wrong", interview.error))
    return facts
