"""Runs one agent process and makes sure it never outlives the local stack that started it.

    python -I local/agent_guard.py --grace 5 -- python -m interviewer

The launcher gives this guard a pipe on stdin and never writes to it. When the stack exits for any
reason (Ctrl-C, a crash, SIGKILL), the pipe closes and the guard stops the agent: SIGTERM (the agent
ends its interview and says why), then SIGKILL after the grace period. SIGTERM/SIGINT sent to the guard
are forwarded the same way. Standard library only: it starts in a few milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
from types import FrameType


def _stop(child: subprocess.Popen[bytes], grace: float) -> None:
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        child.kill()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grace", type=float, default=5.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    child = subprocess.Popen(command, stdin=subprocess.DEVNULL)  # noqa: S603 - the launcher's own command
    stopping = threading.Event()

    def stop_once() -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=_stop, args=(child, args.grace), daemon=True).start()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop_once()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def watch_parent() -> None:
        # The raw descriptor, not sys.stdin: a daemon thread inside a buffered read aborts the interpreter
        # at exit. os.read returns b"" at EOF: the launcher is gone.
        with contextlib.suppress(OSError):
            while os.read(0, 4096):
                pass
        stop_once()

    threading.Thread(target=watch_parent, daemon=True).start()
    code = child.wait()
    sys.stdout.flush()
    os._exit(128 - code if code < 0 else code)  # no interpreter teardown under the watcher thread


if __name__ == "__main__":
    main()
