"""Cold import time of each Lambda handler module, as a ratio to `import boto3` measured in the same run.

    .venv/bin/python bench/bench_cold_import.py [--runs 5]

Each figure is the median of --runs fresh interpreters (round-robin, so drift hits every target alike),
timing only the import inside the child (interpreter start-up excluded). A child sees what Lambda gives a
function: sys.path = [functions/<name>, layers/common] and the environment of tests/conftest.py BASE_ENV.
Modes:
  lambda   LAMBDA_TASK_ROOT set and POWERTOOLS_TRACE_DISABLED unset: the Tracer is on, as in AWS
  local    (--local) BASE_ENV as the tests run it: tracing disabled, and the X-Ray SDK, not knowing it
           is in Lambda, builds its sampling clients at import (~0.15 s that AWS never sees)
  no deferral  lambda mode, plus what the import defers to the first request (the Tracer: X-Ray SDK and
           botocore's patch): what each handler's import cost before the deferral (issue 17)
Target (issue 17): lambda-mode ratio <= 1.5. The heaviest imports of the slowest handler are listed after
the table (python -X importtime, self time per package) so a miss says what dominates.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
LAYER = ROOT / "layers" / "common"
TARGET_RATIO = 1.5

# Run in the child: time one import, report it with which heavy packages it pulled in. With "eager", the
# time also covers what the import defers to the first request (building the Tracer: the X-Ray SDK and
# botocore's patch), i.e. what the import cost before those deferrals.
CHILD = """
import json, sys, time
sys.path[:0] = json.loads(sys.argv[1])
started = time.perf_counter()
__import__(sys.argv[2])
if len(sys.argv) > 3 and sys.argv[3] == "eager":
    from interview_common.observability import tracer
    tracer.get()
elapsed = time.perf_counter() - started
heavy = ["livekit.api", "aws_xray_sdk.core", "openai", "aiohttp", "interviewer"]
print(json.dumps({"seconds": elapsed, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def base_env() -> dict[str, str]:
    sys.path[:0] = [str(ROOT), str(LAYER)]
    from tests.conftest import BASE_ENV  # the environment the handlers are tested with

    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "SYSTEMROOT") if name in os.environ}
    return {**keep, **BASE_ENV}


def lambda_env(env: dict[str, str], function: str) -> dict[str, str]:
    lambda_like = {key: value for key, value in env.items() if key != "POWERTOOLS_TRACE_DISABLED"}
    lambda_like.update(
        LAMBDA_TASK_ROOT=str(FUNCTIONS / function),
        AWS_LAMBDA_FUNCTION_NAME=function,
        AWS_EXECUTION_ENV="AWS_Lambda_python3.12",
    )
    return lambda_like


def import_once(
    module: str, path: list[str], env: dict[str, str], *, eager: bool = False
) -> tuple[float, list[str]]:
    """Seconds one fresh interpreter takes to import `module` (`eager`: and to do what it defers), and the
    heavy packages it loaded."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", CHILD, json.dumps(path), module, "eager" if eager else "lazy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"importing {module} failed:\n{completed.stderr[-2000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    return float(result["seconds"]), [str(name) for name in result["loaded"]]


def import_profile(function: str, env: dict[str, str], count: int = 10) -> list[tuple[int, str]]:
    """Where a handler's import time goes: `python -X importtime` self times summed per top-level package."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            CHILD,
            json.dumps([str(FUNCTIONS / function), str(LAYER)]),
            "app",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    totals: dict[str, int] = {}
    for line in completed.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or len(fields) != 3 or not fields[0].strip().isdigit():
            continue
        package = fields[2].strip().split(".")[0]
        totals[package] = totals.get(package, 0) + int(fields[0])
    return sorted(((us, name) for name, us in totals.items()), reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per target (median taken)")
    parser.add_argument(
        "--local", action="store_true", help="also measure with tracing disabled (doubles the time)"
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    env = base_env()
    functions = sorted(p.parent.name for p in FUNCTIONS.glob("*/app.py"))
    modes = ["lambda", "local"] if args.local else ["lambda"]
    # (label, module, sys.path, env, eager): boto3 first, measured exactly like the handlers
    targets: list[tuple[str, str, list[str], dict[str, str], bool]] = [("boto3", "boto3", [], env, False)]
    for function in functions:
        path = [str(FUNCTIONS / function), str(LAYER)]
        for mode in modes:
            target_env = lambda_env(env, function) if mode == "lambda" else env
            targets.append((f"{function} [{mode}]", "app", path, target_env, False))
        # The same handler as it imported before its deferrals (the Tracer built at import).
        targets.append((f"{function} [lambda, no deferral]", "app", path, lambda_env(env, function), True))

    started = time.perf_counter()
    for _, module, path, target_env, eager in targets:  # warm-up: compile bytecode, fill the page cache
        import_once(module, path, target_env, eager=eager)
    samples: dict[str, list[float]] = {label: [] for label, *_ in targets}
    loaded: dict[str, list[str]] = {}
    for _ in range(args.runs):
        for label, module, path, target_env, eager in targets:
            seconds, loaded[label] = import_once(module, path, target_env, eager=eager)
            samples[label].append(seconds)

    baseline = statistics.median(samples["boto3"])
    print(f"cold import, median of {args.runs} fresh interpreters each ({sys.version.split()[0]})")
    # ratio: of the medians (the figure); min ratio: of the fastest runs (less sensitive to a busy machine)
    print(
        f"{'module':38} {'median ms':>10} {'min ms':>8} {'ratio':>7} {'min ratio':>9}  heavy packages loaded"
    )
    fastest_baseline = min(samples["boto3"])
    label = "import boto3 (baseline)"
    print(f"{label:38} {baseline * 1000:10.1f} {fastest_baseline * 1000:8.1f} {1:7.2f} {1:9.2f}")
    worst = ("", 0.0)
    for label, *_ in targets[1:]:
        median = statistics.median(samples[label])
        ratio = median / baseline
        if label.endswith("[lambda]") and ratio > worst[1]:
            worst = (label, ratio)
        mark = "" if not label.endswith("[lambda]") else ("  ok" if ratio <= TARGET_RATIO else "  MISS")
        heavy = ", ".join(loaded[label]) or "-"
        fastest = min(samples[label])
        print(
            f"{label:38} {median * 1000:10.1f} {fastest * 1000:8.1f} {ratio:7.2f} "
            f"{fastest / fastest_baseline:9.2f}{mark:6}  {heavy}"
        )
    print(f"target: every handler [lambda] <= {TARGET_RATIO:.1f}x import boto3")
    print(f"worst: {worst[0]} at {worst[1]:.2f}x")
    with_deferral = [statistics.median(samples[f"{f} [lambda]"]) / baseline for f in functions]
    without = [statistics.median(samples[f"{f} [lambda, no deferral]"]) / baseline for f in functions]
    print(
        f"deferrals: median handler {statistics.median(with_deferral):.2f}x with them, "
        f"{statistics.median(without):.2f}x without (the Tracer built at import); handlers within target: "
        f"{sum(r <= TARGET_RATIO for r in with_deferral)}/{len(with_deferral)} with, "
        f"{sum(r <= TARGET_RATIO for r in without)}/{len(without)} without"
    )

    function = worst[0].split(" ")[0]
    if function:
        print(f"\nwhere {function} [lambda] spends its import")
        print("(python -X importtime: self ms summed per top-level package, one run)")
        for microseconds, name in import_profile(function, lambda_env(env, function)):
            print(f"  {microseconds / 1000:8.1f}  {name}")
    print(f"\n(finished in {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
