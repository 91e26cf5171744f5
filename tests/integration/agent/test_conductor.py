"""The conductor through the text transport, for each situation of an interview.

Each test asserts what a user of the system sees: the data messages the frontend receives (exactly), the
state and progress on META, the TURN# items and the REPORT item in DynamoDB, and the exit code.
"""

from __future__ import annotations

from typing import Any

import boto3
from interview_common.clock import iso_from_epoch
from interview_common.lifecycle import InterviewState
from interview_common.models.job_profile import DEFAULT_PROFILE, JobProfile
from interview_common.store import InterviewStore
from interviewer.brains.fallback import FallbackBrain
from interviewer.brains.offline import RULES_VERSION, OfflineBrain
from interviewer.clock import VIRTUAL_EPOCH
from interviewer.conductor import Phrases
from interviewer.ports import TRANSCRIPTION_TOPIC, BrainError, SpeechFailed
from interviewer.simulated_candidate import NO_MORE_QUESTIONS, Persona
from interviewer.transports.text import TextTransport

from tests.conftest import TABLE_NAME
from tests.integration.agent.conftest import (
    AGENT_IDENTITY,
    INTERVIEW_ID,
    REPORT_URL,
    ROOM,
    TEST_TIMEOUTS,
    HarnessFactory,
    question,
)

PHRASES = Phrases()
TWO_QUESTIONS = JobProfile(
    job_id="job-two",
    title="Backend engineer",
    rubric_version="backend-2026.1",
    competencies=[DEFAULT_PROFILE.competency("problem_solving"), DEFAULT_PROFILE.competency("collaboration")],
    questions=[
        DEFAULT_PROFILE.questions[1].model_copy(update={"id": "debug", "category": "technical"}),
        DEFAULT_PROFILE.questions[2].model_copy(
            update={"id": "conflict", "category": "behavioral", "competencies": ["collaboration"]}
        ),
    ],
)
ANSWER_1 = (
    "Our search latency doubled after a release, so I investigated it. I analyzed the metrics and formed a "
    "hypothesis that a new index was the root cause. I tested two options and weighed the trade-off, and "
    "we measured p95 latency fall from 900 to 250 milliseconds."
)
ANSWER_2 = (
    "A colleague and I disagreed about build versus buy. I listened to his perspective and we agreed on the "
    "criteria together. We presented both options to the stakeholder group and reached a compromise, and "
    "the team aligned on it within a week."
)
PREPARED = Persona(name="prepared", join_after=1, think_seconds=2, answers={1: ANSWER_1, 2: ANSWER_2})


def responses(statuses: list[str]) -> list[dict[str, Any]]:
    """interview_completed's `responses` for the default profile's questions, with these statuses."""
    return [
        {"question_number": number, "question": question.text, "status": status}
        for number, (question, status) in enumerate(zip(DEFAULT_PROFILE.questions, statuses, strict=True), 1)
    ]


def at(seconds: float) -> str:
    return iso_from_epoch(VIRTUAL_EPOCH + seconds)


def status(state: str, phase: str) -> dict[str, Any]:
    return {"type": "status", "state": state, "phase": phase}


def agent_says(text: str) -> dict[str, Any]:
    return {"type": "transcript", "speaker": "agent", "text": text, "final": True}


def candidate_says(text: str) -> dict[str, Any]:
    return {"type": "transcript", "speaker": "candidate", "text": text, "final": True}


async def test_a_prepared_candidate_is_interviewed_on_the_jobs_questions_with_exact_messages(
    make_harness: HarnessFactory,
) -> None:
    # Given a job with its own two-question profile in DynamoDB, and a candidate who joins after 1 s
    harness = make_harness(PREPARED, profile=TWO_QUESTIONS)
    while_asking: list[Any] = []
    harness.when(question(2), lambda: while_asking.append(harness.meta()))

    # When the interview runs
    outcome = await harness.run()

    # Then while question 2 was being asked, the status routes' fields said so
    (during,) = while_asking
    assert during.state == InterviewState.IN_PROGRESS
    assert during.phase == "asking"
    assert during.current_question == TWO_QUESTIONS.questions[1].text
    assert (during.question_index, during.question_count) == (2, 2)
    assert during.is_agent_speaking is True
    assert during.is_listening is False
    assert during.agent_connected is True
    assert during.candidate_connected is True

    # Then the frontend received exactly these messages, in this order
    question_1 = TWO_QUESTIONS.questions[0].text
    question_2 = TWO_QUESTIONS.questions[1].text
    assert harness.messages() == [
        status("waiting_for_candidate", "waiting"),
        status("in_progress", "greeting"),
        agent_says(PHRASES.greeting("Backend engineer", 2)),
        status("in_progress", "asking"),
        {
            "type": "question",
            "question": question_1,
            "question_number": 1,
            "total_questions": 2,
            "progress": 0,
            "category": "technical",
            "timestamp": at(1),
        },
        agent_says(f"Question 1 of 2. {question_1}"),
        status("in_progress", "listening"),
        {"type": "agent_listening"},
        {"type": "response_received", "question_number": 1},
        candidate_says(ANSWER_1),
        {"type": "feedback", "question_number": 1, "message": PHRASES.feedback},
        status("in_progress", "asking"),
        {
            "type": "question",
            "question": question_2,
            "question_number": 2,
            "total_questions": 2,
            "progress": 50,
            "category": "behavioral",
            "timestamp": at(3),
        },
        agent_says(f"Thank you. Question 2 of 2. {question_2}"),
        status("in_progress", "listening"),
        {"type": "agent_listening"},
        {"type": "response_received", "question_number": 2},
        candidate_says(ANSWER_2),
        {"type": "feedback", "question_number": 2, "message": PHRASES.feedback},
        status("in_progress", "closing"),
        agent_says(f"Thank you. {PHRASES.closing_questions}"),
        status("in_progress", "listening"),
        {"type": "agent_listening"},
        {"type": "response_received", "question_number": 2},
        candidate_says(NO_MORE_QUESTIONS),
        status("in_progress", "closing"),
        agent_says(PHRASES.closing),  # no second "Thank you." before a goodbye that thanks already
        status("in_progress", "reporting"),
        status("completed", "ended"),
        {
            "type": "interview_completed",
            "total_questions": 2,
            "total_responses": 2,
            "responses": [
                {"question_number": 1, "question": question_1, "status": "answered"},
                {"question_number": 2, "question": question_2, "status": "answered"},
            ],
            "reportUrl": REPORT_URL,
        },
    ]
    # And every line the agent spoke was captioned on lk.transcription, and lk.agent.state followed along
    captions = [message["text"] for message in harness.messages(TRANSCRIPTION_TOPIC)]
    assert captions == [
        message["text"] for message in harness.messages() if message.get("speaker") == "agent"
    ]
    assert harness.transport.agent_states[:4] == ["initializing", "thinking", "idle", "speaking"]
    assert {"speaking", "listening", "thinking"} <= set(harness.transport.agent_states)
    assert harness.transport.attributes["lk.agent.state"] == "idle"

    # And the interview is completed on META with its progress and timings
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.exit_code == 0
    meta = harness.meta()
    assert meta.state == InterviewState.COMPLETED
    assert meta.phase == "ended"
    assert meta.end_reason == "completed"
    assert meta.started_at
    assert meta.ended_at
    assert meta.last_heartbeat_at
    assert meta.question_count == 2
    assert meta.question_index == 2
    assert meta.agent_connected is False  # it left when the interview ended
    assert not meta.is_agent_speaking
    assert not meta.is_listening

    # And both turns are stored with the verbatim answer, timings and an assessment with verbatim evidence
    turns = harness.turns()
    assert [turn.index for turn in turns] == [1, 2]
    assert [turn.answer for turn in turns] == [ANSWER_1, ANSWER_2]
    assert all(turn.status == "answered" and turn.follow_ups == 0 for turn in turns)
    first = turns[0].exchanges[0]
    assert (first.kind, first.asked_at, first.answer_started_at, first.answer_ended_at) == (
        "question",
        at(1),
        at(3),
        at(3),
    )
    for turn in turns:
        assert turn.assessment is not None
        assert turn.assessment.rubric_version == "backend-2026.1"
        for competency in turn.assessment.competencies:
            assert competency.evidence
            assert all(quote in turn.answer for quote in competency.evidence)

    # And the report names the rubric, the brain and the person who decides
    report = harness.report()
    assert report is not None
    assert (report.rubric_version, report.brain, report.model) == ("backend-2026.1", "offline", RULES_VERSION)
    assert report.questions_answered == 2
    assert not report.partial
    assert "a person on the hiring team" in report.notice.lower()
    # (offline rules-v3: answer 1 shows own actions in several steps, why, options, a measured result and
    # the competency's signals: 5; answer 2 the same without a measured result: 4)
    assert {result.competency_id: result.level for result in report.competencies} == {
        "problem_solving": 5,
        "collaboration": 4,
    }
    assert report.suggested_outcome == "advance"

    # And the agent's own participant item is there (belt and braces with the webhooks)
    participant = harness.item(f"PARTICIPANT#{AGENT_IDENTITY}")
    assert participant is not None
    assert participant["kind"] == "agent"
    assert participant["state"] == "joined"


async def test_without_a_job_profile_the_default_profile_is_used(make_harness: HarnessFactory) -> None:
    # Given no JOB#job-42 profile in the table
    harness = make_harness("strong")

    # When the interview runs
    outcome = await harness.run()

    # Then the built-in default profile's five questions were asked, and the report names its rubric
    questions = [message for message in harness.messages() if message["type"] == "question"]
    first_shown = {message["question_number"]: message["question"] for message in reversed(questions)}
    assert [first_shown[number] for number in sorted(first_shown)] == [
        q.text for q in DEFAULT_PROFILE.questions
    ]
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.questions_answered == 5
    report = harness.report()
    assert report is not None
    assert report.rubric_version == DEFAULT_PROFILE.rubric_version


async def test_a_vague_answer_gets_one_follow_up_at_most(make_harness: HarnessFactory) -> None:
    # Given a candidate whose answers are short and vague, and at most one follow-up per question
    harness = make_harness("weak")

    # When the interview runs
    outcome = await harness.run()

    # Then each question got exactly one follow-up: the question's own probe, shown as a question message
    turns = harness.turns()
    assert len(turns) == 5
    for turn, profile_question in zip(turns, DEFAULT_PROFILE.questions, strict=True):
        assert [exchange.kind for exchange in turn.exchanges] == ["question", "follow_up"]
        assert turn.follow_ups == 1
        assert turn.exchanges[1].prompt == profile_question.follow_up
    asked = [message["question"] for message in harness.messages() if message["type"] == "question"]
    assert len(asked) == 10
    assert asked[1] == DEFAULT_PROFILE.questions[0].follow_up
    # And "I don't remember the details" is read as no answer: it is kept in the transcript, is not part of
    # the answer assessed, and no further probe presumes there is more; the report suggests not advancing
    assert [exchange.reply_kind for exchange in turns[0].exchanges] == ["answer", "non_answer"]
    assert turns[0].exchanges[1].answer == "I don't remember the details."
    assert turns[0].answer == "I worked on some projects. It was fine."
    report = harness.report()
    assert report is not None
    assert report.suggested_outcome == "do_not_advance"
    assert outcome.exit_code == 0


async def test_a_second_follow_up_is_a_different_probe_when_two_are_allowed(
    make_harness: HarnessFactory,
) -> None:
    # Given up to two follow-ups per question and a candidate whose follow-up answers stay vague
    vague = Persona(
        name="vague",
        join_after=1,
        think_seconds=1,
        default_answer="I worked on some projects. It was fine.",
        default_follow_up_answer="We did the project and it was fine.",
    )
    harness = make_harness(vague, timeouts=TEST_TIMEOUTS.model_copy(update={"max_follow_ups": 2}))

    # When the interview runs
    await harness.run()

    # Then every question got two follow-ups, never the same probe twice, and none got a third
    for turn in harness.turns():
        assert [exchange.kind for exchange in turn.exchanges] == ["question", "follow_up", "follow_up"]
        assert turn.exchanges[1].prompt != turn.exchanges[2].prompt
        assert turn.follow_ups == 2


async def test_a_candidate_who_never_comes_is_abandoned_after_the_no_show_timeout(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who never joins, and a 60 s no-show timeout
    harness = make_harness("no_show")

    # When the interview runs
    outcome = await harness.run()

    # Then the agent waited 60 s (virtual), then ended the interview as abandoned, exit code 0
    assert harness.clock.now() - VIRTUAL_EPOCH == 60
    assert outcome.state == InterviewState.ABANDONED
    assert outcome.end_reason == "no_show"
    assert outcome.exit_code == 0
    assert harness.messages() == [status("waiting_for_candidate", "waiting"), status("abandoned", "ended")]
    meta = harness.meta()
    assert meta.state == InterviewState.ABANDONED
    assert meta.end_reason == "no_show"
    assert meta.started_at is None
    assert harness.turns() == []
    assert harness.report() is None


async def test_silence_gets_one_gentle_prompt_then_the_interview_moves_on(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who hesitates on question 2 (answers after the prompt) and is silent on 3-5
    harness = make_harness("silent")

    # When the interview runs
    outcome = await harness.run()

    # Then question 2 was answered after one prompt, and 3-5 were prompted once each, then left
    turns = harness.turns()
    assert [turn.status for turn in turns] == [
        "answered",
        "answered",
        "unanswered",
        "unanswered",
        "unanswered",
    ]
    assert [exchange.kind for exchange in turns[1].exchanges][:2] == ["question", "prompt"]
    assert turns[1].exchanges[0].answer is None
    assert turns[1].exchanges[1].answer
    for turn in turns[2:]:
        assert [(exchange.kind, exchange.answer) for exchange in turn.exchanges] == [
            ("question", None),
            ("prompt", None),
        ]
    assert harness.transport.spoken.count(PHRASES.gentle_prompt) == 4
    assert harness.transport.spoken.count(PHRASES.move_on) == 3
    # And the prompt is not a new question: question messages were only the five questions and follow-ups
    numbers = [message["question_number"] for message in harness.messages() if message["type"] == "question"]
    assert sorted(set(numbers)) == [1, 2, 3, 4, 5]
    # And the interview completed with two of five answered
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.questions_answered == 2
    report = harness.report()
    assert report is not None
    assert report.questions_answered == 2


async def test_a_candidate_who_leaves_and_returns_within_the_grace_resumes_where_they_left(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who leaves when question 2 is asked and comes back 20 s later (grace 30 s)
    persona = Persona(
        name="brief absence",
        join_after=1,
        think_seconds=1,
        answers={2: ANSWER_1},
        default_answer=ANSWER_2,
        leave_on=2,
        rejoin_after=20,
    )
    harness = make_harness(persona)

    # When the interview runs
    outcome = await harness.run()

    # Then the agent paused, welcomed them back, repeated question 2, and the interview completed
    assert status("in_progress", "paused") in harness.messages()
    assert PHRASES.welcome_back in harness.transport.spoken
    question_2 = [m for m in harness.messages() if m["type"] == "question" and m["question_number"] == 2]
    assert len(question_2) == 2
    assert question_2[0]["question"] == question_2[1]["question"]
    turn_2 = harness.turns()[1]
    assert [exchange.kind for exchange in turn_2.exchanges][:1] == ["repeat"]
    assert turn_2.answer.startswith(ANSWER_1)
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.questions_answered == 5
    assert outcome.end_reason == "completed"


async def test_a_candidate_who_leaves_early_and_never_returns_is_abandoned(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who answers one question, leaves at question 2 and never comes back
    persona = Persona(name="gone", join_after=1, think_seconds=1, default_answer=ANSWER_1, leave_on=2)
    harness = make_harness(persona)

    # When the interview runs
    outcome = await harness.run()

    # Then after the 30 s grace the interview is abandoned (1 of 5 answered is not worth a review)
    assert outcome.state == InterviewState.ABANDONED
    assert outcome.end_reason == "candidate_left"
    assert outcome.exit_code == 0
    meta = harness.meta()
    assert meta.state == InterviewState.ABANDONED
    assert meta.end_reason == "candidate_left"
    # And what was answered is kept, with a partial report, and no goodbye was spoken to an empty room
    assert [turn.status for turn in harness.turns()] == ["answered", "asked"]
    report = harness.report()
    assert report is not None
    assert report.partial
    assert report.end_reason == "candidate_left"
    assert PHRASES.closing not in " ".join(harness.transport.spoken)
    assert harness.messages()[-1] == status("abandoned", "ended")


async def test_a_candidate_who_leaves_after_most_questions_is_completed_with_a_partial_report(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who answers three of five questions and leaves for good at question 4
    persona = Persona(name="late leaver", join_after=1, think_seconds=1, default_answer=ANSWER_1, leave_on=4)
    harness = make_harness(persona)

    # When the interview runs
    outcome = await harness.run()

    # Then the interview is completed (more than half answered), and the report says it is partial
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.end_reason == "candidate_left"
    report = harness.report()
    assert report is not None
    assert report.partial
    assert report.questions_answered == 3
    assert harness.messages()[-1] == {
        "type": "interview_completed",
        "total_questions": 5,
        "total_responses": 3,
        "responses": responses(["answered", "answered", "answered", "asked", "not_asked"]),
        "reportUrl": REPORT_URL,
    }


async def test_end_requested_by_the_backend_closes_politely_and_completes(
    make_harness: HarnessFactory,
) -> None:
    # Given an interview in progress
    harness = make_harness("strong")
    # When the backend's end-interview control message arrives while question 3 is asked
    harness.when(question(3), harness.transport.request_end)
    outcome = await harness.run()

    # Then the agent says a polite goodbye and the interview ends as completed with what was answered
    assert harness.transport.spoken[-1] == PHRASES.closing_on_request
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.end_reason == "end_requested"
    assert outcome.questions_answered == 2
    assert outcome.exit_code == 0
    assert harness.meta().end_reason == "end_requested"
    assert harness.messages()[-2:] == [
        status("completed", "ended"),
        {
            "type": "interview_completed",
            "total_questions": 5,
            "total_responses": 2,
            "responses": responses(["answered", "answered", "asked", "not_asked", "not_asked"]),
            "reportUrl": REPORT_URL,
        },
    ]
    report = harness.report()
    assert report is not None
    assert report.partial
    assert report.questions_answered == 2


async def test_end_requested_on_the_record_is_seen_by_the_heartbeat(make_harness: HarnessFactory) -> None:
    # Given a slow-thinking candidate, and the end request recorded only on META (SendData was lost)
    persona = Persona(name="slow", join_after=1, think_seconds=9, default_answer=ANSWER_1)
    harness = make_harness(persona)

    def record_end_request() -> None:
        InterviewStore(TABLE_NAME, boto3.client("dynamodb")).update_fields(
            ROOM, INTERVIEW_ID, end_requested_at=harness.clock.iso()
        )

    harness.when(question(2), record_end_request)

    # When the interview runs
    outcome = await harness.run()

    # Then within one heartbeat the agent closed politely and completed the interview
    assert outcome.end_reason == "end_requested"
    assert outcome.state == InterviewState.COMPLETED
    assert PHRASES.closing_on_request in harness.transport.spoken[-1]
    assert outcome.questions_answered == 1


async def test_the_room_closing_ends_the_interview_without_speaking(make_harness: HarnessFactory) -> None:
    # Given an interview in progress, When the room is deleted while question 2 is asked
    harness = make_harness("strong")
    harness.when(question(2), harness.transport.close_room)
    outcome = await harness.run()

    # Then nothing more is said, and with 1 of 5 answered the interview is abandoned
    assert outcome.state == InterviewState.ABANDONED
    assert outcome.end_reason == "room_closed"
    assert not any(PHRASES.closing in line for line in harness.transport.spoken)
    assert harness.meta().state == InterviewState.ABANDONED


async def test_the_maximum_duration_closes_the_interview(make_harness: HarnessFactory) -> None:
    # Given a 20 s maximum duration and a candidate who thinks 8 s per answer
    persona = Persona(name="slow", join_after=1, think_seconds=8, default_answer=ANSWER_1)
    harness = make_harness(
        persona, timeouts=TEST_TIMEOUTS.model_copy(update={"max_duration": 20, "max_follow_ups": 0})
    )

    # When the interview runs
    outcome = await harness.run()

    # Then it stops at 20 s after it started, says why, and completes with what was answered
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.end_reason == "max_duration"
    assert PHRASES.closing_on_time in harness.transport.spoken[-1]
    assert outcome.questions_answered == 2
    assert harness.clock.now() - VIRTUAL_EPOCH == 21


class FailingBrain(OfflineBrain):
    """The primary brain of these tests: it fails every call, as a broken API would."""

    @property
    def name(self) -> str:
        return "openai"

    @property
    def model(self) -> str:
        return "gpt-test"

    async def decide_follow_up(self, *args: Any, **kwargs: Any) -> str | None:
        raise BrainError("FollowUpDecision: APIConnectionError")

    async def understand_turn(self, *args: Any, **kwargs: Any) -> Any:
        raise BrainError("TurnReading: APIConnectionError")

    async def assess_answer(self, *args: Any, **kwargs: Any) -> Any:
        raise BrainError("AnswerJudgement: the model's output did not match the schema")


async def test_a_failing_brain_falls_back_to_the_offline_brain_and_the_report_says_so(
    make_harness: HarnessFactory,
) -> None:
    # Given an OpenAI brain that fails every call, with the offline brain as its fallback
    def brain_for(clock: Any) -> FallbackBrain:
        return FallbackBrain(FailingBrain(clock), OfflineBrain(clock), clock=clock, attempts=2, trip_after=3)

    harness = make_harness(PREPARED, profile=TWO_QUESTIONS, brain=brain_for)

    # When the interview runs
    outcome = await harness.run()

    # Then the interview went on normally and completed
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.questions_answered == 2
    # And every answer was assessed by the offline brain, each saying why
    for turn in harness.turns():
        assert turn.assessment is not None
        assert turn.assessment.brain == "offline"
        assert turn.assessment.note
        assert "openai brain" in turn.assessment.note
    # And the report names the fallbacks and that the OpenAI brain was then no longer used
    report = harness.report()
    assert report is not None
    assert any("openai brain failed to assess" in note for note in report.brain_notes)
    assert any("not used for the rest of the interview" in note for note in report.brain_notes)


class HoarseTransport(TextTransport):
    """Speech fails for every line that mentions question 2 (a TTS outage in the middle)."""

    async def say(self, text: str) -> None:
        if "Question 2 of" in text:
            raise SpeechFailed("TTS returned 503")
        await super().say(text)


async def test_a_speech_failure_is_retried_then_the_line_is_delivered_as_text(
    make_harness: HarnessFactory,
) -> None:
    # Given a transport whose speech fails for question 2
    harness = make_harness(PREPARED, profile=TWO_QUESTIONS, transport_class=HoarseTransport)

    # When the interview runs
    outcome = await harness.run()

    # Then question 2 still reached the candidate as a question message and as a transcript line
    question_2 = f"Thank you. Question 2 of 2. {TWO_QUESTIONS.questions[1].text}"
    assert agent_says(question_2) in harness.messages()
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.questions_answered == 2
    # And the report says speech failed and what was done instead
    report = harness.report()
    assert report is not None
    assert any("speech failed" in note for note in report.brain_notes)


async def test_an_interview_ended_elsewhere_stops_the_agent_without_overwriting_the_state(
    make_harness: HarnessFactory,
) -> None:
    # Given an interview that another writer marks failed (ECS task-state event) while question 2 is asked
    persona = Persona(name="slow", join_after=1, think_seconds=9, default_answer=ANSWER_1)
    harness = make_harness(persona)

    def fail_elsewhere() -> None:
        InterviewStore(TABLE_NAME, boto3.client("dynamodb")).transition(
            ROOM, INTERVIEW_ID, InterviewState.FAILED, error="task stopped"
        )

    harness.when(question(2), fail_elsewhere)

    # When the interview runs
    outcome = await harness.run()

    # Then the agent stops at the next heartbeat, leaves the recorded state alone, and exits non-zero
    assert outcome.end_reason == "ended_elsewhere"
    assert outcome.state == InterviewState.FAILED
    assert outcome.exit_code == 1
    meta = harness.meta()
    assert meta.state == InterviewState.FAILED
    assert meta.error == "task stopped"


async def test_sigterm_says_goodbye_and_records_why_the_interview_failed(
    make_harness: HarnessFactory,
) -> None:
    # Given an interview in progress, When the platform stops the agent while question 3 is asked
    harness = make_harness("strong")
    harness.when(question(3), lambda: harness.conductor.request_stop("terminated"))
    outcome = await harness.run()

    # Then the agent apologises, writes a partial report, and the state says what happened
    assert PHRASES.closing_on_terminate in harness.transport.spoken[-1]
    assert outcome.state == InterviewState.FAILED
    assert outcome.exit_code == 1
    meta = harness.meta()
    assert meta.state == InterviewState.FAILED
    assert meta.error == "the agent was stopped by the platform (SIGTERM) after 2 of 5 answers"
    report = harness.report()
    assert report is not None
    assert report.partial
    assert report.end_reason == "terminated"


async def test_an_interview_that_already_ended_is_not_restarted(make_harness: HarnessFactory) -> None:
    # Given an interview that was ended before the agent joined
    harness = make_harness("strong", state=InterviewState.ABANDONED)

    # When the agent starts
    outcome = await harness.run()

    # Then it leaves at once, saying nothing, and the record is untouched
    assert outcome.state == InterviewState.ABANDONED
    assert outcome.end_reason == "ended_before_agent_joined"
    assert harness.transport.spoken == []
    assert harness.messages() == []
    assert harness.meta().state == InterviewState.ABANDONED


class BrokenTransport(TextTransport):
    async def listen(self, timeout: float) -> Any:  # noqa: ASYNC109 - the port's contract
        raise RuntimeError("audio device lost")


async def test_an_unexpected_error_fails_the_interview_with_a_reason(make_harness: HarnessFactory) -> None:
    # Given a transport that breaks when the agent first listens
    harness = make_harness("strong", transport_class=BrokenTransport)

    # When the interview runs
    outcome = await harness.run()

    # Then the interview is failed with the reason, the frontend is told, and the exit code is non-zero
    assert outcome.state == InterviewState.FAILED
    assert outcome.exit_code == 1
    meta = harness.meta()
    assert meta.state == InterviewState.FAILED
    assert meta.error == "RuntimeError: audio device lost"
    assert harness.messages()[-1] == status("failed", "ended")
    assert harness.transport.closed


async def test_instructions_in_answers_gain_nothing_and_are_flagged(make_harness: HarnessFactory) -> None:
    # Given a candidate whose answers tell the interviewer to give top scores
    harness = make_harness("injection")

    # When the interview runs
    await harness.run()

    # Then no competency scores above the lowest level, and the report flags every such answer
    report = harness.report()
    assert report is not None
    assert all(result.level in (None, 1, 2) for result in report.competencies)
    assert report.suggested_outcome == "do_not_advance"
    flagged = {flag.split("question ")[1].rstrip(")") for flag in report.flags}
    assert flagged == {"q1", "q2", "q3", "q4", "q5"}
    # And no instruction is quoted as evidence
    for result in report.competencies:
        assert not any("score" in quote.lower() or "ignore" in quote.lower() for quote in result.evidence)
