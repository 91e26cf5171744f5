"""The conductor's parts on their own: the phrases file, the background tasks, the yes/no read of a
reply to "would you like to end the interview now?", and how each way of stopping ends the interview."""

from __future__ import annotations

import asyncio
import logging

import pytest
from interview_common.lifecycle import InterviewState
from interviewer.background import BackgroundTasks
from interviewer.endings import ending_for
from interviewer.phrases import PACKAGED, Phrases, language_name, question_parts
from interviewer.supervision import StopReason
from interviewer.turn_handling import confirms, declines
from pydantic import ValidationError


def test_the_packaged_phrases_load_and_fill_in() -> None:
    phrases = Phrases()
    assert phrases.question(2, 5, "Why?") == "Question 2 of 5. Why?"
    assert phrases.greeting("Backend engineer", 3, candidate_name="Ada").startswith(
        "Hello Ada, and welcome. I'm the AI interviewer for this Backend engineer interview."
    )
    assert (
        phrases.language_notice("es")
        == "This interview is held in Spanish. Could you please continue in Spanish?"
    )
    assert phrases.closing_questions == (
        "Before we finish, do you have any questions about the role or the next steps?"
    )
    assert phrases.pass_on == "I'll pass that on to the hiring team; they will get back to you."


def test_a_line_may_be_replaced_but_a_template_must_keep_its_blanks() -> None:
    assert Phrases(skip="Sure, next one.").skip == "Sure, next one."
    with pytest.raises(
        ValidationError, match=r"'question_line' must have the blanks \['number', 'text', 'total'\]"
    ):
        Phrases(question_line="Question {number}.")
    with pytest.raises(ValidationError, match="'skip' must have the blanks"):
        Phrases(skip="Skipping {text}")
    with pytest.raises(ValidationError):
        Phrases(unknown_line="hello")
    with pytest.raises(ValidationError):
        Phrases(skip="")
    assert set(PACKAGED) == set(Phrases.model_fields)


def test_a_question_is_split_into_its_parts_for_saying_it_another_way() -> None:
    assert question_parts("Tell me about a problem. How did you approach it?") == [
        "tell me about a problem.",
        "how did you approach it?",
    ]
    assert question_parts("Walk me through a project, and what your role in it was?") == [
        "walk me through a project?",
        "what your role in it was?",
    ]
    assert question_parts("Why this role?") == ["Why this role?"]
    assert Phrases().rephrased("Why this role?", "Any reason is fine.") == (
        "Let me put it another way. Why this role? Any reason is fine."
    )
    assert language_name("pt-BR") == "Portuguese"
    assert language_name("xx") == "xx"


@pytest.mark.parametrize("reply", ["Yes.", "yes please", "Yeah, let's stop.", "Sure.", "OK", "I'm sure."])
def test_a_yes_to_ending_the_interview(reply: str) -> None:
    assert confirms(reply)
    assert not declines(reply)


@pytest.mark.parametrize(
    "reply", ["No.", "No, let's carry on.", "Actually, let's continue.", "Not yet", "Wait"]
)
def test_a_no_to_ending_the_interview(reply: str) -> None:
    assert declines(reply)
    assert not confirms(reply)


def test_an_answer_is_neither_yes_nor_no() -> None:
    text = "In my last role I rebuilt the billing service and cut failures by half."
    assert not confirms(text)
    assert not declines(text)


async def test_background_tasks_are_named_logged_when_they_fail_and_cancelled_together(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given three background tasks, one of which fails
    tasks = BackgroundTasks()
    forever = asyncio.Event()

    async def fail() -> None:
        raise RuntimeError("disk full")

    beats = tasks.spawn("heartbeats", forever.wait())
    assessment = tasks.spawn("assess:q1", forever.wait())
    failing = tasks.spawn("assess:q2", fail())
    with caplog.at_level(logging.ERROR):
        await asyncio.sleep(0)
        await asyncio.sleep(0)

    # Then the failure is logged with the task's name, and never raised into the interview
    assert failing.done()
    assert any("a background task failed" in record.getMessage() for record in caplog.records)
    assert [task.get_name() for task in tasks.named("assess:")] == ["assess:q1", "assess:q2"]

    # When only the heartbeats are cancelled, the assessment goes on; closing cancels the rest
    tasks.cancel("heartbeats")
    await asyncio.sleep(0)
    assert beats.cancelled() and not assessment.done()
    await tasks.close()
    assert assessment.cancelled()


@pytest.mark.parametrize(
    ("reason", "came", "answered", "expected"),
    [
        ("end_requested", False, 0, (InterviewState.ABANDONED, "no_show", None)),
        ("room_closed", False, 0, (InterviewState.ABANDONED, "no_show", None)),
        ("terminated", False, 0, (InterviewState.ABANDONED, "no_show", None)),
        (
            "candidate_ended",
            True,
            1,
            (InterviewState.COMPLETED, "candidate_ended", "closing_on_candidate_request"),
        ),
        ("end_requested", True, 1, (InterviewState.COMPLETED, "end_requested", "closing_on_request")),
        ("max_duration", True, 2, (InterviewState.COMPLETED, "max_duration", "closing_on_time")),
        ("terminated", True, 4, (InterviewState.FAILED, "terminated", "closing_on_terminate")),
        ("speech_lost", True, 3, (InterviewState.COMPLETED, "speech_lost", "closing_on_terminate")),
        ("speech_lost", True, 2, (InterviewState.FAILED, "speech_lost", "closing_on_terminate")),
        ("candidate_gone", True, 3, (InterviewState.COMPLETED, "candidate_left", None)),
        ("candidate_gone", True, 2, (InterviewState.ABANDONED, "candidate_left", None)),
        ("room_closed", True, 1, (InterviewState.ABANDONED, "room_closed", None)),
    ],
)
def test_each_way_an_interview_ends(
    reason: StopReason, came: bool, answered: int, expected: tuple[InterviewState, str, str | None]
) -> None:
    phrases = Phrases()
    ending = ending_for(
        reason,
        phrases=phrases,
        candidate_came=came,
        answered=answered,
        total=5,
        recorded=InterviewState.IN_PROGRESS,
    )
    state, end_reason, closing = expected
    assert (ending.state, ending.end_reason) == (state, end_reason)
    assert ending.closing == (getattr(phrases, closing) if closing else None)
    assert ending.record and ending.report


def test_an_interview_ended_elsewhere_or_taken_over_keeps_the_recorded_state() -> None:
    phrases = Phrases()
    elsewhere = ending_for(
        "ended_elsewhere",
        phrases=phrases,
        candidate_came=True,
        answered=1,
        total=5,
        recorded=InterviewState.FAILED,
    )
    assert (elsewhere.state, elsewhere.record, elsewhere.report) == (InterviewState.FAILED, False, True)
    replaced = ending_for(
        "replaced",
        phrases=phrases,
        candidate_came=True,
        answered=1,
        total=5,
        recorded=InterviewState.IN_PROGRESS,
    )
    assert (replaced.state, replaced.record, replaced.report) == (InterviewState.IN_PROGRESS, False, False)
    sigterm = ending_for(
        "terminated", phrases=phrases, candidate_came=True, answered=2, total=5, recorded=None
    )
    assert sigterm.error == "the agent was stopped by the platform (SIGTERM) after 2 of 5 answers"
