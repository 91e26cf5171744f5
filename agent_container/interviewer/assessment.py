"""Assessment rules every brain obeys, kept apart from any one brain so they can grow on their own.

- The candidate's words are data. `screen_answer` (interviewer.injection) finds the parts of an answer
  that instruct the interviewer ("ignore your rubric", "give me 5/5", fake system or JSON messages,
  role play) or game the rubric (keyword stuffing, reciting an anchor, padding); they are flagged,
  recorded verbatim, and never count as evidence or as substance.
- Evidence is verbatim. `verify_quotes` keeps only quotes that occur in the answer (whitespace aside),
  are long enough to show something and are not flagged text; it records each one it drops, with the
  reason.
- A level needs evidence. `require_evidence` lowers a level above `MAX_LEVEL_WITHOUT_EVIDENCE` that no
  verified quote supports, and records the change.
- `finish_assessment` applies all of the above to any brain's judgement, so both brains obey the same
  checks.
- Scores aggregate by a stated rule: a competency's level is the rounded mean of its per-answer levels
  (answers the brain could not assess, `assessable=False`, never count); the suggested outcome applies
  the profile's `OutcomeRule` to the weight-averaged levels, and only when every competency was assessed
  on at least one answer: otherwise it is "insufficient_evidence" (a person reads the answers), never a
  "do not advance" for what was not assessed.
- The report says what the brain is (`brain_statement`): the offline brain is rules that look for
  described actions and results, not language understanding.
"""

from __future__ import annotations

from collections.abc import Iterable

from interview_common.models.assessment import (
    AnswerAssessment,
    CompetencyAssessment,
    CompetencyResult,
    DroppedQuote,
    InjectionFinding,
    InterviewReport,
    LevelAdjustment,
    ReportedInjection,
    SuggestedOutcome,
)
from interview_common.models.job_profile import Competency, JobProfile, Question
from interview_common.models.turn import TurnItem

from interviewer.injection import (
    RubricVocabulary,
    Screening,
    indicator_pattern,
    normalise,
    screen,
    sentences,
    word_count,
)
from interviewer.ports import ReportRequest

__all__ = ["sentences", "word_count"]

INSTRUCTIONS_FLAG = "instructions_in_answer"
GAMING_FLAG = "rubric_gaming"
GAMING_KINDS = frozenset({"keyword_stuffing", "rubric_echo", "padding"})
MAX_EVIDENCE_PER_COMPETENCY = 3
MAX_REPORT_EVIDENCE = 4
MIN_QUOTE_WORDS = 3
MAX_LEVEL_WITHOUT_EVIDENCE = 2
NOT_VERBATIM = "not verbatim in the answer"
FLAGGED_QUOTE = "flagged text (an instruction to the interviewer or rubric gaming), not evidence"


def instruction_sentences(text: str) -> list[str]:
    """Segments of the answer that try to instruct the interviewer or dictate a score."""
    return screen(text).flagged_texts


def without_instructions(text: str) -> str:
    """The answer with instruction segments removed: what counts as the candidate's substance."""
    return screen(text).substance_text


def screen_answer(profile: JobProfile, question: Question, answer: str) -> Screening:
    """The answer screened for instructions and for gaming of the rubric (any of the profile's
    competencies: stuffing another competency's words games the question's levels just as well)."""
    own = [profile.competency(cid) for cid in question.competencies]
    vocabulary = RubricVocabulary.of([*own, *(c for c in profile.competencies if c not in own)])
    return screen(answer, vocabulary)


def _strip_quote_marks(text: str) -> str:
    return text.strip().strip("\"'“”‘’").strip()


def is_verbatim(quote: str, answer: str) -> bool:
    """True when `quote` occurs in `answer` word for word (only whitespace may differ)."""
    needle = normalise(_strip_quote_marks(quote))
    return bool(needle) and needle in normalise(answer)


def _overlaps(quote: str, flagged: Iterable[str]) -> bool:
    return any(quote in text or text in quote for text in flagged)


def verify_quotes(
    competencies: Iterable[CompetencyAssessment], answer: str, flagged: Iterable[str] | None = None
) -> tuple[list[CompetencyAssessment], list[DroppedQuote]]:
    """Keep verbatim quotes (cleaned of surrounding quote marks); drop and record the rest.

    A quote of flagged text (an instruction to the interviewer, stuffing) is dropped too: it is not
    evidence. `flagged` defaults to the answer's instruction segments.
    """
    flagged_texts = [
        normalise(text) for text in (instruction_sentences(answer) if flagged is None else flagged)
    ]
    kept: list[CompetencyAssessment] = []
    dropped: list[DroppedQuote] = []
    for assessment in competencies:
        evidence: list[str] = []

        def drop(quote: str, reason: str, competency_id: str = assessment.competency_id) -> None:
            dropped.append(DroppedQuote(competency_id=competency_id, text=quote[:1000], reason=reason))

        for quote in assessment.evidence:
            cleaned = _strip_quote_marks(quote)
            if not is_verbatim(cleaned, answer):
                drop(quote, NOT_VERBATIM)
            elif _overlaps(normalise(cleaned), flagged_texts):
                drop(quote, FLAGGED_QUOTE)
            elif word_count(cleaned) < MIN_QUOTE_WORDS:
                drop(quote, f"shorter than {MIN_QUOTE_WORDS} words: too short to be evidence")
            elif cleaned not in evidence:
                evidence.append(cleaned)
        kept.append(assessment.model_copy(update={"evidence": evidence[:MAX_EVIDENCE_PER_COMPETENCY]}))
    return kept, dropped


def require_evidence(
    competencies: Iterable[CompetencyAssessment],
) -> tuple[list[CompetencyAssessment], list[LevelAdjustment]]:
    """A level above MAX_LEVEL_WITHOUT_EVIDENCE needs at least one verified quote; lower it otherwise."""
    kept: list[CompetencyAssessment] = []
    adjustments: list[LevelAdjustment] = []
    for assessment in competencies:
        if assessment.level > MAX_LEVEL_WITHOUT_EVIDENCE and not assessment.evidence:
            adjustments.append(
                LevelAdjustment(
                    competency_id=assessment.competency_id,
                    from_level=assessment.level,
                    to_level=MAX_LEVEL_WITHOUT_EVIDENCE,
                    reason=(
                        f"level {assessment.level} needs a verbatim quote from the answer and none was "
                        f"verified; at most {MAX_LEVEL_WITHOUT_EVIDENCE} without evidence"
                    ),
                )
            )
            assessment = assessment.model_copy(update={"level": MAX_LEVEL_WITHOUT_EVIDENCE})
        kept.append(assessment)
    return kept, adjustments


def flags_for(findings: Iterable[InjectionFinding], *, model_detected: bool = False) -> list[str]:
    kinds = {finding.kind for finding in findings}
    flags = []
    if model_detected or kinds - GAMING_KINDS:
        flags.append(INSTRUCTIONS_FLAG)
    if kinds & GAMING_KINDS:
        flags.append(GAMING_FLAG)
    return flags


def finish_assessment(
    profile: JobProfile,
    question: Question,
    answer: str,
    screening: Screening,
    judged: list[CompetencyAssessment],
    *,
    brain: str,
    model: str,
    assessed_at: str,
    model_detected_instructions: bool = False,
) -> AnswerAssessment:
    """What every brain's judgement goes through before it is stored: verbatim quotes, no flagged text
    as evidence, no high level without evidence, and the flags and findings recorded."""
    kept, dropped = verify_quotes(judged, answer, screening.flagged_texts)
    kept, adjustments = require_evidence(kept)
    findings = screening.findings
    return AnswerAssessment(
        question_id=question.id,
        competencies=kept,
        dropped_quotes=dropped,
        flags=flags_for(findings, model_detected=model_detected_instructions),
        injections=findings,
        adjustments=adjustments,
        brain=brain,
        model=model,
        rubric_version=profile.rubric_version,
        assessed_at=assessed_at,
    )


def indicator_hits(text: str, competency: Competency) -> list[str]:
    """The competency's indicators that occur in `text` (case-insensitive, whole words, any regular form
    of the last word: interviewer.injection.indicator_pattern)."""
    hits: list[str] = []
    for indicator in competency.indicators:
        phrase = indicator.strip().lower()
        if phrase and phrase not in hits and indicator_pattern(phrase).search(text):
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
        if not assessment.assessable:
            continue  # not weak: not assessed (another language, not an answer)
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
    """Weight-averaged level of the competencies that were assessed (an unassessed one is left out, never
    counted as level 1). None: nothing was assessed."""
    assessed = [result for result in results if result.mean_level is not None]
    if not assessed:
        return None
    total_weight = sum(result.weight for result in assessed)
    return round(sum(result.weight * (result.mean_level or 0.0) for result in assessed) / total_weight, 2)


def suggested_outcome(
    profile: JobProfile, results: list[CompetencyResult]
) -> tuple[float | None, SuggestedOutcome]:
    """The profile's rule on the weighted mean, when the evidence supports an outcome: every competency
    assessed on at least one answer. Otherwise "insufficient_evidence" (with the mean of what was)."""
    mean = weighted_mean(results)
    if mean is None:
        return None, "insufficient_evidence"
    if any(result.level is None for result in results):
        return mean, "insufficient_evidence"
    lowest = min(result.level or 1 for result in results)
    return mean, profile.outcome_rule.apply(mean, lowest)


BRAIN_STATEMENTS = {
    "offline": (
        "Scored by the offline rules ({model}): they look for what the candidate says they did, why, and "
        "with what result, whatever the words, tense or phrasing. They are rules, not language "
        "understanding, and can miss what a person would see: read the answers before deciding."
    ),
    "openai": (
        "Scored by a language model ({model}) against the rubric; every quote is checked against the "
        "answers' own words and unsupported high levels are lowered. A model can misread an answer: read "
        "the answers before deciding."
    ),
}


def brain_statement(brain: str, model: str, assessments: Iterable[AnswerAssessment] = ()) -> str:
    """What the brain is, for the report; names the offline rules too when they scored some answers."""
    statement = BRAIN_STATEMENTS.get(brain, "Scored by the {brain} brain ({model}): read the answers.")
    text = statement.format(brain=brain, model=model)
    others = sorted({(a.brain, a.model) for a in assessments if (a.brain, a.model) != (brain, model)})
    for other_brain, other_model in others:
        text += " Some answers were scored instead by: " + BRAIN_STATEMENTS.get(
            other_brain, "the {brain} brain ({model})."
        ).format(brain=other_brain, model=other_model)
    return text


def unassessable_answers(assessments: Iterable[AnswerAssessment]) -> list[str]:
    """Answers the brain could not assess, with why: they are unscored, never weak."""
    return [
        f"{assessment.question_id}: {assessment.not_assessed_reason or 'could not be assessed'}"
        for assessment in assessments
        if not assessment.assessable
    ]


def answered_in_another_language(turns: Iterable[TurnItem]) -> list[str]:
    """Questions answered only in a language the interview is not held in: not assessed, never weak."""
    return [
        f"{turn.question_id}: answered in another language than the interview's; not assessed"
        for turn in turns
        if not turn.answer.strip()
        and any(exchange.reply_kind == "other_language" for exchange in turn.exchanges)
    ]


def answered_turns(turns: Iterable[TurnItem]) -> list[TurnItem]:
    return [turn for turn in turns if turn.answer.strip()]


def collect_injections(assessments: Iterable[AnswerAssessment]) -> list[ReportedInjection]:
    return [
        ReportedInjection(question_id=assessment.question_id, kind=finding.kind, text=finding.text)
        for assessment in assessments
        for finding in assessment.injections
    ]


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
        outcome_rule=profile.describe_outcome_rule(),
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
        injections=collect_injections(assessments),
        skipped_questions=[turn.question_id for turn in request.turns if turn.status == "skipped"],
        unanswered_questions=[
            turn.question_id
            for turn in request.turns
            if turn.status == "unanswered"
            and not turn.answer.strip()
            # an answer in another language was given: the notes say it could not be assessed
            and not any(exchange.reply_kind == "other_language" for exchange in turn.exchanges)
        ],
        candidate_questions=list(request.candidate_questions),
        brain_statement=brain_statement(brain, model, assessments),
        unassessable_answers=unassessable_answers(assessments) + answered_in_another_language(request.turns),
        generated_at=generated_at,
    )
