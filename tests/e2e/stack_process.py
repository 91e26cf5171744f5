"""The local stack as the developer runs it (`python -m local.dev`), in a child process, for e2e tests.

The stack gets a clean environment (nothing of the test process's fake AWS/LiveKit settings) plus short
agent timeouts, so whole interviews, no-shows and silences take seconds.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
READY = re.compile(r"Live interview API: (http://127\.0\.0\.1:\d+)")
FAST_AGENT = {
    "AGENT_BRAIN": "offline",
    "NO_SHOW_TIMEOUT": "3",
    "SILENCE_TIMEOUT": "2",
    "REJOIN_GRACE": "4",
    "HEARTBEAT_INTERVAL": "0.5",
    "ASSESSMENT_WAIT": "15",
}
HOST_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")


def clean_environment(**extra: str) -> dict[str, str]:
    environment = {name: os.environ[name] for name in HOST_VARIABLES if name in os.environ}
    environment.update(FAST_AGENT)
    environment.update(extra)
    return environment


class StackProcess:
    def __init__(self, **environment: str) -> None:
        self.environment = clean_environment(**environment)
        self.process: subprocess.Popen[str] | None = None
        self.api_url = ""
        self.lines: list[str] = []
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 60.0) -> StackProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local.dev", "--port", "0"],
            cwd=REPO_ROOT,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(timeout):
            self.kill()
            raise AssertionError("the local stack did not start:\n" + "\n".join(self.lines[-40:]))
        return self

    def _read(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            found = READY.search(line)
            if found:
                self.api_url = found.group(1)
                self._ready.set()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout)
        if self._reader is not None:
            self._reader.join(5)
        return code

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            time.sleep(0.05)
        raise AssertionError(f"no line with {text!r} in the stack's output:\n" + "\n".join(self.lines[-40:]))


def descendants(root: int) -> set[int]:
    """Every live process below `root` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {root}
    while frontier:
        children = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= children
        frontier = children
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living
