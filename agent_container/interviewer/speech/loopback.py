"""The whole voice path without a LiveKit server: a simulated candidate who speaks, an agent who listens.

`VoiceLoopbackTransport` wraps a transport whose `listen()` returns what the simulated candidate means
to say (the text transport with its persona). Each answer is spoken with Piper in the candidate's voice
(the one bundled voice, 8% higher and faster, delivered at 24 kHz as a room would), heard back through the
agent's VAD -> Whisper -> end-of-turn path (`TurnListener`), and the conductor gets what was *heard*.
The agent's own lines are synthesised with Piper too. Everything said goes into one WAV file a person
can listen to, with the response gaps the pipeline measured, plus a JSON sidecar of per-turn figures
(word error of what was heard against what was said, end-of-turn latency, STT and TTS times).

Audio is processed faster than real time; times are on the conversation's audio clock (listener.py).
"""

from __future__ import annotations

import json
import time
from collections import deque
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from ..ports import INTERVIEW_TOPIC, AgentState, RoomEventListener, Transport, Utterance
from .listener import HeardTurn, TurnListener
from .local_models import require_local_speech
from .local_stt import WhisperTranscriber
from .local_tts import PiperSpeaker
from .pcm import Pcm, concatenate, speech_bounds, write_wav
from .turn_taking import TurnTakingConfig
from .word_error import word_error_rate

ROOM_RATE = 24_000  # what a LiveKit room delivers to the agent
CANDIDATE_PITCH = 1.08  # 8% higher and faster: tells the two apart; Whisper hears it as well as the original
REACTION_S = 0.3  # silence before the candidate starts to answer
QUIET_LISTEN_S = 1.0  # silence recorded when the candidate says nothing


class PitchedSpeaker:
    """A second voice from the one Piper voice: its audio played faster and higher by `pitch`."""

    def __init__(self, speaker: PiperSpeaker, *, pitch: float = CANDIDATE_PITCH, rate: int = ROOM_RATE):
        self._speaker = speaker
        self._pitch = pitch
        self._rate = rate

    def speak(self, text: str) -> Pcm:
        spoken = self._speaker.speak(text)
        return Pcm(spoken.samples, round(spoken.rate * self._pitch)).resampled(self._rate)


def candidate_speaker() -> PitchedSpeaker:
    return PitchedSpeaker(PiperSpeaker())


class VoiceLoopbackSettings(Protocol):
    """What `with_voice_loopback` reads: AgentSettings' AGENT_VOICE and AGENT_VOICE_RECORDING."""

    @property
    def voice(self) -> Literal["off", "loopback"]: ...
    @property
    def voice_recording(self) -> Path | None: ...


def with_voice_loopback(transport: Transport, settings: VoiceLoopbackSettings) -> Transport:
    """`transport` behind the voice loopback when AGENT_VOICE=loopback, else `transport` itself.

    For the agent's entry point, around the sim or text transport (whose candidate types):
        transport = with_voice_loopback(transport, settings)
    Raises local_models.LocalSpeechUnavailable, saying what to install, without the `voice` extra.
    """
    if settings.voice != "loopback":
        return transport
    require_local_speech()
    return VoiceLoopbackTransport.wrap(transport, recording_path=settings.voice_recording)


class SpokenLine(BaseModel):
    """One line of the conversation, as recorded (seconds on the recording's clock)."""

    model_config = ConfigDict(frozen=True)

    speaker: Literal["agent", "candidate"]
    text: str  # the agent's line, or what the candidate said
    started_at: float
    ended_at: float
    heard: str | None = None  # candidate only: what the agent heard
    word_error_rate: float | None = None
    end_of_turn_latency: float | None = None  # true end of speech -> turn taken as over
    stt_seconds: float | None = None
    tts_first_audio_seconds: float | None = None  # agent only: time to the first synthesised audio
    turns_heard: int | None = None


class ConversationRecording:
    """The conversation as one mono 24 kHz track."""

    def __init__(self, rate: int = ROOM_RATE) -> None:
        self.rate = rate
        self._parts: list[Pcm] = []
        self._samples = 0

    @property
    def duration(self) -> float:
        return self._samples / self.rate

    def add(self, pcm: Pcm) -> None:
        part = pcm.resampled(self.rate)
        self._parts.append(part)
        self._samples += len(part.samples)

    def pad_to(self, seconds: float) -> None:
        if seconds > self.duration:
            self.add(Pcm.silence(seconds - self.duration, self.rate))

    def audio(self) -> Pcm:
        return concatenate(self._parts, self.rate)

    def write(self, path: Path) -> Path:
        return write_wav(path, self.audio())


class VoiceLoopbackTransport:
    """A `Transport` that puts the local voice pipeline between the conductor and a simulated candidate."""

    def __init__(
        self,
        inner: Transport,
        *,
        agent_voice: PiperSpeaker,
        candidate_voice: PitchedSpeaker,
        listener: TurnListener,
        recording_path: Path | None = None,
    ) -> None:
        self._inner = inner
        self._agent_voice = agent_voice
        self._candidate_voice = candidate_voice
        self._listener = listener
        self._recording = ConversationRecording()
        self._recording_path = recording_path
        self._pending: deque[HeardTurn] = deque()
        self._lines: list[SpokenLine] = []
        self._closed = False

    @classmethod
    def wrap(
        cls,
        inner: Transport,
        *,
        recording_path: Path | None = None,
        turn_taking: TurnTakingConfig | None = None,
    ) -> VoiceLoopbackTransport:
        """Around `inner` with the bundled models (loaded once per process)."""
        agent_voice = PiperSpeaker()
        return cls(
            inner,
            agent_voice=agent_voice,
            candidate_voice=PitchedSpeaker(agent_voice),
            listener=TurnListener(WhisperTranscriber(), config=turn_taking),
            recording_path=recording_path,
        )

    @property
    def lines(self) -> list[SpokenLine]:
        return list(self._lines)

    @property
    def recording(self) -> ConversationRecording:
        return self._recording

    # -- speaking and listening ------------------------------------------------------------------

    async def say(self, text: str) -> None:
        started = time.perf_counter()
        first_audio: float | None = None
        parts: list[Pcm] = []
        async for sentence in self._agent_voice.sentences_async(text):
            if first_audio is None:
                first_audio = time.perf_counter() - started
            parts.append(sentence)
        self._recording.add(Pcm.silence(first_audio or 0.0, self._recording.rate))
        begins = self._recording.duration
        for part in parts:
            self._recording.add(part)
        self._lines.append(
            SpokenLine(
                speaker="agent",
                text=text,
                started_at=begins,
                ended_at=self._recording.duration,
                tts_first_audio_seconds=first_audio,
            )
        )
        await self._inner.say(text)

    async def listen(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109 - the port's contract
        if self._pending:
            return self._pending.popleft().utterance()
        intended = await self._inner.listen(timeout)
        if intended is None or not intended.text.strip():
            self._recording.add(Pcm.silence(min(timeout, QUIET_LISTEN_S), self._recording.rate))
            return None
        answer = Pcm.silence(REACTION_S, ROOM_RATE) + self._candidate_voice.speak(intended.text)
        begins = self._recording.duration
        turns = [turn async for turn in self._listener.turns(answer.frames(), clock_start=begins)]
        self._recording.add(answer)
        _, speech_end = speech_bounds(answer)
        heard = " ".join(turn.text for turn in turns)
        self._lines.append(
            SpokenLine(
                speaker="candidate",
                text=intended.text,
                started_at=begins,
                ended_at=begins + speech_end,
                heard=heard,
                word_error_rate=word_error_rate(intended.text, heard),
                end_of_turn_latency=(turns[-1].end_of_turn_at - begins - speech_end) if turns else None,
                stt_seconds=sum(turn.stt_seconds for turn in turns),
                turns_heard=len(turns),
            )
        )
        if not turns:
            return None
        self._recording.pad_to(turns[-1].end_of_turn_at)
        self._pending.extend(turns[1:])
        return turns[0].utterance()

    # -- everything else is the inner transport's -------------------------------------------------

    async def connect(self) -> None:
        await self._inner.connect()

    async def wait_for_candidate(self, timeout: float) -> bool:  # noqa: ASYNC109 - the port's contract
        return await self._inner.wait_for_candidate(timeout)

    async def publish(self, message: dict[str, Any], topic: str = INTERVIEW_TOPIC) -> None:
        await self._inner.publish(message, topic)

    async def set_agent_state(self, state: AgentState) -> None:
        await self._inner.set_agent_state(state)

    def on_room_event(self, listener: RoomEventListener) -> None:
        self._inner.on_room_event(listener)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._inner.close()
        finally:
            if self._recording_path is not None:
                self.save(self._recording_path)

    def save(self, path: Path) -> Path:
        """The conversation as a WAV file, and its per-line figures beside it (same name, .json)."""
        self._recording.write(path)
        summary = {
            "audio": path.name,
            "seconds": round(self._recording.duration, 2),
            "lines": [line.model_dump() for line in self._lines],
        }
        path.with_suffix(".json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        return path
