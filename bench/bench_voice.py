"""Per-turn latency of the offline voice path on this machine, split at each stage.

    .venv/bin/python bench/bench_voice.py [--turns 4]

For each answer (Piper speaks it in the candidate's voice at 24 kHz, then silence), the agent hears it
through Silero VAD -> Whisper tiny.en per segment -> end-of-turn rule -> one Whisper pass over the
turn (TurnListener, measured compute), then Piper synthesises the agent's next line. Stages, from the
end of the candidate's last word (energy > -40 dBFS, independent of the VAD):

  speech end -> VAD end of speech -> end of turn taken -> transcript ready -> first audio of the reply

Each figure is printed raw and as a ratio to a baseline measured in this run: per-stage latencies
against the answer's own audio duration, STT and TTS compute as real-time factors (compute / audio),
and model loads against the duration of one answer. Targets (issue 9): end of turn within 0.8 s of
the end of speech; word error below 10%.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common"), str(ROOT / "agent_container")]

ANSWERS = [
    "I led the migration of our billing service to a new database. It took six months, and we cut "
    "the number of incidents by half.",
    "Our search got slow after a release, so I looked at the metrics first. The new index was the "
    "cause, and rewriting one query brought the latency back down.",
    "A colleague and I disagreed about whether to build or buy. We agreed on the criteria together, "
    "wrote up both options, and bought it with a review after six months.",
    "I once shipped a change on a Friday without a way to roll it back. Since then I write the rollback "
    "step first, and we have not had that kind of incident again.",
    "I would explain caching with the milk at the front of the fridge: you keep close what you use "
    "every day.",
    "Yes, I have mentored two junior engineers, and both of them were promoted last year.",
]
REPLY = "Thank you. Next question: how do you decide what to test first when time is short?"
TARGET_END_OF_TURN_S = 0.8


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=4, help=f"answers to hear (1-{len(ANSWERS)})")
    args = parser.parse_args()
    asyncio.run(run(max(1, min(args.turns, len(ANSWERS)))))


async def run(turn_count: int) -> None:
    from interviewer.speech.listener import TurnListener
    from interviewer.speech.local_models import piper_voice, whisper_model
    from interviewer.speech.local_stt import WhisperTranscriber
    from interviewer.speech.local_tts import PiperSpeaker
    from interviewer.speech.loopback import PitchedSpeaker
    from interviewer.speech.pcm import speech_bounds
    from interviewer.speech.turn_taking import TurnTakingConfig
    from interviewer.speech.word_error import corpus_word_error_rate, word_error_rate

    loads = {}
    started = time.perf_counter()
    voice = piper_voice()
    loads["Piper voice (en_US-joe-medium)"] = time.perf_counter() - started
    started = time.perf_counter()
    model = whisper_model()
    loads["Whisper tiny.en (int8, 2 threads)"] = time.perf_counter() - started
    config = TurnTakingConfig()
    started = time.perf_counter()
    vad = config.load_vad()
    loads["Silero VAD"] = time.perf_counter() - started

    agent = PiperSpeaker(voice)
    candidate = PitchedSpeaker(agent)
    transcriber = WhisperTranscriber(model)
    listener = TurnListener(transcriber, config=config, vad=vad)
    transcriber.transcribe(agent.speak("Warm up."))  # first-call allocations are not a turn's cost

    rows = []
    heard_pairs = []
    for answer in ANSWERS[:turn_count]:
        audio = candidate.speak(answer)
        _, speech_end = speech_bounds(audio)
        wall = time.perf_counter()
        turns = [turn async for turn in listener.turns(audio.frames())]
        listen_wall = time.perf_counter() - wall
        heard = " ".join(turn.text for turn in turns)
        heard_pairs.append((answer, heard))
        last = turns[-1]
        wall = time.perf_counter()
        first = next(iter(agent.sentences(REPLY)))
        tts_first = time.perf_counter() - wall
        rows.append(
            {
                "audio": audio.duration,
                "vad_end": last.vad_ended_at - speech_end,
                "end_of_turn": last.end_of_turn_at - speech_end,
                "transcript": last.transcript_ready_at - speech_end,
                "first_audio": last.transcript_ready_at - speech_end + tts_first,
                "tts_first": tts_first,
                "tts_first_audio": first.duration,
                "stt": sum(t.stt_seconds for t in turns),
                "speech": sum(t.speech_seconds for t in turns),
                "segments": sum(t.segments for t in turns),
                "turns": len(turns),
                "listen_wall": listen_wall,
                "wer": word_error_rate(answer, heard),
            }
        )

    print(f"Offline voice, per turn ({turn_count} answers, {config.model_dump()})")
    print("raw seconds after the end of the candidate's last word; ratio = / the answer's audio duration")
    header = f"{'turn':>4} {'audio':>6} {'VAD end':>14} {'end of turn':>14} {'transcript':>14}"
    print(header + f" {'1st reply audio':>16} {'segs':>4} {'turns':>5} {'WER':>5}")
    for number, row in enumerate(rows, start=1):
        cells = [
            f"{row[key]:6.3f} ({row[key] / row['audio']:.3f})"
            for key in ("vad_end", "end_of_turn", "transcript", "first_audio")
        ]
        print(
            f"{number:>4} {row['audio']:6.2f} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14} {cells[3]:>16}"
            f" {row['segments']:>4} {row['turns']:>5} {row['wer']:5.1%}"
        )

    def median(key: str) -> float:
        return statistics.median(row[key] for row in rows)

    typical = median("audio")
    print("\nmedians (ratio to the median answer duration, or as named)")
    for label, key in [
        ("speech end -> VAD end of speech", "vad_end"),
        ("speech end -> end of turn taken", "end_of_turn"),
        ("speech end -> transcript ready", "transcript"),
        ("speech end -> first audio of the reply", "first_audio"),
    ]:
        print(f"  {label:<40} {median(key):6.3f} s   ratio {median(key) / typical:.3f}")
    end_of_turn = median("end_of_turn")
    worst = max(row["end_of_turn"] for row in rows)
    print(
        f"  end of turn vs the {TARGET_END_OF_TURN_S} s target: median ratio"
        f" {end_of_turn / TARGET_END_OF_TURN_S:.2f}, worst {worst:.3f} s"
        f" (ratio {worst / TARGET_END_OF_TURN_S:.2f})"
    )
    stt_rtf = sum(row["stt"] for row in rows) / sum(row["speech"] for row in rows)
    tts_rtf = median("tts_first") / median("tts_first_audio")
    print(f"  STT compute / audio transcribed (real-time factor) {stt_rtf:.3f}")
    print(
        f"  TTS first sentence: {median('tts_first'):.3f} s for {median('tts_first_audio'):.2f} s of audio"
        f" (real-time factor {tts_rtf:.3f}, {1 / tts_rtf:.0f}x faster than real time)"
    )
    listen_rtf = sum(row["listen_wall"] for row in rows) / sum(row["audio"] for row in rows)
    print(f"  whole listening path wall time / audio (VAD + STT, fed faster than real time) {listen_rtf:.3f}")
    print(f"  word error over all answers {corpus_word_error_rate(heard_pairs):.1%} (target < 10%)")
    print("\nmodel loads (ratio to the median answer duration)")
    for label, seconds in loads.items():
        print(f"  {label:<36} {seconds:6.3f} s   ratio {seconds / typical:.3f}")


if __name__ == "__main__":
    main()
