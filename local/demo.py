"""`make demo`: one whole interview on this machine, offline, in about a minute.

It starts the local stack (moto's DynamoDB, the Lambda handlers behind the local HTTP adapter, a
simulated LiveKit room, the process launcher), starts an interview through POST /start-interview like
the frontend does, and lets the agent (simulated-room transport; offline brain, or OpenAI's when
OPENAI_API_KEY is set) interview a simulated candidate who plays a persona. Progress is shown as it
happens; at the end the report is written as JSON and HTML under demo-output/.

    python -m local.demo [--persona NAME|PATH] [--fast]

NAME is a packaged persona: strong, weak, silent, leaves_early, no_show, injection, curious (asks for a
repeat and a clarification, skips a question, asks about the team at the end), unsure (needs a moment,
draws a blank), asks_questions, other_language, stops_early; PATH a persona file (JSON/YAML).

Exit status: 0 when the interview completed, 1 otherwise, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import textwrap
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import aiohttp
from interview_common.lifecycle import TERMINAL_STATES
from interview_common.room_protocol import INTERVIEW_TOPIC
from interviewer.simulated_candidate import PACKAGED_PERSONAS

from local.candidate import RoomCandidate, RoomMessage
from local.stack import DEV_BACKEND_API_KEY, LocalStack, StackOptions

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "demo-output"
POLL_SECONDS = 0.3
DEMO_JOB_ID = "demo-job"
TERMINAL = {state.value for state in TERMINAL_STATES}
# The agent's waits, shortened so a demo persona that never shows up or falls silent ends in seconds.
DEMO_AGENT_TIMEOUTS = {
    "NO_SHOW_TIMEOUT": 20.0,
    "SILENCE_TIMEOUT": 12.0,
    "REJOIN_GRACE": 45.0,
    "MAX_DURATION": 900.0,
}


@dataclass
class Progress:
    """What the terminal shows: one line per change, prefixed with the time since the start."""

    out: TextIO
    started: float = field(default_factory=time.monotonic)
    last: dict[str, Any] = field(default_factory=dict)
    width: int = 100

    def line(self, text: str, *, indent: str = "") -> None:
        elapsed = time.monotonic() - self.started
        stamp = f"[{int(elapsed // 60):02d}:{elapsed % 60:04.1f}] "
        width = max(self.width - len(stamp) - len(indent), 30)
        wrapped = textwrap.wrap(text, width=width, break_on_hyphens=False, break_long_words=False) or [""]
        print(stamp + indent + wrapped[0], file=self.out, flush=True)
        for rest in wrapped[1:]:
            print(" " * (len(stamp) + len(indent)) + rest, file=self.out, flush=True)

    def status(self, body: dict[str, Any]) -> None:
        """A GET /agent-status answer: report what changed since the last poll."""
        interview = body.get("interview", {})
        seen = {
            "state": interview.get("state"),
            "agent": body.get("agentConnected"),
            "candidate": body.get("candidateConnected"),
            "stale": interview.get("heartbeatStale"),
        }
        if seen["state"] != self.last.get("state"):
            self.line(f"state: {seen['state']}")
        if seen["agent"] != self.last.get("agent") and self.last:
            self.line("the interviewer " + ("joined the room" if seen["agent"] else "left the room"))
        if seen["candidate"] != self.last.get("candidate") and self.last:
            self.line("the candidate " + ("joined the room" if seen["candidate"] else "left the room"))
        if seen["stale"] and not self.last.get("stale"):
            self.line("the agent's heartbeat is stale")
        self.last = seen

    def message(self, message: RoomMessage) -> None:
        """A data message on the room, as the candidate's browser would receive it."""
        payload = message.payload if isinstance(message.payload, dict) else {}
        kind = payload.get("type")
        if message.topic != INTERVIEW_TOPIC:
            return
        if kind == "question":
            self.line(
                f"-- question {payload.get('question_number')}/{payload.get('total_questions')} "
                f"({payload.get('category')}, {payload.get('progress')}% through) --"
            )
        elif kind == "transcript" and payload.get("final", True):
            who = "Interviewer" if payload.get("speaker") == "agent" else "Candidate  "
            self.line(str(payload.get("text", "")), indent=f"{who}: ")
        elif kind == "status":
            self.line(f"phase: {payload.get('phase')}")
        elif kind == "interview_completed":
            others = [
                f"question {response.get('question_number')} {response.get('status', '').replace('_', ' ')}"
                for response in payload.get("responses", [])
                if isinstance(response, dict) and response.get("status") != "answered"
            ]
            self.line(
                f"interview completed: {payload.get('total_responses')} of {payload.get('total_questions')} "
                "questions answered" + (f" ({', '.join(others)})" if others else "")
            )

    def candidate_action(self, what: str, detail: str) -> None:
        if what in ("joined", "left", "never_joins"):
            self.line(f"(candidate {detail})")


class Api:
    """The HTTP API, called as the frontend's server routes call it."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, api_key: str) -> None:
        self._session = session
        self._base = base_url
        self._headers = {"Authorization": f"Bearer {api_key}"}

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        async with self._session.request(
            method, self._base + path, json=body, headers=self._headers
        ) as response:
            text = await response.text()
            if response.content_type == "application/json":
                return response.status, json.loads(text)
            return response.status, text


@dataclass(frozen=True)
class DemoResult:
    room: str
    status: dict[str, Any]  # the last GET /agent-status
    record: Any  # GET /interviews/{room}
    page: str  # GET /interviews/{room}/report.html

    def write(self, output_dir: Path) -> tuple[Path, Path]:
        output_dir.mkdir(parents=True, exist_ok=True)
        json_path, html_path = output_dir / f"{self.room}.json", output_dir / f"{self.room}.html"
        json_path.write_text(json.dumps(self.record, indent=2) + "\n", encoding="utf-8")
        html_path.write_text(self.page, encoding="utf-8")
        return json_path, html_path


def brain_label() -> str:
    if os.environ.get("OPENAI_API_KEY", "").strip().lower() not in ("", "none"):
        return f"OpenAI brain ({os.environ.get('OPENAI_MODEL', 'gpt-4o-mini')})"
    return "offline brain (no OPENAI_API_KEY)"


def room_name_for_run() -> str:
    return "demo-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


async def run_interview(
    stack: LocalStack,
    persona_source: str,
    progress: Progress,
    *,
    time_scale: float,
    give_up_after: float,
    room_name: str | None = None,
    candidate_id: str = "demo-candidate",
    candidate_name: str = "Sam Rivera",
    job_id: str = DEMO_JOB_ID,
) -> DemoResult:
    """Start one interview over HTTP, play the candidate, follow it to the end, read its record."""
    from interviewer.simulated_candidate import load_persona

    persona = load_persona(persona_source)
    room = room_name or room_name_for_run()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        api = Api(session, stack.api_url, stack.options.backend_api_key)
        progress.line(f"POST /start-interview (room {room}, persona {persona.name!r}, {brain_label()})")
        status, started = await api.call(
            "POST",
            "/start-interview",
            {
                "roomName": room,
                "candidateId": candidate_id,
                "jobId": job_id,
                "candidateName": candidate_name,
            },
        )
        if status not in (200, 202):
            raise RuntimeError(f"start-interview answered {status}: {started}")
        progress.line(f"interview {started['interviewId']} started; the agent is {started['agentIdentity']}")

        agent_here = asyncio.Event()
        final: dict[str, Any] = {}

        async def follow() -> None:
            while True:
                code, body = await api.call("GET", f"/agent-status?room={room}")
                if code == 200:
                    progress.status(body)
                    final.clear()
                    final.update(body)
                    if body.get("agentConnected"):
                        agent_here.set()
                    if body["interview"]["state"] in TERMINAL:
                        return
                await asyncio.sleep(POLL_SECONDS)

        candidate = RoomCandidate(
            started["url"],
            started["token"],
            persona,
            time_scale=time_scale,
            on_message=progress.message,
            on_action=progress.candidate_action,
        )
        follower = asyncio.create_task(follow())
        playing = asyncio.create_task(candidate.run(agent_here.wait, max_seconds=give_up_after))
        finished = False
        try:
            await asyncio.wait_for(asyncio.shield(follower), give_up_after)
            finished = True
        except TimeoutError:
            progress.line(f"gave up after {give_up_after:g} s")
        finally:
            follower.cancel()
            if not finished:  # interrupted or timed out: the candidate stops now, not when the agent is done
                playing.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(playing, 5)

        _, record = await api.call("GET", f"/interviews/{room}")
        _, page = await api.call("GET", f"/interviews/{room}/report.html")
        return DemoResult(room=room, status=final, record=record, page=page if isinstance(page, str) else "")


def main(argv: list[str] | None = None, *, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(description="Run one whole interview offline and write its report.")
    parser.add_argument(
        "--persona",
        default="strong",
        help=f"packaged persona ({', '.join(PACKAGED_PERSONAS)}) or a persona file (JSON/YAML)",
    )
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--fast", action="store_true", help="no thinking pauses (the candidate answers at once)"
    )
    parser.add_argument(
        "--time-scale", type=float, default=None, help="multiply the persona's delays (default 1)"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after so many seconds")
    parser.add_argument(
        "--keep-open",
        action="store_true",
        help="keep the stack serving after the interview (open the review page it prints) until Ctrl-C",
    )
    parser.add_argument(
        "--voice",
        action="store_true",
        help="the candidate speaks and the agent hears through the offline voice path (Piper, Silero VAD,"
        " Whisper; the `voice` extra); the conversation is saved as interview.wav in the output folder",
    )
    args = parser.parse_args(argv)
    time_scale = args.time_scale if args.time_scale is not None else (0.05 if args.fast else 1.0)
    output_dir: Path = args.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    progress = Progress(out=out)

    agent_log = (output_dir / "agent.log").open("w", encoding="utf-8")
    lambda_log = (output_dir / "lambdas.log").open("w", encoding="utf-8")

    def agent_lines(_room: str, line: str) -> None:
        agent_log.write(line + "\n")
        agent_log.flush()

    timeouts = {name: f"{seconds * max(time_scale, 0.1):g}" for name, seconds in DEMO_AGENT_TIMEOUTS.items()}
    recording = output_dir / "interview.wav"
    for stale in (recording, recording.with_suffix(".json")):
        stale.unlink(missing_ok=True)  # a recording from an earlier run must not pass for this one's
    voice_environment = (
        {"AGENT_VOICE": "loopback", "AGENT_VOICE_RECORDING": str(recording.resolve())} if args.voice else {}
    )
    stack = LocalStack(
        StackOptions(
            backend_api_key=DEV_BACKEND_API_KEY,
            agent_log_sink=agent_lines,
            agent_environment={**timeouts, "HEARTBEAT_INTERVAL": "1", **voice_environment},
            lambda_log_level="WARNING",
        )
    )
    signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl-C: the agent ends the interview, says why
    try:
        progress.line("starting the local stack (DynamoDB on moto, simulated LiveKit, the API's handlers)...")
        stack.start()
        _send_lambda_logs_to(lambda_log)  # after start: the handlers' logger is made with the stack's env
        progress.line(
            f"API {stack.api_url} | LiveKit (simulated) {stack.livekit_url} | DynamoDB {stack.dynamodb_url}"
        )
        result = asyncio.run(
            _until_interrupted(
                run_interview(
                    stack, args.persona, progress, time_scale=time_scale, give_up_after=args.timeout
                )
            )
        )
        signal.signal(signal.SIGTERM, _interrupt)  # the loop's handlers are gone with it
        if result is None:
            raise KeyboardInterrupt
        if args.keep_open:
            print(f"Review page: {review_page_url(stack.api_url, result.room)}", file=out, flush=True)
            print(
                f"  (enter the key {stack.options.backend_api_key}; Ctrl-C stops the stack)",
                file=out,
                flush=True,
            )
            with contextlib.suppress(KeyboardInterrupt):
                signal.pause()
    except KeyboardInterrupt:
        progress.line("interrupted: stopping the agent and the stack...")
        for outcome in stack.stop():
            progress.line(outcome.describe())
        return 130
    finally:
        stack.stop()
        agent_log.close()
        lambda_log.close()

    json_path, html_path = result.write(output_dir)
    state = (result.status.get("interview") or {}).get("state", "unknown")
    print("", file=out)
    print(f"Report (JSON): {json_path}", file=out)
    print(f"Report (HTML): {html_path}", file=out)
    print(f"Logs: {output_dir / 'agent.log'} (agent), {output_dir / 'lambdas.log'} (handlers)", file=out)
    if args.voice:
        voice_note = (
            f"{recording} (figures per line: {recording.with_suffix('.json')})"
            if recording.exists()
            else "none written (see the agent log)"
        )
        print(f"Conversation audio: {voice_note}", file=out)
    print(f"Final GET /agent-status?room={result.room}:", file=out)
    print(json.dumps(result.status, indent=2), file=out)
    if not args.keep_open:
        print(
            f"Review page: {review_page_url(stack.api_url, result.room)} (the demo's stack has stopped: run "
            "`make demo DEMO_ARGS=--keep-open` to keep it open, or `make dev` for http://127.0.0.1:3001/review)",
            file=out,
        )
    return 0 if state == "completed" else 1


def review_page_url(api_url: str, room: str, job_id: str = DEMO_JOB_ID) -> str:
    """The hiring team's page, opened on this job's candidates and this interview's report."""
    return f"{api_url}/review#/jobs/{quote(job_id, safe='')}/{quote(room, safe='')}"


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


async def _until_interrupted(work: Awaitable[DemoResult]) -> DemoResult | None:
    """Run `work`; Ctrl-C or SIGTERM cancels it cleanly (connections closed, the candidate leaves)."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        return await task
    except asyncio.CancelledError:
        return None
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def _send_lambda_logs_to(stream: TextIO) -> None:
    """The handlers log JSON lines (Powertools); in the demo they go to a file, not over the progress."""
    from interview_common.observability import logger

    handler: Callable[..., Any] | Any = logger.registered_handler
    if hasattr(handler, "setStream"):
        handler.setStream(stream)


if __name__ == "__main__":
    sys.exit(main())
