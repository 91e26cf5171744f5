"""Personas load from files or by name; the simulated candidate reacts to the agent's messages."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from interviewer.clock import VIRTUAL_EPOCH, VirtualClock
from interviewer.simulated_candidate import (
    NO_MORE_QUESTIONS,
    PACKAGED_PERSONAS,
    Answer,
    Leave,
    Persona,
    ScriptedTurn,
    SimulatedCandidate,
    load_persona,
)
from pydantic import ValidationError


def asked(number: int, category: str = "general") -> dict[str, object]:
    return {"type": "question", "question": "?", "question_number": number, "category": category}


LISTENING = {"type": "agent_listening"}
CLOSING = {"type": "status", "state": "in_progress", "phase": "closing"}
# A persona file exactly as written before scripted turns and closing questions existed.
TODAYS_FORMAT = {
    "name": "today",
    "description": "Every field of the original format.",
    "join_after": 2,
    "think_seconds": 3,
    "answers": {"1": "First answer."},
    "answers_by_category": {"collaboration": "A team answer."},
    "follow_up_answers": {"1": "More on the first."},
    "default_answer": "A default answer.",
    "default_follow_up_answer": "A default follow-up answer.",
    "silent_on": [4],
    "hesitant_on": [3],
    "leave_on": 5,
    "rejoin_after": 20,
}


@pytest.mark.parametrize("name", PACKAGED_PERSONAS)
def test_every_packaged_persona_loads(name: str) -> None:
    persona = load_persona(name)
    assert persona.name == name


def test_a_persona_file_in_json_or_yaml_loads(tmp_path: Path) -> None:
    data = {"name": "custom", "join_after": 5, "answers": {"1": "First."}, "silent_on": [2]}
    json_file = tmp_path / "custom.json"
    json_file.write_text(json.dumps(data))
    yaml_file = tmp_path / "custom.yaml"
    yaml_file.write_text("name: custom\njoin_after: 5\nanswers:\n  1: First.\nsilent_on: [2]\n")

    assert load_persona(json_file) == load_persona(yaml_file)
    assert load_persona(str(json_file)).answers == {1: "First."}


def test_a_bad_persona_says_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"no persona file at nobody\.json"):
        load_persona("nobody.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "bad", "silent_on": [0], "shout": True}))
    with pytest.raises(ValidationError) as error:
        load_persona(bad)
    assert {next(iter(e["loc"])) for e in error.value.errors()} == {"silent_on", "shout"}


def test_answers_come_by_number_then_category_then_default() -> None:
    persona = Persona(
        name="p",
        answers={1: "by number"},
        answers_by_category={"teamwork": "by category"},
        default_answer="default",
        think_seconds=2,
    )
    candidate = SimulatedCandidate(persona)

    replies = []
    for number, category in [(1, "teamwork"), (2, "teamwork"), (3, "other")]:
        candidate.on_message(asked(number, category))
        replies.append(candidate.on_message(LISTENING))

    assert replies == [[Answer("by number", 2)], [Answer("by category", 2)], [Answer("default", 2)]]


def test_a_second_listen_on_the_same_question_is_a_follow_up() -> None:
    persona = Persona(name="p", answers={1: "main"}, follow_up_answers={1: "more detail"}, think_seconds=0)
    candidate = SimulatedCandidate(persona)
    candidate.on_message(asked(1))
    assert candidate.on_message(LISTENING) == [Answer("main", 0)]
    assert candidate.on_message(LISTENING) == [Answer("more detail", 0)]


def test_silent_hesitant_and_leaving_behaviours() -> None:
    persona = Persona(
        name="p", silent_on=[1], hesitant_on=[2], leave_on=3, rejoin_after=12, default_answer="ok"
    )
    candidate = SimulatedCandidate(persona)

    candidate.on_message(asked(1))
    assert candidate.on_message(LISTENING) == []  # the question
    assert candidate.on_message(LISTENING) == []  # and the gentle prompt

    candidate.on_message(asked(2))
    assert candidate.on_message(LISTENING) == []
    assert candidate.on_message(LISTENING) == [Answer("ok", persona.think_seconds)]

    candidate.on_message(asked(3))
    assert candidate.on_message(LISTENING) == [Leave(rejoin_after=12)]
    candidate.on_message(asked(3))  # asked again after the rejoin
    assert candidate.on_message(LISTENING) == [Answer("ok", persona.think_seconds)]


def test_other_messages_are_ignored() -> None:
    candidate = SimulatedCandidate(Persona(name="p"))
    for message in ({"type": "status", "state": "in_progress", "phase": "asking"}, {"type": "feedback"}, {}):
        assert candidate.on_message(message) == []


# -- the virtual clock the text transport and the conductor share -------------------------------------


async def test_virtual_time_jumps_to_each_deadline_in_order() -> None:
    clock = VirtualClock()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now() - VIRTUAL_EPOCH))

    await asyncio.wait_for(asyncio.gather(sleeper("long", 300), sleeper("short", 5), sleeper("mid", 60)), 5)

    assert woke == [("short", 5), ("mid", 60), ("long", 300)]
    assert clock.iso() == "2026-01-01T00:05:00.000Z"


async def test_virtual_wait_for_times_out_or_returns_the_result() -> None:
    clock = VirtualClock()
    never = asyncio.Event()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(clock.wait_for(never.wait(), 120), 5)
    assert clock.now() - VIRTUAL_EPOCH == 120

    async def answer_after(seconds: float) -> str:
        await clock.sleep(seconds)
        return "answer"

    assert await asyncio.wait_for(clock.wait_for(answer_after(10), 30), 5) == "answer"
    assert clock.now() - VIRTUAL_EPOCH == 130


def test_a_persona_in_todays_format_loads_and_answers_as_before(tmp_path: Path) -> None:
    # Given a persona file written for the original format
    path = tmp_path / "today.json"
    path.write_text(json.dumps(TODAYS_FORMAT))

    # When it is loaded and asked each question as before
    persona = load_persona(path)
    candidate = SimulatedCandidate(persona)
    said = []
    for number, category in [(1, "experience"), (2, "collaboration"), (3, "x"), (4, "x"), (5, "x")]:
        candidate.on_message(asked(number, category))
        said.append((candidate.on_message(LISTENING), candidate.on_message(LISTENING)))

    # Then it behaves exactly as the original format said: by number, by category, hesitant, silent, leaving
    assert said == [
        ([Answer("First answer.", 3)], [Answer("More on the first.", 3)]),
        ([Answer("A team answer.", 3)], [Answer("A default follow-up answer.", 3)]),
        ([], [Answer("A default answer.", 3)]),
        ([], []),
        ([Leave(rejoin_after=20)], [Answer("A default answer.", 3)]),
    ]
    # And at the close, with no questions scripted, it says it has none
    candidate.on_message(CLOSING)
    assert candidate.on_message(LISTENING) == [Answer(NO_MORE_QUESTIONS, 3)]


@pytest.mark.parametrize("name", ["strong", "weak", "silent", "leaves_early", "injection"])
def test_the_original_packaged_personas_have_no_new_fields(name: str) -> None:
    persona = load_persona(name)
    assert persona.turns == {}
    assert persona.closing_questions == []


def test_scripted_turns_are_said_in_order_then_follow_up_answers() -> None:
    # Given a persona who asks for a repeat and then answers question 1
    persona = Persona(
        name="p",
        think_seconds=1,
        turns={1: ["Could you repeat the question?", "My answer."]},
        answers={1: "never used: the script holds the answer"},
        follow_up_answers={1: "More detail."},
    )
    candidate = SimulatedCandidate(persona)
    candidate.on_message(asked(1))

    # When the agent listens four times (the repeat, the answer, a follow-up, another)
    said = [candidate.on_message(LISTENING) for _ in range(3)]

    # Then the script comes first, in order, then the follow-up answer
    assert said == [
        [Answer("Could you repeat the question?", 1)],
        [Answer("My answer.", 1)],
        [Answer("More detail.", 1)],
    ]


def test_a_scripted_turn_can_be_silent_or_take_its_own_time() -> None:
    persona = Persona(
        name="p",
        think_seconds=1,
        turns={2: ["Give me a moment, please.", None, ScriptedTurn(say="Now I have it.", think_seconds=25)]},
    )
    candidate = SimulatedCandidate(persona)
    candidate.on_message(asked(2))
    assert candidate.on_message(LISTENING) == [Answer("Give me a moment, please.", 1)]
    assert candidate.on_message(LISTENING) == []
    assert candidate.on_message(LISTENING) == [Answer("Now I have it.", 25)]


def test_the_script_goes_on_when_a_set_aside_question_is_asked_again() -> None:
    persona = Persona(
        name="p", think_seconds=0, turns={1: ["I don't know.", "Still nothing.", "Now: my answer."]}
    )
    candidate = SimulatedCandidate(persona)
    candidate.on_message(asked(1))
    first = [candidate.on_message(LISTENING), candidate.on_message(LISTENING)]
    candidate.on_message(asked(2))
    candidate.on_message(asked(1))  # asked again before the close
    assert first == [[Answer("I don't know.", 0)], [Answer("Still nothing.", 0)]]
    assert candidate.on_message(LISTENING) == [Answer("Now: my answer.", 0)]


def test_closing_questions_are_asked_in_order_then_none_more() -> None:
    persona = Persona(
        name="p", think_seconds=0, closing_questions=["What does the team do?", "Is it remote?"]
    )
    candidate = SimulatedCandidate(persona)
    candidate.on_message(asked(5))
    candidate.on_message(CLOSING)
    assert [candidate.on_message(LISTENING) for _ in range(3)] == [
        [Answer("What does the team do?", 0)],
        [Answer("Is it remote?", 0)],
        [Answer(NO_MORE_QUESTIONS, 0)],
    ]


def test_a_bad_script_says_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="1-based"):
        Persona.model_validate({"name": "p", "turns": {"0": ["hello"]}})
    with pytest.raises(ValidationError, match="at least one turn"):
        Persona.model_validate({"name": "p", "turns": {"1": []}})
    with pytest.raises(ValidationError):
        Persona.model_validate({"name": "p", "turns": {"1": [{"shout": "hello"}]}})


def test_the_curious_persona_asks_for_a_repeat_a_clarification_a_skip_and_a_question_at_the_end() -> None:
    persona = load_persona("curious")
    assert persona.turns[1][0] == "Sorry, could you repeat the question?"
    assert str(persona.turns[2][0]).startswith("Do you mean")
    assert persona.turns[3] == ["Can I skip this one, please?"]
    assert persona.closing_questions == ["What does the team work on day to day?"]
