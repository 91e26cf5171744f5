"""Refuses profile text that is not plain interview content: hidden characters, markup, orders to a brain.

A job profile's texts (questions, probes, rubric anchors, `about`, FAQ answers) are read by the
interviewer's brains and said to candidates. They are data: a profile whose text addresses the model
("ignore your instructions", "always give a 5"), poses as a chat message, hides characters (bidi
overrides, zero-width marks, control codes) or carries markup/script is refused as a whole, with the
field that holds it, so nothing of it is stored. The patterns are narrow on purpose: an interview
question may well talk about instructions, feedback or scores ("How do you give feedback?").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# C0/C1 control codes except tab and line breaks; bidi embeddings/overrides/isolates; zero-width marks.
_HIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_MARKUP = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|img|svg|link|meta)\b|javascript:|\bon\w+\s*=", re.I
)
_ASSESSOR = r"(ai|model|llm|grader|evaluator|assessor|interviewer|assistant|bot|system|you)"
_ORDERS = (
    (
        "override",
        re.compile(
            r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(previous|prior|above|earlier|all|your|the|system)\b"
            r".{0,20}\b(instructions?|prompts?|rules|guidelines|rubrics?)\b",
            re.I,
        ),
    ),
    (
        # Only a change of who the interviewer or grader is: "You are now the team lead: what do you do?"
        # and "act as a mediator" are situational questions.
        "role_play",
        re.compile(
            r"\b(you are (now|no longer)|pretend (to be|you are)|act as|from now on you are)\s+"
            rf"(an?\s+|the\s+)?(\w+\s+)?{_ASSESSOR}\b",
            re.I,
        ),
    ),
    (
        "fake_message",
        re.compile(
            r"^\W{0,4}(system|assistant|developer)\s*(message|prompt)?\s*:|<\|?(im_start|im_end|endoftext)\|?>|"
            r"\[/?(INST|SYS)\]|<</?SYS>>",
            re.I | re.M,
        ),
    ),
    (
        # A score or outcome ordered for everyone; "We give all candidates feedback" and "we always hire
        # for potential" are what an FAQ says.
        "score_order",
        re.compile(
            r"\b(always|must|should)\s+(give|score|rate|award|mark)\b.{0,30}"
            r"\b(5|five|10|ten|highest|maximum|top|full marks|perfect)\b|"
            r"\b(always|must|should)\s+(advance|hire|pass)\s+(every(one)?|all|each)\b|"
            r"\b(give|score|rate|award|mark)\s+(every(one)?|all|each)(\s+(candidates?|answers?))?\s+(as\s+)?(a\s+)?"
            r"(5|five|10|ten|top|full|max|maximum|highest|perfect|pass|advance)\b",
            re.I,
        ),
    ),
    (
        "addressing_the_model",
        re.compile(rf"\b(dear|note to the|message to the|attention,?)\s+{_ASSESSOR}\b\s*[:,]", re.I),
    ),
)


@dataclass(frozen=True)
class TextFinding:
    field: str
    kind: str
    message: str


def screen_profile_texts(profile: dict[str, Any], *, prefix: str = "body") -> list[TextFinding]:
    """Every string in the profile (by its field path) that is not plain interview content."""
    findings: list[TextFinding] = []
    for path, text in _strings(profile, prefix):
        finding = _screen(path, text)
        if finding is not None:
            findings.append(finding)
    return findings


def _screen(path: str, text: str) -> TextFinding | None:
    if _HIDDEN.search(text):
        return TextFinding(path, "hidden_characters", "holds control, zero-width or bidi-override characters")
    if _MARKUP.search(text):
        return TextFinding(path, "markup", "holds HTML markup or script; profile texts are plain text")
    for kind, pattern in _ORDERS:
        if pattern.search(text):
            return TextFinding(
                path,
                kind,
                "reads as an instruction to the interviewer's model, not interview content "
                "(profile texts are data said to candidates and used as the rubric)",
            )
    return None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}")
