"""The process launcher (Fargate's local stand-in): environment, logs, stop with a grace, no orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from interview_common.launcher import LaunchRequest

from local.process_launcher import AgentExit, ProcessLauncher, task_definition_environment

REQUEST = LaunchRequest(
    interview_id="iv-1",
    room_name="room-proc-1",
    candidate_id="cand-1",
    candidate_identity="candidate-cand-1",
    job_id="job-1",
    agent_identity="interview-agent-iv-1",
)

# A stand-in agent: prints what it was given, ends "politely" on SIGTERM unless told to be stubborn.
FAKE_AGENT = textwrap.dedent(
    """
    import os, signal, sys, time
    print("env", os.environ.get("ROOM_NAME"), os.environ.get("TABLE_NAME"), os.environ.get("AGENT_TRANSPORT"),
          os.environ.get("LEAKY_SECRET", "-"), flush=True)
    if os.environ.get("FAKE_PID_FILE"):
        open(os.environ["FAKE_PID_FILE"], "w").write(str(os.getpid()))
    def polite(*_):
        print("ending the interview: stopped", flush=True)
        sys.exit(0)
    signal.signal(signal.SIGTERM, signal.SIG_IGN if os.environ.get("STUBBORN") else polite)
    if os.environ.get("CRASH"):
        sys.exit(3)
    for _ in range(600):
        time.sleep(0.05)
    """
)


class Logs:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def __call__(self, room: str, line: str) -> None:
        with self.lock:
            self.lines.append((room, line))

    def wait_for(self, text: str, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if any(text in line for _, line in self.lines):
                    return
            time.sleep(0.02)
        raise AssertionError(f"no log line with {text!r}: {self.lines}")


def launcher(logs: Logs, exits: list[AgentExit], grace: float = 0.5, **environment: str) -> ProcessLauncher:
    return ProcessLauncher(
        {"TABLE_NAME": "local-table", "AGENT_TRANSPORT": "sim", **environment},
        command=(sys.executable, "-c", FAKE_AGENT),
        grace_seconds=grace,
        log_sink=logs,
        on_exit=exits.append,
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")


def test_task_definition_environment_comes_from_the_template() -> None:
    # Given the template's AgentTaskDefinition, with local values for its Refs and a local secret
    environment = task_definition_environment(
        {"InterviewsTable": "local-table", "LiveKitUrl": "ws://127.0.0.1:7880"}, {"LIVEKIT_API_KEY": "devkey"}
    )
    # Then the declared variables are there with those values, parameter defaults fill the rest,
    # and a secret with no local value (OPENAI_API_KEY) is left unset
    assert environment["TABLE_NAME"] == "local-table"
    assert environment["LIVEKIT_URL"] == "ws://127.0.0.1:7880"
    assert environment["OPENAI_MODEL"] == "gpt-4o-mini"
    assert environment["LIVEKIT_API_KEY"] == "devkey"
    assert "OPENAI_API_KEY" not in environment


def test_the_agent_gets_its_environment_and_logs_with_a_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKY_SECRET", "the-stacks-own-secret")
    logs, exits = Logs(), []  # type: ignore[var-annotated]
    processes = launcher(logs, exits)

    # When the launcher starts an agent for an interview
    result = processes.launch(REQUEST)

    # Then the agent sees the task's and the request's variables, not the rest of the stack's environment
    logs.wait_for("env room-proc-1 local-table sim -")
    assert result.task_ref.startswith("arn:aws:ecs:")
    assert all(room == "room-proc-1" for room, _ in logs.lines)
    processes.stop_all("test over")


def test_stop_sends_sigterm_and_the_exit_is_reported() -> None:
    logs, exits = Logs(), []  # type: ignore[var-annotated]
    processes = launcher(logs, exits)
    task = processes.launch(REQUEST).task_ref
    logs.wait_for("env ")

    # When the interview ends and the launcher stops its agent
    processes.stop(task, "interview ended")

    # Then the agent ended politely (its SIGTERM handler ran) and the exit says why, like ECS
    assert processes.wait(task, 5)
    logs.wait_for("ending the interview: stopped")
    assert len(exits) == 1
    assert exits[0].stopped_reason == "interview ended"
    assert exits[0].exit_code == 0
    assert exits[0].request == REQUEST
    assert exits[0].stop_code == "UserInitiated"
    assert processes.running() == []
    # Stopping a stopped agent is not an error
    processes.stop(task, "again")


def test_an_agent_that_ignores_sigterm_is_killed_after_the_grace() -> None:
    logs, exits = Logs(), []  # type: ignore[var-annotated]
    processes = launcher(logs, exits, grace=0.3, STUBBORN="1")
    task = processes.launch(REQUEST).task_ref
    logs.wait_for("env ")

    processes.stop(task, "interview ended")

    assert processes.wait(task, 5)
    assert processes.running() == []
    assert exits[0].exit_code != 0


def test_a_crashed_agent_is_reported_with_its_exit_code() -> None:
    logs, exits = Logs(), []  # type: ignore[var-annotated]
    processes = launcher(logs, exits, CRASH="1")
    task = processes.launch(REQUEST).task_ref
    assert processes.wait(task, 5)
    assert exits[0].exit_code == 3
    assert exits[0].stopped_reason == "Essential container in task exited"
    assert exits[0].stop_code == "EssentialContainerExited"


def test_one_agent_per_interview() -> None:
    logs, exits = Logs(), []  # type: ignore[var-annotated]
    processes = launcher(logs, exits)
    # When start-interview's launch is retried for the same interview
    first, second = processes.launch(REQUEST), processes.launch(REQUEST)
    # Then one process runs, under one task
    assert first.task_ref == second.task_ref
    assert processes.running() == [first.task_ref]
    processes.stop_all("test over")


def test_the_agent_does_not_outlive_a_killed_stack(tmp_path: Path) -> None:
    # Given a stack process that launched an agent
    pid_file = tmp_path / "agent.pid"
    stack_code = textwrap.dedent(
        f"""
        import sys, time
        sys.path[:0] = {[str(Path.cwd()), str(Path.cwd() / "layers" / "common")]!r}
        from interview_common.launcher import LaunchRequest
        from local.process_launcher import ProcessLauncher
        from tests.integration.test_local_process_launcher import FAKE_AGENT, REQUEST
        launcher = ProcessLauncher(
            {{"FAKE_PID_FILE": {str(pid_file)!r}}},
            command=(sys.executable, "-c", FAKE_AGENT),
            grace_seconds=0.5,
            log_sink=lambda room, line: None,
        )
        launcher.launch(REQUEST)
        print("launched", flush=True)
        time.sleep(60)
        """
    )
    stack = subprocess.Popen([sys.executable, "-c", stack_code], stdout=subprocess.PIPE, cwd=Path.cwd())  # noqa: S603
    try:
        assert stack.stdout is not None
        assert stack.stdout.readline().strip() == b"launched"
        deadline = time.monotonic() + 5
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the agent never started"
            time.sleep(0.02)
        agent_pid = int(pid_file.read_text())
        assert alive(agent_pid)

        # When the stack dies without any chance to clean up
        stack.send_signal(signal.SIGKILL)
        stack.wait(5)

        # Then its agent is stopped too
        deadline = time.monotonic() + 5
        while alive(agent_pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not alive(agent_pid), "the agent outlived the stack"
    finally:
        if stack.poll() is None:
            stack.kill()
