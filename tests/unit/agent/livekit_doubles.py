"""What stands in for the LiveKit server in the transport tests (there is no server here).

`OfflineRoom` has the surface of `rtc.Room` the transport uses (connect, local participant's data,
attributes and tracks, remote participants, events) and records what the agent did. Everything else
is real: the AgentSession, the rtc AudioSource/VideoSource, the token.
"""

from __future__ import annotations

import json
import math
import struct
import time
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc
from livekit.agents import APIConnectionError, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions
from livekit.agents.voice import io


@dataclass
class OfflineParticipant:
    identity: str
    kind: int = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD
    disconnect_reason: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class SentData:
    topic: str
    payload: dict[str, Any]
    reliable: bool


class OfflineLocalParticipant:
    def __init__(self) -> None:
        self.sent: list[SentData] = []
        self.attributes: dict[str, str] = {}
        self.attribute_history: list[str] = []
        self.tracks: list[Any] = []
        self.on_sent: list[Any] = []

    async def publish_data(
        self,
        payload: bytes | str,
        *,
        reliable: bool = True,
        destination_identities: list[str] | None = None,
        topic: str = "",
    ) -> None:
        sent = SentData(topic, json.loads(payload), reliable)
        self.sent.append(sent)
        for hook in self.on_sent:
            hook(sent)

    async def set_attributes(self, attributes: dict[str, str]) -> None:
        self.attributes.update(attributes)
        self.attribute_history.extend(attributes.values())

    async def publish_track(self, track: Any, options: Any = None) -> None:
        self.tracks.append((track, options))


class OfflineRoom(rtc.EventEmitter[str]):
    def __init__(self) -> None:
        super().__init__()
        self.local_participant = OfflineLocalParticipant()
        self.remote_participants: dict[str, OfflineParticipant] = {}
        self.connected_with: tuple[str, str] | None = None
        self._connected = False

    async def connect(self, url: str, token: str, options: Any = None) -> None:
        self.connected_with = (url, token)
        self._connected = True

    def isconnected(self) -> bool:
        return self._connected

    async def disconnect(self) -> None:
        self._connected = False

    # what the test does to the room
    def join(self, identity: str, kind: int = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD) -> None:
        participant = OfflineParticipant(identity, kind)
        self.remote_participants[identity] = participant
        self.emit("participant_connected", participant)

    def leave(self, identity: str) -> None:
        participant = self.remote_participants.pop(identity)
        participant.disconnect_reason = rtc.DisconnectReason.CLIENT_INITIATED
        self.emit("participant_disconnected", participant)

    def server_sends(self, topic: str, payload: dict[str, Any], sender: str | None = None) -> None:
        participant = self.remote_participants.get(sender) if sender else None
        packet = rtc.DataPacket(
            data=json.dumps(payload).encode(),
            kind=1,
            participant=participant,
            topic=topic,  # type: ignore[arg-type]
        )
        self.emit("data_received", packet)

    def delete(self) -> None:
        self._connected = False
        self.emit("disconnected", rtc.DisconnectReason.ROOM_DELETED)

    def messages(self, topic: str = "interview") -> list[dict[str, Any]]:
        return [sent.payload for sent in self.local_participant.sent if sent.topic == topic]


SAMPLE_RATE = 24_000
SECONDS_PER_WORD = 0.05


class ToneTTS(tts.TTS):
    """Instant speech: a 440 Hz tone, SECONDS_PER_WORD per word (or a failure, when told to fail)."""

    def __init__(self, *, fail: bool = False) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False), sample_rate=SAMPLE_RATE, num_channels=1
        )
        self.fail = fail
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
        samples = int(SAMPLE_RATE * SECONDS_PER_WORD * len(self._input_text.split()))
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
