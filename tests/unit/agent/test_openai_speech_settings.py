"""OpenAI speech as the agent configures it: raw PCM from the TTS, and only STT models it can run."""

from __future__ import annotations

import pytest
from interviewer.config import OPENAI_STT_MODELS, AgentSettings
from interviewer.speech.factory import build_speech
from pydantic import ValidationError

from tests.unit.agent.test_livekit_transport import ENV

WITH_KEY = {**ENV, "OPENAI_API_KEY": "sk-test-not-a-real-key"}


def test_openai_tts_sends_raw_pcm_so_nothing_is_decoded_on_the_task() -> None:
    # Given the agent's settings with an OpenAI key
    settings = AgentSettings.from_env(WITH_KEY)

    # When its speech is built
    speech = build_speech(settings)

    # Then the TTS asks for 24 kHz PCM (no mp3 for PyAV to decode) and the STT is the configured model
    assert speech.kind == "openai"
    assert speech.tts._opts.response_format == "pcm"  # type: ignore[attr-defined]
    assert speech.tts.sample_rate == 24_000
    assert speech.stt.model == "gpt-4o-mini-transcribe"


@pytest.mark.parametrize("model", OPENAI_STT_MODELS)
def test_each_listed_stt_model_is_accepted(model: str) -> None:
    assert AgentSettings.from_env(WITH_KEY, OPENAI_STT_MODEL=model).stt_model == model


@pytest.mark.parametrize("model", ["gpt-realtime-whisper", "gpt-live-transcribe", "gpt-realtime-mini"])
def test_a_realtime_only_stt_model_is_refused_at_start_with_what_to_use(model: str) -> None:
    with pytest.raises(ValidationError, match="realtime API") as refused:
        AgentSettings.from_env(WITH_KEY, OPENAI_STT_MODEL=model)
    assert "gpt-4o-mini-transcribe" in str(refused.value)


def test_an_unknown_stt_model_is_refused_unless_an_openai_compatible_server_names_its_own() -> None:
    with pytest.raises(ValidationError, match="OPENAI_STT_MODEL must be one of"):
        AgentSettings.from_env(WITH_KEY, OPENAI_STT_MODEL="gpt-4o-transcrbe")
    compatible = AgentSettings.from_env(
        WITH_KEY, OPENAI_STT_MODEL="Systran/faster-whisper-small", OPENAI_BASE_URL="http://127.0.0.1:8000/v1"
    )
    assert compatible.stt_model == "Systran/faster-whisper-small"
