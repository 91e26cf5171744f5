"""The voice loopback around the text transport: the simulated candidate speaks, the agent hears.

Given the text transport with a scripted candidate, wrapped in the voice loopback, when the agent asks
and listens as the conductor does, then it gets what the candidate *said* as Whisper heard it, and the
conversation is saved as one WAV file with a JSON account of each line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from interviewer.clock import RealClock
from interviewer.config import AgentSettings
from interviewer.ports import INTERVIEW_TOPIC
from interviewer.simulated_candidate import Persona, SimulatedCandidate
from interviewer.speech.listener import TurnListener
from interviewer.speech.local_stt import WhisperTranscriber
from interviewer.speech.local_tts import PiperSpeaker
from interviewer.speech.loopback import ROOM_RATE, PitchedSpeaker, VoiceLoopbackTransport, with_voice_loopback
from interviewer.speech.pcm import read_wav
from interviewer.speech.word_error import word_error_rate
from interviewer.transports.text import TextTransport
from pydantic import ValidationError

ANSWER = (
    "I rebuilt our deployment pipeline so that every change ships behind a feature flag. "
    "Releases went from once a week to several times a day."
)
QUESTION = "Tell me about a project you are proud of."
# One short answer through tiny.en: 0-20% word error from one synthesis to the next (the corpus figure
# is in test_local_speech.py); this test is about the path, so it only checks the answer came through.
MAX_WORD_ERROR_ONE_ANSWER = 0.25


async def test_the_agent_hears_the_simulated_candidate_through_the_voice_path(
    tmp_path: Path, transcriber: WhisperTranscriber, agent_voice: PiperSpeaker
) -> None:
    # Given a candidate who joins at once and answers without thinking, behind the voice loopback
    persona = Persona(name="quick", join_after=0, think_seconds=0, answers={1: ANSWER})
    text = TextTransport(SimulatedCandidate(persona), RealClock())
    recording = tmp_path / "interview.wav"
    voice = VoiceLoopbackTransport(
        text,
        agent_voice=agent_voice,
        candidate_voice=PitchedSpeaker(agent_voice),
        listener=TurnListener(transcriber),
        recording_path=recording,
    )
    await voice.connect()
    assert await voice.wait_for_candidate(timeout=5)

    # When the agent asks, says it is listening, and listens
    await voice.say(QUESTION)
    await voice.publish({"type": "question", "question_number": 1, "question": QUESTION}, INTERVIEW_TOPIC)
    await voice.publish({"type": "agent_listening"}, INTERVIEW_TOPIC)
    heard = await voice.listen(timeout=5)
    await voice.say("Thank you, that is all.")
    await voice.close()

    # Then it gets the answer as heard, with the timings of the speech in the recording
    assert heard is not None
    assert word_error_rate(ANSWER, heard.text) < MAX_WORD_ERROR_ONE_ANSWER, heard.text
    assert 0 < heard.started_at < heard.ended_at
    # And the inner transport still carried the agent's words and messages
    assert text.spoken == [QUESTION, "Thank you, that is all."]
    # And the conversation is one WAV file with every line in order, and its figures beside it
    audio = read_wav(recording)
    assert audio.rate == ROOM_RATE
    summary = json.loads(recording.with_suffix(".json").read_text())
    lines = summary["lines"]
    assert [line["speaker"] for line in lines] == ["agent", "candidate", "agent"]
    assert lines[1]["text"] == ANSWER
    assert lines[1]["word_error_rate"] == word_error_rate(ANSWER, heard.text)
    assert 0 < lines[1]["end_of_turn_latency"] < 2.5
    assert lines[0]["tts_first_audio_seconds"] > 0
    assert lines[0]["ended_at"] <= lines[1]["started_at"] < lines[1]["ended_at"] <= lines[2]["started_at"]
    assert abs(audio.duration - summary["seconds"]) < 0.05
    assert audio.duration >= lines[2]["ended_at"] - 0.05


async def test_a_silent_candidate_is_heard_as_silence(
    transcriber: WhisperTranscriber, agent_voice: PiperSpeaker
) -> None:
    persona = Persona(name="silent", join_after=0, think_seconds=0, silent_on=[1])
    text = TextTransport(SimulatedCandidate(persona), RealClock())
    voice = VoiceLoopbackTransport(
        text,
        agent_voice=agent_voice,
        candidate_voice=PitchedSpeaker(agent_voice),
        listener=TurnListener(transcriber),
    )
    await voice.connect()
    await voice.wait_for_candidate(timeout=5)
    await voice.publish({"type": "question", "question_number": 1, "question": QUESTION}, INTERVIEW_TOPIC)
    await voice.publish({"type": "agent_listening"}, INTERVIEW_TOPIC)

    assert await voice.listen(timeout=0.2) is None
    await voice.close()
    assert [line.speaker for line in voice.lines] == []


AGENT_ENV = {
    "ROOM_NAME": "room-1",
    "INTERVIEW_ID": "iv-1",
    "CANDIDATE_IDENTITY": "candidate-c1",
    "CANDIDATE_ID": "c1",
    "JOB_ID": "job-1",
    "TABLE_NAME": "interviews-test",
}


def test_agent_voice_loopback_wraps_the_transport_and_off_leaves_it_alone(tmp_path: Path) -> None:
    persona = Persona(name="quick", join_after=0, think_seconds=0)
    text = TextTransport(SimulatedCandidate(persona), RealClock())
    recording = tmp_path / "talk.wav"

    plain = AgentSettings.from_env(AGENT_ENV)
    voiced = AgentSettings.from_env(AGENT_ENV, AGENT_VOICE="loopback", AGENT_VOICE_RECORDING=str(recording))
    blank = AgentSettings.from_env(AGENT_ENV, AGENT_VOICE_RECORDING="")

    assert with_voice_loopback(text, plain) is text
    wrapped = with_voice_loopback(text, voiced)
    assert isinstance(wrapped, VoiceLoopbackTransport)
    assert voiced.voice_recording == recording
    assert blank.voice_recording is None


def test_an_unknown_agent_voice_is_rejected() -> None:
    with pytest.raises(ValidationError, match="AGENT_VOICE"):
        AgentSettings.from_env(AGENT_ENV, AGENT_VOICE="karaoke")
