"""Speech to text with Whisper tiny.en (faster-whisper, int8, 2 threads), as a livekit-agents `stt.STT`.

Non-streaming, like OpenAI's whisper endpoint: `AgentSession` cuts the candidate's audio into speech
segments with the VAD and asks for one transcript per segment. One call costs ~0.4-0.5 s on 2 cores
whatever the segment's length (Whisper always encodes a 30 s window), ~0.13x real time on a 6 s answer.
English only (tiny.en): a `language` asked for is ignored and transcripts are tagged "en".
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from livekit.agents import stt, utils
from livekit.agents.language import LanguageCode
from livekit.agents.types import NOT_GIVEN, APIConnectOptions, NotGivenOr

from .local_models import WHISPER_MODEL_NAME, whisper_model
from .pcm import WHISPER_RATE, Pcm

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

# Whisper's own hallucination guard: a segment it thinks holds no speech and decodes with low
# confidence is dropped (the values openai-whisper uses).
NO_SPEECH_PROBABILITY = 0.6
LOW_LOGPROB = -1.0


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float  # exp(mean token log-probability) of the kept segments, 0..1
    audio_seconds: float
    compute_seconds: float


class WhisperTranscriber:
    """Transcribes mono PCM with the bundled Whisper tiny.en (thread-safe, one call at a time)."""

    def __init__(self, model: WhisperModel | None = None, *, beam_size: int = 1) -> None:
        self._model = model if model is not None else whisper_model()
        self._beam_size = beam_size
        self._lock = threading.Lock()

    def transcribe(self, pcm: Pcm) -> Transcript:
        audio = pcm.resampled(WHISPER_RATE).as_float()
        started = time.perf_counter()
        if len(audio) < WHISPER_RATE // 10:
            return Transcript("", 0.0, len(audio) / WHISPER_RATE, 0.0)
        with self._lock:
            segments, _info = self._model.transcribe(
                audio,
                language="en",
                beam_size=self._beam_size,
                without_timestamps=False,  # True drops whole sentences on multi-sentence audio
                condition_on_previous_text=False,
                vad_filter=False,
            )
            kept = [
                s
                for s in segments
                if not (s.no_speech_prob > NO_SPEECH_PROBABILITY and s.avg_logprob < LOW_LOGPROB)
            ]
        text = " ".join(s.text.strip() for s in kept if s.text.strip())
        confidence = math.exp(sum(s.avg_logprob for s in kept) / len(kept)) if kept else 0.0
        return Transcript(text, confidence, len(audio) / WHISPER_RATE, time.perf_counter() - started)

    async def transcribe_async(self, pcm: Pcm) -> Transcript:
        return await asyncio.to_thread(self.transcribe, pcm)


class LocalSTT(stt.STT):
    """livekit-agents STT backed by Whisper tiny.en: `AgentSession(stt=LocalSTT(), vad=...)`."""

    def __init__(self, transcriber: WhisperTranscriber | None = None) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        self._transcriber = transcriber if transcriber is not None else WhisperTranscriber()

    @property
    def model(self) -> str:
        return WHISPER_MODEL_NAME

    @property
    def provider(self) -> str:
        return "faster-whisper"

    @property
    def transcriber(self) -> WhisperTranscriber:
        return self._transcriber

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        pcm = Pcm.from_frames(buffer)
        result = await self._transcriber.transcribe_async(pcm)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=utils.shortuuid(),
            alternatives=[
                stt.SpeechData(
                    language=LanguageCode("en"),
                    text=result.text,
                    start_time=0.0,
                    end_time=pcm.duration,
                    confidence=result.confidence,
                )
            ],
        )
