"""The local speech models, loaded once for the session (~1 s), and a candidate's voice."""

from __future__ import annotations

import pytest
from interviewer.speech.local_stt import WhisperTranscriber
from interviewer.speech.local_tts import PiperSpeaker
from interviewer.speech.loopback import candidate_speaker

# A Whisper call costs ~0.35-0.5 s on 2 idle cores (bench/bench_voice.py prints this machine's). The
# timing tests fix it at this value so that their verdicts depend on the audio and the rule only.
TYPICAL_STT_SECONDS = 0.45


@pytest.fixture(scope="session")
def transcriber() -> WhisperTranscriber:
    return WhisperTranscriber()


@pytest.fixture(scope="session")
def agent_voice() -> PiperSpeaker:
    return PiperSpeaker()


@pytest.fixture(scope="session")
def candidate_voice() -> PiperSpeaker:
    return candidate_speaker()
