"""A brain that never leaves the interview without an answer: the primary brain with retries and time
limits, and the offline brain when it fails. Every fallback is written down for the report.

After `trip_after` failed calls the primary is no longer tried (each failure costs the candidate seconds
of waiting); the report says so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from interview_common.models.assessment import AnswerAssessment, InterviewReport
from interview_common.models.job_profile import JobProfile, Question
from interview_common.observability import logger

from interviewer.clock import Clock
from interviewer.ports import Brain, BrainError, BrainRefused, ReportRequest, TurnContext, TurnReading

T = TypeVar("T")

DEFAULT_TIME_LIMITS = {"plan": 30.0, "follow_up": 8.0, "understand": 8.0, "assess": 45.0, "report": 60.0}
# The candidate waits for a turn's reading: one attempt, then the offline rules read that turn.
ATTEMPTS_PER_OPERATION = {"understand": 1}


def _describe(error: BaseException | None) -> str:
    if isinstance(error, BrainRefused):
        return "the model refused"
    if isinstance(error, TimeoutError):
        return "no answer in time"
    if isinstance(error, BrainError):
        return str(error) or "unusable output"
    return type(error).__name__ if error else "unknown error"


class FallbackBrain:
    def __init__(
        self,
        primary: Brain,
        fallback: Brain,
        *,
        clock: Clock,
        attempts: int = 2,
        trip_after: int = 3,
        time_limits: dict[str, float] | None = None,
    ) -> None:
        self._primary = primary
        self._fallback = fallback
        self._clock = clock
        self._attempts = max(1, attempts)
        self._trip_after = trip_after
        self._limits = {**DEFAULT_TIME_LIMITS, **(time_limits or {})}
        self._failures = 0
        self.notes: list[str] = []

    @property
    def name(self) -> str:
        return self._primary.name

    @property
    def model(self) -> str:
        return self._primary.model

    @property
    def tripped(self) -> bool:
        return self._failures >= self._trip_after

    async def _run(
        self, operation: str, subject: str, call: Callable[[Brain], Awaitable[T]]
    ) -> tuple[T, str | None]:
        if self.tripped:
            return await call(self._fallback), f"{self._primary.name} brain disabled after repeated failures"
        error: BaseException | None = None
        for _ in range(min(self._attempts, ATTEMPTS_PER_OPERATION.get(operation, self._attempts))):
            try:
                return await self._clock.wait_for(call(self._primary), self._limits[operation]), None
            except BrainRefused as refused:
                error = refused
                break  # the same request would be refused again
            except (BrainError, TimeoutError) as failed:
                error = failed
            except Exception as unexpected:  # a bug in the primary must not end the interview
                logger.exception("brain call failed unexpectedly", extra={"operation": operation})
                error = unexpected
                break
        self._failures += 1
        reason = (
            f"{self._primary.name} brain failed to {operation} ({subject}): {_describe(error)}; "
            f"the {self._fallback.name} brain was used"
        )
        logger.warning(
            "brain fallback", extra={"operation": operation, "subject": subject, "reason": _describe(error)}
        )
        self.notes.append(reason)
        if self.tripped:
            self.notes.append(
                f"after {self._failures} failures the {self._primary.name} brain was not used "
                "for the rest of the interview"
            )
        return await call(self._fallback), reason

    async def plan_questions(self, profile: JobProfile) -> list[Question]:
        questions, _ = await self._run("plan", "the questions", lambda brain: brain.plan_questions(profile))
        return questions

    async def decide_follow_up(
        self, profile: JobProfile, question: Question, answer: str, follow_ups_asked: int
    ) -> str | None:
        follow_up, _ = await self._run(
            "follow_up",
            f"question {question.id}",
            lambda brain: brain.decide_follow_up(profile, question, answer, follow_ups_asked),
        )
        return follow_up

    async def understand_turn(self, profile: JobProfile, context: TurnContext, utterance: str) -> TurnReading:
        # A failed reading costs the candidate no more than one attempt's wait: the offline rules read it.
        reading, reason = await self._run(
            "understand",
            f"a turn on question {context.question.id}",
            lambda brain: brain.understand_turn(profile, context, utterance),
        )
        if reason:
            return reading.model_copy(
                update={"reason": f"{reading.reason} ({self._fallback.name} rules)"[:300]}
            )
        return reading

    async def assess_answer(self, profile: JobProfile, question: Question, answer: str) -> AnswerAssessment:
        assessment, reason = await self._run(
            "assess", f"question {question.id}", lambda brain: brain.assess_answer(profile, question, answer)
        )
        return assessment.model_copy(update={"note": reason}) if reason else assessment

    async def write_report(self, profile: JobProfile, request: ReportRequest) -> InterviewReport:
        # Notes so far go in; the report call's own fallback (if any) is added to the written report.
        request = request.model_copy(update={"notes": [*request.notes, *self.notes]})
        report, reason = await self._run(
            "report", "the report", lambda brain: brain.write_report(profile, request)
        )
        if reason and reason not in report.brain_notes:
            report = report.model_copy(update={"brain_notes": [*report.brain_notes, reason]})
        return report
