"""Text to speech with Piper (en_US-joe-medium), as a livekit-agents `tts.TTS`, fully offline.

Piper synthesises one sentence at a time (~17-27x faster than real time on 2 cores), so the first audio
of a line is out after its first sentence, not after the whole line. `LocalTTS` is non-streaming in
livekit-agents' sense (text in, audio chunks out); `AgentSession` wraps it with its sentence tokenizer.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

from livekit.agents import tts, utils
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

from .local_models import PIPER_VOICE_NAME, piper_voice
from .pcm import Pcm

if TYPE_CHECKING:
    from piper import PiperVoice

SENTENCE_PAUSE_S = 0.2  # silence between two sentences of one line, as a person would leave


class PiperSpeaker:
    """Speaks text sentence by sentence with one Piper voice (thread-safe, one synthesis at a time)."""

    def __init__(
        self,
        voice: PiperVoice | None = None,
        *,
        length_scale: float | None = None,
        sentence_pause: float = SENTENCE_PAUSE_S,
    ) -> None:
        self._voice = voice if voice is not None else piper_voice()
        self._length_scale = length_scale
        self._sentence_pause = sentence_pause
        self._lock = threading.Lock()

    @property
    def sample_rate(self) -> int:
        return int(self._voice.config.sample_rate)

    def sentences(self, text: str) -> Iterator[Pcm]:
        """The audio of each sentence of `text`, followed by a short pause when another one follows."""
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=self._length_scale)
        with self._lock:
            chunks = iter(self._voice.synthesize(text, syn_config=config))
            current = next(chunks, None)
            while current is not None:
                following = next(chunks, None)
                pcm = Pcm(current.audio_int16_array, current.sample_rate)
                if following is not None and self._sentence_pause > 0:
                    pcm = pcm + Pcm.silence(self._sentence_pause, current.sample_rate)
                yield pcm
                current = following

    def speak(self, text: str) -> Pcm:
        """The whole of `text` as one buffer."""
        parts = list(self.sentences(text))
        if not parts:
            return Pcm.silence(0, self.sample_rate)
        out = parts[0]
        for part in parts[1:]:
            out = out + part
        return out

    async def sentences_async(self, text: str) -> AsyncIterator[Pcm]:
        """`sentences` without blocking the event loop: each sentence is synthesised in a worker thread."""
        queue: asyncio.Queue[Pcm | BaseException | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        stop = threading.Event()

        def produce() -> None:
            try:
                for pcm in self.sentences(text):
                    if stop.is_set():
                        break
                    loop.call_soon_threadsafe(queue.put_nowait, pcm)
            except BaseException as error:  # handed to the consumer, which re-raises it
                loop.call_soon_threadsafe(queue.put_nowait, error)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        worker = loop.run_in_executor(None, produce)
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            await asyncio.shield(worker)


class LocalTTS(tts.TTS):
    """livekit-agents TTS backed by Piper: `AgentSession(tts=LocalTTS())` speaks with no network."""

    def __init__(self, speaker: PiperSpeaker | None = None) -> None:
        self._speaker = speaker if speaker is not None else PiperSpeaker()
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=self._speaker.sample_rate,
            num_channels=1,
        )

    @property
    def model(self) -> str:
        return PIPER_VOICE_NAME

    @property
    def provider(self) -> str:
        return "piper"

    @property
    def speaker(self) -> PiperSpeaker:
        return self._speaker

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _PiperChunkedStream(tts=self, input_text=text, conn_options=conn_options)


class _PiperChunkedStream(tts.ChunkedStream):
    def __init__(self, *, tts: LocalTTS, input_text: str, conn_options: APIConnectOptions) -> None:
        super().__init__(tts=tts, input_text=input_text, conn_options=conn_options)
        self._speaker = tts.speaker

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        output_emitter.initialize(
            request_id=utils.shortuuid(),
            sample_rate=self._speaker.sample_rate,
            num_channels=1,
            mime_type="audio/pcm",
        )
        async for pcm in self._speaker.sentences_async(self.input_text):
            output_emitter.push(pcm.samples.tobytes())
        output_emitter.flush()
