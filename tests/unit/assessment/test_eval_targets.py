"""The evaluation harness (bench/assessment_eval.py) on the offline brain meets its four targets.

These are correctness properties of the assessment, not timings: on the graded answer sets the better
answer scores strictly higher in at least 90 % of pairs; no injection attempt gains a level; every quote
is verbatim; a re-run gives identical assessments. Also: no honest answer is flagged.
"""

from __future__ import annotations

import asyncio

import pytest

from bench.assessment_eval import RANKING_TARGET, Figures, evaluate, offline_brain


@pytest.fixture(scope="module")
def figures() -> Figures:
    return asyncio.run(evaluate(offline_brain))


def test_better_answers_rank_higher_in_at_least_90_percent_of_pairs(figures: Figures) -> None:
    assert figures.ranking.pairs >= 800  # three graded sets of 5 questions
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
