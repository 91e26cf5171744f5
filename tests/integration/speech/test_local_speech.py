"""Speech through the real local models: Piper speaks, Silero VAD segments, Whisper tiny.en transcribes.

Given an answer spoken by Piper, when the agent hears it through its VAD -> STT -> end-of-turn path,
then the transcript is close to what was said, the turn ends soon after the last word, and a thinking
pause in the middle of a sentence does not end it.
"""

from __future__ import annotations

import pytest
from interviewer.simulated_candidate import load_persona
from interviewer.speech.listener import HeardTurn, TurnListener
from interviewer.speech.local_stt import LocalSTT, Transcript, WhisperTranscriber
from interviewer.speech.local_tts import LocalTTS, PiperSpeaker
from interviewer.speech.loopback import PitchedSpeaker
from interviewer.speech.pcm import Pcm, speech_bounds
from interviewer.speech.turn_taking import TurnTakingConfig
from interviewer.speech.word_error import corpus_word_error_rate, word_error_rate
from livekit.agents import stt as agents_stt

from .conftest import TYPICAL_STT_SECONDS

ANSWERS = [
    "I led the migration of our billing service to a new database. It took six months, "
    "and we cut the number of incidents by half.",
    "Yes, I have. I mentored two junior engineers last year, and both of them were promoted.",
    "The hardest bug I fixed was a race condition in our payment retries, which charged a few "
    "customers twice.",
]
MAX_WORD_ERROR = 0.10
MAX_WORD_ERROR_FEW_ANSWERS = 0.15
MAX_END_OF_TURN_S = 0.8


def _fixed_stt_latency(_: Transcript) -> float:
    return TYPICAL_STT_SECONDS


@pytest.fixture
def listener(transcriber: WhisperTranscriber) -> TurnListener:
    return TurnListener(transcriber, config=TurnTakingConfig(), stt_latency=_fixed_stt_latency)


async def _hear(listener: TurnListener, audio: Pcm) -> list[HeardTurn]:
    return [turn async for turn in listener.turns(audio.frames())]


async def test_spoken_answers_are_transcribed_by_the_livekit_stt_with_under_10_percent_word_error(
    candidate_voice: PitchedSpeaker,
) -> None:
    # Given answers of the length an interview has (3 short ones, 3 of the packaged strong persona's),
    # spoken by the candidate's voice as 20 ms frames at 24 kHz, as a LiveKit room delivers them
    strong = load_persona("strong").answers
    references = [*ANSWERS, strong[1], strong[3], strong[4]]
    speech_to_text = LocalSTT(WhisperTranscriber())

    heard: list[tuple[str, str]] = []
    for reference in references:
        frames = list(candidate_voice.speak(reference).frames())

        # When the agent's STT (livekit-agents interface) transcribes each
        event = await speech_to_text.recognize(frames)

        assert event.type == agents_stt.SpeechEventType.FINAL_TRANSCRIPT
        assert 0.0 < event.alternatives[0].confidence <= 1.0
        heard.append((reference, event.alternatives[0].text))

    # Then fewer than 10% of the words are wrong over all of them
    assert corpus_word_error_rate(heard) < MAX_WORD_ERROR, heard


async def test_the_agents_voice_comes_out_of_the_livekit_tts_and_is_understood(
    transcriber: WhisperTranscriber,
) -> None:
    line = "Thanks for joining. First question: tell me about a project you are proud of."

    # When the agent's TTS (livekit-agents interface) speaks a line
    frames = [audio.frame async for audio in LocalTTS(PiperSpeaker()).synthesize(line)]

    # Then it is speech at the voice's rate that Whisper understands
    spoken = Pcm.from_frames(frames)
    assert spoken.rate == 22_050
    assert 3.0 < spoken.duration < 12.0
    assert word_error_rate(line, transcriber.transcribe(spoken).text) < MAX_WORD_ERROR


@pytest.mark.parametrize(("rate", "answers"), [(24_000, ANSWERS), (16_000, ANSWERS[:1])])
async def test_answers_are_heard_with_few_errors_and_each_turn_ends_soon_after_the_last_word(
    listener: TurnListener, agent_voice: PiperSpeaker, rate: int, answers: list[str]
) -> None:
    heard: list[tuple[str, str]] = []
    for answer in answers:
        # Given an answer at a room's sample rate, then silence
        audio = PitchedSpeaker(agent_voice, rate=rate).speak(answer)
        _, last_word_ends = speech_bounds(audio)

        # When the agent listens
        turns = await _hear(listener, audio)

        # Then it takes the turn as over within 800 ms of the last word
        heard.append((answer, " ".join(turn.text for turn in turns)))
        last = turns[-1]
        assert last.looked_finished
        latency = last.end_of_turn_at - last_word_ends
        assert 0.0 < latency <= MAX_END_OF_TURN_S, last.model_dump()
        assert last.vad_ended_at <= last.end_of_turn_at <= last.transcript_ready_at

    # And it heard what was said (the word error figure over a larger corpus is the test above; three
    # short answers through the VAD's segments vary by a few points between two syntheses)
    assert corpus_word_error_rate(heard) < MAX_WORD_ERROR_FEW_ANSWERS, heard


async def test_a_thinking_pause_in_the_middle_of_a_sentence_does_not_end_the_turn(
    listener: TurnListener, candidate_voice: PitchedSpeaker
) -> None:
    # Given an answer with a 1.5 s pause after "...was"
    before, after = (
        "So the main reason we chose that approach was",
        "that the whole team already knew it well.",
    )
    first = candidate_voice.speak(before)
    audio = first + Pcm.silence(1.5, first.rate) + candidate_voice.speak(after)
    _, pause_starts = speech_bounds(first)

    # When the agent listens
    turns = await _hear(listener, audio)

    # Then the pause is part of one turn that ends after the second half
    assert len(turns) == 1, [t.text for t in turns]
    assert word_error_rate(f"{before} {after}", turns[0].text) < MAX_WORD_ERROR, turns[0].text
    assert turns[0].segments >= 2
    assert turns[0].speech_ended_at > pause_starts + 1.5


async def test_a_pause_after_a_complete_sentence_ends_the_turn(
    listener: TurnListener, candidate_voice: PitchedSpeaker
) -> None:
    # Given a finished sentence, 1.5 s of silence, and more words (the rule's known limit)
    first = candidate_voice.speak("We moved everything to the new database.")
    audio = first + Pcm.silence(1.5, first.rate) + candidate_voice.speak("It was much cheaper.")

    # When the agent listens
    turns = await _hear(listener, audio)

    # Then the first sentence is a turn of its own, taken before the candidate goes on
    assert [t.looked_finished for t in turns] == [True, True]
    assert turns[0].end_of_turn_at < turns[1].speech_started_at


async def test_silence_and_no_audio_are_no_turn(listener: TurnListener) -> None:
    assert await _hear(listener, Pcm.silence(2.0, 24_000)) == []
    assert await _hear(listener, Pcm.silence(0, 24_000)) == []
