"""Follow-ups that respond to what was said (brains.probes through OfflineBrain.understand_turn)."""

from __future__ import annotations

import pytest
from interview_common.models.job_profile import DEFAULT_PROFILE, Probe, Question
from interview_common.models.turn import Exchange
from interviewer.brains.offline import GENERIC_FOLLOW_UP, OfflineBrain
from interviewer.brains.probes import GENERIC_PROBES
from interviewer.ports import TurnContext

CONFLICT = DEFAULT_PROFILE.questions[2]
WITH_PROBES = CONFLICT.model_copy(
    update={
        "follow_up": None,
        "probes": [
            Probe(text="What was your own part in resolving it?", missing="own_action"),
            Probe(text="How did it end, for you and for the team?", missing="result"),
            Probe(text="Briefly: what did you yourself do?", missing="focus"),
        ],
        "max_follow_ups": 2,
    }
)
NO_OWN_ACTION = (
    "There was a big argument in the team about the release date. In the end the release was moved by a week "
    "and everybody was fine with it."
)
NO_RESULT = (
    "I disagreed with our tech lead about the database schema. I wrote a short comparison of both"
    " designs and "
    "asked him to review it with me on a call."
)
COMPLETE = (
    "I disagreed with our tech lead about the database schema. I wrote a comparison of both designs, we "
    "discussed it with the team, and we agreed on my version with one of his changes. The migration went "
    "live two weeks later without problems."
)
RAMBLE = (
    "So this goes back a while, to when the company had maybe forty people and everything was changing "
    "every month. There were new managers, new tools, and new ways of planning, and honestly nobody knew "
    "who decided what. The disagreement was partly about the roadmap, partly about who owned the mobile "
    "app, and partly about the tone in meetings, which had become quite tense over the winter. Some people "
    "wanted to rewrite the app, others wanted to keep patching it, and the designers had their own views "
    "about the navigation and the colours. Marketing was involved too, because they had promised a launch "
    "date to a partner without asking anyone, and the partner kept emailing the founders. There was also "
    "the question of the budget, since the finance person had left and the spreadsheet was out of date. "
    "In the middle of all this the office moved to a new building, the internet was unreliable for weeks, "
    "and half the team was working from home with small children. Looking back, a lot of it was about "
    "communication, about expectations that were never written down, and about how fast the company grew. "
    "People were tired, and some of them left during the spring, which made the remaining work heavier. "
    "The stakeholder I disagreed with most was the head of sales, who saw the app mostly as a sales tool, "
    "while the engineers saw it as a product for users. There were long threads in the chat about it, "
    "with strong opinions on both sides, and a few meetings that ended without any decision at all, "
    "which frustrated everyone who attended them."
)


async def follow_up(
    question: Question, text: str, *, follow_ups_asked: int = 0, exchanges: list[Exchange] | None = None
) -> str | None:
    context = TurnContext(
        question=question,
        max_follow_ups=question.max_follow_ups or 1,
        follow_ups_asked=follow_ups_asked,
        exchanges=exchanges or [],
    )
    reading = await OfflineBrain().understand_turn(DEFAULT_PROFILE, context, text)
    assert reading.kind == "answer"
    return reading.follow_up


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NO_OWN_ACTION, "What was your own part in resolving it?"),
        (NO_RESULT, "How did it end, for you and for the team?"),
        (RAMBLE, "Briefly: what did you yourself do?"),
    ],
    ids=["no-own-action", "no-result", "long-and-unfocused"],
)
async def test_the_probe_is_the_questions_own_for_what_the_answer_lacks(text: str, expected: str) -> None:
    assert await follow_up(WITH_PROBES, text) == expected


@pytest.mark.parametrize(
    ("text", "target"), [(NO_RESULT, "result"), (RAMBLE, "focus")], ids=["no-result", "long-and-unfocused"]
)
async def test_without_a_probe_for_it_the_generic_one_for_what_is_lacking_is_asked(
    text: str, target: str
) -> None:
    # Given the default question, whose only probe is about the candidate's own action
    assert await follow_up(CONFLICT, text) == GENERIC_PROBES[target]  # type: ignore[index]


async def test_the_focus_probe_asks_for_the_candidates_own_part_in_a_sentence_or_two() -> None:
    assert GENERIC_PROBES["focus"] == "In a sentence or two, what was your own part?"


async def test_a_complete_answer_gets_no_follow_up() -> None:
    assert await follow_up(WITH_PROBES, COMPLETE) is None


async def test_no_follow_up_once_the_questions_follow_ups_are_used() -> None:
    # Given two follow-ups asked on a question that allows two
    asked = [
        Exchange(
            kind="follow_up", prompt="What was your own part in resolving it?", asked_at="t", answer="x"
        ),
        Exchange(
            kind="follow_up", prompt="How did it end, for you and for the team?", asked_at="t", answer="y"
        ),
    ]
    # When another thin answer comes, Then no third follow-up
    assert await follow_up(WITH_PROBES, NO_RESULT, follow_ups_asked=2, exchanges=asked) is None


async def test_a_probe_already_asked_is_not_asked_again() -> None:
    asked = [Exchange(kind="follow_up", prompt="How did it end, for you and for the team?", asked_at="t")]
    assert (
        await follow_up(WITH_PROBES, NO_RESULT, follow_ups_asked=1, exchanges=asked)
        == GENERIC_PROBES["result"]
    )


async def test_a_non_answer_gets_no_probe_that_presumes_an_answer() -> None:
    reading = await OfflineBrain().understand_turn(
        DEFAULT_PROFILE, TurnContext(question=CONFLICT), "Hmm, I honestly have nothing for this."
    )
    assert (reading.kind, reading.follow_up) == ("non_answer", None)


async def test_decide_follow_up_gives_the_same_probe_as_the_reading() -> None:
    brain = OfflineBrain()
    for text in (NO_OWN_ACTION, NO_RESULT, RAMBLE, COMPLETE):
        reading = await brain.understand_turn(
            DEFAULT_PROFILE, TurnContext(question=WITH_PROBES, max_follow_ups=2), text
        )
        assert await brain.decide_follow_up(DEFAULT_PROFILE, WITH_PROBES, text, 0) == reading.follow_up


async def test_a_one_word_answer_is_asked_for_the_candidates_own_action() -> None:
    assert await follow_up(CONFLICT, "Yes.") == CONFLICT.follow_up
    assert await follow_up(CONFLICT, "Yes.", follow_ups_asked=0) != GENERIC_FOLLOW_UP


async def test_a_concise_answer_with_action_and_result_is_asked_why_not_what_the_candidate_did() -> None:
    # Given a short answer that says what the candidate did and what came of it, but not why
    concise = "I rewrote our flaky payment retries myself, and failed payments went down by half."

    # When it is read, Then the follow-up asks for the reasoning, never "what did you do yourself"
    probe = await follow_up(CONFLICT, concise)
    assert probe == GENERIC_PROBES["reasoning"]
