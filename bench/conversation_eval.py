"""How well the interviewer tells an answer from a request: scripted candidate turns, read by each brain.

    .venv/bin/python bench/conversation_eval.py                 # offline (+ OpenAI when configured)
    .venv/bin/python bench/conversation_eval.py --brain offline
    .venv/bin/python bench/conversation_eval.py --show-misses   # the tuning split's misses only
    .venv/bin/python bench/conversation_eval.py --json

Data: bench/data/conversation_turns.json, candidate turns of every kind (TurnKind), each with the kind a
person reads in it, the stage (during the questions, or at the close) and a split: `tuning` (the offline
rules were tuned against these) and `held_out` (written with them, before any tuning, and never used to
change a rule). The interview is the default profile's, in English.

Figures, per brain and split:
1. Accuracy: the share of turns read as their kind, overall (target >= 95 %) and per kind.
2. Substantive answers read as anything else (target <= 1 %): the failure a candidate would notice
   first (an answer taken for a request, or for "I don't know").
3. The confusion table (rows: the kind a person reads; columns: the brain's reading).
4. Answers written for the assessment bench (bench/assessment_data: graded strong, adequate and weak
   answers, never used to tune the turn rules), read by the offline rules: how many are taken for
   anything but an answer (each is listed; a weak answer such as "I can't remember any" may rightly be).
Baseline in the same run: today's behaviour before turns had kinds, every utterance an answer.
The OpenAI brain runs when OPENAI_API_KEY or OPENAI_BASE_URL is set (OPENAI_MODEL, default gpt-4o-mini).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT / "agent_container", ROOT / "layers" / "common"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from interview_common.models.job_profile import DEFAULT_PROFILE, FaqEntry, JobProfile  # noqa: E402
from interview_common.models.turn import TURN_KINDS, TurnKind  # noqa: E402
from interviewer.ports import Brain, TurnContext, TurnReading  # noqa: E402

DATA = ROOT / "bench" / "data" / "conversation_turns.json"
ASSESSMENT_DATA = ROOT / "bench" / "assessment_data"
_NOT_ANSWER_TEXT = frozenset({"about", "id", "profile", "question", "grade", "split", "rubric_version"})
ACCURACY_TARGET = 0.95
SUBSTANTIVE_MISS_TARGET = 0.01
SPLITS = ("tuning", "held_out")
CONCURRENCY = 4
SHORT = {
    "answer": "answer",
    "repeat_request": "repeat",
    "clarification": "clarify",
    "skip_request": "skip",
    "needs_moment": "moment",
    "question_for_interviewer": "question",
    "non_answer": "non-ans",
    "other_language": "language",
    "wants_to_stop": "stop",
}
# The close is answered from the profile's about/faq text: the bench profile has some.
BENCH_PROFILE = DEFAULT_PROFILE.model_copy(
    update={
        "about": (
            "The team builds the booking platform used by 300 clinics. The role is hybrid: two days a week "
            "in the Lisbon office. New joiners get a two-week onboarding with a mentor."
        ),
        "faq": [
            FaqEntry(
                question="What are the next steps after this interview?",
                answer=(
                    "The hiring team reviews the interview within a week and will email you about next steps."
                ),
            ),
            FaqEntry(
                question="What is the salary range?",
                answer="The range is shared by the recruiter in your next conversation.",
            ),
        ],
    }
)


@dataclass(frozen=True)
class Turn:
    id: str
    split: str
    kind: TurnKind
    stage: str
    question: str
    text: str
    substantive: bool = False


@dataclass
class Tally:
    total: int = 0
    right: int = 0
    substantive: int = 0
    substantive_missed: int = 0
    errors: int = 0  # readings that failed (counted as misses)
    per_kind: Counter[str] = field(default_factory=Counter)
    per_kind_right: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[tuple[Turn, TurnReading]] = field(default_factory=list)

    def add(self, turn: Turn, reading: TurnReading) -> None:
        self.total += 1
        self.per_kind[turn.kind] += 1
        self.confusion[(turn.kind, reading.kind)] += 1
        if reading.kind == turn.kind:
            self.right += 1
            self.per_kind_right[turn.kind] += 1
        else:
            self.misses.append((turn, reading))
        if turn.substantive:
            self.substantive += 1
            self.substantive_missed += reading.kind != "answer"

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def substantive_miss_rate(self) -> float:
        return self.substantive_missed / self.substantive if self.substantive else 0.0

    def figures(self) -> dict[str, Any]:
        return {
            "turns": self.total,
            "accuracy": round(self.accuracy, 4),
            "substantive_answers": self.substantive,
            "substantive_read_as_other": self.substantive_missed,
            "substantive_miss_rate": round(self.substantive_miss_rate, 4),
            "errors": self.errors,
            "per_kind": {
                kind: {"turns": self.per_kind[kind], "right": self.per_kind_right[kind]}
                for kind in TURN_KINDS
                if self.per_kind[kind]
            },
            "confusion": {
                f"{truth}->{read}": count for (truth, read), count in sorted(self.confusion.items())
            },
        }


class EverythingIsAnAnswer:
    """The baseline: how turns were read before they had kinds (any utterance was the answer)."""

    async def understand_turn(self, profile: JobProfile, context: TurnContext, utterance: str) -> TurnReading:
        return TurnReading(kind="answer", reason="baseline")


def load_turns() -> list[Turn]:
    document = json.loads(DATA.read_text(encoding="utf-8"))
    return [
        Turn(
            id=item["id"],
            split=item["split"],
            kind=item["kind"],
            stage=item["stage"],
            question=item["question"],
            text=item["text"],
            substantive=bool(item.get("substantive", False)),
        )
        for item in document["turns"]
    ]


def assessment_answers() -> list[str]:
    """Every answer text of at least five words in the assessment bench's graded sets."""
    texts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if len(value.split()) >= 5:
                texts.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in _NOT_ANSWER_TEXT:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    paths = [*sorted(ASSESSMENT_DATA.glob("graded_answers*.json")), ASSESSMENT_DATA / "paraphrase_sets.json"]
    for path in paths:
        if path.exists():
            walk(json.loads(path.read_text(encoding="utf-8")))
    return texts


async def answers_misread(brain: Any, texts: list[str], profile: JobProfile) -> list[tuple[str, TurnReading]]:
    context = TurnContext(question=profile.questions[0])
    readings = [(text, await brain.understand_turn(profile, context, text)) for text in texts]
    return [(text, reading) for text, reading in readings if reading.kind != "answer"]


async def read_all(
    brain: Any, turns: list[Turn], profile: JobProfile, *, concurrency: int = CONCURRENCY
) -> dict[str, Tally]:
    questions = {question.id: question for question in profile.questions}
    tallies = {split: Tally() for split in SPLITS}
    gate = asyncio.Semaphore(concurrency)

    async def one(turn: Turn) -> tuple[Turn, TurnReading | None]:
        context = TurnContext(question=questions[turn.question], stage=turn.stage)
        async with gate:
            try:
                return turn, await brain.understand_turn(profile, context, turn.text)
            except Exception as error:  # a model's failure is a miss, not the end of the run
                print(f"   reading {turn.id} failed: {type(error).__name__}: {error}", file=sys.stderr)
                return turn, None

    for turn, reading in await asyncio.gather(*(one(turn) for turn in turns)):
        if reading is None:
            tallies[turn.split].errors += 1
            tallies[turn.split].total += 1
            tallies[turn.split].per_kind[turn.kind] += 1
            tallies[turn.split].substantive += turn.substantive
            tallies[turn.split].substantive_missed += turn.substantive
            continue
        tallies[turn.split].add(turn, reading)
    return tallies


def confusion_table(tally: Tally) -> list[str]:
    kinds = [
        kind for kind in TURN_KINDS if tally.per_kind[kind] or any(k[1] == kind for k in tally.confusion)
    ]
    header = f"{'':>10} " + " ".join(f"{SHORT[kind]:>8}" for kind in kinds)
    lines = [header]
    for truth in kinds:
        if not tally.per_kind[truth]:
            continue
        cells = " ".join(f"{tally.confusion[(truth, read)] or '.':>8}" for read in kinds)
        lines.append(f"{SHORT[truth]:>10} {cells}")
    return lines


def report(
    name: str, tallies: dict[str, Tally], baseline: dict[str, Tally], *, show_misses: bool
) -> list[str]:
    lines = [f"== {name} brain"]
    for split in SPLITS:
        tally, base = tallies[split], baseline[split]
        verdict = "meets" if tally.accuracy >= ACCURACY_TARGET else "BELOW"
        substantive = "meets" if tally.substantive_miss_rate <= SUBSTANTIVE_MISS_TARGET else "ABOVE"
        ratio = tally.accuracy / base.accuracy if base.accuracy else float("inf")
        missed = f"{tally.substantive_missed}/{tally.substantive} = {tally.substantive_miss_rate:.1%}"
        lines.append(
            f"-- {split}: {tally.total} turns; accuracy {tally.accuracy:.1%} ({verdict} the 95% target; "
            f"baseline 'everything is an answer' {base.accuracy:.1%}, {ratio:.2f}x); substantive answers "
            f"read as something else {missed} ({substantive} the 1% target; "
            f"baseline {base.substantive_miss_rate:.1%})"
            + (f"; {tally.errors} readings failed (counted as misses)" if tally.errors else "")
        )
        per_kind = ", ".join(
            f"{SHORT[kind]} {tally.per_kind_right[kind]}/{tally.per_kind[kind]}"
            for kind in TURN_KINDS
            if tally.per_kind[kind]
        )
        lines.append(f"   per kind: {per_kind}")
        lines.extend("   " + line for line in confusion_table(tally))
        if show_misses and split == "tuning":
            for turn, reading in tally.misses:
                lines.append(
                    f"   MISS {turn.id}: {turn.kind} read as {reading.kind} ({reading.reason}): {turn.text!r}"
                )
    return lines


def openai_brain() -> Brain | None:
    if not (os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")):
        return None
    from interviewer.brains.openai_brain import OpenAIBrain

    return OpenAIBrain(
        api_key=os.environ.get("OPENAI_API_KEY") or "not-needed-for-a-local-server",
        model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"),
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
        timeout=float(os.environ.get("OPENAI_TIMEOUT", "60")),
        max_retries=1,
    )


async def run(brains: list[str], show_misses: bool, as_json: bool) -> int:
    from interviewer.brains.offline import OfflineBrain

    turns = load_turns()
    baseline = await read_all(EverythingIsAnAnswer(), turns, BENCH_PROFILE)
    results: dict[str, dict[str, Tally]] = {}
    lines = [f"{len(turns)} turns ({', '.join(f'{s} {sum(t.split == s for t in turns)}' for s in SPLITS)})"]
    if "offline" in brains:
        results["offline"] = await read_all(OfflineBrain(), turns, BENCH_PROFILE)
        lines += report("offline", results["offline"], baseline, show_misses=show_misses)
        graded = assessment_answers()
        misread = await answers_misread(OfflineBrain(), graded, BENCH_PROFILE)
        lines.append(
            f"-- answers from the assessment bench (never used for tuning): {len(misread)}/{len(graded)} "
            f"= {len(misread) / max(1, len(graded)):.1%} read as something else"
        )
        lines.extend(f"   {reading.kind}: {text[:100]!r}" for text, reading in misread)
    if "openai" in brains:
        brain = openai_brain()
        if brain is None:
            lines.append("== openai brain: not run (set OPENAI_API_KEY or OPENAI_BASE_URL to measure it)")
        else:
            results["openai"] = await read_all(brain, turns, BENCH_PROFILE)
            lines += report(f"openai ({brain.model})", results["openai"], baseline, show_misses=show_misses)
    if as_json:
        print(
            json.dumps(
                {
                    "baseline": {split: tally.figures() for split, tally in baseline.items()},
                    **{
                        name: {split: tally.figures() for split, tally in tallies.items()}
                        for name, tallies in results.items()
                    },
                },
                indent=1,
            )
        )
    else:
        print("\n".join(lines))
    offline = results.get("offline")
    if offline is None:
        return 0
    met = all(
        offline[split].accuracy >= ACCURACY_TARGET
        and offline[split].substantive_miss_rate <= SUBSTANTIVE_MISS_TARGET
        for split in SPLITS
    )
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--brain", choices=("offline", "openai", "all"), default="all")
    parser.add_argument("--show-misses", action="store_true", help="list the tuning split's misses")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    brains = ["offline", "openai"] if args.brain == "all" else [args.brain]
    return asyncio.run(run(brains, args.show_misses, args.json))


if __name__ == "__main__":
    raise SystemExit(main())
