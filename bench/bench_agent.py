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
4. CPU during one spoken turn, the process pinned to one CPU (the task's 1 vCPU): the question played and
   a spoken answer (Piper's voice) heard through livekit-agents' RoomIO in the offline room of the tests
   (real audio tracks, Silero VAD, turn detection; STT/TTS stand-ins, as OpenAI's run off the task), with
   the candidate publishing camera and microphone. The agent subscribing to audio only, against the same
   with auto-subscribe, where the camera's frames are decoded as the SDK would (1280x720 VP8, 30 fps:
   a model, since no server sends real RTP here). Printed as a share of one vCPU and the ratio.
5. The image: the installed tree of 3 as one gzip'd tar layer (what docker pushes), and the distributions
   in it that the agent never imports (`python -m interviewer --dry-run` with the LiveKit transport and
   OpenAI speech, modules listed), with their installed and compressed sizes.
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
    from interview_common.dal.interview_log import InterviewLog
    from interview_common.dal.participants import ParticipantStore
    from interview_common.lifecycle import InterviewState
    from interview_common.models.assessment import AnswerAssessment, CompetencyAssessment, InterviewReport
    from interview_common.models.items import InterviewItem
    from interview_common.models.job_profile import DEFAULT_PROFILE, JobProfile, Question
    from interview_common.models.turn import TurnItem
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
    local_uv = ROOT / ".tools" / "uv" / "bin" / "uv"  # where `make` puts it
    uv = shutil.which("uv") or (str(local_uv) if local_uv.exists() else None)
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
        print_size(tool, agent, layer, biggest)
        bench_image(agent_target)


def print_size(tool: str, agent: float, layer: float, biggest: list[tuple[int, str]]) -> None:
    print(f"3. installed size of agent_container/requirements.txt ({tool}, linux/{os.uname().machine})")
    print(
        f"   {agent:.0f} MB = {agent / SIZE_TARGET_MB:.2f}x the {SIZE_TARGET_MB:.0f} MB target;"
        f" baseline: the Lambda layer's requirements {layer:.0f} MB (the agent's are {agent / layer:.1f}x)"
    )
    print("   largest: " + ", ".join(f"{name} {size / 1e6:.0f} MB" for size, name in biggest))


# -- 4. CPU during a spoken turn: audio only vs auto-subscribe --------------------------------------

CAMERA_SIZE = (1280, 720)  # LiveKit JS's default camera capture (h720); no adaptive stream: the top layer
CAMERA_FPS = 30
CAMERA_BITRATE = 1_500_000
SPOKEN_ANSWER = (
    "I led the migration of our billing service to the new platform, tested it against last year's "
    "traffic, and cut its costs by a third."
)
SPOKEN_QUESTION = "Question one of five: tell me about a project you led from the start to the end."


def encoded_camera(seconds: float = 1.0) -> list[bytes]:
    """A second of VP8 camera video (a moving pattern, so the encoder spends real bits)."""
    import av
    import numpy as np

    width, height = CAMERA_SIZE
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = width, height, "yuv420p"
    codec.bit_rate = CAMERA_BITRATE
    codec.framerate = CAMERA_FPS
    codec.options = {"deadline": "realtime", "cpu-used": "8"}
    rng = np.random.default_rng(7)
    base = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    packets: list[bytes] = []
    for index in range(int(seconds * CAMERA_FPS)):
        image = np.roll(base, shift=index * 8, axis=1)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")
        frame.pts = index
        packets.extend(bytes(packet) for packet in codec.encode(frame))
    packets.extend(bytes(packet) for packet in codec.encode(None))
    return packets


class CameraReceiver:
    """What a subscribed camera costs the agent's SDK: its frames decoded in real time (libwebrtc decodes
    a subscribed video track whether or not anyone reads it). A model: no server here to send real RTP."""

    def __init__(self, packets: list[bytes]) -> None:
        import threading

        self._packets = packets
        self._stop = threading.Event()
        self.frames = 0
        self._thread = threading.Thread(target=self._run, name="camera-decode", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import av

        codec = av.CodecContext.create("vp8", "r")
        interval = 1.0 / CAMERA_FPS
        next_at = time.perf_counter()
        while not self._stop.is_set():
            for data in self._packets:
                if self._stop.is_set():
                    break
                for _ in codec.decode(av.Packet(data)):
                    self.frames += 1
                next_at += interval
                time.sleep(max(0.0, next_at - time.perf_counter()))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


async def spoken_turn(
    *, auto_subscribe: bool, camera: list[bytes], answer_pcm: Any
) -> tuple[float, float, int]:
    """One question and its spoken answer through RoomIO (offline room); (CPU s, wall s, camera frames)."""
    from interviewer.clock import RealClock
    from interviewer.config import AgentSettings
    from interviewer.speech.turn_taking import AnswerCompletionDetector, TurnTakingConfig
    from interviewer.transports.avatar import AvatarTile
    from interviewer.transports.livekit import LiveKitTransport
    from interviewer.transports.livekit_voice import VoicePipeline
    from livekit import rtc

    from tests.unit.agent.livekit_doubles import Microphone, OfflineRoom, ScriptedSTT, ToneTTS

    receivers: list[CameraReceiver] = []

    class AutoSubscribing(LiveKitTransport):
        """The agent as it was: RoomOptions(auto_subscribe=True) takes every track, the camera too."""

        def _on_track_published(self, publication: Any, participant: Any) -> None:
            if not publication.subscribed:
                publication.set_subscribed(True)
            if publication.kind == rtc.TrackKind.KIND_VIDEO:
                receivers.append(CameraReceiver(camera))

    config = TurnTakingConfig()
    voice = VoicePipeline.create(
        RealClock(),
        stt=ScriptedSTT([SPOKEN_ANSWER]),  # OpenAI's STT in production: a network call, no local CPU
        tts=ToneTTS(seconds_per_word=0.15),  # OpenAI's TTS in production: PCM from the network
        vad=config.load_vad(),
        turn_handling={
            "turn_detection": AnswerCompletionDetector(),
            "endpointing": config.endpointing_options(),
        },
        aec_warmup_duration=None,
    )
    settings = AgentSettings.from_env(agent_env(None, AGENT_TRANSPORT="livekit", LIVEKIT_URL="ws://offline"))
    room = OfflineRoom()
    kind = AutoSubscribing if auto_subscribe else LiveKitTransport
    transport = kind(settings, room=room, voice=voice, avatar=AvatarTile(width=8, height=6))  # type: ignore[arg-type]
    await transport.connect()
    room.join("candidate-c")
    microphone = Microphone(room.publish_microphone("candidate-c"))
    room.publish_camera("candidate-c")
    await asyncio.sleep(0.3)
    room.subscribe_to_agent_audio()
    await asyncio.sleep(0.2)

    cpu, wall = time.process_time(), time.perf_counter()
    await transport.say(SPOKEN_QUESTION)
    speaking = asyncio.ensure_future(microphone.say(answer_pcm))
    heard = await transport.listen(15.0)
    await speaking
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall

    frames = sum(receiver.frames for receiver in receivers)
    for receiver in receivers:
        receiver.stop()
    await microphone.aclose()
    await transport.close()
    if heard is None:
        raise RuntimeError("the spoken answer was not heard")
    return cpu, wall, frames


def bench_spoken_turn(runs: int) -> None:
    from interviewer.speech.local_models import local_speech_available

    if not local_speech_available():
        print(
            "4. CPU during a spoken turn: skipped (needs the `voice` extra to speak the candidate's answer)"
        )
        return
    from interviewer.speech.loopback import candidate_speaker

    answer_pcm = candidate_speaker().speak(SPOKEN_ANSWER)
    camera = encoded_camera()
    pinned = hasattr(os, "sched_setaffinity")
    if pinned:
        previous = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(previous)})  # one vCPU, as the Fargate task has
    results: dict[bool, list[tuple[float, float, int]]] = {False: [], True: []}
    try:
        for _ in range(runs):
            for auto in (False, True):
                results[auto].append(
                    asyncio.run(spoken_turn(auto_subscribe=auto, camera=camera, answer_pcm=answer_pcm))
                )
    finally:
        if pinned:
            os.sched_setaffinity(0, previous)

    def share(auto: bool) -> tuple[float, float, float]:
        cpu = statistics.median(r[0] for r in results[auto])
        wall = statistics.median(r[1] for r in results[auto])
        fps = statistics.median(r[2] / r[1] for r in results[auto])
        return cpu / wall, wall, fps

    audio, audio_wall, _ = share(False)
    subscribed_all, auto_wall, fps = share(True)
    width, height = CAMERA_SIZE
    print(
        f"4. CPU during one spoken turn (question, then a {answer_pcm.duration:.1f} s spoken answer heard"
        f" through RoomIO: VAD, turn detection, audio in and out), the candidate publishing camera and mic,"
        f" {'pinned to one CPU' if pinned else 'NOT pinned (no sched_setaffinity)'}; median of {runs}"
    )
    print(f"   audio only (the agent now): {audio:.1%} of one vCPU over {audio_wall:.1f} s")
    print(
        f"   auto-subscribe (the camera too, {width}x{height} VP8 {CAMERA_FPS} fps decoded as the SDK would,"
        f" {fps:.0f} fps achieved): {subscribed_all:.1%} of one vCPU over {auto_wall:.1f} s"
        f" = {subscribed_all / audio:.2f}x audio only"
    )
    print("   (the whole process, the scripted candidate's microphone included; speech models are OpenAI's)")


# -- 5. the image: compressed layer estimate, what the agent never imports -------------------------

RUNTIME_IMPORTS = """
import json, os, sys
sys.path[:0] = [os.environ["TARGET"], os.environ["APP_AGENT"], os.environ["APP_COMMON"]]
from interviewer.main import main
code = main(["--dry-run"])
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def compressed_bytes(paths: list[Path], root: Path) -> int:
    """The size of these files as one gzip'd tar layer (docker's layer format and default level)."""
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as layer:
        for path in paths:
            layer.add(path, arcname=str(path.relative_to(root)), recursive=False)
    return buffer.tell()


def distributions_in(target: Path) -> list[tuple[str, set[str], list[Path]]]:
    """(name, top-level modules, files) of each distribution installed in `target`."""
    from importlib import metadata

    found = []
    for dist in metadata.distributions(path=[str(target)]):
        files = [target / str(f) for f in (dist.files or [])]
        files = [f for f in files if f.is_file()]
        tops = {
            str(f.relative_to(target)).split("/")[0].removesuffix(".py").split(".")[0]
            for f in files
            if not str(f.relative_to(target)).split("/")[0].endswith((".dist-info", ".data"))
        }
        found.append((dist.metadata["Name"], {t for t in tops if t and t != "__pycache__"}, files))
    return found


def uninstalled_by_the_dockerfile() -> set[str]:
    """The distributions agent_container/Dockerfile uninstalls after installing the requirements."""
    import re

    dockerfile = (ROOT / "agent_container" / "Dockerfile").read_text()
    block = re.search(r"pip uninstall --yes \\\n\s+([^\n\\]+)\\", dockerfile)
    return {name.lower() for name in block.group(1).split()} if block else set()


def bench_image(target: Path) -> None:
    """`target`: agent_container/requirements.txt installed as the image has it (bench_size)."""
    if True:
        every = [p for p in target.rglob("*") if p.is_file() and not p.is_symlink()]
        installed = sum(p.stat().st_size for p in every)
        compressed = compressed_bytes(every, target)
        pruned_names = uninstalled_by_the_dockerfile()
        pruned_files = {
            f for name, _, files in distributions_in(target) if name.lower() in pruned_names for f in files
        }
        kept = [p for p in every if p not in pruned_files]
        kept_installed = sum(p.stat().st_size for p in kept)
        kept_compressed = compressed_bytes(kept, target)
        env = agent_env(
            None,
            AGENT_TRANSPORT="livekit",
            OPENAI_API_KEY="sk-bench-not-used",
            TARGET=str(target),
            APP_AGENT=str(ROOT / "agent_container"),
            APP_COMMON=str(ROOT / "layers" / "common"),
        )
        env["PYTHONPATH"] = ""
        done = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, "-c", RUNTIME_IMPORTS], env=env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            raise RuntimeError(f"the agent's imports failed: {done.stderr[-1500:]}")
        imported = set(json.loads(done.stdout.strip().splitlines()[-1])["modules"])
        unused = []
        for name, tops, files in distributions_in(target):
            if tops and not tops & imported:
                size = sum(f.stat().st_size for f in files)
                unused.append((size, name, files))
        unused.sort(reverse=True)
        unused_installed = sum(size for size, _, _ in unused)
        unused_compressed = compressed_bytes([f for _, _, files in unused for f in files], target)
    print(
        f"5. the agent image's Python layer (agent_container/requirements.txt, linux/{os.uname().machine}"
        " wheels; the image is arm64), estimated as docker ships it (one tar.gz layer)"
    )
    print(
        f"   installed {installed / 1e6:.0f} MB, compressed {compressed / 1e6:.0f} MB"
        f" ({compressed / installed:.2f}x); the {SIZE_TARGET_MB:.0f} MB installed target:"
        f" {installed / 1e6 / SIZE_TARGET_MB:.2f}x"
        " (plus python:3.12-slim, ~45 MB compressed, not measured here)"
    )
    print(
        f"   as the Dockerfile ships it ({len(pruned_names)} never-imported distributions uninstalled):"
        f" installed {kept_installed / 1e6:.0f} MB ({kept_installed / 1e6 / SIZE_TARGET_MB:.2f}x the target),"
        f" compressed {kept_compressed / 1e6:.0f} MB"
    )
    print(
        "   never imported by the agent (python -m interviewer --dry-run, LiveKit transport, OpenAI speech):"
        f" {len(unused)} distributions, {unused_installed / 1e6:.0f} MB installed"
        f" ({unused_installed / installed:.0%}), {unused_compressed / 1e6:.0f} MB compressed"
    )
    print("   largest: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for size, name, _ in unused[:8]))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--interviews", type=int, default=5)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="process starts per figure")
    parser.add_argument(
        "--skip-size", action="store_true", help="skip the install and the image (needs PyPI or uv's cache)"
    )
    parser.add_argument("--turn-runs", type=int, default=2, help="spoken turns per variant")
    parser.add_argument("--only-turn", action="store_true", help="only the spoken-turn CPU figure")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.only_turn:
        bench_spoken_turn(args.turn_runs)
        return 0
    bench_turns(args.interviews, args.questions)
    bench_start(args.runs)
    if not args.skip_size:
        bench_size()
    bench_spoken_turn(args.turn_runs)
    print(f"(bench took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
