"""The forward-only rule every writer of an interview's state obeys, checked for every pair of states."""

from __future__ import annotations

import itertools

import pytest
from interview_common.lifecycle import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    InterviewState,
    can_move,
    is_terminal,
    predecessors,
    public_status,
)

S = InterviewState
# The happy path in order; any state may exit sideways to abandoned or failed, and the three ends are final.
HAPPY_PATH = [S.REQUESTED, S.LAUNCHING, S.WAITING_FOR_CANDIDATE, S.IN_PROGRESS, S.COMPLETED]
SIDE_EXITS = {S.ABANDONED, S.FAILED}


def expected_move(current: InterviewState, target: InterviewState) -> bool:
    if current in {S.COMPLETED, S.ABANDONED, S.FAILED}:
        return False  # an ended interview never changes again
    if target in SIDE_EXITS:
        return True  # from any active state
    return HAPPY_PATH.index(target) > HAPPY_PATH.index(current)


@pytest.mark.parametrize(
    ("current", "target"),
    list(itertools.product(InterviewState, InterviewState)),
    ids=lambda s: s.value,
)
def test_every_pair_of_states(current: InterviewState, target: InterviewState) -> None:
    assert can_move(current, target) is expected_move(current, target)


def test_the_states_are_the_seven_of_the_design() -> None:
    assert {s.value for s in InterviewState} == {
        "requested",
        "launching",
        "waiting_for_candidate",
        "in_progress",
        "completed",
        "abandoned",
        "failed",
    }


def test_terminal_and_active_states_partition_all_states() -> None:
    assert {S.COMPLETED, S.ABANDONED, S.FAILED} == TERMINAL_STATES
    assert set(InterviewState) - TERMINAL_STATES == ACTIVE_STATES
    assert all(is_terminal(s) for s in TERMINAL_STATES)
    assert not any(is_terminal(s) for s in ACTIVE_STATES)


@pytest.mark.parametrize("state", list(InterviewState), ids=lambda s: s.value)
def test_no_state_moves_to_itself(state: InterviewState) -> None:
    # A repeated event (the same webhook twice) must be a no-op, not a second transition
    assert not can_move(state, state)
    assert state not in predecessors(state)


@pytest.mark.parametrize("state", list(InterviewState), ids=lambda s: s.value)
def test_predecessors_are_exactly_the_states_that_can_move_there(state: InterviewState) -> None:
    assert predecessors(state) == {current for current in InterviewState if can_move(current, state)}


def test_any_sequence_of_allowed_moves_ends_within_five_steps() -> None:
    # Forward-only means no cycles: the longest chain is the happy path itself
    def longest_from(state: InterviewState) -> int:
        nexts = [t for t in InterviewState if can_move(state, t)]
        return 0 if not nexts else 1 + max(longest_from(t) for t in nexts)

    assert longest_from(S.REQUESTED) == 4


@pytest.mark.parametrize(
    ("state", "public"),
    [
        (S.REQUESTED, "active"),
        (S.LAUNCHING, "active"),
        (S.WAITING_FOR_CANDIDATE, "active"),
        (S.IN_PROGRESS, "active"),
        (S.COMPLETED, "completed"),
        (S.ABANDONED, "abandoned"),
        (S.FAILED, "failed"),
    ],
)
def test_public_status(state: InterviewState, public: str) -> None:
    assert public_status(state) == public
