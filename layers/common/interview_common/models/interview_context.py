"""The interview context a room keeps for its agent: `ROOM#<roomName>` / `CONTEXT`.

Data minimisation: the seed's frontend sends the whole candidate record to POST /agent/candidate-details
(email, resume analysis, projects, summary, prompt templates, ...). The agent needs a few short facts to
greet the candidate and to know which job it is interviewing for, so only these are kept, each one
capped; the email, the resume and everything else is never stored. A context expires like the
interview record it belongs to (`expiresAt`, DynamoDB TTL).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from interview_common.models.items import room_pk

CONTEXT_SK = "CONTEXT"

MAX_NAME_CHARS = 100
MAX_TITLE_CHARS = 120
MAX_DEPARTMENT_CHARS = 80
MAX_EXPERIENCE_CHARS = 200
MAX_SETTING_CHARS = 32
MAX_SKILLS = 20
MAX_SKILL_CHARS = 60

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SKILL_SEPARATORS = re.compile(r"[,;|\n\r\t•·]+")


def clean_text(value: Any, limit: int) -> str | None:
    """One line of text: control characters and runs of spaces collapsed, cut at `limit` on a word
    boundary where there is one; None when nothing is left."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = f"{value:g}"
    if not isinstance(value, str):
        return None
    text = " ".join(_CONTROL.sub(" ", value).split())
    if len(text) > limit:
        cut = text[:limit]
        text = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut
    return text or None


def clean_skills(value: Any) -> list[str]:
    """Skills as the seed stores them (one comma-separated text) or as a list: at most MAX_SKILLS
    distinct skills, each at most MAX_SKILL_CHARS, in the order given."""
    if isinstance(value, str):
        parts: list[Any] = _SKILL_SEPARATORS.split(value)
    elif isinstance(value, list):
        parts = value
    else:
        return []
    skills: list[str] = []
    seen: set[str] = set()
    for part in parts:
        skill = clean_text(part, MAX_SKILL_CHARS)
        if skill is None or skill.casefold() in seen:
            continue
        seen.add(skill.casefold())
        skills.append(skill)
        if len(skills) == MAX_SKILLS:
            break
    return skills


class InterviewContext(BaseModel):
    """What is kept about a room's interview beyond META (all optional: a later post fills gaps)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    candidate_name: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    job_title: str | None = Field(default=None, max_length=MAX_TITLE_CHARS)
    job_department: str | None = Field(default=None, max_length=MAX_DEPARTMENT_CHARS)
    skills: list[str] = Field(default_factory=list, max_length=MAX_SKILLS)
    experience: str | None = Field(default=None, max_length=MAX_EXPERIENCE_CHARS)
    interview_mode: str | None = Field(default=None, max_length=MAX_SETTING_CHARS)
    difficulty_level: str | None = Field(default=None, max_length=MAX_SETTING_CHARS)

    def fields_set(self) -> dict[str, Any]:
        """The context's fields that hold a value (what a post contributes to the stored context)."""
        values = self.model_dump(include=set(InterviewContext.model_fields))
        return {key: value for key, value in values.items() if value not in (None, [])}


class InterviewContextItem(InterviewContext):
    """The table shape of a room's context."""

    room_name: str
    updated_at: str
    expires_at: int

    def to_item(self) -> dict[str, Any]:
        item = {**self.fields_set(), "room_name": self.room_name, "updated_at": self.updated_at}
        item.update(PK=room_pk(self.room_name), SK=CONTEXT_SK, expiresAt=self.expires_at)
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> InterviewContextItem:
        data = {key: value for key, value in item.items() if key not in ("PK", "SK", "expiresAt")}
        data["expires_at"] = int(item.get("expiresAt", 0))
        return cls.model_validate(data)

    def context(self) -> InterviewContext:
        return InterviewContext.model_validate(self.fields_set())
