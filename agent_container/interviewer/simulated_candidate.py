"""A scripted candidate read from a persona file, so anyone can script an interview without code.

Transport-agnostic: the candidate reacts to the agent's data messages exactly as a frontend sees them
(`question` says what was asked, `agent_listening` says it is their turn) and answers with actions
(say this after thinking so long, leave, stay silent). The text transport plays the actions in memory;
the local stack plays them in a simulated room.

A persona file is JSON (or YAML when PyYAML is installed). Question numbers are 1-based. Example:

    {"name": "leaves early", "join_after": 3, "think_seconds": 2,
     "answers": {"1": "In my last role I ..."}, "answers_by_category": {"collaboration": "..."},
     "default_answer": "...", "follow_up_answers": {"2": "..."},
     "silent_on": [4], "hesitant_on": [3], "leave_on": 2, "rejoin_after": 20}

- `join_after`: seconds after the agent is in the room; null: never joins.
- `silent_on`: says nothing to these questions (nor to the gentle prompt); `hesitant_on`: silent until
  the gentle prompt, then answers.
- `leave_on` / `rejoin_after`: leaves when asked that question; comes back after so many seconds (null:
  never) and answers when the question is asked again.
- `turns`: a scripted sequence of turns for a question, said one per time the agent listens, in order
  (null: stays silent that time; `{"say": "...", "think_seconds": 20}`: with its own thinking time), e.g.
  `{"2": ["Sorry, could you repeat the question?", "In my last role I ..."]}`; once the sequence is used
  up, later listens on that question get the follow-up answers.
  A question without `turns` is answered as above (`answers`, then `follow_up_answers`).
- `closing_questions`: asked in order when the interviewer invites questions at the end; then
  `no_more_questions` (by default "No, thank you, that's all from me.").

Every file written before `turns` and the closing existed loads unchanged and answers the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

PACKAGED_PERSONAS = (
    "strong",
    "weak",
    "silent",
    "leaves_early",
    "no_show",
    "injection",
    "curious",
    "unsure",
    "asks_questions",
    "other_language",
    "stops_early",
)
NO_MORE_QUESTIONS = "No, thank you, that's all from me."


class ScriptedTurn(BaseModel):
    """One scripted turn with its own thinking time (`say` null: stays silent this time)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    say: str | None = None
    think_seconds: float | None = Field(default=None, ge=0)


Turn = str | ScriptedTurn | None


class Persona(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    join_after: float | None = Field(default=1.0, ge=0)
    think_seconds: float = Field(default=1.5, ge=0)
    answers: dict[int, str] = Field(default_factory=dict)
    answers_by_category: dict[str, str] = Field(default_factory=dict)
    follow_up_answers: dict[int, str] = Field(default_factory=dict)
    default_answer: str = "I'm not sure how to answer that."
    default_follow_up_answer: str | None = None
    silent_on: list[int] = Field(default_factory=list)
    hesitant_on: list[int] = Field(default_factory=list)
    leave_on: int | None = Field(default=None, ge=1)
    rejoin_after: float | None = Field(default=None, ge=0)
    turns: dict[int, list[Turn]] = Field(default_factory=dict)
    closing_questions: list[str] = Field(default_factory=list, max_length=10)
    no_more_questions: str = NO_MORE_QUESTIONS

    @field_validator("silent_on", "hesitant_on")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if any(number < 1 for number in value):
            raise ValueError("question numbers are 1-based")
        return value

    @field_validator("turns")
    @classmethod
    def _scripted_questions(cls, value: dict[int, list[Turn]]) -> dict[int, list[Turn]]:
        if any(number < 1 for number in value):
            raise ValueError("question numbers are 1-based")
        if any(not script for script in value.values()):
            raise ValueError("a question's scripted turns must list at least one turn")
        return value


def load_persona(source: str | Path) -> Persona:
    """A persona from a file path (.json, .yaml, .yml) or the name of a packaged persona."""
    path = Path(source)
    if path.suffix in {".json", ".yaml", ".yml"} and path.exists():
        text = path.read_text(encoding="utf-8")
        suffix = path.suffix
    elif str(source) in PACKAGED_PERSONAS:
        text = resources.files("interviewer.personas").joinpath(f"{source}.json").read_text(encoding="utf-8")
        suffix = ".json"
    else:
        raise ValueError(
            f"no persona file at {source!s} and no packaged persona of that name "
            f"({', '.join(PACKAGED_PERSONAS)})"
        )
    if suffix == ".json":
        data: Any = json.loads(text)
    else:
        try:
            import yaml
        except ImportError as error:  # pragma: no cover - PyYAML is usually present
            raise ValueError(
                "YAML personas need PyYAML (pip install pyyaml); JSON works without it"
            ) from error
        data = yaml.safe_load(text)
    return Persona.model_validate(data)


@dataclass(frozen=True)
class Answer:
    text: str
    after: float  # seconds of thinking before speaking


@dataclass(frozen=True)
class Leave:
    rejoin_after: float | None  # None: never comes back


CandidateAction = Answer | Leave


@dataclass
class SimulatedCandidate:
    """Decides, message by message, what the persona does; holds no timers (the transport plays them)."""

    persona: Persona
    question_number: int = 0
    category: str = ""
    # True once the interviewer is closing (status phase "closing"), until another question is shown.
    closing: bool = False
    _listens: dict[int, int] = field(default_factory=dict)  # agent_listening count per question
    _answered: dict[int, int] = field(default_factory=dict)  # answers given per question
    _scripted: dict[int, int] = field(default_factory=dict)  # scripted turns used per question
    _left_on: set[int] = field(default_factory=set)
    _closing_asked: int = 0

    @property
    def join_after(self) -> float | None:
        return self.persona.join_after

    def on_message(self, message: dict[str, Any]) -> list[CandidateAction]:
        kind = message.get("type")
        if kind == "question":
            self.closing = False
            number = int(message.get("question_number", 0))
            if number != self.question_number:
                self.question_number = number
                self.category = str(message.get("category", ""))
            return []
        if kind == "status" and message.get("phase") == "closing":
            self.closing = True
            return []
        if kind == "agent_listening":
            return self._on_closing() if self.closing else self._on_listening()
        return []

    def _on_closing(self) -> list[CandidateAction]:
        persona = self.persona
        asked = self._closing_asked
        self._closing_asked += 1
        text = (
            persona.closing_questions[asked]
            if asked < len(persona.closing_questions)
            else persona.no_more_questions
        )
        return [Answer(text=text, after=persona.think_seconds)]

    def _on_listening(self) -> list[CandidateAction]:
        number = self.question_number
        persona = self.persona
        self._listens[number] = self._listens.get(number, 0) + 1
        if persona.leave_on == number and number not in self._left_on:
            self._left_on.add(number)
            return [Leave(rejoin_after=persona.rejoin_after)]
        script = persona.turns.get(number)
        if script is not None:
            return self._scripted_turn(number, script)
        if number in persona.silent_on:
            return []
        answered = self._answered.get(number, 0)
        if number in persona.hesitant_on and answered == 0 and self._listens[number] == 1:
            return []
        self._answered[number] = answered + 1
        return [Answer(text=self._text(number, follow_up=answered > 0), after=persona.think_seconds)]

    def _scripted_turn(self, number: int, script: list[Turn]) -> list[CandidateAction]:
        used = self._scripted.get(number, 0)
        self._scripted[number] = used + 1
        think = self.persona.think_seconds
        if used >= len(script):
            return [Answer(text=self._text(number, follow_up=True), after=think)]
        turn = script[used]
        if isinstance(turn, ScriptedTurn):
            if turn.think_seconds is not None:
                think = turn.think_seconds
            turn = turn.say
        return [] if turn is None else [Answer(text=turn, after=think)]

    def _text(self, number: int, *, follow_up: bool) -> str:
        persona = self.persona
        if follow_up:
            return (
                persona.follow_up_answers.get(number)
                or persona.default_follow_up_answer
                or persona.default_answer
            )
        return (
            persona.answers.get(number)
            or persona.answers_by_category.get(self.category)
            or persona.default_answer
        )
