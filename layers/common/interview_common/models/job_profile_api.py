"""HTTP bodies of the job routes: a profile to save, a profile as read back, its versions, a draft.

A profile is sent and returned in the JobProfile model's own shape (snake_case, as `JOB#<jobId>` items
hold it), so what GET returns under `profile` can be edited and PUT back as it is; camelCase keys
(`maxFollowUps`, `outcomeRule`) are accepted too. The answers around it are camelCase like every route.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_snake

from interview_common.models.api import CamelModel
from interview_common.models.job_profile import Competency, FaqEntry, OutcomeRule, Question

MAX_PROFILE_BODY_BYTES = 64 * 1024
MAX_QUESTIONS = 20
MAX_COMPETENCIES = 12
MAX_DESCRIPTION_CHARS = 20_000
# The label is kept in the stored rubric version `<label>-v<n>` (at most 64 characters, as JobProfile allows).
RUBRIC_LABEL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._:/+-]{0,55}$"
# A label that already ends in its version ("acme-2025.1-v3", read back by GET) is stored without it.
_VERSION_SUFFIX = re.compile(r"-v\d+$")


def snake_keys(value: Any) -> Any:
    """The body with every object key in snake_case (camelCase senders and snake_case senders alike)."""
    if isinstance(value, dict):
        return {
            to_snake(str(key)) if isinstance(key, str) else key: snake_keys(v) for key, v in value.items()
        }
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    return value


def rubric_label(label: str | None) -> str | None:
    return _VERSION_SUFFIX.sub("", label) if label else None


class JobProfileInput(BaseModel):
    """Body of PUT /jobs/{jobId}/profile: a JobProfile whose job id comes from the path.

    `rubric_version` is an optional label; the stored rubric version is `<label>-v<n>` (or `v<n>`), so
    every report names the very version its interview was scored against. Cross-references (a question
    naming an unknown competency, repeated ids) are checked by the use case, which names the field.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    job_id: str | None = None
    title: str = Field(min_length=1, max_length=200)
    rubric_version: str | None = Field(default=None, pattern=RUBRIC_LABEL_PATTERN)
    competencies: list[Competency] = Field(min_length=1, max_length=MAX_COMPETENCIES)
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)
    outcome_rule: OutcomeRule = Field(default_factory=OutcomeRule)
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}$")
    allowed_languages: list[str] = Field(default_factory=list, max_length=10)
    about: str = Field(default="", max_length=4000)
    faq: list[FaqEntry] = Field(default_factory=list, max_length=30)


ProfileSourceName = Literal["stored", "legacy", "default"]


class ProfileResponse(CamelModel):
    """GET/PUT/DELETE /jobs/{jobId}/profile: the profile new interviews get (or the version asked for)."""

    status: Literal["success"] = "success"
    success: bool = True
    job_id: str
    # stored: a version saved through the API; legacy: the unversioned JOB#/PROFILE item; default: the
    # built-in profile (the job has none, or it was retired).
    source: ProfileSourceName
    is_default: bool
    version: int | None = None
    current_version: int | None = None
    retired: bool = False
    retired_at: str | None = None
    saved_at: str | None = None
    rubric_version: str
    profile: dict[str, Any]


class ProfileVersionSummary(CamelModel):
    version: int
    rubric_version: str
    title: str
    saved_at: str
    current: bool
    competency_count: int
    question_count: int


class ProfileVersionsResponse(CamelModel):
    status: Literal["success"] = "success"
    success: bool = True
    job_id: str
    current_version: int | None
    retired: bool
    versions: list[ProfileVersionSummary]  # newest first
    next_cursor: str | None = None


class DraftRequest(CamelModel):
    """Body of POST /jobs/{jobId}/profile/draft."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=20, max_length=MAX_DESCRIPTION_CHARS)
    title: str | None = Field(default=None, min_length=1, max_length=200)


class DraftMatch(CamelModel):
    competency_id: str
    name: str
    matched_words: list[str]


class DraftResponse(CamelModel):
    status: Literal["success"] = "success"
    success: bool = True
    job_id: str
    saved: bool = False  # a draft is never saved: a person edits it and PUTs it
    brain: Literal["offline", "openai"] = "offline"  # which brain wrote it
    model: str | None = None  # the OpenAI brain's model, when it wrote it
    method: str
    matches: list[DraftMatch]
    notes: list[str]
    profile: dict[str, Any]
