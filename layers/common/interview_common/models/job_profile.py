"""A job's interview: competencies with anchored 1-5 rubrics, questions mapped to them, the outcome rule.

Stored as `JOB#<jobId>` / `PROFILE`; when a job has none, the built-in `DEFAULT_PROFILE` is used. The
rubric is versioned: every assessment and report names the version it was scored against.
"""

from __future__ import annotations

import json
from pathlib import Path
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


# The built-in profile is data (data/default_profile.json, shipped in the layer), validated at import:
# a broken file fails the cold start, never an interview.
DEFAULT_PROFILE_PATH = Path(__file__).resolve().parent.parent / "data" / "default_profile.json"
DEFAULT_PROFILE = JobProfile.model_validate_json(DEFAULT_PROFILE_PATH.read_bytes())
DEFAULT_RUBRIC_VERSION = DEFAULT_PROFILE.rubric_version
