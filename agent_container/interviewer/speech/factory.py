"""Which speech the agent runs with: OpenAI when a key is set, local models when not, else a clear error.

    speech = build_speech(settings)                # settings: AgentSettings (or anything shaped like it)
    session = AgentSession(llm=..., **speech.session_options())

Both stacks share the VAD and the end-of-turn rule (turn_taking.py), so a room behaves the same with
either; only the models behind `stt` and `tts` change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import SecretStr

from .local_models import INSTALL_HINT, local_speech_available, missing_voice_modules
from .turn_taking import AnswerCompletionDetector, TurnTakingConfig

if TYPE_CHECKING:
    from livekit.agents import stt, tts, vad

SpeechKind = Literal["openai", "local"]
SpeechChoice = Literal["auto", "openai", "local"]


class SpeechSettings(Protocol):
    """What the factory reads from the agent's settings (interviewer.config.AgentSettings has it all)."""

    @property
    def openai_api_key(self) -> SecretStr | None: ...
    @property
    def openai_base_url(self) -> str | None: ...
    @property
    def stt_model(self) -> str: ...
    @property
    def tts_model(self) -> str: ...
    @property
    def tts_voice(self) -> str: ...
    @property
    def language(self) -> str: ...


class SpeechUnavailable(RuntimeError):
    """Neither OpenAI speech (no key) nor local speech (extra not installed) can run here."""


@dataclass(frozen=True)
class SpeechStack:
    kind: SpeechKind
    stt: stt.STT
    tts: tts.TTS
    vad: vad.VAD
    turn_detection: AnswerCompletionDetector
    turn_taking: TurnTakingConfig

    def session_options(self) -> dict[str, Any]:
        """Keyword arguments for livekit-agents' `AgentSession`."""
        return {
            "stt": self.stt,
            "tts": self.tts,
            "vad": self.vad,
            "turn_handling": {
                "turn_detection": self.turn_detection,
                "endpointing": self.turn_taking.endpointing_options(),
            },
        }


def choose_speech(settings: SpeechSettings, choice: SpeechChoice = "auto") -> SpeechKind:
    """OpenAI when asked or when a key is set (auto); local when asked or when no key is set and the
    `voice` extra is installed. Raises SpeechUnavailable with what to do otherwise."""
    has_key = settings.openai_api_key is not None and bool(settings.openai_api_key.get_secret_value())
    if choice == "openai" or (choice == "auto" and has_key):
        if not has_key:
            raise SpeechUnavailable("OpenAI speech needs OPENAI_API_KEY")
        return "openai"
    if not local_speech_available():
        missing = ", ".join(missing_voice_modules())
        raise SpeechUnavailable(
            f"no speech available: set OPENAI_API_KEY for OpenAI speech, or {INSTALL_HINT} for local "
            f"speech (missing: {missing})"
        )
    return "local"


def build_speech(
    settings: SpeechSettings,
    choice: SpeechChoice = "auto",
    *,
    turn_taking: TurnTakingConfig | None = None,
) -> SpeechStack:
    """The STT, TTS, VAD and turn detection for an `AgentSession`. Loads local models once per process."""
    kind = choose_speech(settings, choice)
    config = turn_taking if turn_taking is not None else TurnTakingConfig()
    if kind == "openai":
        speech_to_text, text_to_speech = _openai_speech(settings)
    else:
        from .local_stt import LocalSTT
        from .local_tts import LocalTTS

        speech_to_text, text_to_speech = LocalSTT(), LocalTTS()
    return SpeechStack(
        kind=kind,
        stt=speech_to_text,
        tts=text_to_speech,
        vad=config.load_vad(),
        turn_detection=AnswerCompletionDetector(),
        turn_taking=config,
    )


def _openai_speech(settings: SpeechSettings) -> tuple[stt.STT, tts.TTS]:
    from livekit.agents.types import NOT_GIVEN
    from livekit.plugins import openai

    assert settings.openai_api_key is not None
    key = settings.openai_api_key.get_secret_value()
    base_url = settings.openai_base_url or NOT_GIVEN
    return (
        openai.STT(model=settings.stt_model, language=settings.language, api_key=key, base_url=base_url),
        # Raw 24 kHz PCM: nothing to decode (mp3 would be decoded with PyAV on the task's one vCPU).
        openai.TTS(
            model=settings.tts_model,
            voice=settings.tts_voice,
            api_key=key,
            base_url=base_url,
            response_format="pcm",
        ),
    )
