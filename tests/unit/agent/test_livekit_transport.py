"""The LiveKit transport without a LiveKit server: its token, its voice pipeline (a real AgentSession in
text mode and with audio into an rtc.AudioSource), its avatar tile, and how it reads the room."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import jwt
import pytest
from interviewer.clock import RealClock
from interviewer.config import AgentSettings
from interviewer.ports import RoomEvent, SpeechFailed
from interviewer.transports import livekit as livekit_transport
from interviewer.transports import presence
from interviewer.transports.avatar import IDLE_RGBA, SPEAKING_RGBA, AvatarTile
from interviewer.transports.data_packets import CANDIDATE_TEXT_LIMIT
from interviewer.transports.livekit import AGENT_TOKEN_TTL, LiveKitTransport, agent_token
from interviewer.transports.livekit_voice import BACKCHANNEL_MAX_WORDS, VoicePipeline
from livekit import api, rtc
from livekit.agents.types import APIConnectOptions

from tests.unit.agent.livekit_doubles import (
    SAMPLE_RATE,
    SECONDS_PER_WORD,
    AudioSourceSink,
    OfflineRoom,
    ToneTTS,
    end_of_turn,
)

KEY = "devkey"
SECRET = "a-livekit-secret-that-is-long-enough-0123456789"
ENV = {
    "ROOM_NAME": "room-lk",
    "INTERVIEW_ID": "5f1c0ffee",
    "CANDIDATE_IDENTITY": "candidate-c7",
    "CANDIDATE_ID": "c7",
    "JOB_ID": "j1",
    "TABLE_NAME": "interviews",
    "LIVEKIT_URL": "wss://example.livekit.cloud",
    "LIVEKIT_API_KEY": KEY,
    "LIVEKIT_API_SECRET": SECRET,
}


@pytest.fixture
def settings() -> AgentSettings:
    return AgentSettings.from_env(ENV)


def test_the_agent_mints_its_own_room_scoped_short_lived_agent_token(settings: AgentSettings) -> None:
    # When the agent mints its token
    before = time.time()
    token = agent_token(settings)

    # Then it is signed with the key pair, for the agent's identity, this room only, as an agent
    claims = api.TokenVerifier(KEY, SECRET).verify(token)
    assert claims.identity == "interview-agent-5f1c0ffee"
    assert "candidate" not in claims.identity
    assert claims.name == "AI Interviewer"
    assert claims.kind == "agent"
    video = claims.video
    assert video is not None
    assert video.room == "room-lk"
    assert video.room_join is True
    assert video.agent is True
    assert video.can_publish is True
    assert video.can_subscribe is True
    assert video.can_publish_data is True
    assert video.can_update_own_metadata is True
    assert not video.room_create
    assert not video.room_admin
    assert not video.room_list
    # And it expires in minutes, not the SDK's default 6 hours
    expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert expiry - before <= AGENT_TOKEN_TTL.total_seconds() + 1
    assert timedelta(minutes=15) >= AGENT_TOKEN_TTL
    # And the secret is nowhere in the settings' repr
    assert SECRET not in repr(settings)


def test_without_the_key_pair_the_agent_cannot_mint_a_token() -> None:
    settings = AgentSettings.from_env({k: v for k, v in ENV.items() if k != "LIVEKIT_API_SECRET"})
    with pytest.raises(ValueError, match="LIVEKIT_API_SECRET"):
        agent_token(settings)


async def test_spoken_lines_reach_an_audio_source_as_frames() -> None:
    # Given the voice pipeline with an instant tone TTS, its audio written into an rtc.AudioSource
    source = rtc.AudioSource(SAMPLE_RATE, 1)
    sink = AudioSourceSink(source)
    voice = VoicePipeline.create(RealClock(), tts=ToneTTS())
    voice.session.output.audio = sink
    await voice.start()

    # When the agent says a six-word line
    await voice.say("Question one of five: tell me more.")

    # Then 24 kHz mono frames carrying the line's audio went through the AudioSource
    assert sink.frames
    assert {(frame.sample_rate, frame.num_channels) for frame in sink.frames} == {(SAMPLE_RATE, 1)}
    played = sum(frame.samples_per_channel for frame in sink.frames)
    assert played >= SAMPLE_RATE * SECONDS_PER_WORD * 7
    assert any(max(frame.data) > 1000 for frame in sink.frames)  # not silence
    await voice.aclose()


async def test_a_speech_failure_is_reported_to_the_conductor() -> None:
    # Given a TTS that is down (no retries)
    source = rtc.AudioSource(SAMPLE_RATE, 1)
    voice = VoicePipeline.create(
        RealClock(), tts=ToneTTS(fail=True), tts_connect=APIConnectOptions(max_retry=0, timeout=2)
    )
    voice.session.output.audio = AudioSourceSink(source)
    await voice.start()

    # When the agent tries to speak, Then it raises SpeechFailed (the conductor retries, then sends text)
    with pytest.raises(SpeechFailed, match="text-to-speech failed"):
        await voice.say("Hello there.")
    await voice.aclose()


async def test_a_finished_turn_reaches_the_conductor_and_no_reply_is_generated() -> None:
    # Given the voice pipeline in text mode: a session with no LLM, the conductor's agent in it
    voice = VoicePipeline.create(RealClock())
    await voice.start()
    assert voice.session.llm is None

    # When the session's end of turn hands the candidate's words to the agent (as STT + turn detection do)
    await end_of_turn(voice, "I measured it and cut latency by half.")

    # Then the conductor hears it, and no reply was generated
    heard = await voice.next_turn(1.0)
    assert heard is not None
    assert heard.text == "I measured it and cut latency by half."
    assert heard.started_at <= heard.ended_at
    assert all(getattr(item, "role", None) != "assistant" for item in voice.session.history.items)
    # And silence is reported as None after the timeout
    assert await voice.next_turn(0.01) is None
    await voice.aclose()


async def test_a_turn_that_ended_before_the_agents_latest_line_is_not_its_answer() -> None:
    # Given a turn the conductor never listened for (it ended before the agent spoke again)
    voice = VoicePipeline.create(RealClock(), tts=ToneTTS())
    voice.session.output.audio = AudioSourceSink(rtc.AudioSource(SAMPLE_RATE, 1))
    await voice.start()
    await end_of_turn(voice, "and one more thing about the last question")
    await asyncio.sleep(0.01)

    # When the agent asks the next question, and the candidate answers it
    await voice.say("Question two of five: how do you test?")
    await end_of_turn(voice, "I write the test first.")

    # Then the next listen returns the answer to question two, not the stale words
    heard = await voice.next_turn(1.0)
    assert heard is not None
    assert heard.text == "I write the test first."
    assert [turn.text for turn in voice.turns.dropped] == ["and one more thing about the last question"]
    await voice.aclose()


async def test_the_backchannel_and_interruption_rules_are_the_sessions() -> None:
    voice = VoicePipeline.create(RealClock())
    interruption = voice.session.options.interruption
    assert interruption["min_words"] == BACKCHANNEL_MAX_WORDS + 1 == 3
    assert interruption["min_duration"] >= 0.5
    assert interruption["enabled"] is True
    assert voice.session.options.preemptive_generation["enabled"] is False


def test_the_avatar_tile_lights_up_while_speaking() -> None:
    tile = AvatarTile(width=8, height=6)
    idle = bytes(tile.current_frame().data)
    tile.set_speaking(True)
    speaking = bytes(tile.current_frame().data)

    assert idle == bytes(IDLE_RGBA) * 48
    assert speaking == bytes(SPEAKING_RGBA) * 48
    tile.send_frame()  # through a real rtc.VideoSource, no server needed
    assert tile.frames_sent == 1


async def connected(settings: AgentSettings, room: OfflineRoom) -> tuple[LiveKitTransport, list[RoomEvent]]:
    voice = VoicePipeline.create(RealClock())
    transport = LiveKitTransport(settings, room=room, voice=voice, voice_in_room=False)  # type: ignore[arg-type]
    events: list[RoomEvent] = []
    transport.on_room_event(events.append)
    await transport.connect()
    return transport, events


async def test_the_transport_joins_with_its_token_and_publishes_its_avatar(settings: AgentSettings) -> None:
    room = OfflineRoom()
    transport, _ = await connected(settings, room)

    assert room.connected_with is not None
    url, token = room.connected_with
    assert url == "wss://example.livekit.cloud"
    assert api.TokenVerifier(KEY, SECRET).verify(token).identity == "interview-agent-5f1c0ffee"
    ((track, options),) = room.local_participant.tracks
    assert isinstance(track, rtc.LocalVideoTrack)
    assert options.source == rtc.TrackSource.SOURCE_CAMERA
    await transport.close()


async def test_the_candidate_is_found_by_identity_or_as_the_first_ordinary_participant(
    settings: AgentSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(presence, "LEAVE_DEBOUNCE_SECONDS", 0.05)
    # Given a room where another agent and a candidate with the frontend's own identity join
    room = OfflineRoom()
    transport, events = await connected(settings, room)
    room.join("some-other-agent", kind=rtc.ParticipantKind.PARTICIPANT_KIND_AGENT)
    assert not await transport.wait_for_candidate(0.01)
    room.join("user-from-frontend")

    # Then the ordinary participant is the candidate
    assert await transport.wait_for_candidate(0.01)
    assert transport.candidate_identity == "user-from-frontend"
    # And an observer joining later is not mistaken for them; the candidate leaving is reported
    room.join("recruiter-observer")
    room.leave("recruiter-observer")
    room.leave("user-from-frontend")
    await asyncio.sleep(presence.LEAVE_DEBOUNCE_SECONDS + 0.1)
    assert [(event.kind, event.identity) for event in events] == [
        ("candidate_joined", "user-from-frontend"),
        ("candidate_left", "user-from-frontend"),
    ]
    assert events[1].reason == "CLIENT_INITIATED"
    await transport.close()


async def test_end_interview_control_messages_are_accepted_from_the_server_only(
    settings: AgentSettings,
) -> None:
    room = OfflineRoom()
    transport, events = await connected(settings, room)
    room.join("candidate-c7")

    # When the candidate sends an end_interview control message, Then it is ignored
    room.server_sends("interview.control", {"type": "end_interview"}, sender="candidate-c7")
    # When something else arrives on the control topic, Then it is ignored
    room.server_sends("interview.control", {"type": "something_else"})
    # When the backend (RoomService.SendData, no sender) asks to end, Then the conductor is told
    room.server_sends("interview.control", {"type": "end_interview", "requestedAt": "2026-01-01T00:00:00Z"})

    assert [event.kind for event in events] == ["candidate_joined", "end_requested"]
    await transport.close()


async def test_data_messages_and_agent_state_go_to_the_room(settings: AgentSettings) -> None:
    room = OfflineRoom()
    transport, events = await connected(settings, room)

    await transport.publish({"type": "agent_listening"})
    await transport.set_agent_state("listening")
    await asyncio.sleep(0)  # the attribute is written beside the conversation
    room.delete()
    await transport.publish(
        {"type": "status", "state": "in_progress", "phase": "asking"}
    )  # room gone: dropped

    assert [(sent.topic, sent.payload, sent.reliable) for sent in room.local_participant.sent] == [
        ("interview", {"type": "agent_listening"}, True)
    ]
    assert room.local_participant.attributes == {"lk.agent.state": "listening"}
    assert [(event.kind, event.reason) for event in events] == [("room_closed", "ROOM_DELETED")]
    await transport.close()


async def test_say_marks_the_avatar_as_speaking_only_while_speaking(settings: AgentSettings) -> None:
    room = OfflineRoom()
    tile = AvatarTile(width=8, height=6)
    voice = VoicePipeline.create(RealClock())
    transport = LiveKitTransport(settings, room=room, voice=voice, avatar=tile, voice_in_room=False)  # type: ignore[arg-type]
    await transport.connect()
    seen: list[bool] = []
    original = voice.say

    async def say(text: str) -> None:
        seen.append(tile.speaking)
        await original(text)

    voice.say = say  # type: ignore[method-assign]
    await transport.say("Hello.")

    assert seen == [True]
    assert tile.speaking is False
    await transport.close()
    await asyncio.sleep(0)


async def test_the_session_opens_no_remote_control_channel_in_the_room() -> None:
    # Given the voice pipeline about to start in a room
    voice = VoicePipeline.create(RealClock())
    started: dict[str, object] = {}

    class Started(Exception):
        pass

    async def record_start(agent: object, **options: object) -> None:
        started.update(options)
        raise Started

    voice.session.start = record_start  # type: ignore[method-assign]

    # When it starts in the room
    with pytest.raises(Started):
        await voice.start(OfflineRoom())  # type: ignore[arg-type]

    # Then AgentSession is told not to host a remote session: no participant can send run_input or
    # update_io on lk.agent.session, and session events are not broadcast to the room (test_room_io
    # runs RoomIO for real and sees no lk.agent.session traffic)
    assert started["session_host"] is False
    assert started["room"] is not None


async def test_roomio_still_has_the_agent_state_handler_the_conductor_takes_over() -> None:
    # livekit-agents has no option to leave lk.agent.state alone; the pipeline unhooks RoomIO's handler
    # by name. An upgrade that renames it must fail here, not write the attribute twice silently.
    from livekit.agents.voice.room_io import RoomIO

    assert callable(getattr(RoomIO, "_on_agent_state_changed", None))


async def test_agent_state_updates_never_hold_the_conductor_up_and_the_latest_wins(
    settings: AgentSettings,
) -> None:
    # Given a room whose attribute updates take 0.2 s each (a reconnecting signal connection)
    room = OfflineRoom()
    transport, _ = await connected(settings, room)
    room.local_participant.attribute_delay = 0.2

    # When the conductor changes state four times in a row
    started = time.monotonic()
    for state in ("thinking", "speaking", "listening", "idle"):
        await transport.set_agent_state(state)  # type: ignore[arg-type]
    took = time.monotonic() - started

    # Then it never waited, and the room ends on the last state without replaying the ones in between
    assert took < 0.05
    await asyncio.sleep(0.6)
    assert room.local_participant.attributes["lk.agent.state"] == "idle"
    assert room.local_participant.attribute_history == ["idle"]
    await transport.close()


async def test_an_attribute_update_that_hangs_is_given_up(
    settings: AgentSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a room where an attribute update hangs
    monkeypatch.setattr(livekit_transport, "ATTRIBUTE_WRITE_TIMEOUT", 0.1)
    room = OfflineRoom()
    transport, _ = await connected(settings, room)
    room.local_participant.attribute_delay = 30.0
    await transport.set_agent_state("thinking")
    await asyncio.sleep(0.3)

    # When the room recovers and the state changes again, Then the new state is written
    room.local_participant.attribute_delay = 0.0
    await transport.set_agent_state("listening")
    await asyncio.sleep(0.05)
    assert room.local_participant.attributes == {"lk.agent.state": "listening"}
    await transport.close()


async def test_long_messages_are_split_to_fit_livekits_packets_and_candidate_lines_capped(
    settings: AgentSettings,
) -> None:
    room = OfflineRoom()
    transport, _ = await connected(settings, room)
    long_line = " ".join(["Scaling the ingestion pipeline meant rethinking every queue."] * 400)  # ~24 KB

    # When the agent publishes a very long line of its own, and the candidate's very long answer
    await transport.publish({"type": "transcript", "speaker": "agent", "text": long_line, "final": True})
    await transport.publish({"type": "transcript", "speaker": "candidate", "text": long_line, "final": True})

    # Then every packet fits LiveKit's 15 KiB (the double refuses larger ones), the agent's line arrives
    # whole in numbered parts, and the candidate's line is capped
    agent_parts = [m for m in room.messages() if m["speaker"] == "agent"]
    assert len(agent_parts) >= 2
    assert [m["part"] for m in agent_parts] == list(range(1, len(agent_parts) + 1))
    assert {m["parts"] for m in agent_parts} == {len(agent_parts)}
    assert "".join(m["text"] for m in agent_parts) == long_line
    (candidate,) = [m for m in room.messages() if m["speaker"] == "candidate"]
    assert len(candidate["text"]) == CANDIDATE_TEXT_LIMIT
    assert candidate["text"].endswith("…")
    assert transport.publish_failures == 0
    await transport.close()


async def test_a_message_too_large_to_split_is_refused_and_a_failed_publish_is_an_error(
    settings: AgentSettings, caplog: pytest.LogCaptureFixture
) -> None:
    room = OfflineRoom()
    transport, _ = await connected(settings, room)

    # When a message with no text to split is too large, Then it is not sent and it is logged
    await transport.publish({"type": "report", "scores": ["x" * 100] * 200})
    # When the data channel fails, Then the failure is logged as an error, not swallowed
    room.local_participant.fail_publish = True
    await transport.publish({"type": "status", "state": "in_progress", "phase": "asking"})

    assert room.messages() == []
    assert transport.publish_failures == 2
    errors = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
    assert any("too large" in message for message in errors)
    assert any("could not publish" in message for message in errors)
    await transport.close()


async def test_the_candidates_leave_is_reported_after_the_debounce_with_the_time_they_left(
    settings: AgentSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(presence, "LEAVE_DEBOUNCE_SECONDS", 0.1)
    room = OfflineRoom()
    transport, events = await connected(settings, room)
    room.join("candidate-c7")

    left_at = time.time()
    room.leave("candidate-c7")
    assert [event.kind for event in events] == ["candidate_joined"]  # not yet: it may be a reconnect
    await asyncio.sleep(0.2)

    assert [event.kind for event in events] == ["candidate_joined", "candidate_left"]
    assert abs(events[1].at - left_at) < 0.05
    assert not await transport.wait_for_candidate(0.01)
    await transport.close()


async def test_a_second_agent_with_the_same_identity_is_not_a_closed_room(settings: AgentSettings) -> None:
    room = OfflineRoom()
    transport, events = await connected(settings, room)

    room.replaced_by_duplicate()

    assert [(event.kind, event.reason) for event in events] == [("agent_replaced", "DUPLICATE_IDENTITY")]
    await transport.close()


@pytest.mark.parametrize(
    ("joining", "kind", "expected"),
    [
        ("candidate-c7", rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD, "candidate-c7"),
        ("user-from-frontend", rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD, "user-from-frontend"),
        ("interview-agent-other", rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD, None),
        ("some-agent", rtc.ParticipantKind.PARTICIPANT_KIND_AGENT, None),
        ("egress-recorder", rtc.ParticipantKind.PARTICIPANT_KIND_EGRESS, None),
    ],
)
async def test_who_the_candidate_is(
    settings: AgentSettings, joining: str, kind: int, expected: str | None
) -> None:
    room = OfflineRoom()
    transport, _ = await connected(settings, room)
    room.join(joining, kind=kind)
    assert transport.candidate_identity == expected
    await transport.close()


async def test_the_recorded_identity_supersedes_a_fallback_candidate(settings: AgentSettings) -> None:
    room = OfflineRoom()
    transport, _ = await connected(settings, room)
    room.join("someone-early")
    room.join("candidate-c7")
    room.join("someone-late")
    assert transport.candidate_identity == "candidate-c7"
    await transport.close()
