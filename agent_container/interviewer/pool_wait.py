"""Pool mode: a warm agent waits, already started and imported, for the one interview it will serve.

`python -m interviewer --pool`, or no INTERVIEW_ID with AGENT_POOL=on (the local launcher) or
AGENT_POOL_SIZE > 0 (the task definition, when the ECS service of AgentPoolSize starts it):
register this task's POOL#<taskId> item as idle, beat it every HEARTBEAT_INTERVAL, poll it every
AGENT_POOL_POLL_SECONDS; on an assignment accept it (interview_common.agent_pool) and return the
interview's LaunchRequest, whose fields then stand where RunTask's environment overrides would. A revoked
assignment (start-interview gave up waiting and ran a task) or a stop request ends the wait with None.
While it serves, an ECS task protects itself from the service's scale-in and deployments (task scale-in
protection, through ECS_AGENT_URI), so only its interview's end stops it.
"""

from __future__ import annotations

import importlib
import json
import time
import urllib.request
from collections.abc import Callable, Mapping

from interview_common.agent_pool import AgentPool, task_id_of
from interview_common.heartbeat import DEFAULT_INTERVAL_SECONDS
from interview_common.launcher import LaunchRequest
from interview_common.observability import logger

DEFAULT_POLL_SECONDS = 0.5
# What an interview's run imports (interviewer.main.run), loaded while idle: the warm task's head start.
WARM_IMPORTS = (
    "interviewer.conductor",
    "interviewer.brains",
    "interviewer.recorder",
    "interview_common.store",
    "interview_common.dal.interview_log",
    "interview_common.dal.participants",
    "interview_common.dal.context_store",
)
TRANSPORT_IMPORTS = {
    "livekit": ("interviewer.transports.livekit",),
    "sim": ("interviewer.transports.sim_room",),
    "text": ("interviewer.transports.text", "interviewer.simulated_candidate"),
}


def is_pool_mode(environ: Mapping[str, str], requested: bool) -> bool:
    """`--pool`, or the pool's environment and no interview of its own (RunTask always gives one)."""
    if requested:
        return True
    if environ.get("INTERVIEW_ID"):
        return False
    size = environ.get("AGENT_POOL_SIZE", "").strip()
    return environ.get("AGENT_POOL", "").lower() == "on" or (size.isdigit() and int(size) > 0)


def protect_from_scale_in(environ: Mapping[str, str], minutes: int | None) -> None:
    """ECS task scale-in protection on (for `minutes`) or off (None); nothing outside ECS. Best effort:
    without it a deployment could stop a serving task, which then ends its interview as stopped."""
    agent_uri = environ.get("ECS_AGENT_URI")
    if not agent_uri:
        return
    body: dict[str, object] = {"ProtectionEnabled": minutes is not None}
    if minutes is not None:
        body["ExpiresInMinutes"] = max(1, min(minutes, 2880))
    request = urllib.request.Request(  # noqa: S310 - the ECS agent's own endpoint
        f"{agent_uri}/task-protection/v1/state",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    try:
        with urllib.request.urlopen(request, timeout=3):  # noqa: S310
            pass
    except OSError as error:
        logger.warning("task scale-in protection not changed", extra={"reason": type(error).__name__})


def this_task_ref(environ: Mapping[str, str]) -> str:
    """AGENT_POOL_TASK_REF (the local launcher), else the task ARN from ECS's task metadata endpoint."""
    given = environ.get("AGENT_POOL_TASK_REF")
    if given:
        return given
    metadata_uri = environ.get("ECS_CONTAINER_METADATA_URI_V4")
    if not metadata_uri:
        raise RuntimeError("pool mode needs AGENT_POOL_TASK_REF or ECS's ECS_CONTAINER_METADATA_URI_V4")
    with urllib.request.urlopen(f"{metadata_uri}/task", timeout=5) as response:  # noqa: S310 - ECS's own
        return str(json.load(response)["TaskARN"])


def warm_up(environ: Mapping[str, str]) -> None:
    """Import what serving an interview imports, so the assignment finds it loaded."""
    transport = environ.get("AGENT_TRANSPORT", "livekit")
    for module in (*WARM_IMPORTS, *TRANSPORT_IMPORTS.get(transport, ())):
        importlib.import_module(module)


def wait_for_assignment(
    pool: AgentPool,
    task_ref: str,
    *,
    heartbeat_interval: float = DEFAULT_INTERVAL_SECONDS,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    stop_requested: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> LaunchRequest | None:
    """Register idle and wait; the accepted interview, or None (revoked, or asked to stop)."""
    task_id = task_id_of(task_ref)
    pool.register(task_ref)
    logger.info("pool task idle", extra={"task": task_ref})
    next_beat = monotonic() + heartbeat_interval
    while not stop_requested():
        task = pool.get(task_id)
        if task is None or task.state not in ("idle", "assigned"):
            logger.info(
                "pool task's item is gone or closed; leaving", extra={"state": getattr(task, "state", None)}
            )
            return None
        if task.state == "assigned" and task.assignment is not None:
            if pool.accept(task_id, task.assignment.interview_id):
                logger.info(
                    "pool task took an interview", extra={"interview_id": task.assignment.interview_id}
                )
                return task.assignment
            logger.info("the assignment was revoked before it was taken; leaving")
            pool.finish(task_id)
            return None
        if monotonic() >= next_beat:
            pool.beat(task_id)  # False: claimed since the read; the next poll sees the assignment
            next_beat = monotonic() + heartbeat_interval
        sleep(poll_seconds)
    pool.finish(task_id)
    return None


def poll_seconds_from(environ: Mapping[str, str]) -> float:
    value = float(environ.get("AGENT_POOL_POLL_SECONDS") or DEFAULT_POLL_SECONDS)
    if not 0 < value <= 10:
        raise ValueError("AGENT_POOL_POLL_SECONDS must be in (0, 10]")
    return value


def heartbeat_from(environ: Mapping[str, str]) -> float:
    value = float(environ.get("HEARTBEAT_INTERVAL") or DEFAULT_INTERVAL_SECONDS)
    if value <= 0:
        raise ValueError("HEARTBEAT_INTERVAL must be positive")
    return value


def environment_with(environ: Mapping[str, str], request: LaunchRequest) -> dict[str, str]:
    """The task's environment with the interview's fields, as RunTask's overrides would give them."""
    return {**environ, **request.environment()}
