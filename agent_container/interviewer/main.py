"""The agent's one entry point: `python -m interviewer`.

Reads its configuration from the environment (the ECS task definition, or the local launcher), builds
the three ports, runs the conductor and exits with its code: 0 when the interview ended as designed
(completed, or abandoned by the candidate), 1 otherwise, 2 for a configuration error.

    python -m interviewer                        # everything from the environment
    python -m interviewer --transport text --persona weak      # a scripted candidate, no room
    python -m interviewer --dry-run              # build everything up to joining the room, then exit
    python -m interviewer --pool                 # warm pool: wait for one assignment (interviewer.pool_wait)

SIGTERM (ECS stopping the task) or Ctrl-C: the agent says goodbye, writes what it has, and the state
says what happened.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time

from interview_common.models.interview_context import InterviewContext
from interview_common.observability import logger
from pydantic import ValidationError

from interviewer import pool_wait
from interviewer.clock import Clock, RealClock
from interviewer.config import AgentSettings
from interviewer.ports import ContextLoader, InterviewRecorder, Transport

CONFIG_ERROR = 2


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m interviewer", description="Run one AI interview.")
    parser.add_argument("--transport", choices=["livekit", "sim", "text"], help="overrides AGENT_TRANSPORT")
    parser.add_argument(
        "--persona", help="text transport: a persona file or packaged persona (AGENT_PERSONA)"
    )
    parser.add_argument("--brain", choices=["auto", "openai", "offline"], help="overrides AGENT_BRAIN")
    parser.add_argument(
        "--dry-run", action="store_true", help="build everything up to joining the room, then exit"
    )
    parser.add_argument(
        "--pool",
        action="store_true",
        help="warm pool: wait idle, serve the one interview assigned (also AGENT_POOL=on, no INTERVIEW_ID)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    overrides = {"AGENT_TRANSPORT": args.transport, "AGENT_PERSONA": args.persona, "AGENT_BRAIN": args.brain}
    environ: dict[str, str] = dict(os.environ)
    pooled = pool_wait.is_pool_mode(environ, args.pool) and not args.dry_run
    if pooled:
        assigned = _wait_in_pool(environ)
        if assigned is None:
            return 0  # stopped or revoked while idle: nothing was served
        environ, started = assigned, time.perf_counter()
    try:
        settings = AgentSettings.from_env(
            environ, **{key: value for key, value in overrides.items() if value}
        )
    except ValidationError as error:
        # Field names and what is wrong, never the values (some are secrets).
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors()
        )
        print(f"interviewer: configuration error: {problems}", file=sys.stderr)
        return CONFIG_ERROR
    code = asyncio.run(run(settings, dry_run=args.dry_run, started=started))
    if pooled:
        _leave_pool(environ)
    return code


def _pool(environ: dict[str, str]) -> pool_wait.AgentPool:
    from interview_common.aws_clients import client

    return pool_wait.AgentPool(environ.get("TABLE_NAME", ""), client("dynamodb"))


def _wait_in_pool(environ: dict[str, str]) -> dict[str, str] | None:
    """Warm up, then wait for one interview; its environment (as RunTask's would be), or None."""
    stopping = {"now": False}

    def stop(signum: int, frame: object) -> None:
        stopping["now"] = True

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        pool_wait.warm_up(environ)
        request = pool_wait.wait_for_assignment(
            _pool(environ),
            pool_wait.this_task_ref(environ),
            heartbeat_interval=pool_wait.heartbeat_from(environ),
            poll_seconds=pool_wait.poll_seconds_from(environ),
            stop_requested=lambda: stopping["now"],
        )
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if request is None:
        return None
    assigned = pool_wait.environment_with(environ, request)
    # Protected while it serves: the longest interview, and the wrap-up after it.
    max_minutes = int(float(assigned.get("MAX_DURATION") or 45 * 60) // 60) + 15
    pool_wait.protect_from_scale_in(assigned, max_minutes)
    return assigned


def _leave_pool(environ: dict[str, str]) -> None:
    """The interview is over: its pool item goes (nothing can claim it); the service starts another task."""
    pool_wait.protect_from_scale_in(environ, None)
    try:
        _pool(environ).finish(pool_wait.task_id_of(pool_wait.this_task_ref(environ)))
    except Exception as error:  # its TTL removes it; the state is already `serving`, never claimable
        logger.warning("could not close the pool item", extra={"reason": type(error).__name__})


async def run(settings: AgentSettings, *, dry_run: bool = False, started: float | None = None) -> int:
    from interviewer.brains import build_brain
    from interviewer.conductor import Conductor, InterviewIdentity, Timeouts

    started = started if started is not None else time.perf_counter()
    logger.append_keys(room_name=settings.room_name, interview_id=settings.interview_id)
    clock = RealClock()
    recorder = build_recorder(settings, clock)
    brain = build_brain(settings, clock)
    try:
        transport = build_transport(settings, clock)
    except (ValueError, RuntimeError) as error:  # no speech available, a persona that does not load, ...
        logger.error("the agent cannot start", extra={"reason": str(error)[:300]})
        print(f"interviewer: cannot start: {error}", file=sys.stderr)
        await recorder.close()
        return CONFIG_ERROR
    ready = round(time.perf_counter() - started, 3)
    logger.info(
        "ready to join",
        extra={"seconds": ready, "transport": settings.transport, "brain": brain.name, "model": brain.model},
    )
    if dry_run:
        print(
            json.dumps({"ready_to_join_seconds": ready, "transport": settings.transport, "brain": brain.name})
        )
        await recorder.close()
        return 0

    conductor = Conductor(
        identity=InterviewIdentity.from_settings(settings),
        transport=transport,
        brain=brain,
        recorder=recorder,
        clock=clock,
        timeouts=Timeouts.from_settings(settings),
        context=build_context_loader(settings),
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, conductor.request_stop, "terminated")
    outcome = await conductor.run()
    # The room lives on the server in LiveKit and in the simulated room alike; the text transport has none.
    if outcome.end_reason == "end_requested" and settings.transport in ("livekit", "sim"):
        await _delete_room(settings)
    logger.info("interview ended", extra={"outcome": outcome.model_dump(mode="json")})
    return outcome.exit_code


def build_recorder(settings: AgentSettings, clock: Clock) -> InterviewRecorder:
    from interview_common.aws_clients import client
    from interview_common.dal.interview_log import InterviewLog
    from interview_common.dal.participants import ParticipantStore
    from interview_common.store import InterviewStore

    from interviewer.recorder import DynamoRecorder

    dynamodb = client("dynamodb")
    return DynamoRecorder.on_thread(
        room_name=settings.room_name,
        interview_id=settings.interview_id,
        job_id=settings.job_id,
        agent_identity=settings.agent_identity,
        store=InterviewStore(settings.table_name, dynamodb),
        log=InterviewLog(settings.table_name, dynamodb),
        participants=ParticipantStore(settings.table_name, dynamodb),
        clock=clock,
    )


def build_context_loader(settings: AgentSettings) -> ContextLoader:
    """Reads the room's interview context (ROOM#<room>/CONTEXT) off the event loop."""
    from interview_common.aws_clients import client
    from interview_common.dal.context_store import InterviewContextStore

    contexts = InterviewContextStore(settings.table_name, client("dynamodb"))

    async def load() -> InterviewContext | None:
        item = await asyncio.to_thread(contexts.get, settings.room_name)
        return item.context() if item is not None else None

    return load


def build_transport(settings: AgentSettings, clock: Clock) -> Transport:
    """The room the agent talks in. Each transport is imported only when chosen (livekit-agents ~2 s)."""
    transport: Transport
    if settings.transport == "livekit":
        from interviewer.transports.livekit import LiveKitTransport

        return LiveKitTransport(settings, clock=clock)
    if settings.transport == "sim":
        from interviewer.transports.sim_room import SimRoomTransport

        transport = SimRoomTransport(settings, clock=clock)
    else:
        from interviewer.simulated_candidate import SimulatedCandidate, load_persona
        from interviewer.transports.text import TextTransport

        candidate = SimulatedCandidate(load_persona(settings.persona))
        transport = TextTransport(
            candidate, clock, candidate_identity=settings.candidate_identity, echo=_print_line
        )
    if settings.voice == "loopback":
        from interviewer.speech.loopback import with_voice_loopback

        transport = with_voice_loopback(transport, settings)
    return transport


def _print_line(speaker: str, text: str) -> None:
    print(f"{speaker:>9}: {text}", flush=True)


async def _delete_room(settings: AgentSettings) -> None:
    """After POST /end-interview the room is closed for everyone (DESIGN: the room is deleted)."""
    from interview_common import livekit_rooms
    from interview_common.credentials import LiveKitKeyPair

    if settings.livekit_api_key is None or settings.livekit_api_secret is None:
        return
    keys = LiveKitKeyPair(
        settings.livekit_api_key.get_secret_value(), settings.livekit_api_secret.get_secret_value()
    )
    try:
        await asyncio.to_thread(livekit_rooms.delete_room, settings.livekit_url, keys, settings.room_name)
    except Exception as error:  # the room's empty timeout closes it anyway
        logger.warning("could not delete the room", extra={"reason": type(error).__name__})
