"""Load: N concurrent interviews against the local stack on 127.0.0.1, each polling GET /agent-status every
3 s and sending its LiveKit webhooks (signed as LiveKit signs them); then what that implies at 1,000 and
10,000 concurrent interviews in AWS.

    .venv/bin/python bench/bench_load.py [--interviews 25 50 100] [--seconds 6] [--poll 3]

What runs: the embedded local stack (local/stack.py): moto's DynamoDB server, the same Lambda handlers
behind the local HTTP adapter, and the process launcher with a stand-in agent (`sleep`: the load here is
the API's, not the agents'). An aiohttp client plays each interview: POST /start-interview, the agent's
and the candidate's participant_joined and the microphone's track_published, GET /agent-status every
--poll seconds, and at the end participant_left and room_finished. Every answer is checked: status code
and body against the API's own models.

Baseline, measured in the same run: GET /health through the same adapter (HTTP, event building, the
handler's Powertools resolver, no DynamoDB). Figures are printed raw and as ratios to it. Then a short
closed-loop burst finds this machine's capacity for /agent-status (the local adapter runs one handler at a
time, as one Lambda execution environment does), which gives the per-request handler time used for the
Lambda concurrency estimate (Little's law: concurrency = arrival rate x duration).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import math
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common"), str(ROOT / "agent_container")]

import aiohttp  # noqa: E402
from interview_common.heartbeat import DEFAULT_INTERVAL_SECONDS  # noqa: E402
from interview_common.models.api import AgentStatusResponse, StartInterviewResponse  # noqa: E402
from interview_common.models.webhook import WebhookAck  # noqa: E402
from livekit.protocol.webhook import WebhookEvent  # noqa: E402

from local.livekit_sim.events import microphone, participant_info, room_info, webhook_event  # noqa: E402
from local.livekit_sim.webhooks import signed_request  # noqa: E402
from local.stack import (  # noqa: E402
    DEV_BACKEND_API_KEY,
    DEV_LIVEKIT_API_KEY,
    DEV_LIVEKIT_API_SECRET,
    LocalStack,
    StackOptions,
)

STAND_IN_AGENT = ("sleep", "3600")  # a task that runs until it is stopped, as the agent would
POLL_SECONDS = 3.0
# Per 30-minute interview in AWS, besides the polls (template.yaml's task and the agent's settings):
INTERVIEW_SECONDS = 30 * 60
AGENT_HEARTBEAT_SECONDS = DEFAULT_INTERVAL_SECONDS  # the agent's heartbeat: one META UpdateItem each
TURNS_PER_INTERVIEW = 12  # questions + follow-ups: a TURN# put and a META update each, plus the report
# LiveKit's per interview: room_started, 2 joins, 2 track_published, 2 participant_left, room_finished.
WEBHOOKS_PER_INTERVIEW = 8


@dataclass
class Sample:
    kind: str
    status: int
    seconds: float
    ok: bool


@dataclass
class LoadReport:
    interviews: int
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def of(self, kind: str | None = None) -> list[Sample]:
        return [s for s in self.samples if kind is None or s.kind == kind]

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if not s.ok)

    def rate(self, kind: str | None = None) -> float:
        return len(self.of(kind)) / self.seconds

    def percentile(self, q: float, kind: str | None = None) -> float:
        values = sorted(s.seconds for s in self.of(kind))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, math.ceil(q * len(values)) - 1)]


def _check(kind: str, status: int, text: str, room: str) -> str | None:
    """What is wrong with an answer, or None: the status, and the body against the API's own models."""
    expected = {"start": 202, "status": 200, "webhook": 200, "health": 200}[kind]
    if status != expected:
        return f"{kind} {room}: HTTP {status}: {text[:200]}"
    try:
        body = json.loads(text)
        if kind == "start":
            started = StartInterviewResponse.model_validate(body)
            assert started.room_name == room
            assert started.token
        elif kind == "status":
            status_body = AgentStatusResponse.model_validate(body)
            assert status_body.room_name == room
        elif kind == "webhook":
            WebhookAck.model_validate(body)
        else:
            assert body["status"] == "ok"
    except Exception as error:
        return f"{kind} {room}: malformed answer ({type(error).__name__}): {text[:200]}"
    return None


class Client:
    def __init__(self, session: aiohttp.ClientSession, api_url: str, report: LoadReport) -> None:
        self.session = session
        self.api_url = api_url
        self.report = report

    async def call(
        self,
        kind: str,
        method: str,
        path: str,
        room: str,
        *,
        body: str | None = None,
        headers: dict[str, str],
    ) -> None:
        started = time.perf_counter()
        async with self.session.request(method, self.api_url + path, data=body, headers=headers) as response:
            text = await response.text()
        elapsed = time.perf_counter() - started
        problem = _check(kind, response.status, text, room)
        if problem is not None:
            self.report.problems.append(problem)
        self.report.samples.append(Sample(kind, response.status, elapsed, problem is None))

    async def api(self, kind: str, method: str, path: str, room: str, payload: Any = None) -> None:
        headers = {"Authorization": f"Bearer {DEV_BACKEND_API_KEY}", "Content-Type": "application/json"}
        body = json.dumps(payload) if payload is not None else None
        await self.call(kind, method, path, room, body=body, headers=headers)

    async def webhook(self, event: WebhookEvent) -> None:
        body, headers = signed_request(event, DEV_LIVEKIT_API_KEY, DEV_LIVEKIT_API_SECRET)
        await self.call("webhook", "POST", "/livekit/webhook", event.room.name, body=body, headers=headers)


@dataclass(frozen=True)
class Room:
    name: str
    info: Any
    candidate: Any


async def start_interview(client: Client, index: int) -> Room:
    """Setup: POST /start-interview, then the agent's and the candidate's joins and the microphone."""
    name, candidate_id = f"load-{index:05d}-{random.getrandbits(24):06x}", f"cand-{index}"
    await client.api(
        "start",
        "POST",
        "/start-interview",
        name,
        {"roomName": name, "candidateId": candidate_id, "jobId": "job-load"},
    )
    now = time.time()
    room = Room(name, room_info(name), participant_info(f"candidate-{candidate_id}", joined_at=now + 1))
    agent = participant_info(f"interview-agent-load{index}", joined_at=now, agent=True)
    for event in (
        webhook_event("participant_joined", room=room.info, created_at=now, participant=agent),
        webhook_event("participant_joined", room=room.info, created_at=now + 1, participant=room.candidate),
        webhook_event(
            "track_published",
            room=room.info,
            created_at=now + 2,
            participant=room.candidate,
            track=microphone(),
        ),
    ):
        await client.webhook(event)
    return room


async def poll(client: Client, room: Room, deadline: float, every: float) -> None:
    """The frontend: GET /agent-status every `every` seconds, not in lockstep with the other rooms."""
    await asyncio.sleep(random.uniform(0, every))
    while time.perf_counter() < deadline:
        await client.api("status", "GET", f"/agent-status?room={room.name}", room.name)
        await asyncio.sleep(max(0.0, min(every, deadline - time.perf_counter())))


async def finish_interview(client: Client, room: Room) -> None:
    end = time.time() + 3
    await client.webhook(
        webhook_event("participant_left", room=room.info, created_at=end, participant=room.candidate)
    )
    await client.webhook(webhook_event("room_finished", room=room.info, created_at=end + 1))


async def run_load(
    api_url: str, interviews: int, seconds: float, poll_every: float = POLL_SECONDS
) -> LoadReport:
    """Every interview starts and joins (setup), polls for `seconds` (the steady phase the report's rate and
    percentiles describe), then leaves and its room finishes. Every answer is checked."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        setup = LoadReport(interviews=interviews, seconds=0.0)
        rooms = await asyncio.gather(
            *(start_interview(Client(session, api_url, setup), i) for i in range(interviews))
        )
        report = await steady(session, api_url, list(rooms), seconds, poll_every)
        await asyncio.gather(*(finish_interview(Client(session, api_url, report), room) for room in rooms))
        report.samples[:0] = setup.samples
        report.problems[:0] = setup.problems
    return report


async def steady(
    session: aiohttp.ClientSession, api_url: str, rooms: list[Room], seconds: float, poll_every: float
) -> LoadReport:
    report = LoadReport(interviews=len(rooms), seconds=seconds)
    client = Client(session, api_url, report)
    started = time.perf_counter()
    await asyncio.gather(*(poll(client, room, started + seconds, poll_every) for room in rooms))
    report.seconds = time.perf_counter() - started
    return report


async def closed_loop(
    api_url: str, kind: str, path: str, room: str, workers: int, seconds: float
) -> LoadReport:
    """As many requests as `workers` clients can send back to back: the stack's capacity for one route."""
    report = LoadReport(interviews=0, seconds=seconds)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        client = Client(session, api_url, report)
        deadline = time.perf_counter() + seconds

        async def worker(send: Callable[[], Awaitable[None]]) -> None:
            while time.perf_counter() < deadline:
                await send()

        def send() -> Awaitable[None]:
            return client.api(kind, "GET", path, room)

        await asyncio.gather(*(worker(send) for _ in range(workers)))
    return report


def _discard(_task: str, _line: str) -> None:
    """The stand-in agents print nothing worth keeping."""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def stack_options(in_process: bool = False) -> StackOptions:
    options = StackOptions(
        agent_command=STAND_IN_AGENT,
        agent_log_sink=_discard,
        lambda_log_level="ERROR",
        agent_grace_seconds=2.0,
    )
    if in_process:  # every function in the stack's own process, one invocation at a time (as before)
        options.function_environments = {}
    return options


# -- what it implies in AWS ---------------------------------------------------------------------------


def aws_estimate(
    concurrent: int, status_handler_seconds: float, webhooks_per_interview: int
) -> dict[str, float]:
    """Steady-state rates for `concurrent` interviews, each 30 minutes long (see the printed arithmetic)."""
    polls = concurrent / POLL_SECONDS
    webhooks = concurrent * webhooks_per_interview / INTERVIEW_SECONDS
    heartbeats = concurrent / AGENT_HEARTBEAT_SECONDS
    turns = concurrent * (2 * TURNS_PER_INTERVIEW + 1) / INTERVIEW_SECONDS
    starts = concurrent / INTERVIEW_SECONDS
    # Units: a strongly consistent read of <= 4 KB is 1 RRU; a write of <= 1 KB is 1 WRU (META ~1-2 KB: 2).
    # A poll is one GetItem of META (< 4 KB, the participants on it). A webhook: one GetItem and one
    # TransactWriteItems of 3 items (~4 KB, twice the units of plain writes: ~8 WRU).
    return {
        "requests_per_s": polls + webhooks + starts,
        "rru_per_s": polls * 1 + webhooks * 1 + starts * 2,
        "wru_per_s": heartbeats * 2 + webhooks * 8 + turns * 2 + starts * 5,
        "lambda_concurrency_status": polls * status_handler_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interviews", type=int, nargs="+", default=[25, 50, 100])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--poll", type=float, default=POLL_SECONDS)
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="serve the status routes in the stack's process too (one environment), for comparison",
    )
    args = parser.parse_args()

    # Powertools prints its metrics buffer every 100 values, even disabled: keep that off the report.
    options = stack_options(args.in_process)
    print(f"status routes: {options.function_environments or 'in the stack process, one at a time'}")
    with contextlib.redirect_stdout(io.StringIO()), LocalStack(options) as stack:
        base, setup, runs, capacity = asyncio.run(
            measure(stack.api_url, args.interviews, args.seconds, args.poll)
        )

    base_p50 = base.percentile(0.5)
    print(
        f"baseline GET /health, 4 clients back to back for 3 s: {base.rate():.0f} req/s, p50 {ms(base_p50)}"
    )
    print(
        f"GET /agent-status the same way: {capacity.rate():.0f} req/s "
        f"({capacity.rate() / base.rate():.2f}x health), p50 {ms(capacity.percentile(0.5))} "
        f"({capacity.percentile(0.5) / base_p50:.2f}x)"
    )
    print()
    print(
        f"setup of {setup.interviews} interviews: start p50 {ms(setup.percentile(0.5, 'start'))} "
        f"p99 {ms(setup.percentile(0.99, 'start'))}; webhooks (n={len(setup.of('webhook'))}) "
        f"p50 {ms(setup.percentile(0.5, 'webhook'))} p99 {ms(setup.percentile(0.99, 'webhook'))}; "
        f"errors {setup.errors}"
    )
    for problem in setup.problems[:5]:
        print("   problem:", problem)
    print(f"steady state, each interview polling every {args.poll:g} s for {args.seconds:g} s:")
    print("interviews offered/s held/s  p50 ms  p99 ms p50/base p99/base errors")
    for run in runs:
        p50, p99 = run.percentile(0.5), run.percentile(0.99)
        print(
            f"{run.interviews:>10} {run.interviews / args.poll:>9.1f} {run.rate():>6.1f} {p50 * 1000:>7.1f} "
            f"{p99 * 1000:>7.1f} {p50 / base_p50:>8.2f} {p99 / base_p50:>8.2f} "
            f"{run.errors / max(1, len(run.samples)):>6.2%}"
        )
        for problem in run.problems[:5]:
            print("   problem:", problem)

    # The adapter runs one handler at a time: at capacity, a request's share of the time is 1/rate.
    handler = 1 / capacity.rate()
    print()
    print(
        "What that implies in AWS (30-minute interviews, a poll every 3 s, the agent's heartbeat every "
        f"{AGENT_HEARTBEAT_SECONDS:g} s):"
    )
    print(f"  handler time per poll, measured here: 1/{capacity.rate():.0f} s = {ms(handler)} (moto)")
    for concurrent in (1_000, 10_000):
        estimate = aws_estimate(concurrent, handler, WEBHOOKS_PER_INTERVIEW)
        polls, hooks = concurrent / 3, concurrent * WEBHOOKS_PER_INTERVIEW / INTERVIEW_SECONDS
        print(
            f"  {concurrent:>6} interviews: polls {concurrent}/3 = {polls:.0f}/s, webhooks "
            f"{concurrent}x{WEBHOOKS_PER_INTERVIEW}/1800 = {hooks:.1f}/s: "
            f"{estimate['requests_per_s']:.0f} req/s"
        )
        print(
            f"{'':>10}DynamoDB ~{estimate['rru_per_s']:.0f} RRU/s (1 per poll), "
            f"~{estimate['wru_per_s']:.0f} WRU/s (heartbeats: {concurrent}/{AGENT_HEARTBEAT_SECONDS:g} s"
            f" x 2 WRU = {concurrent * 2 / AGENT_HEARTBEAT_SECONDS:.0f}/s)"
        )
        print(
            f"{'':>10}Lambda concurrency for the polls: {polls:.0f}/s x {handler:.4f} s = "
            f"{estimate['lambda_concurrency_status']:.1f} (double it for cold starts and bursts)"
        )
    print("  The HTTP API's route throttle (ApiThrottlingRateLimit, default 100 req/s) holds ~300 polling")
    print("  interviews: raise it for 1,000 (>= 400 req/s); 10,000 need ~3,400 req/s (account quota 10,000).")


async def measure(
    api_url: str, levels: list[int], seconds: float, poll_every: float
) -> tuple[LoadReport, LoadReport, list[LoadReport], LoadReport]:
    """Baseline; the largest level's interviews started once; a steady phase per level; capacity."""
    base = await closed_loop(api_url, "health", "/health", "-", workers=4, seconds=3)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        setup = LoadReport(interviews=max(levels), seconds=0.0)
        rooms = list(
            await asyncio.gather(
                *(start_interview(Client(session, api_url, setup), i) for i in range(max(levels)))
            )
        )
        runs = [await steady(session, api_url, rooms[:level], seconds, poll_every) for level in levels]
    room = rooms[0].name
    capacity = await closed_loop(api_url, "status", f"/agent-status?room={room}", room, workers=4, seconds=3)
    return base, setup, runs, capacity


if __name__ == "__main__":
    main()
