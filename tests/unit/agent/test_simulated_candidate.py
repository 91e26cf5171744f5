"""Personas load from files or by name; the simulated candidate reacts to the agent's messages."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from interviewer.clock import VIRTUAL_EPOCH, VirtualClock
from interviewer.simulated_candidate import (
    PACKAGED_PERSONAS,
    Answer,
    Leave,
    Persona,
    SimulatedCandidate,
    load_persona,
)
from pydantic import ValidationError


def asked(number: int, category: str = "general") -> dict[str, object]:
    return {"type": "question", "question": "?", "question_number": number, "category": category}


LISTENING = {"type": "agent_listening"}


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
