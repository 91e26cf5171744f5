"""Lambda's scaling for the local stack: a function served by several execution environments under load.

Lambda gives a function as many execution environments as it has concurrent requests (up to its
concurrency limit), each serving one invocation at a time. In-process, the local adapter has one (a lock:
Powertools keeps per-process state), so 200 interviews polling every 3 s queue behind each other. For
the functions named in `StackOptions.function_environments`, the adapter instead keeps a pool of worker
processes (local/lambda_worker.py): an invocation takes an idle one, or starts a new one while there are
fewer than the limit (a cold start), or waits for the first to be free. Each has its own interpreter,
so they also run on several cores. Only functions that need nothing but the environment variables (the
status routes: DynamoDB and the keys) can be served so; the rest keep the in-process path, where the
local stack swaps in its launcher.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent


class WorkerEnvironment:
    """One worker process; `invoke` is called by one thread at a time (the pool hands it out)."""

    def __init__(self, function_dir: str) -> None:
        self.function_dir = function_dir
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "local.lambda_worker", function_dir],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.pid = int(self._read()["ready"])

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        stdin: IO[str] = self._process.stdin  # type: ignore[assignment]
        stdin.write(json.dumps(event) + "\n")
        stdin.flush()
        return self._read()

    def _read(self) -> dict[str, Any]:
        stdout: IO[str] = self._process.stdout  # type: ignore[assignment]
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"the execution environment of {self.function_dir} exited")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def stop(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


class EnvironmentPool:
    """Up to `limit` worker environments of one function; each invocation gets one to itself."""

    def __init__(self, function_dir: str, limit: int) -> None:
        if limit < 1:
            raise ValueError("a function needs at least one execution environment")
        self.function_dir = function_dir
        self.limit = limit
        self._idle: queue.SimpleQueue[WorkerEnvironment] = queue.SimpleQueue()
        self._all: list[WorkerEnvironment] = []
        self._starting = False
        self._lock = threading.Lock()

    @property
    def started(self) -> int:
        return len(self._all)

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        environment = self._take()
        try:
            answer = environment.invoke(event)
        except Exception:
            self._forget(environment)  # a dead worker is replaced by the next cold start
            raise
        self._idle.put(environment)
        return answer

    def _take(self) -> WorkerEnvironment:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            # One cold start at a time: on a small machine several at once would slow every request
            # (each imports boto3 and Powertools); requests meanwhile take whichever environment frees first.
            start_one = len(self._all) < self.limit and not self._starting
            self._starting = self._starting or start_one
        if not start_one:
            return self._idle.get()
        try:
            environment = WorkerEnvironment(self.function_dir)
        finally:
            with self._lock:
                self._starting = False
        with self._lock:
            self._all.append(environment)
        return environment

    def prewarm(self) -> None:
        """Start one environment ahead of the first request (in the background: the caller goes on)."""

        def start() -> None:
            try:
                self._idle.put(self._take())
            except Exception as error:  # the first request will start one and report why it cannot
                print(f"[local] could not start {self.function_dir}: {error}", file=sys.stderr)

        threading.Thread(target=start, name=f"prewarm-{self.function_dir}", daemon=True).start()

    def _forget(self, environment: WorkerEnvironment) -> None:
        with self._lock:
            if environment in self._all:
                self._all.remove(environment)
        environment.stop()

    def stop(self) -> None:
        with self._lock:
            environments, self._all = self._all, []
        for environment in environments:
            environment.stop()
