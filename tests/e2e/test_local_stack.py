"""The local stack end to end, over HTTP, as the frontend and a candidate use it.

A real `python -m local.dev` process (moto, the handlers behind the HTTP adapter, the simulated LiveKit,
the process launcher), a real agent process (`python -m interviewer`, offline brain), and a simulated
candidate joining the simulated room with the token start-interview returned.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from interviewer.simulated_candidate import load_persona

from local.candidate import RoomCandidate
from tests.e2e.stack_process import REPO_ROOT, StackProcess, alive, clean_environment, descendants

pytestmark = pytest.mark.e2e

API_KEY = "dev-backend-key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
POLL = 0.3  # seconds between status polls, as "every few hundred ms"
FAST = 0.02  # the candidate thinks 50 times faster than the persona says
PARTICIPANT_KEYS = {"identity", "name", "kind", "isAgent", "isCandidate", "state", "joinedAt"}


@pytest.fixture(scope="module")
def stack() -> Iterator[StackProcess]:
    running = StackProcess().start()
    yield running
    running.stop()


def start_body(room: str) -> dict[str, Any]:
    return {
        "roomName": room,
        "candidateId": f"cand-{room}",
        "jobId": "job-e2e",
        "candidateName": "Grace Hopper",
    }


async def poll_status(client: httpx.AsyncClient, room: str, until: Any, within: float) -> dict[str, Any]:
    deadline = time.monotonic() + within
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = await client.get("/agent-status", params={"room": room}, headers=AUTH)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if until(body):
            return body
        await asyncio.sleep(POLL)
    raise AssertionError(f"status never reached the condition; last: {body}")


async def test_a_whole_interview_over_http(stack: StackProcess) -> None:
    room = "e2e-strong"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as client:
        # Given the frontend starts an interview
        started = await client.post("/start-interview", json=start_body(room), headers=AUTH)
        assert started.status_code == 202, started.text
        body = started.json()

        # When the agent comes up, and the candidate joins with the token they were given
        connected = await poll_status(client, room, lambda s: s["agentConnected"], within=30)
        candidate = RoomCandidate(body["url"], body["token"], load_persona("strong"), time_scale=FAST)
        playing = asyncio.create_task(candidate.run(max_seconds=60))

        # Then the status has the seed's shape: the agent is a participant, the room's metadata names the
        # candidate and the job
        agent = next(p for p in connected["participants"] if p["isAgent"])
        assert set(agent) == PARTICIPANT_KEYS
        assert agent["identity"] == body["agentIdentity"]
        assert agent["kind"] == "agent"
        assert "candidate" not in agent["identity"]
        assert connected["roomMetadata"]["candidateId"] == f"cand-{room}"
        assert connected["roomMetadata"]["jobId"] == "job-e2e"

        both = await poll_status(client, room, lambda s: s["candidateConnected"], within=20)
        kinds = sorted(p["kind"] for p in both["participants"])
        assert kinds == ["agent", "candidate"]

        # And the interview runs to the end
        done = await poll_status(
            client, room, lambda s: s["interview"]["state"] in {"completed", "abandoned", "failed"}, 90
        )
        assert done["interview"]["state"] == "completed", done
        assert done["interviewProgress"] == 100
        assert await playing == "completed"

        # And the record holds one assessed turn per question and the report
        record = (await client.get(f"/interviews/{room}", headers=AUTH)).json()
        questions = done["interview"]["questionCount"]
        assert questions >= 1
        assert len(record["turns"]) == questions
        assert all(turn["assessment"] is not None for turn in record["turns"])
        assert [turn["index"] for turn in record["turns"]] == list(range(1, questions + 1))
        assert record["report"]["questions_answered"] == questions
        assert record["report"]["rubric_version"]
        page = await client.get(f"/interviews/{room}/report.html", headers=AUTH)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "Suggested outcome" in page.text


async def test_a_candidate_who_never_joins_is_abandoned(stack: StackProcess) -> None:
    room = "e2e-no-show"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as client:
        started = await client.post("/start-interview", json=start_body(room), headers=AUTH)
        assert started.status_code == 202
        # When nobody comes (the stack's agent waits NO_SHOW_TIMEOUT=3 s)
        done = await poll_status(
            client, room, lambda s: s["interview"]["state"] in {"completed", "abandoned", "failed"}, 40
        )
        # Then the interview is abandoned, its record says why, and the agent leaves the room
        assert done["interview"]["state"] == "abandoned"
        record = (await client.get(f"/interviews/{room}", headers=AUTH)).json()
        assert record["interview"]["endReason"] == "no_show"
        await poll_status(client, room, lambda s: not s["agentConnected"], within=10)


async def test_an_agent_that_crashes_fails_its_interview(stack: StackProcess) -> None:
    room = "e2e-crash"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as client:
        started = await client.post("/start-interview", json=start_body(room), headers=AUTH)
        assert started.status_code == 202
        await poll_status(client, room, lambda s: s["agentConnected"], within=30)

        # When the agent process dies without any chance to clean up
        agents = agent_processes(stack.pid)
        newest = max(agents)
        os.kill(newest, signal.SIGKILL)

        # Then the interview fails, with the reason ECS would give (the task's container exited)
        done = await poll_status(
            client, room, lambda s: s["interview"]["state"] in {"completed", "abandoned", "failed"}, 20
        )
        assert done["interview"]["state"] == "failed"
        assert "exit code" in (done["interview"]["error"] or "")


async def test_stopping_the_stack_mid_interview_leaves_no_process_and_says_what_happened() -> None:
    stack = StackProcess().start()
    try:
        room = "e2e-stopped"
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as client:
            started = (await client.post("/start-interview", json=start_body(room), headers=AUTH)).json()
            await poll_status(client, room, lambda s: s["agentConnected"], within=30)
            candidate = RoomCandidate(
                started["url"], started["token"], load_persona("strong"), time_scale=1.0
            )
            playing = asyncio.create_task(candidate.run(max_seconds=60))
            await poll_status(client, room, lambda s: s["interview"]["state"] == "in_progress", within=20)
            children = descendants(stack.pid)
            assert children, "the agent runs as a child of the stack"

            # When the developer presses Ctrl-C (SIGINT to the stack)
            code = await asyncio.to_thread(stack.stop, signal.SIGINT, 40)
            await asyncio.wait_for(playing, 10)

        # Then the stack exited cleanly, no process it started is left, and the interview's end says why
        assert code == 0, stack.output()[-3000:]
        assert alive(children) == set()
        summary = stack.wait_for_line(f"interview room {room}:")
        assert ": failed (" in summary
        assert "stopped" in summary
    finally:
        stack.kill()


def agent_processes(stack_pid: int) -> list[int]:
    return [
        pid for pid in descendants(stack_pid) if b"interviewer" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_make_demo_runs_a_whole_interview_and_writes_the_report(tmp_path: Path) -> None:
    # When a newcomer runs the demo (fast: the candidate does not pause to think)
    result = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "local.demo", "--fast", "--output-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=180,
    )

    # Then it exits 0, having shown the interview as it went, and wrote the report as JSON and HTML
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "question 1/" in result.stdout
    assert "Interviewer:" in result.stdout
    assert "Candidate" in result.stdout
    html_files, json_files = list(tmp_path.glob("demo-*.html")), list(tmp_path.glob("demo-*.json"))
    assert len(html_files) == 1
    assert len(json_files) == 1
    assert f"Report (HTML): {html_files[0]}" in result.stdout
    assert '"state": "completed"' in result.stdout
    page = _Page()
    page.feed(html_files[0].read_text(encoding="utf-8"))
    assert "Suggested outcome" in " ".join(page.text)


async def test_end_interview_reaches_the_agent_through_the_simulated_room(stack: StackProcess) -> None:
    room = "e2e-ended"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as client:
        started = (await client.post("/start-interview", json=start_body(room), headers=AUTH)).json()
        await poll_status(client, room, lambda s: s["agentConnected"], within=30)
        candidate = RoomCandidate(started["url"], started["token"], load_persona("strong"), time_scale=0.5)
        playing = asyncio.create_task(candidate.run(max_seconds=60))
        await poll_status(client, room, lambda s: s["interview"]["questionIndex"] >= 2, within=30)

        # When the recruiter ends the interview (the backend sends the agent a control message)
        ended = await client.post("/end-interview", json={"roomName": room}, headers=AUTH)
        assert ended.status_code in (200, 202), ended.text

        # Then the agent closes politely: completed, with what was answered, and the candidate is let go
        done = await poll_status(
            client, room, lambda s: s["interview"]["state"] in {"completed", "abandoned", "failed"}, 30
        )
        assert done["interview"]["state"] == "completed"
        assert await asyncio.wait_for(playing, 15) in ("completed", "room_closed")
        record = (await client.get(f"/interviews/{room}", headers=AUTH)).json()
        assert record["interview"]["endReason"] == "end_requested"
        assert record["report"]["partial"] is True


async def test_a_curious_candidate_is_understood_over_the_whole_stack(stack: StackProcess) -> None:
    room = "e2e-curious"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as client:
        # Given an interview started by the frontend, and a candidate who asks for question 1 again, asks
        # what question 2 means, skips question 3 and asks about the team at the end
        started = (await client.post("/start-interview", json=start_body(room), headers=AUTH)).json()
        await poll_status(client, room, lambda s: s["agentConnected"], within=30)
        heard: list[dict[str, Any]] = []
        candidate = RoomCandidate(
            started["url"],
            started["token"],
            load_persona("curious"),
            time_scale=FAST,
            on_message=lambda message: (
                heard.append(message.payload) if message.topic == "interview" else None
            ),
        )

        # When the interview runs to the end
        assert await candidate.run(max_seconds=90) == "completed"
        done = await poll_status(
            client, room, lambda s: s["interview"]["state"] in {"completed", "abandoned", "failed"}, 30
        )

        # Then it completed, and the candidate heard the question again, a clarification, the skip agreed,
        # and the invitation to ask questions with an answer to theirs
        assert done["interview"]["state"] == "completed"
        said = [m["text"] for m in heard if m.get("type") == "transcript" and m.get("speaker") == "agent"]
        assert any(line.startswith("Of course. Here is the question again:") for line in said)
        assert "Of course, let's move on." in said
        assert any("do you have any questions about the role or the next steps?" in line for line in said)
        assert any(line.startswith("I'll pass that on to the hiring team") for line in said)
        (completed,) = [m for m in heard if m.get("type") == "interview_completed"]
        assert [r["status"] for r in completed["responses"]] == [
            "answered",
            "answered",
            "skipped",
            "answered",
            "answered",
        ]

        # And the record keeps each reply's kind, the skipped turn unassessed, and the candidate's question
        record = (await client.get(f"/interviews/{room}", headers=AUTH)).json()
        turns = record["turns"]
        assert [e["replyKind"] for e in turns[0]["exchanges"]][:2] == ["repeat_request", "answer"]
        assert [e["replyKind"] for e in turns[1]["exchanges"]][:2] == ["clarification", "answer"]
        assert (turns[2]["status"], turns[2]["assessment"]) == ("skipped", None)
        assert record["report"]["skipped_questions"] == ["q3"]
        assert record["report"]["questions_answered"] == 4
        asked = record["report"]["candidate_questions"]
        assert [(q["question"], q["source"]) for q in asked] == [
            ("What does the team work on day to day?", "passed_on")
        ]
        page = (await client.get(f"/interviews/{room}/report.html", headers=AUTH)).text
        assert "Skipped and unanswered questions" in page
        assert "What does the team work on day to day?" in page


def test_make_demo_shows_a_curious_candidate_end_to_end(tmp_path: Path) -> None:
    # When a newcomer runs `make demo DEMO_ARGS="--persona curious"` (fast)
    result = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "local.demo", "--persona", "curious", "--fast", "--output-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=180,
    )

    # Then the conversation shows the repeat, the clarification, the skip and the question at the end
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    shown = " ".join(result.stdout.split())
    assert "Candidate : Sorry, could you repeat the question?" in shown
    assert "Interviewer: Of course. Here is the question again:" in shown
    assert "Candidate : Do you mean a problem at work" in shown
    assert "Interviewer: Of course, let's move on." in shown
    assert "do you have any questions about the role or the next steps?" in shown
    assert "Candidate : What does the team work on day to day?" in shown
    assert "interview completed: 4 of 5 questions answered (question 3 skipped)" in shown
