"""A job's interview: competencies with anchored 1-5 rubrics, questions mapped to them, the outcome rule.

Stored as `JOB#<jobId>` / `PROFILE`; when a job has none, the built-in `DEFAULT_PROFILE` is used. The
rubric is versioned: every assessment and report names the version it was scored against.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interview_common.models.items import job_pk

PROFILE_SK = "PROFILE"
LEVELS = (1, 2, 3, 4, 5)


class RubricLevel(BaseModel):
    """What an answer at this level shows (an anchor a person can check a score against)."""

    model_config = ConfigDict(frozen=True)

    level: int = Field(ge=1, le=5)
    description: str = Field(min_length=1, max_length=500)


class Competency(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=500)
    weight: float = Field(default=1.0, gt=0, le=10)
    # Words and phrases whose presence in an answer is evidence for this competency (the offline
    # brain's transparent rule; the OpenAI brain gets them as guidance).
    indicators: list[str] = Field(default_factory=list, max_length=60)
    levels: list[RubricLevel] = Field(min_length=3, max_length=5)

    @model_validator(mode="after")
    def _anchored(self) -> Competency:
        present = {level.level for level in self.levels}
        if not {1, 3, 5} <= present:
            raise ValueError(f"competency {self.id} must anchor at least levels 1, 3 and 5")
        if len(present) != len(self.levels):
            raise ValueError(f"competency {self.id} anchors a level twice")
        return self

    def anchor(self, level: int) -> str:
        """The description of `level`, or of the nearest anchored level below it."""
        by_level = {anchor.level: anchor.description for anchor in self.levels}
        for candidate in range(level, 0, -1):
            if candidate in by_level:
                return by_level[candidate]
        return by_level[min(by_level)]


ProbeTarget = Literal["own_action", "result", "focus", "reasoning", "example", "any"]


class Probe(BaseModel):
    """A follow-up for what an answer lacks: the candidate's own action, the result, focus, ..."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(min_length=5, max_length=400)
    missing: ProbeTarget = "any"


class FaqEntry(BaseModel):
    """A question a candidate may ask about the role, with the hiring team's own answer."""

    model_config = ConfigDict(frozen=True)

    question: str = Field(min_length=3, max_length=300)
    answer: str = Field(min_length=1, max_length=1000)


class Question(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
    text: str = Field(min_length=5, max_length=600)
    competencies: list[str] = Field(min_length=1, max_length=4)
    category: str = Field(default="general", max_length=64)
    # A probe the interviewer may use when the answer lacks specifics (else a generic one is asked).
    follow_up: str | None = Field(default=None, max_length=400)
    # More probes, each for what an answer may lack; the brain picks the one for what is missing.
    probes: list[Probe] = Field(default_factory=list, max_length=6)
    # A short, neutral clarification said when the candidate asks what the question means.
    clarification: str | None = Field(default=None, max_length=400)
    # Follow-ups this question may get (None: the interview's default, 1).
    max_follow_ups: int | None = Field(default=None, ge=0, le=3)

    def all_probes(self) -> list[Probe]:
        """The question's probes, the legacy `follow_up` first (it probes for the candidate's own action)."""
        legacy = [Probe(text=self.follow_up, missing="own_action")] if self.follow_up else []
        return legacy + list(self.probes)


class OutcomeRule(BaseModel):
    """The stated rule behind the suggested outcome (a suggestion only: a person decides).

    weighted mean of competency levels >= advance_at, and no competency below floor -> "advance";
    weighted mean >= hold_at -> "review"; else "do_not_advance". Applied only when every competency was
    assessed on at least one answer; otherwise no outcome is suggested (never level 1 for the unassessed).
    """

    model_config = ConfigDict(frozen=True)

    advance_at: float = Field(default=3.5, ge=1, le=5)
    hold_at: float = Field(default=2.5, ge=1, le=5)
    floor: int = Field(default=2, ge=1, le=5)

    def describe(self) -> str:
        return (
            f"advance when the weighted mean level is at least {self.advance_at:g} and no competency is "
            f"below {self.floor}; review when it is at least {self.hold_at:g}; otherwise do not advance. "
            "No outcome is suggested while a competency has no assessed answer "
            "(it is never counted as level 1)."
        )

    def apply(self, weighted_mean: float, lowest: int) -> Literal["advance", "review", "do_not_advance"]:
        if weighted_mean >= self.advance_at and lowest >= self.floor:
            return "advance"
        if weighted_mean >= self.hold_at:
            return "review"
        return "do_not_advance"


class JobProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    job_id: str
    title: str = Field(min_length=1, max_length=200)
    rubric_version: str = Field(min_length=1, max_length=64)
    competencies: list[Competency] = Field(min_length=1, max_length=12)
    questions: list[Question] = Field(min_length=1, max_length=20)
    outcome_rule: OutcomeRule = Field(default_factory=OutcomeRule)
    # The interview's language (BCP 47 primary tag) and any others the candidate may answer in.
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}$")
    allowed_languages: list[str] = Field(default_factory=list, max_length=10)
    # What the interviewer may say about the role when the candidate asks (never instructions to a brain).
    about: str = Field(default="", max_length=4000)
    faq: list[FaqEntry] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _questions_map_to_competencies(self) -> JobProfile:
        known = {competency.id for competency in self.competencies}
        for question in self.questions:
            unknown = [cid for cid in question.competencies if cid not in known]
            if unknown:
                raise ValueError(f"question {question.id} maps to unknown competencies {unknown}")
        if len({question.id for question in self.questions}) != len(self.questions):
            raise ValueError("question ids must be unique")
        return self

    def describe_outcome_rule(self) -> str:
        """The suggested outcome's rule with this profile's weights, as the report states it."""
        weights = ", ".join(f"{c.name} {c.weight:g}" for c in self.competencies)
        return (
            f"Rubric {self.rubric_version}. Weighted mean of the competency levels (weights: {weights}); "
            f"{self.outcome_rule.describe()}"
        )

    def competency(self, competency_id: str) -> Competency:
        for competency in self.competencies:
            if competency.id == competency_id:
                return competency
        raise KeyError(competency_id)

    def to_item(self) -> dict[str, Any]:
        # Stored as JSON text: nested lists of floats never meet DynamoDB's Decimal.
        return {
            "PK": job_pk(self.job_id),
            "SK": PROFILE_SK,
            "title": self.title,
            "rubric_version": self.rubric_version,
            "profile": self.model_dump_json(),
        }

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> JobProfile:
        return cls.model_validate(json.loads(item["profile"]))


def _levels(
    one: str, three: str, five: str, two: str | None = None, four: str | None = None
) -> list[RubricLevel]:
    anchors = {1: one, 2: two, 3: three, 4: four, 5: five}
    return [RubricLevel(level=level, description=text) for level, text in anchors.items() if text]


DEFAULT_RUBRIC_VERSION = "default-2025.2"

DEFAULT_PROFILE = JobProfile(
    job_id="default",
    title="General professional interview",
    rubric_version=DEFAULT_RUBRIC_VERSION,
    competencies=[
        Competency(
            id="problem_solving",
            name="Problem solving",
            description="Breaks a problem down, weighs options and reaches a reasoned solution.",
            indicators=[
                "analyzed",
                "analysed",
                "root cause",
                "trade-off",
                "tradeoff",
                "options",
                "hypothesis",
                "measured",
                "data",
                "tested",
                "debugged",
                "investigated",
                "prioritized",
                "prioritised",
                "broke it down",
                "experiment",
                "metrics",
                "diagnosed",
                "solution",
                "because",
                "found",
                "identified",
                "traced",
                "reproduced",
                "checked",
                "compared",
                "ruled out",
                "narrowed",
                "verified",
                "confirmed",
                "logs",
                "rolled back",
                "considered",
                "weighed",
                "evaluated",
                "looked into",
                "cause",
            ],
            levels=_levels(
                one="No concrete problem or approach described.",
                two="A problem is named but the approach is vague or borrowed from others.",
                three="Describes a real problem and a sensible approach, with some reasoning.",
                four="Clear reasoning about options and trade-offs, with a checked result.",
                five="Structured diagnosis, explicit trade-offs, measured outcome and what was learned.",
            ),
        ),
        Competency(
            id="collaboration",
            name="Collaboration",
            description="Works with others, handles disagreement and shares credit.",
            indicators=[
                "team",
                "together",
                "colleague",
                "stakeholder",
                "listened",
                "aligned",
                "agreed",
                "disagreement",
                "feedback",
                "compromise",
                "paired",
                "mentored",
                "helped",
                "communicated",
                "consensus",
                "perspective",
                "supported",
                "discussed",
                "asked",
                "negotiated",
                "persuaded",
                "relationship",
                "trust",
                "input",
                "involved",
                "collaborated",
            ],
            levels=_levels(
                one="No example of working with others.",
                two="Mentions others only in passing; own role unclear.",
                three="A real example of working with others, own part and the outcome named.",
                four="Handled a disagreement or dependency constructively, with a clear result.",
                five="Built shared understanding across differing views and can say what made it work.",
            ),
        ),
        Competency(
            id="communication",
            name="Communication",
            description="Explains clearly and adapts to the audience.",
            indicators=[
                "explained",
                "presented",
                "documented",
                "wrote",
                "audience",
                "clarified",
                "summarized",
                "summarised",
                "simplified",
                "diagram",
                "example",
                "non-technical",
                "updated",
                "asked",
                "ask",
                "explain",
                "draw",
                "drew",
                "analogy",
                "jargon",
                "plain language",
                "questions",
                "whiteboard",
                "memo",
                "walked through",
                "described",
                "showed",
            ],
            levels=_levels(
                one="The answer does not address the question.",
                two="Addresses the question but is hard to follow.",
                three="Clear answer with a relevant example.",
                four="Clear, structured, and adapted to the listener.",
                five="Concise, well structured, and shows deliberate adaptation to different audiences.",
            ),
        ),
        Competency(
            id="ownership",
            name="Ownership and learning",
            description="Takes responsibility for outcomes, including mistakes, and learns from them.",
            indicators=[
                "responsible",
                "ownership",
                "owned",
                "mistake",
                "learned",
                "learnt",
                "improved",
                "initiative",
                "followed up",
                "fixed",
                "accountable",
                "retrospective",
                "changed",
                "result",
                "delivered",
                "deadline",
                "apologized",
                "apologised",
                "took responsibility",
                "admitted",
                "drove",
                "led",
                "checklist",
                "prevent",
                "since then",
                "lesson",
                "reverted",
            ],
            levels=_levels(
                one="No example of taking responsibility.",
                two="Describes an outcome but attributes it mostly to circumstances.",
                three="Takes responsibility for a concrete outcome and names a lesson.",
                four="Owned a difficult outcome, acted on it, and changed how they work.",
                five="Drove an outcome end to end, reflects candidly on mistakes and shows lasting change.",
            ),
        ),
    ],
    questions=[
        Question(
            id="q1",
            text=(
                "To start, could you walk me through a recent project you're proud of, "
                "and what your role in it was?"
            ),
            competencies=["ownership", "communication"],
            category="experience",
            follow_up="What specifically did you do yourself, and how did you know it worked?",
        ),
        Question(
            id="q2",
            text="Tell me about a difficult problem you solved. How did you approach it?",
            competencies=["problem_solving"],
            category="problem_solving",
            follow_up="What options did you consider, and why did you choose the one you did?",
        ),
        Question(
            id="q3",
            text="Describe a time you disagreed with a colleague or stakeholder. What happened?",
            competencies=["collaboration", "communication"],
            category="collaboration",
            follow_up="How did you reach agreement, and what was the outcome for the team?",
        ),
        Question(
            id="q4",
            text="Tell me about a mistake you made at work and what you learned from it.",
            competencies=["ownership"],
            category="ownership",
            follow_up="What did you change in how you work afterwards?",
        ),
        Question(
            id="q5",
            text=(
                "How would you explain a complex technical topic from your work "
                "to someone without your background?"
            ),
            competencies=["communication"],
            category="communication",
            follow_up="Could you give me the short version you would actually use?",
        ),
    ],
)
