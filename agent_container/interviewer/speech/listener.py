"""Hearing the candidate: PCM frames -> Silero VAD -> Whisper per speech segment -> end of turn -> text.

Each speech segment is transcribed as soon as the VAD ends it; those quick transcripts decide the end
of the turn (turn_taking.py). Once the turn is over, a turn of several segments is transcribed again in
one pass, because Whisper makes fewer errors with a whole sentence than with its pieces (on Piper
speech: 0-6% word error in one pass against 6-19% pieced together at a 0.1 s VAD silence).

The same stages and numbers as livekit-agents' `AgentSession` with a non-streaming STT in a room
(see turn_taking.py), without a room: frames of any rate (16/24/48 kHz, Piper's 22.05 kHz) go in,
`HeardTurn`s with timings come out.

Times are on the audio's own clock (seconds from the first frame, plus `clock_start`), so audio can be
fed faster than real time and the timings stay those a live stream would have: the VAD's decisions
are placed where they fall in the audio, and each transcription's compute time is added after the
moment its segment ended (one transcription at a time, as one worker would run them). That compute
time is the measured one, unless `stt_latency` fixes it: tests do, so that their verdicts depend on
the audio and the rule, not on how busy the machine is (bench/bench_voice.py reports the measured one).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field

from livekit import rtc
from livekit.agents import vad as agents_vad
from pydantic import BaseModel, ConfigDict

from ..ports import Utterance
from .local_stt import Transcript, WhisperTranscriber
from .pcm import Pcm, concatenate
from .turn_taking import TurnTakingConfig, looks_finished

# Silence appended after the last frame so that a turn in progress when the input ends is closed.
_TRAILING_SILENCE_MARGIN_S = 0.5


def _measured_compute(transcript: Transcript) -> float:
    return transcript.compute_seconds


class HeardTurn(BaseModel):
    """One turn of the candidate as the agent heard it (times in seconds on the audio clock)."""

    model_config = ConfigDict(frozen=True)

    text: str
    speech_started_at: float
    speech_ended_at: float  # end of the last speech segment, as the VAD placed it
    vad_ended_at: float  # when the VAD reported that segment over (speech end + its silence rule)
    end_of_turn_at: float  # when the turn was taken as over (its last segment transcribed, rule applied)
    transcript_ready_at: float  # when `text` was ready (the whole turn transcribed again if in pieces)
    looked_finished: bool
    segments: int
    stt_seconds: float  # measured compute spent transcribing this turn
    speech_seconds: float  # audio transcribed (speech segments with their padding)

    @property
    def end_of_turn_latency(self) -> float:
        return self.end_of_turn_at - self.speech_ended_at

    def utterance(self) -> Utterance:
        return Utterance(text=self.text, started_at=self.speech_started_at, ended_at=self.speech_ended_at)


@dataclass
class _Segment:
    pcm: Pcm
    text: str
    started_at: float
    ended_at: float
    vad_ended_at: float
    ready_at: float
    compute: float
    audio: float


@dataclass
class _TurnInProgress:
    started_at: float
    segments: list[_Segment] = field(default_factory=list)
    commit_at: float | None = None

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments if s.text)

    def heard(self, text: str, transcript_ready_at: float, final_compute: float) -> HeardTurn:
        last = self.segments[-1]
        assert self.commit_at is not None
        return HeardTurn(
            text=text,
            speech_started_at=self.started_at,
            speech_ended_at=last.ended_at,
            vad_ended_at=last.vad_ended_at,
            end_of_turn_at=self.commit_at,
            transcript_ready_at=transcript_ready_at,
            looked_finished=looks_finished(self.text),
            segments=len(self.segments),
            stt_seconds=sum(s.compute for s in self.segments) + final_compute,
            speech_seconds=sum(s.audio for s in self.segments),
        )


class TurnListener:
    """Turns PCM frames into the candidate's turns with the VAD -> STT -> end-of-turn rule."""

    def __init__(
        self,
        transcriber: WhisperTranscriber,
        *,
        config: TurnTakingConfig | None = None,
        vad: agents_vad.VAD | None = None,
        stt_latency: Callable[[Transcript], float] | None = None,
    ) -> None:
        self._config = config if config is not None else TurnTakingConfig()
        self._vad = vad if vad is not None else self._config.load_vad()
        self._transcriber = transcriber
        self._stt_latency = stt_latency if stt_latency is not None else _measured_compute

    @property
    def config(self) -> TurnTakingConfig:
        return self._config

    async def turns(
        self,
        frames: AsyncIterable[rtc.AudioFrame] | Iterable[rtc.AudioFrame],
        *,
        clock_start: float = 0.0,
    ) -> AsyncIterator[HeardTurn]:
        """The turns heard in `frames`, each as soon as its end is decided. Silence is added after the
        last frame, so a turn still open when the frames run out is closed by the rule, not cut."""
        stream = self._vad.stream()
        feeder = asyncio.create_task(self._feed(stream, frames))
        turn: _TurnInProgress | None = None
        speaking = False
        stt_free_at = clock_start
        try:
            async for event in stream:
                now = clock_start + event.timestamp
                if event.type == agents_vad.VADEventType.INFERENCE_DONE:
                    due = turn is not None and turn.commit_at is not None and now >= turn.commit_at
                    if turn is not None and due and not speaking:
                        heard_turn, stt_free_at = await self._finish(turn, stt_free_at)
                        yield heard_turn
                        turn = None
                elif event.type == agents_vad.VADEventType.START_OF_SPEECH:
                    speaking = True
                    started_at = now - event.speech_duration
                    if turn is None:
                        turn = _TurnInProgress(started_at=started_at)
                    else:
                        turn.commit_at = None  # the candidate goes on: same turn
                elif event.type == agents_vad.VADEventType.END_OF_SPEECH:
                    speaking = False
                    if turn is None:  # speech that began before this stream did
                        turn = _TurnInProgress(
                            started_at=now - event.speech_duration - event.silence_duration
                        )
                    ended_at = now - event.silence_duration
                    pcm = Pcm.from_frames(event.frames)
                    heard = await self._transcriber.transcribe_async(pcm)
                    ready_at = max(now, stt_free_at) + self._stt_latency(heard)
                    stt_free_at = ready_at
                    if heard.text:
                        turn.segments.append(
                            _Segment(
                                pcm,
                                heard.text,
                                turn.started_at if not turn.segments else ended_at - event.speech_duration,
                                ended_at,
                                now,
                                ready_at,
                                heard.compute_seconds,
                                heard.audio_seconds,
                            )
                        )
                    if turn.segments:
                        last = turn.segments[-1]
                        turn.commit_at = max(ready_at, last.ended_at + self._config.delay_after(turn.text))
                    else:
                        turn = None  # a noise with no words: nobody spoke
            if turn is not None and turn.commit_at is not None:
                heard_turn, stt_free_at = await self._finish(turn, stt_free_at)
                yield heard_turn
        finally:
            feeder.cancel()
            await asyncio.gather(feeder, return_exceptions=True)
            await stream.aclose()

    async def _finish(self, turn: _TurnInProgress, stt_free_at: float) -> tuple[HeardTurn, float]:
        """The turn with its final text: one Whisper pass over all its segments when there are several."""
        assert turn.commit_at is not None
        if len(turn.segments) == 1:
            return turn.heard(turn.text, turn.commit_at, 0.0), stt_free_at
        whole = concatenate([s.pcm for s in turn.segments], turn.segments[0].pcm.rate)
        final = await self._transcriber.transcribe_async(whole)
        ready_at = max(turn.commit_at, stt_free_at) + self._stt_latency(final)
        return turn.heard(final.text or turn.text, ready_at, final.compute_seconds), ready_at

    async def utterances(
        self, frames: AsyncIterable[rtc.AudioFrame] | Iterable[rtc.AudioFrame], *, clock_start: float = 0.0
    ) -> AsyncIterator[Utterance]:
        """`turns` as the conductor's `Utterance`s."""
        async for turn in self.turns(frames, clock_start=clock_start):
            yield turn.utterance()

    async def _feed(
        self, stream: agents_vad.VADStream, frames: AsyncIterable[rtc.AudioFrame] | Iterable[rtc.AudioFrame]
    ) -> None:
        rate = 0
        if isinstance(frames, AsyncIterable):
            async for frame in frames:
                stream.push_frame(frame)
                rate = frame.sample_rate
        else:
            for frame in frames:
                stream.push_frame(frame)
                rate = frame.sample_rate
                await asyncio.sleep(0)
        if rate:
            tail = Pcm.silence(self._config.max_delay + _TRAILING_SILENCE_MARGIN_S, rate)
            for frame in tail.frames():
                stream.push_frame(frame)
        stream.end_input()
