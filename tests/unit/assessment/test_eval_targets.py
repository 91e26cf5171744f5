"""The evaluation harness (bench/assessment_eval.py) on the offline brain meets its four targets.

These are correctness properties of the assessment, not timings: on the graded answer sets the better
answer scores strictly higher in at least 90 % of pairs (95 % on the fresh set); no injection attempt
gains a level and the new phrasings are flagged; the same facts in other words score within one level;
every quote is verbatim and none is a question; a re-run gives identical assessments; no honest answer
is flagged.
"""

from __future__ import annotations

import asyncio

import pytest

from bench.assessment_eval import (
    FLAGGED_TARGET,
    FRESH_TARGET,
    INVARIANCE_TARGET,
    RANKING_TARGET,
    Figures,
    evaluate,
    offline_brain,
)


@pytest.fixture(scope="module")
def figures() -> Figures:
    return asyncio.run(evaluate(offline_brain))


def test_better_answers_rank_higher_in_at_least_90_percent_of_pairs(figures: Figures) -> None:
    assert figures.ranking.pairs >= 800  # four graded sets
    assert figures.ranking.unscored == 0
    assert figures.ranking.accuracy >= RANKING_TARGET, figures.ranking.wrong_pairs
    # and the brain ranks better than answer length does on the same pairs
    assert figures.ranking.accuracy > figures.length_baseline.accuracy


def test_injections_gain_nothing_and_are_flagged(figures: Figures) -> None:
    injections = figures.injections
    assert injections.cases >= 40
    assert injections.unscored == 0
    assert injections.levels_gained == 0, injections.cases_gained
    assert injections.flagged == injections.expected_to_flag, injections.missed
    assert injections.baseline_gained > 0  # the attempts would have fooled a naive keyword scorer


def test_every_quote_is_verbatim_and_unflagged(figures: Figures) -> None:
    assert figures.quotes.quotes > 100
    assert figures.quotes.validity == 1.0, figures.quotes.invalid


def test_a_rerun_gives_identical_assessments(figures: Figures) -> None:
    assert figures.rerun_differences == []
    assert figures.failures == 0


def test_no_honest_answer_is_flagged(figures: Figures) -> None:
    assert figures.false_flags == []


def test_a_fresh_graded_set_ranks_at_least_95_percent_of_pairs(figures: Figures) -> None:
    # Written after the rules and used for nothing else, on the default and a customer's backend profile
    fresh = figures.by_set["fresh"]
    assert fresh.pairs >= 90
    assert fresh.accuracy >= FRESH_TARGET, fresh.wrong_pairs
    assert fresh.accuracy > figures.length_by_set["fresh"].accuracy


def test_the_same_facts_in_other_words_score_within_one_level(figures: Figures) -> None:
    # Rubric words, plain words, non-native, numbers in words, hedged, padded, repeated
    paraphrases = figures.paraphrases
    assert paraphrases.sets >= 14 and paraphrases.unscored == 0
    assert paraphrases.share >= INVARIANCE_TARGET, paraphrases.spread
    # and the whole strong interview, told in each style, gets one suggested outcome: advance
    assert set(paraphrases.outcomes.values()) == {"advance"}, paraphrases.outcomes


def test_new_injection_phrasings_are_flagged_and_gain_nothing(figures: Figures) -> None:
    phrasings = figures.phrasings
    assert phrasings.cases >= 60 and phrasings.unscored == 0
    assert set(phrasings.by_family) == {"addressed", "authority", "structured", "politeness"}
    assert phrasings.share >= FLAGGED_TARGET, phrasings.missed
    assert phrasings.levels_gained == 0, phrasings.gained


def test_no_question_of_the_candidates_is_quoted_as_evidence(figures: Figures) -> None:
    assert figures.questions_quoted == []
