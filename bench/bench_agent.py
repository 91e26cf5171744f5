"""The agent's own costs: per-turn overhead, process start to "ready to join", installed size.

    .venv/bin/python bench/bench_agent.py [--interviews 5] [--questions 20] [--skip-size]

1. Per-turn overhead: from the end of the candidate's turn (the utterance's end) to the next request to
   speech (the transport's `say`), with the brain and speech replaced by instant fakes, so what is left is
   the conductor's own work: messages, phase and turn bookkeeping, the background assessment task, and
   the recorder. Twice: with an in-memory recorder (the conductor alone) and with the DynamoDB recorder
   on its worker thread against moto in the same process (queued writes; the GIL is shared with moto, so
   this is a pessimistic figure). Target: <= 50 ms. Baselines: one `asyncio.sleep(0)` round trip and one
   moto PutItem, measured in the same run.
2. Process start to "ready to join": `python -m interviewer --dry-run` (settings, brain, recorder and
   transport built; the next step would be connecting to the room), for the text transport with the
   offline brain and for the LiveKit transport with the OpenAI brain, with bytecode cached as the image
   has it (Dockerfile: compileall) and without. Baseline: the bare interpreter (`python -c pass`). The
   imports are split by group (they dominate).
3. Installed size of agent_container/requirements.txt: `uv pip install --target` (pip when uv is
   missing) into a temporary directory, bytecode compiled as in the image. Target: <= 250 MB. Baseline:
   layers/common/requirements.txt (what every Lambda carries) installed the same way. PyPI only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common"), str(ROOT / "agent_container")]

TURN_TARGET_MS = 50.0
SIZE_TARGET_MB = 250.0
ANSWER = (
    "I owned the migration: I analyzed the data, tested two options, explained the trade-offs to the team "
    "and we delivered it early; errors fell by 40 percent."
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- 1. per-turn overhead ----------------------------------------------------------------------------


def bench_turns(interviews: int, questions: int) -> None:
    os.environ.update(
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    warnings.simplefilter("ignore")
    import boto3
    from interview_common.clock import expiry_epoch, now_iso
    from interview_common.interview_log import InterviewLog
    from interview_common.lifecycle import InterviewState
    from interview_common.models.assessment import AnswerAssessment, CompetencyAssessment, InterviewReport
    from interview_common.models.items import InterviewItem
    from interview_common.models.job_profile import DEFAULT_PROFILE, JobProfile, Question
    from interview_common.models.turn import TurnItem
    from interview_common.participants import ParticipantStore
    from interview_common.store import InterviewStore, to_attribute_values
    from interviewer.assessment import build_report
    from interviewer.clock import RealClock
    from interviewer.conductor import Conductor, InterviewIdentity, Timeouts
    from interviewer.ports import (
        INTERVIEW_TOPIC,
        AgentState,
        Progress,
        RecordedState,
        ReportRequest,
        RoomEventListener,
        TurnReading,
        Utterance,
    )
    from interviewer.recorder import DynamoRecorder
    from moto import mock_aws

    from local.template_resources import create_table

    clock = RealClock()
    profile = JobProfile(
        job_id="bench",
        title="Benchmark",
        rubric_version="bench-1",
        competencies=DEFAULT_PROFILE.competencies,
        questions=[
            Question(id=f"q{i}", text=f"Benchmark question number {i}?", competencies=["problem_solving"])
            for i in range(1, questions + 1)
        ],
    )

    class InstantSpeechAndCandidate:
        """Speech takes no time; the candidate answers the moment the agent listens."""

        def __init__(self) -> None:
            self.sent = 0

        async def connect(self) -> None: ...

        async def wait_for_candidate(self, timeout: float) -> bool:  # noqa: ASYNC109
            return True

        async def say(self, text: str) -> None: ...

        async def listen(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109
            now = clock.now()
            return Utterance(text=ANSWER, started_at=now, ended_at=now)

        async def publish(self, message: dict[str, Any], topic: str = INTERVIEW_TOPIC) -> None:
            json.dumps(message)  # what a real transport does at least
            self.sent += 1

        async def set_agent_state(self, state: AgentState) -> None: ...

        def on_room_event(self, listener: RoomEventListener) -> None: ...

        async def close(self) -> None: ...

    class InstantBrain:
        name = "instant"
        model = "none"

        async def plan_questions(self, profile: JobProfile) -> list[Question]:
            return list(profile.questions)

        async def decide_follow_up(self, *args: Any) -> str | None:
            return None

        async def understand_turn(self, *args: Any) -> TurnReading:
            return TurnReading(kind="answer")  # every turn an answer, no follow-up: the conductor's path

        async def assess_answer(
            self, profile: JobProfile, question: Question, answer: str
        ) -> AnswerAssessment:
            return AnswerAssessment(
                question_id=question.id,
                competencies=[
                    CompetencyAssessment(competency_id=cid, level=3, rationale="-")
                    for cid in question.competencies
                ],
                brain="instant",
                model="none",
                rubric_version=profile.rubric_version,
                assessed_at=clock.iso(),
            )

        async def write_report(self, profile: JobProfile, request: ReportRequest) -> InterviewReport:
            return build_report(
                profile,
                request,
                brain="instant",
                model="none",
                summary="-",
                strengths=[],
                concerns=[],
                generated_at=clock.iso(),
            )

    class MemoryRecorder:
        def __init__(self) -> None:
            self.state = InterviewState.LAUNCHING
            self.writes = 0

        async def agent_joined(self) -> RecordedState:
            self.state = InterviewState.WAITING_FOR_CANDIDATE
            return RecordedState(state=self.state)

        async def load_profile(self) -> JobProfile:
            return profile

        async def transition(self, target: InterviewState, **fields: Any) -> bool:
            self.state = target
            return True

        async def progress(self, progress: Progress) -> None:
            self.writes += 1

        async def heartbeat(self) -> RecordedState:
            return RecordedState(state=self.state)

        async def save_turn(self, turn: TurnItem) -> None:
            turn.model_copy(deep=True)
            self.writes += 1

        async def save_report(self, report: InterviewReport) -> None: ...

        async def close(self) -> None: ...

    timeouts = Timeouts(heartbeat_interval=3600)

    async def interview(recorder: Any, room: str) -> list[float]:
        conductor = Conductor(
            identity=InterviewIdentity(
                room_name=room,
                interview_id="benchinterview",
                candidate_id="c",
                job_id="bench",
                report_url="/r",
            ),
            transport=InstantSpeechAndCandidate(),
            brain=InstantBrain(),
            recorder=recorder,
            clock=clock,
            timeouts=timeouts,
        )
        outcome = await conductor.run()
        assert outcome.questions_answered == questions, outcome
        return conductor.response_latencies

    async def sleep0_round_trip(rounds: int = 20_000) -> float:
        started = time.perf_counter()
        for _ in range(rounds):
            await asyncio.sleep(0)
        return (time.perf_counter() - started) / rounds

    async def memory_runs() -> list[float]:
        latencies: list[float] = []
        for index in range(interviews):
            latencies += await interview(MemoryRecorder(), f"memory-{index}")
        return latencies

    sleep0 = asyncio.run(sleep0_round_trip())
    memory = asyncio.run(memory_runs())

    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        create_table(dynamodb, "bench-agent")
        store = InterviewStore("bench-agent", dynamodb)
        log = InterviewLog("bench-agent", dynamodb)
        log.put_job_profile(profile.model_copy(update={"job_id": "bench"}))

        put_started = time.perf_counter()
        puts = 100
        for index in range(puts):
            dynamodb.put_item(
                TableName="bench-agent",
                Item=to_attribute_values({"PK": f"BENCH#{index}", "SK": "X", "n": index}),
            )
        put_item = (time.perf_counter() - put_started) / puts

        async def dynamo_runs() -> list[float]:
            latencies: list[float] = []
            for index in range(interviews):
                room = f"dynamo-{index}"
                now = now_iso()
                store.create_interview(
                    InterviewItem(
                        room_name=room,
                        interview_id="benchinterview",
                        candidate_id="c",
                        job_id="bench",
                        candidate_identity="candidate-c",
                        agent_identity="interview-agent-benchinterview",
                        state=InterviewState.LAUNCHING,
                        created_at=now,
                        updated_at=now,
                        expires_at=expiry_epoch(1),
                    )
                )
                recorder = DynamoRecorder.on_thread(
                    room_name=room,
                    interview_id="benchinterview",
                    job_id="bench",
                    agent_identity="interview-agent-benchinterview",
                    store=store,
                    log=log,
                    participants=ParticipantStore("bench-agent", dynamodb),
                    clock=clock,
                )
                latencies += await interview(recorder, room)
            return latencies

        dynamo = asyncio.run(dynamo_runs())

    print(
        "1. agent overhead per turn: end of the candidate's turn -> next request to speech"
        " (instant brain and speech)"
    )
    print(
        f"   baselines: asyncio.sleep(0) round trip {sleep0 * 1e6:.1f} us;"
        f" moto PutItem (in process) {put_item * 1e3:.2f} ms"
    )
    for label, values in (
        ("in-memory recorder (the conductor alone)", memory),
        ("DynamoDB recorder on its thread (moto)", dynamo),
    ):
        median = statistics.median(values)
        p95 = percentile(values, 0.95)
        print(
            f"   {label}: {len(values)} turns, median {median * 1e3:.3f} ms, p95 {p95 * 1e3:.3f} ms"
            f" = {median / sleep0:.0f}x a sleep(0) round trip, {median / put_item:.2f}x one PutItem,"
            f" {median * 1e3 / TURN_TARGET_MS:.3f}x the {TURN_TARGET_MS:.0f} ms target"
            f" (p95 {p95 * 1e3 / TURN_TARGET_MS:.3f}x)"
        )


# -- 2. process start to ready to join -------------------------------------------------------------


def agent_env(cache: Path | None, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "agent_container"), str(ROOT / "layers" / "common")]),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "TABLE_NAME": "bench-agent",
        "ROOM_NAME": "bench-room",
        "INTERVIEW_ID": "benchinterview",
        "CANDIDATE_IDENTITY": "candidate-c",
        "CANDIDATE_ID": "c",
        "JOB_ID": "bench",
        "LIVEKIT_API_KEY": "devkey",
        "LIVEKIT_API_SECRET": "secret-for-the-benchmark-only-0123456789",
        **extra,
    }
    if cache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-1500:]}")
    return elapsed


IMPORT_GROUPS = [
    (
        "shared package (pydantic, boto3, Powertools)",
        ["interview_common.store", "interview_common.observability"],
    ),
    (
        "conductor, recorder, offline brain",
        ["interviewer.conductor", "interviewer.recorder", "interviewer.brains.offline"],
    ),
    ("openai + OpenAI brain", ["interviewer.brains.openai_brain"]),
    ("livekit rtc SDK", ["livekit.rtc"]),
    ("livekit-agents", ["livekit.agents"]),
    ("plugins openai + silero", ["livekit.plugins.openai", "livekit.plugins.silero"]),
    ("LiveKit transport", ["interviewer.transports.livekit"]),
]
SPLIT_SCRIPT = """
import importlib, json, sys, time
groups = json.loads(sys.argv[1])
out = []
for label, modules in groups:
    t = time.perf_counter()
    for module in modules:
        importlib.import_module(module)
    out.append((label, time.perf_counter() - t))
print(json.dumps(out))
"""


def bench_start(runs: int) -> None:
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-agent-pycache-") as cache_dir:
        cache = Path(cache_dir)
        text_env = agent_env(cache, AGENT_TRANSPORT="text", AGENT_PERSONA="strong", OPENAI_API_KEY="none")
        livekit_env = agent_env(cache, AGENT_TRANSPORT="livekit", OPENAI_API_KEY="sk-bench-not-used")
        dry_run = [python, "-m", "interviewer", "--dry-run"]
        bare = [python, "-c", "pass"]
        # Warm the bytecode cache once (the image compiles it at build time).
        timed(dry_run, livekit_env)
        timed(dry_run, text_env)
        interpreter = statistics.median(timed(bare, text_env) for _ in range(runs))
        text = statistics.median(timed(dry_run, text_env) for _ in range(runs))
        livekit = statistics.median(timed(dry_run, livekit_env) for _ in range(runs))
        split_env = dict(livekit_env)
        done = subprocess.run(  # noqa: S603 - our own script
            [python, "-c", SPLIT_SCRIPT, json.dumps(IMPORT_GROUPS)],
            env=split_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        split = json.loads(done.stdout)
    livekit_cold = timed(
        dry_run, agent_env(None, AGENT_TRANSPORT="livekit", OPENAI_API_KEY="sk-bench-not-used")
    )

    print("2. process start to 'ready to join' (python -m interviewer --dry-run), median of", runs)
    print(f"   baseline: bare interpreter start {interpreter * 1e3:.0f} ms")
    print(f"   text transport + offline brain: {text:.2f} s = {text / interpreter:.1f}x the bare interpreter")
    print(
        f"   LiveKit transport (OpenAI speech built) + OpenAI brain: {livekit:.2f} s"
        f" = {livekit / interpreter:.1f}x"
        f" (without cached bytecode: {livekit_cold:.2f} s = {livekit_cold / interpreter:.1f}x)"
    )
    total = sum(seconds for _, seconds in split)
    print(
        f"   its imports, group by group in one process ({total:.2f} s = {total / livekit:.0%} of its start):"
    )
    for label, seconds in split:
        print(f"     {label:<46} {seconds * 1e3:7.0f} ms  {seconds / total:5.1%}")


# -- 3. installed size ---------------------------------------------------------------------------------


def directory_bytes(path: Path) -> int:
    return sum(
        entry.stat().st_size for entry in path.rglob("*") if entry.is_file() and not entry.is_symlink()
    )


def install(requirements: Path, target: Path, *, hashed: bool) -> str:
    """Install `requirements` into `target` as an image build would; returns the command's name."""
    uv = shutil.which("uv")
    pins = ["--no-deps", "--require-hashes"] if hashed else []
    if uv:
        command = [uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", sys.executable]
        tool = "uv pip install --target --compile-bytecode"
    else:
        python = os.environ.get("PYTHON312") or shutil.which("python3.12") or sys.executable
        command = [python, "-m", "pip", "install", "--quiet"]
        tool = "pip install --target"
    command += ["--target", str(target), *pins, "-r", str(requirements)]
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    subprocess.run(command, check=True, env=env, timeout=600, capture_output=True)  # noqa: S603 - our command
    return tool


def bench_size() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-agent-size-") as tmp:
        agent_target = Path(tmp) / "agent"
        layer_target = Path(tmp) / "layer"
        agent_requirements = ROOT / "agent_container" / "requirements.txt"
        layer_requirements = ROOT / "layers" / "common" / "requirements.txt"
        tool = install(agent_requirements, agent_target, hashed=True)
        install(layer_requirements, layer_target, hashed="--hash=" in layer_requirements.read_text())
        agent = directory_bytes(agent_target) / 1e6
        layer = directory_bytes(layer_target) / 1e6
        sizes = [
            (directory_bytes(p) if p.is_dir() else p.stat().st_size, p.name) for p in agent_target.iterdir()
        ]
        biggest = sorted(sizes, reverse=True)[:6]
    print(f"3. installed size of agent_container/requirements.txt ({tool}, linux/{os.uname().machine})")
    print(
        f"   {agent:.0f} MB = {agent / SIZE_TARGET_MB:.2f}x the {SIZE_TARGET_MB:.0f} MB target;"
        f" baseline: the Lambda layer's requirements {layer:.0f} MB (the agent's are {agent / layer:.1f}x)"
    )
    print("   largest: " + ", ".join(f"{name} {size / 1e6:.0f} MB" for size, name in biggest))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--interviews", type=int, default=5)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="process starts per figure")
    parser.add_argument(
        "--skip-size", action="store_true", help="skip the install (it needs PyPI or uv's cache)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    bench_turns(args.interviews, args.questions)
    bench_start(args.runs)
    if not args.skip_size:
        bench_size()
    print(f"(bench took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
