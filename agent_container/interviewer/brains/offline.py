"""The offline brain: deterministic, no network, rules a person can read and check.

- Questions: the profile's, in order (a structured interview asks every candidate the same).
- Turns: what each candidate turn is (an answer, a request to repeat, ...) by the phrase rules of
  brains.turn_rules; for an answer, the follow-up for what it lacks (own action, result, focus, an
  example of the competency) by brains.probes, the question's own probes first, then generic ones.
- Substance: the answer's sentences minus those the injection screen flags (instructions to the
  interviewer, keyword stuffing, rubric recital, padding), each distinct sentence counted once.
- Levels, evidence and rationales (rules-v3): brains.offline_scoring reads what the candidate did, why
  and with what result, whatever the tense, hedges, numbers in words or vocabulary; length buys nothing.
  An answer the rules cannot read (not in English) is marked not assessable instead of weak.
- Immune to instructions in the answer by construction: flagged parts are removed before any rule runs
  (and recorded in the report), so "give me 5/5" adds nothing.
"""

from __future__ import annotations

import re

from interview_common.models.assessment import AnswerAssessment, CompetencyAssessment, InterviewReport
from interview_common.models.job_profile import Competency, JobProfile, Question

from interviewer.assessment import (
    build_report,
    competency_results,
    finish_assessment,
    screen_answer,
    suggested_outcome,
)
from interviewer.brains import offline_scoring
from interviewer.brains.probes import GENERIC_FOLLOW_UP, follow_up_for
from interviewer.brains.turn_rules import answers_so_far, read_turn
from interviewer.clock import Clock, RealClock
from interviewer.injection import normalise
from interviewer.ports import ReportRequest, TurnContext, TurnReading

__all__ = ["GENERIC_FOLLOW_UP", "RULES_VERSION", "OfflineBrain"]

RULES_VERSION = "rules-v3"
MIN_SUBSTANTIVE_WORDS = 25
MANY_INDICATORS = 3
MANY_CONCRETE = 3
EXAMPLE_CONCRETE = 2
MIN_EVIDENCE_WORDS = 4
MAX_EVIDENCE = 3
MAX_FOLLOW_UPS = 3  # Question.max_follow_ups allows at most 3
_SPECIFICS = re.compile(
    r"\d|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|half|third|quarter|double|twice)\b|\b(result|results|resulted|reduced|increased|improved|saved|cut|"
    r"shipped|launched|delivered|outcome|percent|faster|fewer|grew|doubled|halved|dropped|fell|rose|recovered)\b",
    re.IGNORECASE,
)
_IRREGULAR_PAST = (
    "led|made|took|wrote|built|ran|found|chose|drew|told|gave|sent|set|put|brought|began|kept|got|went|saw|"
    "spoke|met|won|lost|cut|did|said|held|paid|bought|sold|taught|left|rewrote|broke|split|shut|read|hid|"
    "stood|understood|sat|came|became|thought|felt|knew"
)
_ACTOR = (
    r"\b(i|we|i'd|we'd|i'll|we'll)\s+(?:\w+ly\s+|then\s+|also\s+|first\s+|just\s+|both\s+|all\s+|would\s+)?"
)
# A specific action by the candidate: "I traced", "we rolled back", "I drew", "I'd start with", "I say".
_CONCRETE = re.compile(
    _ACTOR + rf"(\w{{2,}}ed|{_IRREGULAR_PAST}|say|draw|ask|start|use|show|compare|explain|check|write|pick|"
    r"tell|describe|adapt|avoid|summari[sz]e|walk|begin|keep|give|call|track|test|measure|review|put)\b",
    re.IGNORECASE,
)
# Talk about oneself in general instead of a specific case: it is not concrete, whatever its verbs.
_GENERIC = re.compile(
    r"\b(in general|generally|i think|i believe|i guess|usually|always try|most important|nobody is perfect|"
    r"like everyone|can't think|cannot think|don't remember|do not remember|any job|every day|in my opinion|"
    r"i am (a|the kind of)|i'm (a|the kind of)|one of my strongest)\b",
    re.IGNORECASE,
)


def is_concrete(sentence: str) -> bool:
    """A sentence about a specific action of the candidate's, or with a specific detail (a number)."""
    if _GENERIC.search(sentence):
        return False
    return bool(_CONCRETE.search(sentence) or re.search(r"\d", sentence))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def distinct(sentences: list[str]) -> list[str]:
    """Each sentence once (case and whitespace aside), in order."""
    seen: set[str] = set()
    kept = []
    for sentence in sentences:
        key = normalise(sentence).lower()
        if key not in seen:
            seen.add(key)
            kept.append(sentence)
    return kept


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
        # The same rule as understand_turn's follow-up (brains.probes); without the conversation, the
        # question's probes are taken to have been asked in order.
        asked = [probe.text for probe in question.all_probes()[:follow_ups_asked]]
        return follow_up_for(profile, question, answer, asked=asked, limit=MAX_FOLLOW_UPS)

    async def understand_turn(self, profile: JobProfile, context: TurnContext, utterance: str) -> TurnReading:
        """The turn's kind by the phrase rules (brains.turn_rules); for an answer, the probe for what the
        answer so far lacks (brains.probes), until the question's follow-ups are used up."""
        reading = read_turn(profile, context, utterance)
        if reading.kind != "answer" or context.stage != "question":
            return reading
        limit = min(context.max_follow_ups, MAX_FOLLOW_UPS)
        if context.follow_ups_asked >= limit:
            return reading
        answer = "\n".join([*answers_so_far(context.exchanges), utterance.strip()])
        asked = [exchange.prompt for exchange in context.exchanges if exchange.kind == "follow_up"]
        follow_up = follow_up_for(profile, context.question, answer, asked=asked, limit=limit)
        return reading.model_copy(update={"follow_up": follow_up})

    async def assess_answer(self, profile: JobProfile, question: Question, answer: str) -> AnswerAssessment:
        """Scored by brains.offline_scoring: described actions, reasons and results, whatever the words."""
        screening = screen_answer(profile, question, answer)
        substance = distinct(screening.substance)
        unassessable = offline_scoring.unassessable_reason(profile.language, substance)
        readings = offline_scoring.read_answer(substance)
        judged = (
            []
            if unassessable
            else [
                self._judge(profile.competency(cid), readings, flagged=bool(screening.findings))
                for cid in question.competencies
            ]
        )
        assessment = finish_assessment(
            profile,
            question,
            answer,
            screening,
            judged,
            brain=self.name,
            model=self.model,
            assessed_at=self._clock.iso(),
        )
        if unassessable:
            return assessment.model_copy(update={"assessable": False, "not_assessed_reason": unassessable})
        return assessment

    def _judge(
        self,
        competency: Competency,
        readings: list[offline_scoring.SentenceReading],
        *,
        flagged: bool = False,
    ) -> CompetencyAssessment:
        if not readings:
            rationale = (
                "Nothing in the answer could be scored: all of it was flagged as addressing the interviewer "
                "or the rubric, so it shows nothing about this competency."
                if flagged
                else "No answer was given."
            )
            return CompetencyAssessment(
                competency_id=competency.id,
                level=1,
                rationale=rationale,
                evidence=[],
                rule_trace="no substance",
            )
        return offline_scoring.assess_competency(competency, readings)

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
            concerns.append(f"{result.name}: not assessed (no answer could be assessed for it).")
        elif result.level >= 4:
            quote = f' For example: "{result.evidence[0]}"' if result.evidence else ""
            strengths.append(f"{result.name} (level {result.level}).{quote}")
        elif result.level <= 2:
            concerns.append(f"{result.name} (level {result.level}): the answers show little of it.")
    mean_text = f"{mean:.2f}" if mean is not None else "n/a"
    summary = (
        f"{answered} of {request.total_questions} questions answered"
        f"{' (interview ended early: ' + request.end_reason + ')' if request.partial else ''}. "
        f"Weighted mean level {mean_text}; "
        + (
            "not enough evidence to suggest an outcome: read the answers."
            if outcome == "insufficient_evidence"
            else f"suggested outcome by the stated rule: {outcome.replace('_', ' ')}."
        )
    )
    return summary, strengths, concerns
