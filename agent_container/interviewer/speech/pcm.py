"""16-bit PCM audio: LiveKit frames <-> numpy samples, resampling, WAV files. Mono unless said.

Speech moves between the models as mono int16 samples with their rate (`Pcm`); LiveKit speaks in
`rtc.AudioFrame`s (10-20 ms each in a room). Whisper wants float32 at 16 kHz; Piper speaks at 22.05 kHz.
"""

from __future__ import annotations

import wave
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from livekit import rtc

WHISPER_RATE = 16_000
FRAME_MS = 20
_INT16_MAX = 32767.0


@dataclass(frozen=True)
class Pcm:
    """Mono int16 samples at `rate` Hz."""

    samples: np.ndarray
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate

    @classmethod
    def silence(cls, seconds: float, rate: int) -> Pcm:
        return cls(np.zeros(round(seconds * rate), dtype=np.int16), rate)

    @classmethod
    def from_float(cls, audio: np.ndarray, rate: int) -> Pcm:
        clipped = np.clip(audio * _INT16_MAX, -_INT16_MAX, _INT16_MAX)
        return cls(clipped.astype(np.int16), rate)

    @classmethod
    def from_frames(cls, frames: rtc.AudioFrame | Iterable[rtc.AudioFrame]) -> Pcm:
        """One mono buffer from LiveKit frames (channels are averaged)."""
        frame_list = [frames] if isinstance(frames, rtc.AudioFrame) else list(frames)
        if not frame_list:
            return cls(np.zeros(0, dtype=np.int16), WHISPER_RATE)
        frame = rtc.combine_audio_frames(frame_list)
        samples = np.frombuffer(frame.data, dtype=np.int16)
        if frame.num_channels > 1:
            samples = samples.reshape(-1, frame.num_channels).mean(axis=1).astype(np.int16)
        return cls(samples.copy(), frame.sample_rate)

    def as_float(self) -> np.ndarray:
        return self.samples.astype(np.float32) / _INT16_MAX

    def resampled(self, rate: int) -> Pcm:
        """The same sound at another rate (LiveKit's resampler: soxr, high quality)."""
        if rate == self.rate or len(self.samples) == 0:
            return Pcm(self.samples, rate)
        resampler = rtc.AudioResampler(self.rate, rate, quality=rtc.AudioResamplerQuality.HIGH)
        out = resampler.push(self._frame()) + resampler.flush()
        return Pcm(np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in out]), rate)

    def frames(self, frame_ms: int = FRAME_MS) -> Iterator[rtc.AudioFrame]:
        """LiveKit frames of `frame_ms` each, as a room would deliver them."""
        step = self.rate * frame_ms // 1000
        for start in range(0, len(self.samples), step):
            chunk = self.samples[start : start + step]
            yield rtc.AudioFrame(chunk.tobytes(), self.rate, 1, len(chunk))

    def _frame(self) -> rtc.AudioFrame:
        return rtc.AudioFrame(self.samples.tobytes(), self.rate, 1, len(self.samples))

    def __add__(self, other: Pcm) -> Pcm:
        tail = other.resampled(self.rate)
        return Pcm(np.concatenate([self.samples, tail.samples]), self.rate)


def concatenate(parts: Iterable[Pcm], rate: int) -> Pcm:
    arrays = [p.resampled(rate).samples for p in parts]
    return Pcm(np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int16), rate)


def speech_bounds(pcm: Pcm, *, threshold_db: float = -40.0, window_ms: int = 10) -> tuple[float, float]:
    """(first, last) second where the signal is louder than `threshold_db` below full scale.

    A plain energy measure, independent of the VAD: it tells where synthesised speech really ends.
    """
    window = max(1, pcm.rate * window_ms // 1000)
    usable = len(pcm.samples) // window * window
    if usable == 0:
        return (0.0, 0.0)
    blocks = pcm.as_float()[:usable].reshape(-1, window)
    rms = np.sqrt(np.mean(blocks**2, axis=1) + 1e-12)
    loud = np.flatnonzero(20 * np.log10(rms) > threshold_db)
    if len(loud) == 0:
        return (0.0, 0.0)
    return (loud[0] * window / pcm.rate, (loud[-1] + 1) * window / pcm.rate)


def write_wav(path: Path, pcm: Pcm) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(pcm.rate)
        out.writeframes(pcm.samples.astype("<i2").tobytes())
    return path


def read_wav(path: Path) -> Pcm:
    with wave.open(str(path), "rb") as src:
        if src.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM WAV files are supported")
        samples = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
        channels = src.getnchannels()
        if channels > 1:
            samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
        return Pcm(samples.astype(np.int16), src.getframerate())
