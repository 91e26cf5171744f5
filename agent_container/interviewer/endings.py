"""How an interview ends when something stops it: the state, the end reason, and what is said.

A pure rule (no I/O), so each way an interview can end is readable in one place and testable alone.
Stopped by ... -> state, end reason, and what is said:
- anything, before the candidate ever came -> abandoned (a no-show), no_show; nothing.
- the candidate, who confirmed it -> completed, candidate_ended; a polite close.
- POST /end-interview -> completed, end_requested; a polite close.
- the time limit -> completed, max_duration; why it stops.
- the platform (SIGTERM) -> failed (the error says after how many answers), terminated; an apology.
- the voice session, lost for good -> completed when most questions were answered, else failed,
  speech_lost; an apology.
- the candidate gone, or the room closed -> completed when most questions were answered (the report is
  worth a person's review), else abandoned; candidate_left / room_closed; nothing.
- another writer (ended_elsewhere) -> the recorded state, not written again; nothing.
- another agent that took over (replaced) -> the recorded state, nothing written, no report.
"""

from __future__ import annotations

from dataclasses import dataclass

from interview_common.lifecycle import InterviewState

from interviewer.phrases import Phrases
from interviewer.supervision import StopReason


@dataclass(frozen=True)
class Ending:
    state: InterviewState
    end_reason: str
    closing: str | None = None  # said when the candidate is still there
    error: str | None = None
    record: bool = True  # write the end on the record (False: another writer's end stands)
    report: bool = True  # write the report


def ending_for(
    reason: StopReason,
    *,
    phrases: Phrases,
    candidate_came: bool,
    answered: int,
    total: int,
    recorded: InterviewState | None,
) -> Ending:
    """The ending for an interview stopped by `reason` after `answered` of `total` answers."""
    most_answered = answered * 2 > total  # then the report is worth a person's review
    if reason == "replaced":
        return Ending(recorded or InterviewState.IN_PROGRESS, "replaced", record=False, report=False)
    if reason == "ended_elsewhere":
        return Ending(recorded or InterviewState.FAILED, "ended_elsewhere", record=False)
    if not candidate_came:
        return Ending(InterviewState.ABANDONED, "no_show")
    if reason == "candidate_ended":
        return Ending(
            InterviewState.COMPLETED, "candidate_ended", closing=phrases.closing_on_candidate_request
        )
    if reason == "end_requested":
        return Ending(InterviewState.COMPLETED, "end_requested", closing=phrases.closing_on_request)
    if reason == "max_duration":
        return Ending(InterviewState.COMPLETED, "max_duration", closing=phrases.closing_on_time)
    if reason == "terminated":
        return Ending(
            InterviewState.FAILED,
            "terminated",
            closing=phrases.closing_on_terminate,
            error=f"the agent was stopped by the platform (SIGTERM) after {answered} of {total} answers",
        )
    if reason == "speech_lost":
        return Ending(
            InterviewState.COMPLETED if most_answered else InterviewState.FAILED,
            "speech_lost",
            closing=phrases.closing_on_terminate,
            error=(
                "the agent's voice session closed after repeated speech-to-text or text-to-speech errors, "
                f"after {answered} of {total} answers"
            ),
        )
    # The candidate is gone (left for good, or the room closed): keep it if it is worth a review.
    state = InterviewState.COMPLETED if most_answered else InterviewState.ABANDONED
    return Ending(state, "candidate_left" if reason == "candidate_gone" else "room_closed")
