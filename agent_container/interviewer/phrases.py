"""Everything the interviewer says in its own words, as data: `phrases.json`, loaded and checked at import.

A line with blanks (`{text}`, `{number}`, ...) is a template; each template must name exactly the blanks
its code fills, so a broken file fails when the agent starts, not in the middle of an interview.
`Phrases(**overrides)` gives the packaged lines with some replaced (tests, another wording).
"""

from __future__ import annotations

import json
import re
import string
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The blanks each template must have (and may only have).
TEMPLATE_BLANKS: dict[str, frozenset[str]] = {
    "greeting_line": frozenset({"hello", "interview", "notice", "count"}),
    "hello_named": frozenset({"name"}),
    "question_line": frozenset({"number", "total", "text"}),
    "repeat": frozenset({"text"}),
    "rephrase_in_parts": frozenset({"parts"}),
    "rephrase": frozenset({"text"}),
    "revisit": frozenset({"number", "text"}),
    "language": frozenset({"language"}),
    "carry_on": frozenset({"text"}),
    "earlier_question": frozenset({"question", "answer"}),
}
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}
_Line = Field(min_length=1, max_length=600)


def _packaged() -> dict[str, Any]:
    text = resources.files("interviewer").joinpath("phrases.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


class Phrases(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    notice: str = _Line
    greeting_line: str = _Line
    hello_named: str = _Line
    hello_anonymous: str = _Line
    question_line: str = _Line
    gentle_prompt: str = _Line
    move_on: str = _Line
    welcome_back: str = _Line
    acknowledgement: str = _Line
    feedback: str = _Line
    repeat: str = _Line
    rephrase_in_parts: str = _Line
    rephrase: str = _Line
    clarification_fallback: str = _Line
    skip: str = _Line
    needs_moment: str = _Line
    reassurance: str = _Line
    set_aside: str = _Line
    revisit: str = _Line
    question_kept: str = _Line
    language: str = _Line
    confirm_stop: str = _Line
    carry_on: str = _Line
    closing_questions: str = _Line
    earlier_questions: str = _Line
    earlier_question: str = _Line
    more_questions: str = _Line
    go_ahead: str = _Line
    anything_else: str = _Line
    pass_on: str = _Line
    closing: str = _Line
    closing_on_request: str = _Line
    closing_on_candidate_request: str = _Line
    closing_on_time: str = _Line
    closing_on_terminate: str = _Line

    def __init__(self, **overrides: Any) -> None:
        super().__init__(**{**PACKAGED, **overrides})

    @model_validator(mode="after")
    def _templates_have_their_blanks(self) -> Phrases:
        for name in type(self).model_fields:
            found = {field for _, field, _, _ in string.Formatter().parse(getattr(self, name)) if field}
            expected = TEMPLATE_BLANKS.get(name, frozenset())
            if found != expected:
                raise ValueError(
                    f"phrase {name!r} must have the blanks {sorted(expected)}, it has {sorted(found)}"
                )
        return self

    # -- lines the conductor fills in ------------------------------------------------------------------

    def greeting(self, title: str, question_count: int, candidate_name: str | None = None) -> str:
        hello = self.hello_named.format(name=candidate_name) if candidate_name else self.hello_anonymous
        return self.greeting_line.format(
            hello=hello, interview=_interview_name(title), notice=self.notice, count=question_count
        )

    def question(self, number: int, total: int, text: str) -> str:
        return self.question_line.format(number=number, total=total, text=text)

    def repeated(self, text: str) -> str:
        return self.repeat.format(text=text)

    def rephrased(self, text: str, clarification: str | None = None) -> str:
        """The question put another way: split into its parts when it has several, else with its
        clarification (when the profile has one), else as it is, said again slowly."""
        parts = question_parts(text)
        if len(parts) > 1:
            labels = ["First", "Then", "And then", "Finally"]
            spoken = " ".join(
                f"{labels[min(index, len(labels) - 1)]}: {part}" for index, part in enumerate(parts)
            )
            return self.rephrase_in_parts.format(parts=spoken)
        return self.rephrase.format(text=f"{text} {clarification}" if clarification else text)

    def revisited(self, number: int, text: str) -> str:
        return self.revisit.format(number=number, text=text)

    def language_notice(self, language: str) -> str:
        return self.language.format(language=language_name(language))

    def carrying_on(self, text: str) -> str:
        return self.carry_on.format(text=text)

    def earlier(self, question: str, answer: str) -> str:
        return self.earlier_question.format(question=question, answer=answer)


def language_name(tag: str) -> str:
    """ "es" -> "Spanish"; an unknown tag is said as it is."""
    return LANGUAGE_NAMES.get(tag.split("-")[0].lower(), tag)


def question_parts(text: str) -> list[str]:
    """A question's parts, for saying it again in pieces: its sentences, else its clauses joined by
    ", and". "Tell me about X. How did you approach it?" -> ["tell me about X.", "how did you ...?"]."""
    sentences = [part.strip() for part in re.split(r"(?<=[.?!])\s+", text.strip()) if part.strip()]
    if len(sentences) > 1:
        return [_lowered(sentence) for sentence in sentences]
    clauses = [part.strip() for part in re.split(r",\s+and\s+", text.strip()) if part.strip()]
    if len(clauses) > 1:
        mark = "?" if text.rstrip().endswith("?") else "."
        return [_lowered(clause.rstrip(".?!")) + mark for clause in clauses]
    return [text.strip()]


def _lowered(text: str) -> str:
    """A part as it is said after "First:" ("Tell me" -> "tell me"; "I" stays "I")."""
    if text[:2] in ("I ", "I'"):
        return text
    return text[:1].lower() + text[1:]


def _interview_name(title: str) -> str:
    """ "Backend engineer" → "Backend engineer interview"; a title that already says interview is kept."""
    return title if "interview" in title.lower() else f"{title} interview"


PACKAGED: dict[str, Any] = _packaged()
