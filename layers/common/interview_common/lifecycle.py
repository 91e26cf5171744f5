"""Interview states and the forward-only rule every writer obeys."""

from __future__ import annotations

from enum import StrEnum


class InterviewState(StrEnum):
    REQUESTED = "requested"
    LAUNCHING = "launching"
    WAITING_FOR_CANDIDATE = "waiting_for_candidate"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    FAILED = "failed"


_RANK = {
    InterviewState.REQUESTED: 0,
    InterviewState.LAUNCHING: 1,
    InterviewState.WAITING_FOR_CANDIDATE: 2,
    InterviewState.IN_PROGRESS: 3,
    InterviewState.COMPLETED: 4,
    InterviewState.ABANDONED: 4,
    InterviewState.FAILED: 4,
}

# An interview that ends before its candidate ever joined is a no-show: `abandoned` with this end reason
# and progress 0, whichever path ends it (room closed, end-interview, the agent's wait, its task stopping).
END_REASON_NO_SHOW = "no_show"

TERMINAL_STATES = frozenset({InterviewState.COMPLETED, InterviewState.ABANDONED, InterviewState.FAILED})
ACTIVE_STATES = frozenset(set(InterviewState) - TERMINAL_STATES)


def is_terminal(state: InterviewState) -> bool:
    return state in TERMINAL_STATES


def predecessors(target: InterviewState) -> frozenset[InterviewState]:
    """States from which `target` may be reached: any earlier, non-terminal state."""
    return frozenset(s for s in ACTIVE_STATES if _RANK[s] < _RANK[target])


def can_move(current: InterviewState, target: InterviewState) -> bool:
    return current in predecessors(target)


def public_status(state: InterviewState) -> str:
    """The coarse status of GET /interview-status: active, completed, abandoned or failed."""
    return "active" if state in ACTIVE_STATES else state.value
