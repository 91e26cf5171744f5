"""The conductor acting on each kind of candidate turn, through the text transport and the offline brain.

Each test plays a candidate who does one thing a real candidate does (asks for the question again, asks
what it means, asks to skip it, needs a moment, has nothing to say, asks the interviewer a question,
answers in another language, wants to stop) and asserts what a user of the system sees: the exact lines
the interviewer said, the data messages, each exchange's reply kind and each turn's status in DynamoDB,
and what the report says.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from interview_common.lifecycle import InterviewState
from interview_common.models.job_profile import DEFAULT_PROFILE, FaqEntry, JobProfile
from interviewer.brains.offline import OfflineBrain
from interviewer.clock import VirtualClock
from interviewer.phrases import Phrases
from interviewer.ports import TurnContext, TurnReading
from interviewer.simulated_candidate import NO_MORE_QUESTIONS, Persona, ScriptedTurn, load_persona

from tests.conftest import Api
from tests.integration.agent.conftest import ROOM, TEST_TIMEOUTS, Harness, HarnessFactory, question
from tests.integration.agent.test_candidate_data_lifecycle import report_page
from tests.integration.agent.test_conductor import ANSWER_1, ANSWER_2

PHRASES = Phrases()
TEAM_ANSWER = "The team builds the payments platform: the services that take and settle card payments."
CLARIFICATION = "Any technical problem from your work counts; one you worked on yourself is best."
PROFILE = JobProfile(
    job_id="job-conversation",
    title="Backend engineer",
    rubric_version="backend-2026.1",
    competencies=[DEFAULT_PROFILE.competency("problem_solving"), DEFAULT_PROFILE.competency("collaboration")],
    questions=[
        DEFAULT_PROFILE.questions[1].model_copy(
            update={"id": "debug", "category": "technical", "clarification": CLARIFICATION}
        ),
        DEFAULT_PROFILE.questions[2].model_copy(
            update={"id": "conflict", "category": "behavioral", "competencies": ["collaboration"]}
        ),
    ],
    faq=[FaqEntry(question="What does the team work on?", answer=TEAM_ANSWER)],
)
Q1, Q2 = PROFILE.questions[0].text, PROFILE.questions[1].text
GREETING = PHRASES.greeting("Backend engineer", 2)
ASK_1 = f"Question 1 of 2. {Q1}"
ASK_2 = f"Question 2 of 2. {Q2}"
SPANISH = (
    "Tuve un desacuerdo con una compañera sobre la arquitectura. Escuché su punto de vista, comparamos las "
    "opciones juntas y llegamos a un acuerdo."
)


def candidate(**script: Any) -> Persona:
    return Persona(
        name="scripted", join_after=1, think_seconds=2, answers={1: ANSWER_1, 2: ANSWER_2}, **script
    )


def replies(harness: Harness, number: int) -> list[tuple[str, str | None]]:
    turn = harness.turns()[number - 1]
    return [(exchange.kind, exchange.reply_kind) for exchange in turn.exchanges]


def shown(harness: Harness, number: int) -> list[str]:
    """The question messages the frontend got for question `number` (what it showed as the question)."""
    return [
        m["question"]
        for m in harness.messages()
        if m["type"] == "question" and m["question_number"] == number
    ]


def completed_responses(harness: Harness) -> list[str]:
    (completed,) = [m for m in harness.messages() if m["type"] == "interview_completed"]
    return [response["status"] for response in completed["responses"]]


async def test_a_request_to_repeat_gets_the_question_again_then_rephrased_never_a_probe(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who asks twice to hear question 1 again, then answers
    persona = candidate(
        turns={1: ["Sorry, could you repeat the question?", "Could you say that again?", ANSWER_1]}
    )
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    outcome = await harness.run()

    # Then the interviewer said the question again, then put it another way in parts, and went on
    assert harness.transport.spoken == [
        GREETING,
        ASK_1,
        f"Of course. Here is the question again: {Q1}",
        "Let me put it another way, in parts. First: tell me about a difficult problem you solved. "
        "Then: how did you approach it?",
        f"Thank you. {ASK_2}",
        f"Thank you. {PHRASES.closing_questions}",
        PHRASES.closing,
    ]
    # And the frontend was shown the question each time it was said again
    assert shown(harness, 1) == [Q1, Q1, Q1]
    # And the requests are kept in the transcript but are not the answer that is assessed
    assert replies(harness, 1) == [
        ("question", "repeat_request"),
        ("repeat", "repeat_request"),
        ("repeat", "answer"),
    ]
    turn = harness.turns()[0]
    assert turn.status == "answered"
    assert turn.answer == ANSWER_1
    assert turn.assessment is not None
    assert not any("repeat" in quote for result in turn.assessment.competencies for quote in result.evidence)
    assert outcome.questions_answered == 2


async def test_a_candidate_who_keeps_asking_for_a_repeat_still_moves_on(make_harness: HarnessFactory) -> None:
    # Given a candidate who asks for question 1 again, ten times over
    persona = candidate(turns={1: ["Could you repeat the question, please?"] * 10})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    outcome = await harness.run()

    # Then after the question twice more, the question is set aside, asked once more before the close,
    # and then left unanswered: the interview completes
    spoken = harness.transport.spoken
    assert spoken[2:5] == [
        f"Of course. Here is the question again: {Q1}",
        PHRASES.rephrased(Q1),
        PHRASES.set_aside,
    ]
    assert spoken[5] == ASK_2  # no "Thank you." for a question that was not answered
    assert spoken[6] == f"Thank you. {PHRASES.revisited(1, Q1)}"
    assert PHRASES.move_on in spoken
    assert outcome.state == InterviewState.COMPLETED
    assert harness.turns()[0].status == "unanswered"
    assert sum(kind == "repeat_request" for _, kind in replies(harness, 1)) == 6
    assert completed_responses(harness) == ["unanswered", "answered"]


async def test_a_clarification_question_gets_the_profiles_clarification_and_is_not_the_answer(
    make_harness: HarnessFactory,
) -> None:
    # Given a job whose question 1 has its own clarification, and a candidate who asks what it means
    persona = candidate(turns={1: ["Do you mean a problem at work, or in general?", ANSWER_1]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then the interviewer said the profile's clarification (not a new question), and listened again
    assert harness.transport.spoken[1:4] == [ASK_1, CLARIFICATION, f"Thank you. {ASK_2}"]
    assert shown(harness, 1) == [Q1]
    assert replies(harness, 1) == [("question", "clarification"), ("clarification", "answer")]
    turn = harness.turns()[0]
    assert turn.exchanges[1].prompt == CLARIFICATION
    assert turn.answer == ANSWER_1  # the question about the question is kept, never assessed
    assert turn.status == "answered"


async def test_without_a_profile_clarification_the_brains_clarification_is_said(
    make_harness: HarnessFactory,
) -> None:
    # Given a question with no clarification of its own
    persona = candidate(turns={2: ["What do you mean by a stakeholder?", ANSWER_2]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then the line said is the brain's clarification of the question, and the answer stands alone
    context = TurnContext(question=PROFILE.questions[1])
    reading = await OfflineBrain(VirtualClock()).understand_turn(
        PROFILE, context, "What do you mean by a stakeholder?"
    )
    assert reading.kind == "clarification" and reading.say
    turn = harness.turns()[1]
    assert [exchange.prompt for exchange in turn.exchanges] == [ASK_2, reading.say]
    assert replies(harness, 2) == [("question", "clarification"), ("clarification", "answer")]
    assert turn.answer == ANSWER_2


async def test_a_skipped_question_is_recorded_skipped_not_assessed_and_listed_in_the_report(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who asks to skip question 1
    harness = make_harness(candidate(turns={1: ["Can I skip this one, please?"]}), profile=PROFILE)

    # When the interview runs
    outcome = await harness.run()

    # Then the interviewer agreed and moved on (no "Thank you." for an answer that was not given)
    assert harness.transport.spoken[1:4] == [ASK_1, "Of course, let's move on.", ASK_2]
    # And the turn is skipped: no answer, no assessment, no feedback message, not counted as answered
    turn = harness.turns()[0]
    assert (turn.status, turn.answer, turn.assessment) == ("skipped", "", None)
    assert replies(harness, 1) == [("question", "skip_request")]
    feedback = [m["question_number"] for m in harness.messages() if m["type"] == "feedback"]
    assert feedback == [2]
    assert outcome.questions_answered == 1
    assert completed_responses(harness) == ["skipped", "answered"]
    report = harness.report()
    assert report is not None
    assert report.skipped_questions == ["debug"]
    assert report.unanswered_questions == []
    assert report.questions_answered == 1
    assert report.competencies[0].question_ids == []  # problem solving was only asked in question 1


async def test_a_candidate_who_needs_a_moment_gets_a_longer_silence_once(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who asks for a moment, then thinks for 25 s (the silence timeout is 10 s)
    persona = candidate(
        turns={1: ["Give me a moment to think, please.", ScriptedTurn(say=ANSWER_1, think_seconds=25)]}
    )
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then the interviewer said it would wait, waited, and took the answer (no gentle prompt meanwhile)
    assert harness.transport.spoken[1:4] == [ASK_1, PHRASES.needs_moment, f"Thank you. {ASK_2}"]
    assert PHRASES.gentle_prompt not in harness.transport.spoken
    assert replies(harness, 1) == [("question", "needs_moment"), ("prompt", "answer")]
    assert harness.turns()[0].answer == ANSWER_1
    assert TEST_TIMEOUTS.silence < 25


async def test_no_answer_is_reassured_once_set_aside_and_asked_again_before_the_close(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate with nothing to say to question 1 until it comes back at the end
    persona = candidate(turns={1: ["I don't know.", "Sorry, nothing comes to mind.", ANSWER_1]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    outcome = await harness.run()

    # Then: reassurance once (no probe that presumes an answer), set aside, question 2, then question 1
    # again before the candidate's questions
    assert harness.transport.spoken == [
        GREETING,
        ASK_1,
        PHRASES.reassurance,
        PHRASES.set_aside,
        ASK_2,
        f"Thank you. Let's go back to question 1, which we set aside. {Q1}",
        f"Thank you. {PHRASES.closing_questions}",
        PHRASES.closing,
    ]
    assert replies(harness, 1) == [
        ("question", "non_answer"),
        ("reassurance", "non_answer"),
        ("repeat", "answer"),
    ]
    turn = harness.turns()[0]
    assert turn.status == "answered"
    assert turn.answer == ANSWER_1
    assert turn.assessment is not None
    assert outcome.questions_answered == 2
    # And the frontend saw question 1 again when it came back
    assert shown(harness, 1) == [Q1, Q1]


async def test_still_nothing_after_the_question_came_back_is_unanswered_and_not_scored(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who has no answer to question 1, even at the end
    persona = candidate(turns={1: ["I don't know.", "No idea, sorry.", "I'm not sure, sorry."]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    outcome = await harness.run()

    # Then it moved on, the turn is unanswered with no assessment, and the report lists it
    assert harness.transport.spoken[-4:] == [
        f"Thank you. Let's go back to question 1, which we set aside. {Q1}",
        PHRASES.move_on,
        PHRASES.closing_questions,
        PHRASES.closing,
    ]
    turn = harness.turns()[0]
    assert (turn.status, turn.answer, turn.assessment) == ("unanswered", "", None)
    assert all(kind != "follow_up" for kind, _ in replies(harness, 1))
    assert outcome.questions_answered == 1
    report = harness.report()
    assert report is not None
    assert report.unanswered_questions == ["debug"]
    assert completed_responses(harness) == ["unanswered", "answered"]


async def test_a_question_for_the_interviewer_is_kept_and_answered_from_the_profile_at_the_close(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who asks about the team before answering question 1, and about pay at the end
    persona = candidate(
        turns={1: ["Can I ask you something first: what does the team work on?", ANSWER_1]},
        closing_questions=["What is the salary range for this role?"],
    )
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then the interviewer kept the question for the end, answered it there from the job's FAQ, and
    # passed on the one the profile does not answer
    spoken = harness.transport.spoken
    assert spoken[1:4] == [ASK_1, PHRASES.question_kept, f"Thank you. {ASK_2}"]
    assert spoken[4:] == [
        f"Thank you. {PHRASES.earlier_questions} "
        f'You asked: "Can I ask you something first: what does the team work on?" {TEAM_ANSWER} '
        f"{PHRASES.more_questions}",
        f"{PHRASES.pass_on} {PHRASES.anything_else}",
        PHRASES.closing,
    ]
    assert replies(harness, 1) == [("question", "question_for_interviewer"), ("prompt", "answer")]
    assert harness.turns()[0].answer == ANSWER_1
    # And the report has both questions and what was said back, for the hiring team
    report = harness.report()
    assert report is not None
    asked = [(q.question, q.asked_during, q.source, q.said_back) for q in report.candidate_questions]
    assert asked == [
        ("Can I ask you something first: what does the team work on?", "questions", "profile", TEAM_ANSWER),
        ("What is the salary range for this role?", "closing", "passed_on", PHRASES.pass_on),
    ]
    # And no candidate question was quoted as evidence
    for result in report.competencies:
        assert not any("team work on" in quote or "salary" in quote for quote in result.evidence)


async def test_the_close_asks_for_questions_and_says_goodbye_once(make_harness: HarnessFactory) -> None:
    # Given a candidate with no questions at the end
    harness = make_harness(candidate(), profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then the close invites questions, hears "no", and says goodbye without a doubled thank-you
    assert harness.transport.spoken[-2:] == [f"Thank you. {PHRASES.closing_questions}", PHRASES.closing]
    assert not any("Thank you. Thank you" in line for line in harness.transport.spoken)
    closing = harness.messages()[-12:]
    assert {"type": "transcript", "speaker": "candidate", "text": NO_MORE_QUESTIONS, "final": True} in closing
    report = harness.report()
    assert report is not None
    assert report.candidate_questions == []


async def test_an_answer_in_another_language_is_asked_once_to_switch_and_never_scored_as_weak(
    make_harness: HarnessFactory,
) -> None:
    # Given an English interview and a candidate who answers question 1 in Spanish, switches to English
    # when asked, then answers question 2 in Spanish again
    persona = candidate(turns={1: [SPANISH, ANSWER_1], 2: [SPANISH]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    outcome = await harness.run()

    # Then the interviewer said once which language the interview is held in, and then moved on
    spoken = harness.transport.spoken
    assert spoken[1:5] == [
        ASK_1,
        "This interview is held in English. Could you please continue in English?",
        f"Thank you. {ASK_2}",
        PHRASES.move_on,
    ]
    assert sum("held in English" in line for line in spoken) == 1
    assert replies(harness, 1) == [("question", "other_language"), ("language", "answer")]
    assert replies(harness, 2) == [("question", "other_language")]
    # And the Spanish answer is kept, not assessed, and the report says why (not scored as weak)
    first, second = harness.turns()
    assert first.answer == ANSWER_1
    assert (second.status, second.answer, second.assessment) == ("unanswered", "", None)
    assert second.exchanges[0].answer == SPANISH
    report = harness.report()
    assert report is not None
    assert any(
        "conflict" in note and "Spanish" in note and "not scored as weak" in note
        for note in report.brain_notes
    )
    assert report.unanswered_questions == []  # it was answered, in another language: not "no answer"
    # And the report's "not assessed, and not counted as weak" list names it
    assert [entry.split(":")[0] for entry in report.unassessable_answers] == [second.question_id]
    assert outcome.questions_answered == 1


async def test_a_language_the_job_allows_is_accepted_without_a_notice(make_harness: HarnessFactory) -> None:
    # Given a job that allows answers in Spanish, and a candidate who answers question 2 in Spanish
    profile = PROFILE.model_copy(update={"allowed_languages": ["es"]})
    harness = make_harness(candidate(turns={2: [SPANISH]}), profile=profile)

    # When the interview runs
    await harness.run()

    # Then nothing asks them to switch; the answer is accepted and kept, and never scored as weak: the
    # offline rules cannot read Spanish, so its assessment says it was not assessed
    assert not any("held in English" in line for line in harness.transport.spoken)
    turn = harness.turns()[1]
    assert turn.status == "answered"
    assert turn.exchanges[0].answer == SPANISH
    assert turn.exchanges[0].reply_kind in ("answer", "other_language")
    assert turn.assessment is None or not turn.assessment.assessable
    assert completed_responses(harness) == ["answered", "answered"]


async def test_a_candidate_who_wants_to_stop_is_asked_once_then_the_interview_closes(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who answers question 1, then asks to stop and confirms it
    persona = candidate(turns={2: ["I'm sorry, I'd like to stop the interview now.", "Yes, please."]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    outcome = await harness.run()

    # Then the interviewer confirmed once and closed politely
    assert harness.transport.spoken[2:] == [
        f"Thank you. {ASK_2}",
        PHRASES.confirm_stop,
        PHRASES.closing_on_candidate_request,
    ]
    # And the interview is completed with the end reason candidate_ended, keeping what was answered
    assert (outcome.state, outcome.end_reason, outcome.exit_code) == (
        InterviewState.COMPLETED,
        "candidate_ended",
        0,
    )
    meta = harness.meta()
    assert (meta.state, meta.end_reason) == (InterviewState.COMPLETED, "candidate_ended")
    assert replies(harness, 2) == [("question", "wants_to_stop"), ("confirm_stop", "wants_to_stop")]
    assert [turn.status for turn in harness.turns()] == ["answered", "unanswered"]
    assert harness.turns()[1].answer == ""
    assert completed_responses(harness) == ["answered", "unanswered"]
    report = harness.report()
    assert report is not None
    assert (report.partial, report.end_reason, report.questions_answered) == (True, "candidate_ended", 1)


async def test_a_candidate_who_changes_their_mind_carries_on(make_harness: HarnessFactory) -> None:
    # Given a candidate who asks to stop, then says no, let's carry on, and answers
    persona = candidate(turns={1: ["Can we stop the interview?", "No, let's carry on.", ANSWER_1]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    outcome = await harness.run()

    # Then the question is asked again and the interview goes on to the end
    assert harness.transport.spoken[1:5] == [
        ASK_1,
        PHRASES.confirm_stop,
        f"Alright, let's carry on. {Q1}",
        f"Thank you. {ASK_2}",
    ]
    assert outcome.end_reason == "completed"
    assert harness.turns()[0].answer == ANSWER_1


@pytest.mark.parametrize("trigger", ["end_requested", "room_closed", "terminated"])
async def test_an_interview_that_ends_before_the_candidate_joins_is_a_no_show(
    make_harness: HarnessFactory, trigger: str
) -> None:
    # Given a candidate who never comes
    harness = make_harness("no_show")

    def end() -> Any:
        if trigger == "end_requested":
            return harness.transport.request_end()
        if trigger == "room_closed":
            return harness.transport.close_room()
        harness.conductor.request_stop("terminated")
        return None

    # When the interview is ended while the agent waits (end request, room deleted, or SIGTERM)
    harness.when(lambda message: message.get("phase") == "waiting", end)
    outcome = await harness.run()

    # Then it is abandoned as a no-show with nothing asked, and nothing is said to an empty room
    assert (outcome.state, outcome.end_reason, outcome.exit_code) == (InterviewState.ABANDONED, "no_show", 0)
    meta = harness.meta()
    assert (meta.state, meta.end_reason, meta.question_index) == (InterviewState.ABANDONED, "no_show", 0)
    assert harness.transport.spoken == []
    assert harness.turns() == []
    assert [m["type"] for m in harness.messages()] == ["status", "status"]
    assert harness.messages()[-1] == {"type": "status", "state": "abandoned", "phase": "ended"}


async def test_question_messages_follow_the_conversation(make_harness: HarnessFactory) -> None:
    # Given a candidate who asks for a repeat while question 2 is asked
    harness = make_harness(
        candidate(turns={2: ["Pardon, could you repeat that?", ANSWER_2]}), profile=PROFILE
    )
    during: list[Any] = []
    harness.when(question(2), lambda: during.append(harness.meta()))

    # When the interview runs
    await harness.run()

    # Then the status routes showed question 2 as the current question
    assert during[0].current_question == Q2
    assert shown(harness, 2) == [Q2, Q2]


async def test_the_report_lists_skipped_and_unanswered_questions_and_the_candidates_questions(
    make_harness: HarnessFactory,
) -> None:
    # Given the packaged "curious" candidate (asks for a repeat, a clarification, skips question 3 and
    # asks about the team at the end) and one more who has nothing to say to question 4
    curious = load_persona("curious")
    persona = curious.model_copy(
        update={"turns": {**curious.turns, 4: ["I don't know.", "Sorry, no idea.", "I really don't know."]}}
    )
    harness = make_harness(persona)

    # When the interview runs and the hiring team opens GET /interviews/{room}/report.html and the record
    outcome = await harness.run()
    page = report_page()
    status, record, _ = Api("interview_record").call(
        "GET",
        f"/interviews/{ROOM}",
        path_parameters={"roomName": ROOM},
        route_key="GET /interviews/{roomName}",
    )

    # Then the interview completed with 3 of 5 answered
    assert (outcome.state, outcome.questions_answered) == (InterviewState.COMPLETED, 3)
    # And the page lists the skipped and the unanswered question, and the candidate's question with what
    # was said back, in its own section for the hiring team
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Skipped and unanswered questions" in text
    assert f"Skipped at the candidate's request: Question 3. {DEFAULT_PROFILE.questions[2].text}" in text
    assert f"No answer (left unanswered): Question 4. {DEFAULT_PROFILE.questions[3].text}" in text
    assert "The candidate’s questions" in text
    assert "“What does the team work on day to day?”" in text
    assert "Passed on to the hiring team: please get back to the candidate" in text
    assert f"Said back: {PHRASES.pass_on}" in text
    # And the transcript says which lines were not answers
    assert "asked to hear the question again" in text
    assert "asked what the question means" in text
    # And the record carries each exchange's reply kind
    assert status == 200
    first = record["turns"][0]["exchanges"]
    assert [exchange["replyKind"] for exchange in first] == ["repeat_request", "answer"]
    assert [turn["status"] for turn in record["turns"]] == [
        "answered",
        "answered",
        "skipped",
        "unanswered",
        "answered",
    ]
    assert record["report"]["skipped_questions"] == ["q3"]
    assert record["report"]["unanswered_questions"] == ["q4"]


async def test_a_candidate_who_asks_to_come_back_to_a_question_later_gets_it_before_the_close(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who asks to come back to question 1 at the end, and answers it then
    persona = candidate(turns={1: ["Can we come back to it at the end?", ANSWER_1]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    outcome = await harness.run()

    # Then it was set aside (not skipped), asked again before the close, and answered
    assert harness.transport.spoken[1:5] == [
        ASK_1,
        PHRASES.set_aside,
        ASK_2,
        f"Thank you. {PHRASES.revisited(1, Q1)}",
    ]
    assert replies(harness, 1) == [("question", "skip_request"), ("repeat", "answer")]
    assert harness.turns()[0].status == "answered"
    assert outcome.questions_answered == 2


async def test_after_the_reassurance_a_request_to_repeat_gets_the_question_put_another_way(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who has nothing at first, then asks to hear the question again (as offered)
    persona = candidate(turns={1: ["I don't know.", "Could you repeat the question?", ANSWER_1]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then the question comes back rephrased in parts, as the reassurance offered
    assert harness.transport.spoken[1:4] == [ASK_1, PHRASES.reassurance, PHRASES.rephrased(Q1)]
    assert replies(harness, 1) == [
        ("question", "non_answer"),
        ("reassurance", "repeat_request"),
        ("repeat", "answer"),
    ]


async def test_the_frontend_gets_exactly_these_messages_for_a_clarification_and_a_skip(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who asks what question 1 means, answers it, then asks to skip question 2
    persona = candidate(turns={1: ["What do you mean by difficult?", ANSWER_1], 2: ["Can I skip this one?"]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then the frontend got exactly these messages: no question message for the clarification, a response
    # for every reply, feedback only for the answer, and the completion with each question's status
    def status(phase: str, state: str = "in_progress") -> dict[str, Any]:
        return {"type": "status", "state": state, "phase": phase}

    def says(text: str, speaker: str = "agent") -> dict[str, Any]:
        return {"type": "transcript", "speaker": speaker, "text": text, "final": True}

    def asking(number: int, text: str, category: str, progress: int) -> dict[str, Any]:
        message = {"type": "question", "question": text, "question_number": number, "total_questions": 2}
        return {**message, "progress": progress, "category": category}

    listening = [status("listening"), {"type": "agent_listening"}]
    messages = [{k: v for k, v in m.items() if k != "timestamp"} for m in harness.messages()]
    assert messages == [
        status("waiting", "waiting_for_candidate"),
        status("greeting"),
        says(GREETING),
        status("asking"),
        asking(1, Q1, "technical", 0),
        says(ASK_1),
        *listening,
        {"type": "response_received", "question_number": 1},
        says("What do you mean by difficult?", "candidate"),
        status("asking"),
        says(CLARIFICATION),
        *listening,
        {"type": "response_received", "question_number": 1},
        says(ANSWER_1, "candidate"),
        {"type": "feedback", "question_number": 1, "message": PHRASES.feedback},
        status("asking"),
        asking(2, Q2, "behavioral", 50),
        says(f"Thank you. {ASK_2}"),
        *listening,
        {"type": "response_received", "question_number": 2},
        says("Can I skip this one?", "candidate"),
        status("asking"),
        says(PHRASES.skip),
        status("closing"),
        says(PHRASES.closing_questions),
        *listening,
        {"type": "response_received", "question_number": 2},
        says(NO_MORE_QUESTIONS, "candidate"),
        status("closing"),
        says(PHRASES.closing),
        status("reporting"),
        status("ended", "completed"),
        {
            "type": "interview_completed",
            "total_questions": 2,
            "total_responses": 1,
            "responses": [
                {"question_number": 1, "question": Q1, "status": "answered"},
                {"question_number": 2, "question": Q2, "status": "skipped"},
            ],
            "reportUrl": f"/interviews/{ROOM}/report.html",
        },
    ]


class ScriptedReadings(OfflineBrain):
    """The offline brain, except that these utterances are read as scripted (as another brain might)."""

    def __init__(self, clock: VirtualClock, readings: dict[str, TurnReading]) -> None:
        super().__init__(clock)
        self._readings = readings
        self.contexts: list[TurnContext] = []

    async def understand_turn(self, profile: JobProfile, context: TurnContext, utterance: str) -> TurnReading:
        self.contexts.append(context)
        if utterance in self._readings:
            return self._readings[utterance]
        return await super().understand_turn(profile, context, utterance)


async def test_what_the_brain_says_back_at_the_close_is_said_and_recorded(
    make_harness: HarnessFactory,
) -> None:
    # Given a brain that answers the candidate's closing question from the profile (stage "closing")
    asked = "Will I work with the payments team?"
    grounded = "Yes: the role sits in the payments platform team."
    brains: list[ScriptedReadings] = []

    def brain(clock: VirtualClock) -> ScriptedReadings:
        brains.append(
            ScriptedReadings(clock, {asked: TurnReading(kind="question_for_interviewer", say=grounded)})
        )
        return brains[0]

    harness = make_harness(candidate(closing_questions=[asked]), profile=PROFILE, brain=brain)

    # When the interview runs
    await harness.run()

    # Then the brain was asked at stage "closing", and its words were said and recorded as from the profile
    assert harness.transport.spoken[-2:] == [f"{grounded} {PHRASES.anything_else}", PHRASES.closing]
    assert [context.stage for context in brains[0].contexts][-2:] == ["closing", "closing"]
    report = harness.report()
    assert report is not None
    assert [(q.question, q.source, q.said_back) for q in report.candidate_questions] == [
        (asked, "profile", grounded)
    ]


async def test_an_allowed_language_read_as_another_language_is_an_answer_never_scored_as_weak(
    make_harness: HarnessFactory,
) -> None:
    # Given a job that allows Spanish, and a brain that reads question 2's answer as Spanish
    profile = PROFILE.model_copy(update={"allowed_languages": ["es"]})

    def brain(clock: VirtualClock) -> ScriptedReadings:
        return ScriptedReadings(clock, {SPANISH: TurnReading(kind="other_language", language="es")})

    harness = make_harness(candidate(turns={2: [SPANISH]}), profile=profile, brain=brain)

    # When the interview runs
    outcome = await harness.run()

    # Then no one asks the candidate to switch; the answer is taken as the answer and handed to the
    # assessment, which (the offline rules read English only) marks it not assessed rather than weak
    assert not any("held in English" in line for line in harness.transport.spoken)
    turn = harness.turns()[1]
    assert replies(harness, 2) == [("question", "answer")]
    assert (turn.status, turn.answer) == ("answered", SPANISH)
    assert turn.assessment is not None
    assert not turn.assessment.assessable
    assert turn.assessment.competencies == []
    assert outcome.questions_answered == 2


async def test_a_brain_that_cannot_read_a_turn_takes_it_as_an_answer(make_harness: HarnessFactory) -> None:
    # Given a brain whose turn reading fails (after its own fallbacks)
    class Unreadable(OfflineBrain):
        async def understand_turn(self, *args: Any, **kwargs: Any) -> TurnReading:
            raise RuntimeError("no reading")

    harness = make_harness(candidate(), profile=PROFILE, brain=Unreadable)

    # When the interview runs
    outcome = await harness.run()

    # Then the interview goes on: each reply counts as an answer and is assessed
    assert outcome.state == InterviewState.COMPLETED
    assert [turn.status for turn in harness.turns()] == ["answered", "answered"]
    assert all(turn.assessment is not None for turn in harness.turns())


async def test_a_request_to_repeat_a_follow_up_gets_the_follow_up_again(make_harness: HarnessFactory) -> None:
    # Given a candidate whose short answer gets a follow-up, who asks to hear the follow-up again
    vague = "I fixed a slow page once."
    more = "I measured the load time, found a missing index, added it, and the page loaded in one second."
    persona = candidate(turns={1: [vague, "Sorry, could you repeat that?", more]})
    harness = make_harness(persona, profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then the follow-up is said again as it was (not the main question), and both answers are assessed
    turn = harness.turns()[0]
    kinds = replies(harness, 1)
    assert kinds[:3] == [("question", "answer"), ("follow_up", "repeat_request"), ("follow_up", "answer")]
    assert turn.exchanges[1].prompt == turn.exchanges[2].prompt
    assert turn.answer.startswith(f"{vague}\n{more}")


async def test_many_questions_for_the_interviewer_are_kept_but_only_three_answered_one_by_one(
    make_harness: HarnessFactory,
) -> None:
    # Given a candidate who asks the interviewer four questions before answering question 1
    asked = [f"Can I ask you something first: what about point {n}?" for n in range(1, 5)]
    harness = make_harness(candidate(turns={1: [*asked, ANSWER_1]}), profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then each was kept with the same short line, and at the close three are said back one by one and
    # the fourth is passed on to the hiring team; all four are in the report
    assert harness.transport.spoken.count(PHRASES.question_kept) == 4
    invitation = harness.transport.spoken[-2]
    assert invitation.count("You asked:") == 3
    assert invitation.endswith(f"{PHRASES.pass_on} {PHRASES.more_questions}")
    report = harness.report()
    assert report is not None
    assert [q.question for q in report.candidate_questions] == asked
    assert all(q.said_back for q in report.candidate_questions)


async def test_a_bare_yes_at_the_close_is_invited_to_ask(make_harness: HarnessFactory) -> None:
    # Given a candidate who answers "Yes, I do." to the invitation, then asks their question
    asked = "What are the next steps after today?"
    harness = make_harness(candidate(closing_questions=["Yes, I do.", asked]), profile=PROFILE)

    # When the interview runs
    await harness.run()

    # Then the interviewer invites the question, answers it (passed on), and closes
    assert harness.transport.spoken[-4:] == [
        f"Thank you. {PHRASES.closing_questions}",
        PHRASES.go_ahead,
        f"{PHRASES.pass_on} {PHRASES.anything_else}",
        PHRASES.closing,
    ]
    report = harness.report()
    assert report is not None
    assert [q.question for q in report.candidate_questions] == [asked]
