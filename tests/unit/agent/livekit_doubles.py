"""What stands in for the LiveKit server in the transport tests (there is no server here).

`OfflineRoom` has the surface of `rtc.Room` the transport and livekit-agents' RoomIO use (connect, the
local participant's data, attributes, tracks and text streams, remote participants with sids and track
publications, subscriptions, text stream handlers, events) and records what the agent did. Everything
else is real: the AgentSession and its RoomIO, the rtc AudioSource/AudioStream/VideoSource, the token.
`ScriptedSTT` stands in for the speech-to-text model (what each speech segment says, in order); the
audio it is given, and the VAD that cuts it, are real.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import struct
import time
from dataclasses import dataclass, field
from typing import Any

from interviewer.speech.pcm import Pcm
from livekit import rtc
from livekit.agents import APIConnectionError, stt, tts, utils
from livekit.agents.language import LanguageCode
from livekit.agents.types import (
    CLIENT_PROTOCOL_TRANSCRIPTION_STREAMS,
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)
from livekit.agents.voice import io

MAX_RELIABLE_PACKET_BYTES = 15 * 1024  # LiveKit's limit for one reliable data packet


_sids = itertools.count(1)


def _sid(prefix: str) -> str:
    return f"{prefix}_{next(_sids):06d}"


@dataclass
class _ClientInfo:
    """The private `_info` RoomIO reads: a modern client reads captions from `lk.transcription` streams."""

    client_protocol: int = CLIENT_PROTOCOL_TRANSCRIPTION_STREAMS


class OfflineTrackPublication:
    """A remote participant's track as the agent's room sees it (sid, kind, source, subscription)."""

    def __init__(
        self,
        room: OfflineRoom,
        participant: OfflineParticipant,
        *,
        kind: int,
        source: int,
        track: Any = None,
        name: str = "",
    ) -> None:
        self._room = room
        self._participant = participant
        self.sid = _sid("TR")
        self.kind = kind
        self.source = source
        self.name = name
        self.muted = False
        self.audio_features: list[int] = []
        self.mime_type = "audio/opus" if kind == rtc.TrackKind.KIND_AUDIO else "video/vp8"
        self._track = track
        self.subscribed = False

    @property
    def track(self) -> Any:
        return self._track if self.subscribed else None

    def set_subscribed(self, subscribed: bool) -> None:
        """As the SDK does: the server sends the track, and the room emits track_subscribed."""
        if subscribed == self.subscribed:
            return
        self.subscribed = subscribed
        self._room.subscription_requests.append((self._participant.identity, self.source, subscribed))
        event = "track_subscribed" if subscribed else "track_unsubscribed"
        self._room.emit(event, self._track, self, self._participant)


@dataclass
class OfflineParticipant:
    identity: str
    kind: int = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD
    disconnect_reason: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    sid: str = field(default_factory=lambda: _sid("PA"))
    name: str = ""
    metadata: str = ""
    track_publications: dict[str, OfflineTrackPublication] = field(default_factory=dict)
    _info: _ClientInfo = field(default_factory=_ClientInfo)


@dataclass
class SentData:
    topic: str
    payload: dict[str, Any]
    reliable: bool


@dataclass
class SentText:
    """One text stream the agent sent (RoomIO's captions on lk.transcription)."""

    topic: str
    attributes: dict[str, str]
    chunks: list[str] = field(default_factory=list)
    closed_with: dict[str, str] | None = None

    @property
    def text(self) -> str:
        return "".join(self.chunks)


class _TextWriter:
    def __init__(self, sent: SentText) -> None:
        self._sent = sent

    async def write(self, text: str) -> None:
        self._sent.chunks.append(text)

    async def aclose(self, *, reason: str = "", attributes: dict[str, str] | None = None) -> None:
        self._sent.closed_with = dict(attributes or {})


class OfflineLocalTrackPublication:
    """The agent's own published track; a client subscribing to it is the test's to decide."""

    def __init__(self, track: Any, options: Any) -> None:
        self.sid = _sid("TR")
        self.track = track
        self.options = options
        self.kind = getattr(track, "kind", None)
        self.source = getattr(options, "source", None)
        self.subscribed = asyncio.Event()

    async def wait_for_subscription(self) -> None:
        await self.subscribed.wait()


class OfflineLocalParticipant:
    def __init__(self) -> None:
        self.identity = "interview-agent-offline"
        self.sid = _sid("PA")
        self.kind = rtc.ParticipantKind.PARTICIPANT_KIND_AGENT
        self.sent: list[SentData] = []
        self.sent_text: list[SentText] = []
        self.transcriptions: list[Any] = []
        self.attributes: dict[str, str] = {}
        self.attribute_history: list[str] = []
        self.tracks: list[Any] = []
        self.track_publications: dict[str, OfflineLocalTrackPublication] = {}
        self.on_sent: list[Any] = []
        self.attribute_delay = 0.0
        self.fail_publish = False

    async def publish_data(
        self,
        payload: bytes | str,
        *,
        reliable: bool = True,
        destination_identities: list[str] | None = None,
        topic: str = "",
    ) -> None:
        if self.fail_publish:
            raise ConnectionError("the data channel is closed")
        size = len(payload.encode() if isinstance(payload, str) else payload)
        if reliable and size > MAX_RELIABLE_PACKET_BYTES:
            raise ValueError(f"a reliable data packet of {size} bytes exceeds LiveKit's 15 KiB limit")
        sent = SentData(topic, json.loads(payload), reliable)
        self.sent.append(sent)
        for hook in self.on_sent:
            hook(sent)

    async def set_attributes(self, attributes: dict[str, str]) -> None:
        if self.attribute_delay:
            await asyncio.sleep(self.attribute_delay)
        self.attributes.update(attributes)
        self.attribute_history.extend(attributes.values())

    async def publish_track(self, track: Any, options: Any = None) -> OfflineLocalTrackPublication:
        self.tracks.append((track, options))
        publication = OfflineLocalTrackPublication(track, options)
        self.track_publications[publication.sid] = publication
        return publication

    async def stream_text(
        self,
        *,
        topic: str = "",
        sender_identity: str | None = None,
        attributes: dict[str, str] | None = None,
        **_: Any,
    ) -> _TextWriter:
        sent = SentText(topic=topic, attributes=dict(attributes or {}))
        self.sent_text.append(sent)
        return _TextWriter(sent)

    async def publish_transcription(self, transcription: Any) -> None:
        self.transcriptions.append(transcription)


@dataclass
class _TextStreamInfo:
    topic: str
    attributes: dict[str, str] = field(default_factory=dict)
    id: str = field(default_factory=lambda: _sid("ST"))
    timestamp: int = 0
    mime_type: str = "text/plain"


class _TextStreamReader:
    def __init__(self, text: str, topic: str) -> None:
        self._text = text
        self.info = _TextStreamInfo(topic=topic)

    async def read_all(self) -> str:
        return self._text


class OfflineRoom(rtc.EventEmitter[str]):
    """The surface of `rtc.Room` that the transport and livekit-agents' RoomIO use, with no server.

    Audio is real: a participant's microphone is an rtc.AudioSource behind a real track (RoomIO reads it
    through rtc.AudioStream), and the agent's published track can be heard the same way."""

    def __init__(self, name: str = "room-offline") -> None:
        super().__init__()
        self.name = name
        self.local_participant = OfflineLocalParticipant()
        self.remote_participants: dict[str, OfflineParticipant] = {}
        self.connected_with: tuple[str, str] | None = None
        self.connect_options: Any = None
        self.subscription_requests: list[tuple[str, int, bool]] = []
        self._text_handlers: dict[str, Any] = {}
        self._byte_handlers: dict[str, Any] = {}
        self._connected = False

    async def connect(self, url: str, token: str, options: Any = None) -> None:
        self.connected_with = (url, token)
        self.connect_options = options
        self._connected = True
        self.emit("connection_state_changed", rtc.ConnectionState.CONN_CONNECTED)

    def isconnected(self) -> bool:
        return self._connected

    async def disconnect(self) -> None:
        self._connected = False

    def register_text_stream_handler(self, topic: str, handler: Any) -> None:
        if topic in self._text_handlers:
            raise ValueError(f"a text stream handler for {topic} is already set")
        self._text_handlers[topic] = handler

    def unregister_text_stream_handler(self, topic: str) -> None:
        self._text_handlers.pop(topic, None)

    def register_byte_stream_handler(self, topic: str, handler: Any) -> None:
        self._byte_handlers[topic] = handler

    def unregister_byte_stream_handler(self, topic: str) -> None:
        self._byte_handlers.pop(topic, None)

    # what the test does to the room
    def join(
        self, identity: str, kind: int = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD
    ) -> OfflineParticipant:
        participant = OfflineParticipant(identity, kind, name=identity)
        self.remote_participants[identity] = participant
        self.emit("participant_connected", participant)
        return participant

    def leave(self, identity: str, reason: int = rtc.DisconnectReason.CLIENT_INITIATED) -> None:
        participant = self.remote_participants.pop(identity)
        participant.disconnect_reason = reason
        self.emit("participant_disconnected", participant)

    def publish_microphone(self, identity: str, sample_rate: int = 48_000) -> rtc.AudioSource:
        """The participant turns their microphone on; returns the source its voice is captured into."""
        source = rtc.AudioSource(sample_rate, 1)
        track = rtc.LocalAudioTrack.create_audio_track("microphone", source)
        self._publish(identity, rtc.TrackKind.KIND_AUDIO, rtc.TrackSource.SOURCE_MICROPHONE, track)
        return source

    def publish_camera(self, identity: str) -> OfflineTrackPublication:
        source = rtc.VideoSource(64, 48)
        track = rtc.LocalVideoTrack.create_video_track("camera", source)
        return self._publish(identity, rtc.TrackKind.KIND_VIDEO, rtc.TrackSource.SOURCE_CAMERA, track)

    def _publish(self, identity: str, kind: int, source: int, track: Any) -> OfflineTrackPublication:
        participant = self.remote_participants[identity]
        publication = OfflineTrackPublication(self, participant, kind=kind, source=source, track=track)
        participant.track_publications[publication.sid] = publication
        self.emit("track_published", publication, participant)
        return publication

    def subscribe_to_agent_audio(self) -> None:
        """A client subscribes to the agent's audio track (RoomIO waits for this before playing)."""
        for publication in self.local_participant.track_publications.values():
            if publication.kind == rtc.TrackKind.KIND_AUDIO:
                publication.subscribed.set()

    def agent_audio_track(self) -> Any | None:
        for publication in self.local_participant.track_publications.values():
            if publication.kind == rtc.TrackKind.KIND_AUDIO:
                return publication.track
        return None

    def type_chat(self, identity: str, text: str) -> None:
        """The participant types into the chat (a text stream on lk.chat, as LiveKit's components send)."""
        handler = self._text_handlers.get("lk.chat")
        if handler is None:
            raise AssertionError("nobody reads lk.chat in this room")
        handler(_TextStreamReader(text, "lk.chat"), identity)

    def full_reconnect(self) -> None:
        """The agent's SDK lost its connection and joined again (livekit 1.1.21's full reconnect): every
        subscription ends and every participant disconnects, then they connect again and their tracks
        are published anew (subscribing is the agent's to do again)."""
        everyone = list(self.remote_participants.values())
        self.emit("reconnecting")
        for participant in everyone:
            for publication in participant.track_publications.values():
                if publication.subscribed:
                    publication.subscribed = False
                    self.emit("track_unsubscribed", publication._track, publication, participant)
            participant.disconnect_reason = None
            self.emit("participant_disconnected", participant)
        for participant in everyone:
            self.emit("participant_connected", participant)
            for publication in participant.track_publications.values():
                self.emit("track_published", publication, participant)
        self.emit("reconnected")

    def server_sends(self, topic: str, payload: dict[str, Any], sender: str | None = None) -> None:
        participant = self.remote_participants.get(sender) if sender else None
        packet = rtc.DataPacket(
            data=json.dumps(payload).encode(),
            kind=rtc.DataPacketKind.KIND_RELIABLE,
            participant=participant,  # type: ignore[arg-type]  # the double stands in for RemoteParticipant
            topic=topic,
        )
        self.emit("data_received", packet)

    def delete(self) -> None:
        self._connected = False
        self.emit("disconnected", rtc.DisconnectReason.ROOM_DELETED)

    def replaced_by_duplicate(self) -> None:
        """Another participant joined with the agent's identity: LiveKit disconnects this one."""
        self._connected = False
        self.emit("disconnected", rtc.DisconnectReason.DUPLICATE_IDENTITY)

    def messages(self, topic: str = "interview") -> list[dict[str, Any]]:
        return [sent.payload for sent in self.local_participant.sent if sent.topic == topic]


SAMPLE_RATE = 24_000
SECONDS_PER_WORD = 0.05


class ToneTTS(tts.TTS):
    """Instant speech: a 440 Hz tone, SECONDS_PER_WORD per word (or a failure, when told to fail)."""

    def __init__(self, *, fail: bool = False, seconds_per_word: float = SECONDS_PER_WORD) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False), sample_rate=SAMPLE_RATE, num_channels=1
        )
        self.fail = fail
        self.seconds_per_word = seconds_per_word
        self.requests: list[tuple[float, str]] = []

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        self.requests.append((time.time(), text))
        return _ToneStream(tts=self, input_text=text, conn_options=conn_options)


class _ToneStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        assert isinstance(self._tts, ToneTTS)
        if self._tts.fail:
            raise APIConnectionError("text-to-speech is down")
        output_emitter.initialize(
            request_id="tone", sample_rate=SAMPLE_RATE, num_channels=1, mime_type="audio/pcm"
        )
        samples = int(SAMPLE_RATE * self._tts.seconds_per_word * len(self._input_text.split()))
        output_emitter.push(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / SAMPLE_RATE)))
                for i in range(samples)
            )
        )
        output_emitter.flush()


class AudioSourceSink(io.AudioOutput):
    """The session's audio output written into an rtc.AudioSource, as RoomIO does before publishing it."""

    def __init__(self, source: rtc.AudioSource) -> None:
        super().__init__(
            label="audio-source",
            capabilities=io.AudioOutputCapabilities(pause=False),
            sample_rate=SAMPLE_RATE,
        )
        self.source = source
        self.frames: list[rtc.AudioFrame] = []
        self._playing = False

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if not self._playing:
            self._playing = True
            self.on_playback_started(created_at=time.time())
        await self.source.capture_frame(frame)
        self.frames.append(frame)

    def flush(self) -> None:
        super().flush()
        self._playing = False
        played = sum(frame.samples_per_channel for frame in self.frames) / SAMPLE_RATE
        self.on_playback_finished(playback_position=played, interrupted=False)

    def clear_buffer(self) -> None:
        self.source.clear_queue()


class ScriptedSTT(stt.STT):
    """Speech-to-text that knows what will be said: each speech segment the VAD cuts is the next line."""

    def __init__(self, lines: list[str] | None = None) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        self.lines = list(lines or [])
        self.heard_seconds: list[float] = []

    @property
    def model(self) -> str:
        return "scripted"

    @property
    def provider(self) -> str:
        return "tests"

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frames = buffer if isinstance(buffer, list) else [buffer]
        seconds = sum(frame.samples_per_channel / frame.sample_rate for frame in frames)
        self.heard_seconds.append(seconds)
        text = self.lines.pop(0) if self.lines else ""
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=utils.shortuuid(),
            alternatives=[
                stt.SpeechData(language=LanguageCode("en"), text=text, start_time=0.0, end_time=seconds)
            ],
        )


class Microphone:
    """A participant's microphone in real time: silence, and whatever they say when they speak."""

    def __init__(self, source: rtc.AudioSource) -> None:
        self._source = source
        self._queue: asyncio.Queue[tuple[list[rtc.AudioFrame], asyncio.Future[None]]] = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name="microphone")

    async def say(self, pcm: Pcm) -> None:
        """Speak `pcm` (returns when it has been captured, in real time)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        frames = list(pcm.resampled(self._source.sample_rate).frames())
        self._queue.put_nowait((frames, done))
        await done

    async def _run(self) -> None:
        rate = self._source.sample_rate
        silence = rtc.AudioFrame.create(rate, 1, rate // 50)
        while True:
            if self._queue.empty():
                await self._source.capture_frame(silence)
                await asyncio.sleep(0.02)
                continue
            frames, done = self._queue.get_nowait()
            for frame in frames:
                await self._source.capture_frame(frame)
                await asyncio.sleep(frame.samples_per_channel / rate)
            done.set_result(None)

    async def aclose(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def end_of_turn(voice: Any, text: str) -> None:
    """What AgentSession does when the candidate's turn is over: the agent's `on_user_turn_completed`
    gets the new message, and `StopResponse` means no reply (livekit-agents' AgentActivity)."""
    from livekit.agents import StopResponse, llm

    agent = voice.session.current_agent
    message = llm.ChatMessage(role="user", content=[text])
    try:
        await agent.on_user_turn_completed(agent.chat_ctx.copy(), new_message=message)
    except StopResponse:
        return
    raise AssertionError("the agent let the session generate a reply")
