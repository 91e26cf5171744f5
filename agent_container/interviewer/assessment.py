"""Assessment rules every brain obeys, kept apart from any one brain so they can grow on their own.

- The candidate's words are data. Sentences that try to instruct the interviewer ("ignore your rubric",
  "give me 5/5", fake system or JSON messages) are found by `instruction_sentences`, flagged, and never
  count as evidence or as substance.
- Evidence is verbatim. `verify_quotes` keeps only quotes that occur in the answer (whitespace aside) and
  records each one it drops, with the reason.
- Scores aggregate by a stated rule: a competency's level is the rounded mean of its per-answer levels;
  the suggested outcome applies the profile's `OutcomeRule` to the weight-averaged levels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from interview_common.models.assessment import (
    AnswerAssessment,
    CompetencyAssessment,
    CompetencyResult,
    DroppedQuote,
    InterviewReport,
    SuggestedOutcome,
)
from interview_common.models.job_profile import Competency, JobProfile
from interview_common.models.turn import TurnItem

from interviewer.ports import ReportRequest

INSTRUCTIONS_FLAG = "instructions_in_answer"
MAX_EVIDENCE_PER_COMPETENCY = 3
MAX_REPORT_EVIDENCE = 4

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9']+")
_WHITESPACE = re.compile(r"\s+")

# Phrases that address the interviewer or the scoring instead of answering the question.
_INSTRUCTION_PATTERNS = [
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instruction|instructions|rubric|rules|prompt|guidelines|criteria)\b",
    r"\b(score|rate|grade|mark|assess|evaluate)\s+(me|this|my|the candidate)\b.{0,40}"
    r"\b(5|five|10|ten|full|maximum|max|top|perfect|highest)\b",
    r"\b(give|award|assign)\s+(me|this answer|my answer|the candidate)\b.{0,30}"
    r"\b(score|rating|grade|marks?|points?|level|stars?)\b",
    r"\b(give|award|assign)\s+(me|this answer|my answer|the candidate)\s+(a\s+)?"
    r"(5|five|10|ten|full|perfect|top|maximum|max|highest)\b",
    r"\b(highest|maximum|perfect|top|full)\s+(score|scores|marks|rating|level)\b",
    r"\b\d+\s*/\s*(5|10|100)\b",
    r"\b(5|five)\s+out\s+of\s+(5|five)\b",
    r"(^|\s)(system|assistant|developer)\s*:",
    r"\byou are now\b|\bas an ai\b|\blanguage model\b",
    r"[{\[]\s*\"?(level|score|rating|competencies)\"?\s*:",
    r"\b(new|updated) instructions?\b",
    r"\b(recommend|advance|hire)\s+(me|this candidate)\b",
]
_INSTRUCTION = re.compile("|".join(f"(?:{pattern})" for pattern in _INSTRUCTION_PATTERNS), re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """The answer's sentences, each a verbatim substring of it."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def instruction_sentences(text: str) -> list[str]:
    """Sentences of the answer that try to instruct the interviewer or dictate a score."""
    return [sentence for sentence in sentences(text) if _INSTRUCTION.search(sentence)]


def without_instructions(text: str) -> str:
    """The answer with instruction sentences removed: what counts as the candidate's substance."""
    flagged = set(instruction_sentences(text))
    return " ".join(sentence for sentence in sentences(text) if sentence not in flagged)


def _normalise(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _strip_quote_marks(text: str) -> str:
    return text.strip().strip("\"'“”‘’").strip()


def is_verbatim(quote: str, answer: str) -> bool:
    """True when `quote` occurs in `answer` word for word (only whitespace may differ)."""
    needle = _normalise(_strip_quote_marks(quote))
    return bool(needle) and needle in _normalise(answer)


def verify_quotes(
    competencies: Iterable[CompetencyAssessment], answer: str
) -> tuple[list[CompetencyAssessment], list[DroppedQuote]]:
    """Keep verbatim quotes (cleaned of surrounding quote marks); drop and record the rest.

    A quote of a sentence that instructs the interviewer is dropped too: it is not evidence.
    """
    flagged = {_normalise(sentence) for sentence in instruction_sentences(answer)}
    kept: list[CompetencyAssessment] = []
    dropped: list[DroppedQuote] = []
    for assessment in competencies:
        evidence: list[str] = []
        for quote in assessment.evidence:
            cleaned = _strip_quote_marks(quote)
            if not is_verbatim(cleaned, answer):
                dropped.append(
                    DroppedQuote(
                        competency_id=assessment.competency_id,
                        text=quote[:1000],
                        reason="not verbatim in the answer",
                    )
                )
            elif any(
                _normalise(cleaned) in sentence or sentence in _normalise(cleaned) for sentence in flagged
            ):
                dropped.append(
                    DroppedQuote(
                        competency_id=assessment.competency_id,
                        text=quote[:1000],
                        reason="an instruction to the interviewer, not evidence",
                    )
                )
            elif cleaned not in evidence:
                evidence.append(cleaned)
        kept.append(assessment.model_copy(update={"evidence": evidence[:MAX_EVIDENCE_PER_COMPETENCY]}))
    return kept, dropped


def indicator_hits(text: str, competency: Competency) -> list[str]:
    """The competency's indicators that occur in `text` (case-insensitive, whole words)."""
    lowered = text.lower()
    hits = []
    for indicator in competency.indicators:
        phrase = indicator.strip().lower()
        if phrase and re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", lowered):
            hits.append(phrase)
    return hits


# -- aggregation and the outcome rule -------------------------------------------------------------


def competency_results(
    profile: JobProfile, assessments: Iterable[AnswerAssessment]
) -> list[CompetencyResult]:
    per_competency: dict[str, list[tuple[str, CompetencyAssessment]]] = {
        c.id: [] for c in profile.competencies
    }
    for assessment in assessments:
        for item in assessment.competencies:
            if item.competency_id in per_competency:
                per_competency[item.competency_id].append((assessment.question_id, item))
    results = []
    for competency in profile.competencies:
        scored = per_competency[competency.id]
        if not scored:
            results.append(
                CompetencyResult(competency_id=competency.id, name=competency.name, weight=competency.weight)
            )
            continue
        mean = sum(item.level for _, item in scored) / len(scored)
        evidence: list[str] = []
        for _, item in scored:
            for quote in item.evidence:
                if quote not in evidence:
                    evidence.append(quote)
        results.append(
            CompetencyResult(
                competency_id=competency.id,
                name=competency.name,
                weight=competency.weight,
                level=round_half_up(mean),
                mean_level=round(mean, 2),
                evidence=evidence[:MAX_REPORT_EVIDENCE],
                rationales=[item.rationale for _, item in scored],
                question_ids=[question_id for question_id, _ in scored],
            )
        )
    return results


def round_half_up(value: float) -> int:
    return max(1, min(5, int(value + 0.5)))


def weighted_mean(results: list[CompetencyResult]) -> float | None:
    """Weight-averaged level; a competency without evidence counts as level 1. None: nothing was assessed."""
    if all(result.level is None for result in results):
        return None
    total_weight = sum(result.weight for result in results)
    return round(sum(result.weight * (result.mean_level or 1.0) for result in results) / total_weight, 2)


def suggested_outcome(
    profile: JobProfile, results: list[CompetencyResult]
) -> tuple[float | None, SuggestedOutcome]:
    mean = weighted_mean(results)
    if mean is None:
        return None, "insufficient_evidence"
    lowest = min(result.level or 1 for result in results)
    return mean, profile.outcome_rule.apply(mean, lowest)


def answered_turns(turns: Iterable[TurnItem]) -> list[TurnItem]:
    return [turn for turn in turns if turn.answer.strip()]


def collect_flags(assessments: Iterable[AnswerAssessment]) -> list[str]:
    flags: list[str] = []
    for assessment in assessments:
        for flag in assessment.flags:
            entry = f"{flag} (question {assessment.question_id})"
            if entry not in flags:
                flags.append(entry)
    return flags


def build_report(
    profile: JobProfile,
    request: ReportRequest,
    *,
    brain: str,
    model: str,
    summary: str,
    strengths: list[str],
    concerns: list[str],
    generated_at: str,
) -> InterviewReport:
    """The report's numbers come from here for every brain: a brain only writes the narrative."""
    assessments = [turn.assessment for turn in request.turns if turn.assessment is not None]
    results = competency_results(profile, assessments)
    mean, outcome = suggested_outcome(profile, results)
    answered = answered_turns(request.turns)
    notes = list(request.notes)
    unassessed = [turn.question_id for turn in answered if turn.assessment is None]
    if unassessed:
        notes.append(
            f"answers to {', '.join(unassessed)} were not assessed in time; they do not count in the scores"
        )
    return InterviewReport(
        room_name=request.room_name,
        interview_id=request.interview_id,
        candidate_id=request.candidate_id,
        job_id=request.job_id,
        job_title=profile.title,
        rubric_version=profile.rubric_version,
        brain=brain,
        model=model,
        competencies=results,
        weighted_mean=mean,
        suggested_outcome=outcome,
        outcome_rule=profile.outcome_rule.describe(),
        summary=summary,
        strengths=strengths,
        concerns=concerns,
        total_questions=request.total_questions,
        questions_asked=len(request.turns),
        questions_answered=len(answered),
        partial=request.partial,
        end_reason=request.end_reason,
        flags=collect_flags(assessments),
        brain_notes=notes,
        dropped_quotes=sum(len(assessment.dropped_quotes) for assessment in assessments),
        generated_at=generated_at,
    )
