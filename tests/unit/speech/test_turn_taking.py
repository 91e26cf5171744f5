"""The end-of-turn rule and the word error measure, without models."""

from __future__ import annotations

import pytest
from interviewer.speech.turn_taking import (
    UNLIKELY_THRESHOLD,
    AnswerCompletionDetector,
    TurnTakingConfig,
    looks_finished,
)
from interviewer.speech.word_error import corpus_word_error_rate, normalised_words, word_error_rate
from livekit.agents.llm import ChatContext
from pydantic import ValidationError


@pytest.mark.parametrize(
    "transcript",
    [
        "I led the migration of our billing service.",
        "Yes.",
        "We shipped it in two weeks",
        "Why do you ask?",
        "It took six months, and we cut incidents by half.",
    ],
)
def test_a_complete_sentence_looks_finished(transcript: str) -> None:
    assert looks_finished(transcript)


@pytest.mark.parametrize(
    "transcript",
    [
        "So the main reason we chose that approach was...",
        "So the main reason we chose that approach was",
        "We moved the queue to Kafka and",
        "The thing I am proudest of is the",
        "I think, um",
        "Well, first of all,",
        "It depends on whether",
        "",
    ],
)
def test_a_clause_that_trails_off_does_not_look_finished(transcript: str) -> None:
    assert not looks_finished(transcript)


def test_the_wait_after_speech_is_longer_when_the_answer_does_not_look_finished() -> None:
    config = TurnTakingConfig()

    assert config.delay_after("We cut incidents by half.") == config.min_delay
    assert config.delay_after("The main reason was") == config.max_delay
    assert config.max_delay > 1.5 + config.vad_min_silence  # a 1.5 s thinking pause fits inside


@pytest.mark.parametrize(
    "numbers",
    [
        {"min_delay": 3.0, "max_delay": 2.0},
        {"vad_min_silence": 0.6, "min_delay": 0.5},
        {"vad_activation_threshold": 0.4, "vad_deactivation_threshold": 0.6},
        {"max_delay": -1.0},
    ],
)
def test_turn_taking_numbers_out_of_order_are_rejected(numbers: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        TurnTakingConfig(**numbers)


def test_endpointing_options_carry_the_two_delays_for_agent_session() -> None:
    config = TurnTakingConfig(min_delay=0.4, max_delay=2.0)

    assert config.endpointing_options() == {"mode": "fixed", "min_delay": 0.4, "max_delay": 2.0}


async def test_room_turn_detector_reads_the_candidates_last_words() -> None:
    detector = AnswerCompletionDetector()
    chat = ChatContext.empty()
    chat.add_message(role="assistant", content="Tell me about a hard bug you fixed.")
    chat.add_message(role="user", content="The hardest one was a race condition in the")

    unfinished = await detector.predict_end_of_turn(chat)
    chat.add_message(role="user", content="payment retries.")
    finished = await detector.predict_end_of_turn(chat)

    threshold = await detector.unlikely_threshold(None)
    assert threshold == UNLIKELY_THRESHOLD
    assert unfinished < threshold <= finished
    assert await detector.supports_language(None)
    assert not await detector.supports_language("fr")  # type: ignore[arg-type]


def test_word_error_rate_counts_substitutions_deletions_and_insertions() -> None:
    reference = "we cut incident volume by half"

    assert word_error_rate(reference, "We cut incident volume by half.") == 0.0
    assert word_error_rate(reference, "we cut incident volumes by half") == pytest.approx(1 / 6)
    assert word_error_rate(reference, "we cut volume by half") == pytest.approx(1 / 6)
    assert word_error_rate(reference, "so we cut incident volume by half") == pytest.approx(1 / 6)
    assert word_error_rate("", "") == 0.0
    assert word_error_rate("", "noise") == 1.0


def test_words_are_normalised_before_comparison() -> None:
    assert normalised_words("It took 6 months -- and we're done!") == [
        "it", "took", "six", "months", "and", "we", "are", "done",
    ]  # fmt: skip
    assert word_error_rate("you are proud of it", "You're proud of it.") == 0.0


def test_corpus_word_error_is_all_errors_over_all_words() -> None:
    pairs = [("one two three four", "one two three four"), ("five six", "five seven")]

    assert corpus_word_error_rate(pairs) == pytest.approx(1 / 6)
