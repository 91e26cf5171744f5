"""The conductor driving the LiveKit transport, whose AgentSession runs in text mode (no server).

The candidate answers through the session's end of turn (the agent's `on_user_turn_completed`, what STT
and turn detection deliver in a room); the conductor's lines come out of the session as the agent's
speech. tests/unit/agent/test_room_io.py runs the same pipeline with room audio.
"""

from __future__ import annotations

import asyncio
from typing import Any

import boto3
from interview_common.interview_log import InterviewLog
from interview_common.lifecycle import InterviewState
from interview_common.participants import ParticipantStore
from interview_common.store import InterviewStore
from interviewer.brains.offline import OfflineBrain
from interviewer.clock import RealClock
from interviewer.conductor import Conductor, InterviewIdentity, Phrases, Timeouts
from interviewer.config import AgentSettings
from interviewer.recorder import DynamoRecorder
from interviewer.transports.livekit import LiveKitTransport
from interviewer.transports.livekit_voice import VoicePipeline
from livekit import api, rtc
from livekit.agents.types import APIConnectOptions

from tests.conftest import TABLE_NAME, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET
from tests.integration.agent.conftest import (
    AGENT_IDENTITY,
    CANDIDATE_ID,
    INTERVIEW_ID,
    REPORT_URL,
    ROOM,
    record_interview,
)
from tests.integration.agent.test_conductor import ANSWER_1, ANSWER_2, TWO_QUESTIONS
from tests.unit.agent.livekit_doubles import (
    SAMPLE_RATE,
    AudioSourceSink,
    OfflineRoom,
    SentData,
    ToneTTS,
    end_of_turn,
)

FAST = Timeouts(
    no_show=5,
    silence=2,
    rejoin_grace=2,
    max_duration=60,
    max_follow_ups=1,
    heartbeat_interval=0.2,
    assessment_wait=5,
)


def build(
    room: OfflineRoom, voice: VoicePipeline | None = None
) -> tuple[Conductor, VoicePipeline, InterviewLog]:
    settings = AgentSettings.from_env(
        {
            "ROOM_NAME": ROOM,
            "INTERVIEW_ID": INTERVIEW_ID,
            "CANDIDATE_IDENTITY": f"candidate-{CANDIDATE_ID}",
            "CANDIDATE_ID": CANDIDATE_ID,
            "JOB_ID": TWO_QUESTIONS.job_id,
            "TABLE_NAME": TABLE_NAME,
            "LIVEKIT_URL": "ws://127.0.0.1:7880",
            "LIVEKIT_API_KEY": TEST_LIVEKIT_KEY,
            "LIVEKIT_API_SECRET": TEST_LIVEKIT_SECRET,
        }
    )
    clock = RealClock()
    dynamodb = boto3.client("dynamodb")
    log = InterviewLog(TABLE_NAME, dynamodb)
    log.put_job_profile(TWO_QUESTIONS)
    record_interview(job_id=TWO_QUESTIONS.job_id)
    voice = voice or VoicePipeline.create(clock)
    transport = LiveKitTransport(settings, clock=clock, room=room, voice=voice, voice_in_room=False)  # type: ignore[arg-type]
    recorder = DynamoRecorder.on_thread(
        room_name=ROOM,
        interview_id=INTERVIEW_ID,
        job_id=TWO_QUESTIONS.job_id,
        agent_identity=AGENT_IDENTITY,
        store=InterviewStore(TABLE_NAME, dynamodb),
        log=log,
        participants=ParticipantStore(TABLE_NAME, dynamodb),
        clock=clock,
    )
    conductor = Conductor(
        identity=InterviewIdentity.from_settings(settings),
        transport=transport,
        brain=OfflineBrain(clock),
        recorder=recorder,
        clock=clock,
        timeouts=FAST,
    )
    return conductor, voice, log


def candidate_answers(
    room: OfflineRoom, voice: VoicePipeline, answers: dict[int, str]
) -> list[asyncio.Task[Any]]:
    """When the agent listens, the candidate's answer goes through the AgentSession (as speech would)."""
    tasks: list[asyncio.Task[Any]] = []
    current = {"number": 0}

    async def answer(text: str) -> None:
        await end_of_turn(voice, text)

    def on_sent(sent: SentData) -> None:
        if sent.payload.get("type") == "question":
            current["number"] = sent.payload["question_number"]
        elif sent.payload.get("type") == "agent_listening" and current["number"] in answers:
            tasks.append(asyncio.ensure_future(answer(answers.pop(current["number"]))))

    room.local_participant.on_sent.append(on_sent)
    return tasks


async def test_the_conductor_runs_an_interview_through_the_agent_session(aws: None) -> None:
    # Given the agent in a (serverless) room, and a candidate who joins and answers both questions
    room = OfflineRoom()
    conductor, voice, log = build(room)
    candidate_answers(room, voice, {1: ANSWER_1, 2: ANSWER_2})
    asyncio.get_running_loop().call_later(0.05, room.join, f"candidate-{CANDIDATE_ID}")

    # When the interview runs
    outcome = await asyncio.wait_for(conductor.run(), 30)

    # Then it completed, and the session spoke the conductor's lines and heard the candidate's answers
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.questions_answered == 2
    history = [
        (item.role, item.text_content) for item in voice.session.history.items if hasattr(item, "role")
    ]
    spoken = [text for role, text in history if role == "assistant"]
    assert spoken[0] == Phrases().greeting(TWO_QUESTIONS.title, 2)
    assert spoken[1] == f"Question 1 of 2. {TWO_QUESTIONS.questions[0].text}"
    assert spoken[-1].endswith(Phrases().closing)
    # And the frontend got the interview messages on the room, reliably, ending with the completion
    messages = room.messages()
    assert [m["type"] for m in messages].count("question") == 2
    assert messages[-1] == {
        "type": "interview_completed",
        "total_questions": 2,
        "total_responses": 2,
        "responses": [
            {"question_number": number, "question": question.text, "status": "answered"}
            for number, question in enumerate(TWO_QUESTIONS.questions, start=1)
        ],
        "reportUrl": REPORT_URL,
    }
    assert all(sent.reliable for sent in room.local_participant.sent)
    # And lk.agent.state went through the conversation's states and rests at idle
    history_states = room.local_participant.attribute_history
    assert history_states[0] == "initializing"
    assert {"thinking", "speaking", "listening"} <= set(history_states)
    assert room.local_participant.attributes["lk.agent.state"] == "idle"
    # And the record holds both turns, the report and the completed state (queued writes flushed)
    turns = log.get_turns(ROOM, INTERVIEW_ID)
    assert [turn.answer for turn in turns] == [ANSWER_1, ANSWER_2]
    assert all(turn.assessment is not None for turn in turns)
    assert log.get_report(ROOM, INTERVIEW_ID) is not None
    meta = InterviewStore(TABLE_NAME, boto3.client("dynamodb")).get_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.COMPLETED
    # And the agent joined with its own token
    assert room.connected_with is not None
    assert (
        api.TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET).verify(room.connected_with[1]).identity
        == AGENT_IDENTITY
    )


async def test_end_interview_from_the_backend_closes_politely(aws: None) -> None:
    # Given an interview where the candidate answered question 1
    room = OfflineRoom()
    conductor, voice, _ = build(room)
    candidate_answers(room, voice, {1: ANSWER_1})
    asyncio.get_running_loop().call_later(0.05, room.join, f"candidate-{CANDIDATE_ID}")

    def end_when_question_2_is_asked(sent: SentData) -> None:
        if sent.payload.get("type") == "question" and sent.payload.get("question_number") == 2:
            room.server_sends("interview.control", {"type": "end_interview"})

    room.local_participant.on_sent.append(end_when_question_2_is_asked)

    # When the backend's end-interview message arrives during question 2
    outcome = await asyncio.wait_for(conductor.run(), 30)

    # Then the agent said goodbye and the interview completed with what was answered
    spoken = [
        item.text_content
        for item in voice.session.history.items
        if getattr(item, "role", None) == "assistant"
    ]
    assert spoken[-1] == Phrases().closing_on_request
    assert outcome.state == InterviewState.COMPLETED
    assert outcome.end_reason == "end_requested"
    assert outcome.questions_answered == 1


async def test_a_second_agent_for_the_interview_makes_this_one_leave_without_recording(aws: None) -> None:
    # Given an interview where the candidate answered question 1
    room = OfflineRoom()
    conductor, voice, log = build(room)
    candidate_answers(room, voice, {1: ANSWER_1})
    asyncio.get_running_loop().call_later(0.05, room.join, f"candidate-{CANDIDATE_ID}")

    def replaced_when_question_2_is_asked(sent: SentData) -> None:
        if sent.payload.get("type") == "question" and sent.payload.get("question_number") == 2:
            room.replaced_by_duplicate()

    room.local_participant.on_sent.append(replaced_when_question_2_is_asked)

    # When LiveKit disconnects this agent because another joined with its identity (DUPLICATE_IDENTITY)
    outcome = await asyncio.wait_for(conductor.run(), 30)

    # Then it stops without ending the interview or writing a report: the other agent holds both
    assert outcome.end_reason == "replaced"
    meta = InterviewStore(TABLE_NAME, boto3.client("dynamodb")).get_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.IN_PROGRESS
    assert log.get_report(ROOM, INTERVIEW_ID) is None


async def test_speech_that_fails_for_good_ends_the_interview_instead_of_going_on_deaf(aws: None) -> None:
    # Given a voice session whose TTS is down and which gives up after its first unrecoverable error
    source = rtc.AudioSource(SAMPLE_RATE, 1)
    voice = VoicePipeline.create(
        RealClock(),
        tts=ToneTTS(fail=True),
        tts_connect=APIConnectOptions(max_retry=0, timeout=2),
        max_unrecoverable_errors=0,
    )
    voice.session.output.audio = AudioSourceSink(source)
    room = OfflineRoom()
    conductor, voice, _ = build(room, voice)
    asyncio.get_running_loop().call_later(0.05, room.join, f"candidate-{CANDIDATE_ID}")

    # When the interview runs and the session closes itself
    outcome = await asyncio.wait_for(conductor.run(), 30)

    # Then the interview ends at once as speech_lost (failed: nothing was answered), with the reason
    assert outcome.end_reason == "speech_lost"
    assert outcome.state == InterviewState.FAILED
    assert outcome.error is not None
    assert "speech-to-text or text-to-speech" in outcome.error
    meta = InterviewStore(TABLE_NAME, boto3.client("dynamodb")).get_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.FAILED
    # And the lines it could not say reached the candidate as text
    assert any(m.get("type") == "transcript" and m.get("speaker") == "agent" for m in room.messages())
