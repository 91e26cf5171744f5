"""The local stand-in for Fargate: one child process per interview, running the agent container's entry
point (`python -m interviewer`) with the environment the task definition would give it.

- Environment: AgentTaskDefinition's `Environment` and `Secrets` names from template.yaml (Refs resolved
  to local values or the parameters' defaults; secrets from the local environment when set), then
  LaunchRequest.environment(), then the local endpoints (moto, the simulated or real LiveKit).
- Lifetime: each agent runs under local/agent_guard.py in its own process group; stop() sends SIGTERM
  (the agent ends its interview and says why) and SIGKILL after a grace period; if the stack dies, the
  guard notices and stops the agent, so no agent outlives the stack.
- Exit: `on_exit` gets an AgentExit (like ECS's "task stopped" event) when the process ends.
- Warm pool (`pool_size` > 0, AGENT_POOL_SIZE for `make dev`): like the ECS service, `start_pool()` keeps
  that many agents started with no interview (AGENT_POOL=on: interviewer.pool_wait), each waiting for an
  assignment; one that exits is replaced. A pool agent that took an interview (`assigned`, called by
  interview_common.agent_pool.PooledLauncher) reports its exit for that interview; an idle one none.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from interview_common.errors import LaunchFailed
from interview_common.launcher import LaunchRequest, LaunchResult

from local.template_resources import load_template, resolve_value

REPO_ROOT = Path(__file__).resolve().parent.parent
GUARD = Path(__file__).resolve().parent / "agent_guard.py"
AGENT_COMMAND = (sys.executable, "-m", "interviewer")
TASK_DEFINITION = "AgentTaskDefinition"
# What a process needs from the host to start at all; nothing else of the stack's environment leaks in.
HOST_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "SYSTEMROOT", "VIRTUAL_ENV")
DEFAULT_GRACE_SECONDS = 8.0
POOL_RESTART_BACKOFF_SECONDS = 2.0


def task_definition_environment(refs: dict[str, str], secrets: Mapping[str, str]) -> dict[str, str]:
    """The agent container's environment as the task definition declares it, with local values.

    `refs` gives values for `!Ref` targets (e.g. InterviewsTable -> the local table); other Refs take
    the parameter's Default. A declared secret is set when `secrets` has a value for its name.
    """
    container = load_template()["Resources"][TASK_DEFINITION]["Properties"]["ContainerDefinitions"][0]
    environment = {str(v["Name"]): resolve_value(v["Value"], refs) for v in container.get("Environment", [])}
    for secret in container.get("Secrets", []):
        name = str(secret["Name"])
        if secrets.get(name):
            environment[name] = secrets[name]
    return environment


@dataclass(frozen=True)
class AgentExit:
    """What ECS reports when a task stops: which task, why, and the container's exit code."""

    task_ref: str
    request: LaunchRequest
    exit_code: int
    stopped_reason: str
    started_at: float
    stopped_at: float
    stop_requested: bool  # stopped by stop() (ECS: UserInitiated), or exited by itself

    @property
    def stop_code(self) -> str:
        return "UserInitiated" if self.stop_requested else "EssentialContainerExited"


@dataclass
class _Agent:
    task_ref: str
    request: LaunchRequest | None  # None: a pool agent with no interview yet
    process: subprocess.Popen[bytes]
    started_at: float
    stop_reason: str | None = None
    exited: threading.Event = field(default_factory=threading.Event)
    pooled: bool = False  # started by start_pool (its replacement is started when it exits)


LogSink = Callable[[str, str], None]  # (room name, line)


def print_log(room_name: str, line: str, stream: TextIO | None = None) -> None:
    print(f"[agent {room_name}] {line}", file=stream or sys.stderr, flush=True)


class ProcessLauncher:
    """AgentLauncher for the local stack (interview_common.launcher.port)."""

    def __init__(
        self,
        environment: Mapping[str, str],
        *,
        command: tuple[str, ...] = AGENT_COMMAND,
        cwd: Path = REPO_ROOT,
        grace_seconds: float = DEFAULT_GRACE_SECONDS,
        log_sink: LogSink = print_log,
        on_exit: Callable[[AgentExit], None] | None = None,
        pool_size: int = 0,
    ) -> None:
        self._environment = dict(environment)
        self._command = command
        self._cwd = cwd
        self._grace_seconds = grace_seconds
        self._log_sink = log_sink
        self._on_exit = on_exit
        self._lock = threading.Lock()
        self._agents: dict[str, _Agent] = {}
        self._by_interview: dict[str, str] = {}
        self.exits: list[AgentExit] = []
        self._pool_size = pool_size
        self._pool_open = False

    # -- the port -----------------------------------------------------------------------------------

    def launch(self, request: LaunchRequest) -> LaunchResult:
        with self._lock:
            existing = self._by_interview.get(request.interview_id)
            if existing is not None:  # like RunTask's clientToken: one agent per interview
                return LaunchResult(task_ref=existing)
        return LaunchResult(task_ref=self._spawn(request))

    def _spawn(self, request: LaunchRequest | None) -> str:
        """Start one agent process: for `request`, or (None) a pool agent that waits for one."""
        with self._lock:
            task_ref = f"arn:aws:ecs:us-east-1:000000000000:task/local/{uuid.uuid4().hex}"
            environment = self._child_environment(request)
            if request is None:
                environment.update({"AGENT_POOL": "on", "AGENT_POOL_TASK_REF": task_ref})
            command = [
                sys.executable,
                "-I",
                str(GUARD),
                "--grace",
                str(self._grace_seconds),
                "--",
                *self._command,
            ]
            try:
                process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                    command,
                    cwd=self._cwd,
                    env=environment,
                    stdin=subprocess.PIPE,  # the guard's lifeline: it closes when this process dies
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # own process group: stopped as one, not by the terminal's Ctrl-C
                )
            except OSError as error:
                raise LaunchFailed(f"the agent process could not be started: {error.strerror}") from error
            agent = _Agent(
                task_ref=task_ref,
                request=request,
                process=process,
                started_at=time.time(),
                pooled=request is None,
            )
            self._agents[task_ref] = agent
            if request is not None:
                self._by_interview[request.interview_id] = task_ref
        name = f"agent-{request.room_name}" if request is not None else f"pool-agent-{task_ref[-8:]}"
        threading.Thread(target=self._follow, args=(agent,), name=name, daemon=True).start()
        return task_ref

    # -- the warm pool (the ECS service's part) -----------------------------------------------------

    def start_pool(self) -> list[str]:
        """Start `pool_size` waiting agents; from now on each one that exits is replaced."""
        self._pool_open = True
        return [self._spawn(None) for _ in range(self._pool_size)]

    def assigned(self, task_ref: str, request: LaunchRequest) -> None:
        """A pool agent took this interview: it is that interview's agent from now on."""
        with self._lock:
            agent = self._agents.get(task_ref)
            if agent is None or agent.request is not None:
                return
            agent.request = request
            self._by_interview.setdefault(request.interview_id, task_ref)

    def pool_agents(self) -> list[str]:
        """Running pool agents that have no interview yet."""
        with self._lock:
            return [
                ref
                for ref, agent in self._agents.items()
                if agent.request is None and agent.process.poll() is None
            ]

    def stop(self, task_ref: str, reason: str) -> None:
        with self._lock:
            agent = self._agents.get(task_ref)
        if agent is None or agent.process.poll() is not None:
            return
        agent.stop_reason = agent.stop_reason or reason
        try:
            agent.process.send_signal(signal.SIGTERM)  # the guard forwards it to the agent
        except ProcessLookupError:
            return
        threading.Thread(target=self._kill_after_grace, args=(agent,), daemon=True).start()

    # -- the local stack's own needs ----------------------------------------------------------------

    def running(self) -> list[str]:
        with self._lock:
            return [ref for ref, agent in self._agents.items() if agent.process.poll() is None]

    def pid(self, task_ref: str) -> int | None:
        with self._lock:
            agent = self._agents.get(task_ref)
        return agent.process.pid if agent else None

    def requests(self) -> list[LaunchRequest]:
        with self._lock:
            return [agent.request for agent in self._agents.values() if agent.request is not None]

    def kill(self, task_ref: str) -> None:
        """SIGKILL the agent's whole process group at once (a second Ctrl-C)."""
        self._kill_group(task_ref)

    def wait(self, task_ref: str, timeout: float) -> bool:
        with self._lock:
            agent = self._agents.get(task_ref)
        return agent is None or agent.exited.wait(timeout)

    def stop_all(self, reason: str, timeout: float | None = None) -> None:
        """Stop every agent and wait for them (SIGKILL to the group after the grace period)."""
        self._pool_open = False  # nothing replaces the pool agents stopped now
        refs = self.running()
        for ref in refs:
            self.stop(ref, reason)
        deadline = time.monotonic() + (timeout if timeout is not None else self._grace_seconds + 2)
        for ref in refs:
            if not self.wait(ref, max(0.0, deadline - time.monotonic())):
                self._kill_group(ref)
                self.wait(ref, 2.0)

    # -- internals ----------------------------------------------------------------------------------

    def _child_environment(self, request: LaunchRequest | None) -> dict[str, str]:
        environment = {name: os.environ[name] for name in HOST_VARIABLES if name in os.environ}
        environment.update(self._environment)
        if request is not None:
            environment.update(request.environment())
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(REPO_ROOT / "agent_container"), str(REPO_ROOT / "layers" / "common")]
        )
        environment["PYTHONUNBUFFERED"] = "1"
        return environment

    def _follow(self, agent: _Agent) -> None:
        assert agent.process.stdout is not None
        for raw in agent.process.stdout:
            room = agent.request.room_name if agent.request is not None else "pool"
            self._log_sink(room, raw.decode(errors="replace").rstrip())
        code = agent.process.wait()
        if agent.process.stdin is not None:
            agent.process.stdin.close()
        if agent.pooled and self._pool_open:  # the ECS service starts a replacement
            if time.time() - agent.started_at < POOL_RESTART_BACKOFF_SECONDS:
                time.sleep(POOL_RESTART_BACKOFF_SECONDS)  # one that cannot start is not restarted in a spin
            if self._pool_open:
                self._spawn(None)
        if agent.request is None:  # a pool agent that served nothing: no interview to report
            agent.exited.set()
            return
        room = agent.request.room_name
        stopped = AgentExit(
            task_ref=agent.task_ref,
            request=agent.request,
            exit_code=code,
            # ECS's own words when the essential container exits by itself
            stopped_reason=agent.stop_reason or "Essential container in task exited",
            started_at=agent.started_at,
            stopped_at=time.time(),
            stop_requested=agent.stop_reason is not None,
        )
        with self._lock:
            self.exits.append(stopped)
        if self._on_exit is not None:
            try:
                self._on_exit(stopped)
            except Exception as error:  # the stack keeps running whatever the observer does
                self._log_sink(room, f"(local stack) could not report the agent's exit: {error}")
        agent.exited.set()  # exited and reported: wait() returns after the report

    def _kill_after_grace(self, agent: _Agent) -> None:
        if not agent.exited.wait(self._grace_seconds + 1):
            self._kill_group(agent.task_ref)

    def _kill_group(self, task_ref: str) -> None:
        with self._lock:
            agent = self._agents.get(task_ref)
        if agent is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(agent.process.pid, signal.SIGKILL)
