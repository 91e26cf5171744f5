"""FallbackBrain reading turns: the primary once, then the offline rules for that turn."""

from __future__ import annotations

import asyncio
from typing import Any

from interview_common.models.job_profile import DEFAULT_PROFILE, JobProfile
from interviewer.brains.fallback import FallbackBrain
from interviewer.brains.offline import OfflineBrain
from interviewer.clock import RealClock
from interviewer.ports import BrainError, TurnContext, TurnReading

CONTEXT = TurnContext(question=DEFAULT_PROFILE.questions[0])


class SlowThenBrokenBrain:
    """A primary brain that never answers in time, or fails; counts its calls."""

    def __init__(self, *, slow: bool) -> None:
        self.slow = slow
        self.calls = 0

    @property
    def name(self) -> str:
        return "primary"

    @property
    def model(self) -> str:
        return "test-model"

    async def understand_turn(self, profile: JobProfile, context: TurnContext, utterance: str) -> TurnReading:
        self.calls += 1
        if self.slow:
            await asyncio.sleep(5)
        raise BrainError("TurnJudgement: the model's output did not match the schema")

    def __getattr__(self, name: str) -> Any:  # the other Brain methods are not used here
        raise AttributeError(name)


async def test_a_reading_that_does_not_come_in_time_is_the_offline_rules_reading() -> None:
    # Given a primary brain that takes longer than the time limit for a turn
    primary = SlowThenBrokenBrain(slow=True)
    brain = FallbackBrain(primary, OfflineBrain(), clock=RealClock(), time_limits={"understand": 0.05})

    # When a turn is read
    reading = await brain.understand_turn(DEFAULT_PROFILE, CONTEXT, "Can we skip this one, please?")

    # Then the offline rules read it after one attempt, and the report's notes say so
    assert reading.kind == "skip_request"
    assert reading.reason.endswith("(offline rules)")
    assert primary.calls == 1
    assert brain.notes == [
        "primary brain failed to understand (a turn on question q1): no answer in time; the offline"
        " brain was used"
    ]


async def test_after_repeated_failures_the_primary_is_no_longer_asked() -> None:
    # Given a primary brain that fails every reading, tripping after two failures
    primary = SlowThenBrokenBrain(slow=False)
    brain = FallbackBrain(primary, OfflineBrain(), clock=RealClock(), trip_after=2)

    # When four turns are read
    kinds = [
        (await brain.understand_turn(DEFAULT_PROFILE, CONTEXT, text)).kind
        for text in ("Sorry, say again?", "I don't know.", "Let me think.", "I led the project myself.")
    ]

    # Then every turn was read by the offline rules, and the primary was asked only twice
    assert kinds == ["repeat_request", "non_answer", "needs_moment", "answer"]
    assert primary.calls == 2
    assert brain.tripped
