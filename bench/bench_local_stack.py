"""Local stack: time from POST /start-interview to agentConnected and to the first question message.

    .venv/bin/python bench/bench_local_stack.py [--runs 3]

Baseline, measured in the same run: `python -c pass` (a bare interpreter start). The agent's own start is
measured apart as `python -m interviewer --dry-run` with the launcher's environment (interpreter start, the
agent's imports, building its ports, up to joining the room), so the interview's latency splits into
"agent process start + imports" and "the rest" (HTTP, launch, joining the room, the webhook that records
the join, the status read; then the greeting and the first question).
Every figure is a median over --runs, printed in seconds and as a ratio to the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common"), str(ROOT / "agent_container")]

from interviewer.simulated_candidate import Persona  # noqa: E402

from local.candidate import RoomCandidate, RoomMessage  # noqa: E402
from local.stack import LocalStack, StackOptions  # noqa: E402

AGENT_ENV = {"AGENT_BRAIN": "offline", "HEARTBEAT_INTERVAL": "0.5", "NO_SHOW_TIMEOUT": "20"}
# Joins as soon as the agent is there and answers at once: the figures are the stack's, not the persona's.
EAGER = Persona(
    name="eager", join_after=0, think_seconds=0, default_answer="I led it, measured it and shipped it."
)


def wall(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)  # noqa: S603
    return time.perf_counter() - started


def agent_dry_run_env() -> dict[str, str]:
    """What the launcher gives the agent, for `python -m interviewer --dry-run` (no network is touched)."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "agent_container"), str(ROOT / "layers" / "common")]),
        ROOM_NAME="bench-dry-run",
        INTERVIEW_ID="0" * 32,
        CANDIDATE_ID="bench",
        CANDIDATE_IDENTITY="candidate-bench",
        JOB_ID="bench",
        TABLE_NAME="bench-table",
        AGENT_TRANSPORT="sim",
        AGENT_BRAIN="offline",
        LIVEKIT_URL="ws://127.0.0.1:9",
        LIVEKIT_API_KEY="devkey",
        LIVEKIT_API_SECRET="secret",
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_DEFAULT_REGION="us-east-1",
        PYTHONWARNINGS="ignore:The HMAC key is",
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="true",
    )
    return env


def call(url: str, method: str = "GET", body: dict[str, Any] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local stack
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer dev-backend-key", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return dict(json.loads(response.read()))


async def one_interview(stack: LocalStack, room: str) -> dict[str, float]:
    started = time.perf_counter()
    answer = await asyncio.to_thread(
        call,
        stack.api_url + "/start-interview",
        "POST",
        {"roomName": room, "candidateId": "bench", "jobId": "bench"},
    )
    answered = time.perf_counter()
    first_question = asyncio.get_running_loop().create_future()

    def on_message(message: RoomMessage) -> None:
        payload = message.payload if isinstance(message.payload, dict) else {}
        if payload.get("type") == "question" and not first_question.done():
            first_question.set_result(time.perf_counter())

    connected = 0.0
    while not connected:
        status = await asyncio.to_thread(call, f"{stack.api_url}/agent-status?room={room}")
        if status["agentConnected"]:
            connected = time.perf_counter()
        else:
            await asyncio.sleep(0.02)
    candidate = RoomCandidate(answer["url"], answer["token"], EAGER, time_scale=0, on_message=on_message)
    playing = asyncio.create_task(candidate.run(max_seconds=60))
    asked = await asyncio.wait_for(first_question, 30)
    assert stack.launcher is not None
    for task in stack.launcher.running():
        stack.launcher.stop(task, "benchmark over")
    await asyncio.wait_for(playing, 30)
    return {
        "start-interview answered": answered - started,
        "start-interview -> agentConnected": connected - started,
        "start-interview -> first question": asked - started,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    baseline = statistics.median(wall([sys.executable, "-c", "pass"]) for _ in range(5))
    agent_start = statistics.median(
        wall([sys.executable, "-m", "interviewer", "--dry-run"], agent_dry_run_env())
        for _ in range(args.runs)
    )
    stack = LocalStack(
        StackOptions(
            agent_log_sink=lambda _room, _line: None, agent_environment=AGENT_ENV, lambda_log_level="ERROR"
        )
    )
    stack_started = time.perf_counter()
    stack.start()
    stack_start = time.perf_counter() - stack_started
    runs: list[dict[str, float]] = []
    try:
        for index in range(args.runs):
            runs.append(asyncio.run(one_interview(stack, f"bench-{index}-{int(time.time())}")))
    finally:
        stack.stop("benchmark over")

    figures = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    connected = figures["start-interview -> agentConnected"]
    rows = [
        ("baseline: python -c pass", baseline),
        ("local stack start (moto, servers, template)", stack_start),
        ("agent process start + imports", agent_start),
        *figures.items(),
        ("  of which agent start + imports", min(agent_start, connected)),
        ("  of which the rest (launch, join, webhook, status)", max(connected - agent_start, 0.0)),
    ]
    print(f"{'figure':<55} {'seconds':>9} {'x baseline':>11}")
    for name, seconds in rows:
        print(f"{name:<55} {seconds:9.3f} {seconds / baseline:11.1f}")
    print(f"\nruns: {args.runs}; raw: {json.dumps(runs)}")
    share = 100 * min(agent_start, connected) / connected if connected else 0.0
    print(f"agent process start + imports are {share:.0f}% of start-interview -> agentConnected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
