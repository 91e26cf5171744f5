"""One whole interview against a real LiveKit server, for whoever has one (`make test-livekit`).

    livekit-server --dev            # key pair devkey / secret, ws://127.0.0.1:7880
    LIVEKIT_URL=ws://127.0.0.1:7880 make test-livekit

The agent runs as it does in its container: the LiveKit transport in a real rtc.Room, the local voice
(Silero VAD, Whisper tiny.en, Piper), the offline brain, its record in moto's DynamoDB. The candidate is a
script that joins through the real rtc SDK with a token minted like /token's, subscribes to the agent,
publishes a microphone and a camera, and answers each question aloud (Piper's voice) when the agent
listens. Skipped with a message when no server is given.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import boto3
import pytest
from interview_common import livekit_rooms
from interview_common.credentials import LiveKitKeyPair
from interview_common.interview_log import InterviewLog
from interview_common.lifecycle import InterviewState
from interview_common.participants import ParticipantStore
from interview_common.store import InterviewStore
from interviewer.brains.offline import OfflineBrain
from interviewer.clock import RealClock
from interviewer.conductor import Conductor, InterviewIdentity, Timeouts
from interviewer.config import AgentSettings
from interviewer.recorder import DynamoRecorder
from interviewer.speech.local_models import local_speech_available
from livekit import api, rtc

from tests.conftest import TABLE_NAME
from tests.integration.agent.conftest import (
    AGENT_IDENTITY,
    CANDIDATE_ID,
    INTERVIEW_ID,
    ROOM,
    record_interview,
)
from tests.integration.agent.test_conductor import ANSWER_1, ANSWER_2, TWO_QUESTIONS
from tests.unit.agent.livekit_doubles import Microphone

# `make test-livekit` passes the server as LIVEKIT_TEST_* (tests/conftest.py points LIVEKIT_* at fakes).
LIVEKIT_URL = os.environ.get("LIVEKIT_TEST_URL", "")
KEY = os.environ.get("LIVEKIT_TEST_API_KEY") or "devkey"
SECRET = os.environ.get("LIVEKIT_TEST_API_SECRET") or "secret"
CANDIDATE = f"candidate-{CANDIDATE_ID}"
INTERVIEW_LIMIT = 300.0

pytestmark = [
    pytest.mark.skipif(
        not LIVEKIT_URL,
        reason="no LiveKit server (livekit-server --dev; LIVEKIT_URL=ws://127.0.0.1:7880 make test-livekit)",
    ),
    pytest.mark.skipif(not local_speech_available(), reason="needs the `voice` extra (local STT and TTS)"),
]

TIMEOUTS = Timeouts(
    no_show=60,
    silence=30,
    rejoin_grace=30,
    max_duration=INTERVIEW_LIMIT,
    max_follow_ups=0,
    assessment_wait=30,
)


@dataclass
class ScriptedCandidate:
    """A person in the room through the real SDK: hears the agent, answers each question aloud."""

    answers: dict[int, str]
    room: rtc.Room = field(default_factory=rtc.Room)
    messages: list[dict[str, Any]] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    agent_states: list[str] = field(default_factory=list)
    subscribed_to_agent_audio: bool = False
    _microphone: Microphone | None = None
    _question: int = 0
    _speaking: set[asyncio.Future[None]] = field(default_factory=set)

    async def join(self) -> None:
        token = livekit_rooms.participant_token(
            LiveKitKeyPair(KEY, SECRET),
            room_name=ROOM,
            identity=CANDIDATE,
            name="Ada",
            ttl=timedelta(minutes=15),
        )
        self.room.on("data_received", self._on_data)
        self.room.on("track_subscribed", self._on_track_subscribed)
        self.room.on("participant_attributes_changed", self._on_attributes)
        self.room.register_text_stream_handler("lk.transcription", self._on_caption)
        await self.room.connect(LIVEKIT_URL, token, rtc.RoomOptions(auto_subscribe=True))
        source = rtc.AudioSource(48_000, 1)
        microphone = rtc.LocalAudioTrack.create_audio_track("microphone", source)
        await self.room.local_participant.publish_track(
            microphone, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        )
        camera = rtc.LocalVideoTrack.create_video_track("camera", rtc.VideoSource(320, 240))
        await self.room.local_participant.publish_track(
            camera, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_CAMERA)
        )
        self._microphone = Microphone(source)

    def _on_data(self, packet: rtc.DataPacket) -> None:
        if packet.topic != "interview":
            return
        import json

        message = json.loads(packet.data)
        self.messages.append(message)
        if message.get("type") == "question":
            self._question = int(message["question_number"])
        elif message.get("type") == "agent_listening" and self._question in self.answers:
            task = asyncio.ensure_future(self._answer(self.answers.pop(self._question)))
            self._speaking.add(task)
            task.add_done_callback(self._speaking.discard)

    async def _answer(self, text: str) -> None:
        from interviewer.speech.loopback import candidate_speaker

        assert self._microphone is not None
        pcm = await asyncio.to_thread(candidate_speaker().speak, text)
        await self._microphone.say(pcm)

    def _on_track_subscribed(
        self, track: rtc.Track, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        if participant.identity == AGENT_IDENTITY and track.kind == rtc.TrackKind.KIND_AUDIO:
            self.subscribed_to_agent_audio = True

    def _on_attributes(self, changed: dict[str, str], participant: rtc.Participant) -> None:
        if participant.identity == AGENT_IDENTITY and "lk.agent.state" in changed:
            self.agent_states.append(changed["lk.agent.state"])

    def _on_caption(self, reader: rtc.TextStreamReader, participant_identity: str) -> None:
        async def read() -> None:
            if participant_identity == AGENT_IDENTITY:
                self.captions.append(await reader.read_all())

        task = asyncio.ensure_future(read())
        self._speaking.add(task)
        task.add_done_callback(self._speaking.discard)

    async def leave(self) -> None:
        if self._microphone is not None:
            await self._microphone.aclose()
        await self.room.disconnect()


@pytest.fixture
async def fresh_room() -> AsyncIterator[None]:
    async with api.LiveKitAPI(livekit_rooms.http_url(LIVEKIT_URL), KEY, SECRET) as lkapi:
        rooms = await lkapi.room.list_rooms(api.ListRoomsRequest(names=[ROOM]))
        if rooms.rooms:
            await lkapi.room.delete_room(api.DeleteRoomRequest(room=ROOM))
        await lkapi.room.create_room(
            api.CreateRoomRequest(name=ROOM, empty_timeout=300, departure_timeout=180)
        )
        yield
        await lkapi.room.delete_room(api.DeleteRoomRequest(room=ROOM))


@pytest.mark.usefixtures("aws", "fresh_room")
async def test_a_whole_spoken_interview_in_a_real_livekit_room() -> None:
    from interviewer.transports.livekit import LiveKitTransport

    # Given the agent's record, its settings and its transport (real rtc.Room, local voice)
    settings = AgentSettings.from_env(
        {
            "ROOM_NAME": ROOM,
            "INTERVIEW_ID": INTERVIEW_ID,
            "CANDIDATE_IDENTITY": CANDIDATE,
            "CANDIDATE_ID": CANDIDATE_ID,
            "JOB_ID": TWO_QUESTIONS.job_id,
            "TABLE_NAME": TABLE_NAME,
            "LIVEKIT_URL": LIVEKIT_URL,
            "LIVEKIT_API_KEY": KEY,
            "LIVEKIT_API_SECRET": SECRET,
        }
    )
    clock = RealClock()
    dynamodb = boto3.client("dynamodb")
    log = InterviewLog(TABLE_NAME, dynamodb)
    log.put_job_profile(TWO_QUESTIONS)
    record_interview(job_id=TWO_QUESTIONS.job_id)
    transport = LiveKitTransport(settings, clock=clock)
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
        timeouts=TIMEOUTS,
    )
    candidate = ScriptedCandidate(answers={1: ANSWER_1, 2: ANSWER_2})

    # When the agent starts and the candidate joins through the rtc SDK a moment later
    interview = asyncio.ensure_future(conductor.run())
    await asyncio.sleep(2.0)
    await candidate.join()
    started = time.monotonic()
    outcome = await asyncio.wait_for(interview, INTERVIEW_LIMIT)
    await candidate.leave()

    # Then the interview completed with both questions answered aloud and heard
    assert outcome.state == InterviewState.COMPLETED, outcome
    assert outcome.questions_answered == 2
    assert time.monotonic() - started < INTERVIEW_LIMIT
    turns = log.get_turns(ROOM, INTERVIEW_ID)
    assert len(turns) == 2
    assert all(len(turn.answer.split()) >= 10 for turn in turns)  # Whisper's words of each spoken answer
    # And the candidate heard the agent (subscribed to its audio), read its captions, and saw its state
    assert candidate.subscribed_to_agent_audio
    assert any("Question 1 of 2" in caption for caption in candidate.captions)
    assert {"speaking", "listening"} <= set(candidate.agent_states)
    assert [m["type"] for m in candidate.messages].count("question") == 2
    assert candidate.messages[-1]["type"] == "interview_completed"
    meta = InterviewStore(TABLE_NAME, dynamodb).get_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.COMPLETED
