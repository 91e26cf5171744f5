"""Run a command on a share of one CPU, as a Fargate task's vCPU quota would: one core, and a duty cycle.

    .venv/bin/python bench/cpu_quota.py --cpus 0.5 -- .venv/bin/python bench/bench_voice.py --turns 2

The command is pinned to one core (sched_setaffinity) and, for a share below 1, stopped and continued in
turns within each --period (SIGSTOP/SIGCONT on its process group): 0.5 runs it 50 ms of every 100 ms, like
a cgroup's cpu.max of "50000 100000" (Fargate's 512 CPU units). Its output passes through; at the end the
share used, the wall time and the largest resident set of the command's processes (for the task's
memory) are printed on stderr. Linux only.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cpus", type=float, default=0.5, help="share of one core, 0 < cpus <= 1")
    parser.add_argument("--period", type=float, default=0.1, help="duty-cycle period in seconds")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    if not 0 < args.cpus <= 1:
        parser.error("--cpus must be in (0, 1]")
    core = min(os.sched_getaffinity(0))

    def pin() -> None:
        os.sched_setaffinity(0, {core})

    started = time.perf_counter()
    child = subprocess.Popen(command, preexec_fn=pin, start_new_session=True)  # noqa: S603
    running_for = args.period * args.cpus
    stopped_for = args.period - running_for
    try:
        while child.poll() is None:
            time.sleep(running_for)
            if stopped_for > 0 and child.poll() is None:
                os.killpg(child.pid, signal.SIGSTOP)
                time.sleep(stopped_for)
                os.killpg(child.pid, signal.SIGCONT)
    except KeyboardInterrupt:
        os.killpg(child.pid, signal.SIGCONT)
        child.terminate()
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGCONT)
    returncode = child.wait()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"[cpu_quota] {args.cpus:g} of core {core}: {time.perf_counter() - started:.1f} s wall, "
        f"largest resident set {peak_mb:.0f} MB, exit {returncode}",
        file=sys.stderr,
    )
    return returncode


if __name__ == "__main__":
    raise SystemExit(main())
