"""The offline brain: deterministic, no network, rules a person can read and check.

- Questions: the profile's, in order (a structured interview asks every candidate the same).
- Follow-up: when the answer so far has fewer than `MIN_SUBSTANTIVE_WORDS` words of substance, or none of
  its competencies' indicators; the question's own probe first, then a generic one.
- Level per competency (1-5): 1 + one point each for: at least `SUBSTANTIVE_WORDS` words of substance;
  at least one indicator; at least `MANY_INDICATORS` distinct indicators; specifics (a number or an
  outcome word) in a sentence that shows an indicator. Without any indicator the level is at most 2.
- Evidence: the (verbatim) sentences that show the competency's indicators.
- Immune to instructions in the answer: sentences that address the interviewer are removed before any
  rule runs (they are flagged in the report), so "give me 5/5" adds nothing.
"""

from __future__ import annotations

import re

from interview_common.models.assessment import AnswerAssessment, CompetencyAssessment, InterviewReport
from interview_common.models.job_profile import Competency, JobProfile, Question

from interviewer.assessment import (
    INSTRUCTIONS_FLAG,
    build_report,
    competency_results,
    indicator_hits,
    instruction_sentences,
    sentences,
    suggested_outcome,
    verify_quotes,
    without_instructions,
    word_count,
)
from interviewer.clock import Clock, RealClock
from interviewer.ports import ReportRequest

RULES_VERSION = "rules-v1"
MIN_SUBSTANTIVE_WORDS = 25
SUBSTANTIVE_WORDS = 60
MANY_INDICATORS = 3
GENERIC_FOLLOW_UP = "Could you give me a specific example: what you did yourself, and what the result was?"
_SPECIFICS = re.compile(
    r"\d|\b(result|results|resulted|reduced|increased|improved|saved|cut|shipped|launched|delivered|outcome|"
    r"percent|faster|fewer|grew|doubled|halved)\b",
    re.IGNORECASE,
)


class OfflineBrain:
    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or RealClock()

    @property
    def name(self) -> str:
        return "offline"

    @property
    def model(self) -> str:
        return RULES_VERSION

    async def plan_questions(self, profile: JobProfile) -> list[Question]:
        return list(profile.questions)

    async def decide_follow_up(
        self, profile: JobProfile, question: Question, answer: str, follow_ups_asked: int
    ) -> str | None:
        substance = without_instructions(answer)
        competencies = [profile.competency(cid) for cid in question.competencies]
        has_indicator = any(indicator_hits(substance, competency) for competency in competencies)
        if word_count(substance) >= MIN_SUBSTANTIVE_WORDS and has_indicator:
            return None
        if follow_ups_asked == 0 and question.follow_up:
            return question.follow_up
        return GENERIC_FOLLOW_UP

    async def assess_answer(self, profile: JobProfile, question: Question, answer: str) -> AnswerAssessment:
        flagged = instruction_sentences(answer)
        substance = without_instructions(answer)
        judged = [self._judge(profile.competency(cid), substance) for cid in question.competencies]
        kept, dropped = verify_quotes(judged, answer)
        return AnswerAssessment(
            question_id=question.id,
            competencies=kept,
            dropped_quotes=dropped,
            flags=[INSTRUCTIONS_FLAG] if flagged else [],
            brain=self.name,
            model=self.model,
            rubric_version=profile.rubric_version,
            assessed_at=self._clock.iso(),
        )

    def _judge(self, competency: Competency, substance: str) -> CompetencyAssessment:
        words = word_count(substance)
        if words == 0:
            return CompetencyAssessment(
                competency_id=competency.id, level=1, rationale="No answer was given.", evidence=[]
            )
        hits = indicator_hits(substance, competency)
        showing = [sentence for sentence in sentences(substance) if indicator_hits(sentence, competency)]
        specifics = any(_SPECIFICS.search(sentence) for sentence in showing)
        points = [
            words >= SUBSTANTIVE_WORDS,
            len(hits) >= 1,
            len(set(hits)) >= MANY_INDICATORS,
            specifics,
        ]
        level = 1 + sum(points)
        if not hits:
            level = min(level, 2)
        rationale = (
            f"{words} words of substance; indicators: {', '.join(sorted(set(hits))[:6]) or 'none'}; "
            f"specifics: {'yes' if specifics else 'no'} -> level {level}: {competency.anchor(level)}"
        )
        return CompetencyAssessment(
            competency_id=competency.id, level=level, rationale=rationale[:400], evidence=showing[:3]
        )

    async def write_report(self, profile: JobProfile, request: ReportRequest) -> InterviewReport:
        summary, strengths, concerns = offline_narrative(profile, request)
        return build_report(
            profile,
            request,
            brain=self.name,
            model=self.model,
            summary=summary,
            strengths=strengths,
            concerns=concerns,
            generated_at=self._clock.iso(),
        )


def offline_narrative(profile: JobProfile, request: ReportRequest) -> tuple[str, list[str], list[str]]:
    """Summary, strengths and concerns stated from the scores alone (also the fallback narrative)."""
    assessments = [turn.assessment for turn in request.turns if turn.assessment is not None]
    results = competency_results(profile, assessments)
    mean, outcome = suggested_outcome(profile, results)
    answered = sum(1 for turn in request.turns if turn.answer.strip())
    strengths = []
    concerns = []
    for result in results:
        if result.level is None:
            concerns.append(f"{result.name}: no evidence in the answers given.")
        elif result.level >= 4:
            quote = f' For example: "{result.evidence[0]}"' if result.evidence else ""
            strengths.append(f"{result.name} (level {result.level}).{quote}")
        elif result.level <= 2:
            concerns.append(f"{result.name} (level {result.level}): little specific evidence.")
    mean_text = f"{mean:.2f}" if mean is not None else "n/a"
    summary = (
        f"{answered} of {request.total_questions} questions answered"
        f"{' (interview ended early: ' + request.end_reason + ')' if request.partial else ''}. "
        f"Weighted mean level {mean_text}; suggested outcome by the stated rule: {outcome.replace('_', ' ')}."
    )
    return summary, strengths, concerns
