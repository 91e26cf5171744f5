"""Which speech the agent gets: OpenAI with a key, local models without, a clear error with neither."""

from __future__ import annotations

import pytest
from interviewer.speech import factory, local_models
from interviewer.speech.factory import SpeechUnavailable, build_speech, choose_speech
from pydantic import BaseModel, SecretStr


class Settings(BaseModel):
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    stt_model: str = "gpt-4o-mini-transcribe"
    tts_model: str = "gpt-4o-mini-tts"
    tts_voice: str = "ash"
    language: str = "en"


WITH_KEY = Settings(openai_api_key=SecretStr("sk-test-not-a-real-key"))
WITHOUT_KEY = Settings()


@pytest.fixture
def voice_extra_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factory, "local_speech_available", lambda: False)
    monkeypatch.setattr(factory, "missing_voice_modules", lambda: ["piper", "faster_whisper"])


def test_a_key_selects_openai_speech() -> None:
    assert choose_speech(WITH_KEY) == "openai"


def test_no_key_selects_local_speech_when_the_voice_extra_is_installed() -> None:
    assert local_models.local_speech_available()
    assert choose_speech(WITHOUT_KEY) == "local"
    assert choose_speech(WITH_KEY, "local") == "local"


@pytest.mark.usefixtures("voice_extra_missing")
def test_no_key_and_no_voice_extra_says_what_to_install() -> None:
    with pytest.raises(SpeechUnavailable) as raised:
        choose_speech(WITHOUT_KEY)

    message = str(raised.value)
    assert "OPENAI_API_KEY" in message
    assert "voice" in message
    assert "piper, faster_whisper" in message


def test_openai_speech_forced_without_a_key_is_refused() -> None:
    with pytest.raises(SpeechUnavailable, match="OPENAI_API_KEY"):
        choose_speech(WITHOUT_KEY, "openai")


def test_openai_stack_builds_the_openai_plugins_without_calling_them() -> None:
    stack = build_speech(WITH_KEY)

    assert stack.kind == "openai"
    assert stack.stt.provider.lower().startswith("openai") or "openai" in stack.stt.label
    assert "openai" in stack.tts.label
    options = stack.session_options()
    assert options["vad"] is stack.vad
    assert options["turn_handling"]["endpointing"] == stack.turn_taking.endpointing_options()
    assert "sk-test" not in repr(stack)


def test_local_stack_runs_on_the_bundled_models() -> None:
    stack = build_speech(WITHOUT_KEY)

    assert stack.kind == "local"
    assert (stack.stt.provider, stack.stt.model) == ("faster-whisper", "whisper-tiny.en")
    assert (stack.tts.provider, stack.tts.model) == ("piper", "en_US-joe-medium")
    assert stack.tts.sample_rate == 22_050
