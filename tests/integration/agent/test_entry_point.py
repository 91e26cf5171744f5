"""`python -m interviewer` as ECS runs it: a separate process, configured by its environment only,
talking to DynamoDB (a moto server on 127.0.0.1), exiting with the interview's code."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from interview_common.clock import expiry_epoch, now_iso
from interview_common.interview_log import InterviewLog
from interview_common.lifecycle import InterviewState
from interview_common.models.items import InterviewItem
from interview_common.store import InterviewStore

from local.template_resources import create_table

REPO = Path(__file__).resolve().parents[3]
TABLE = "agent-entry-test"
ROOM = "room-entry"
INTERVIEW_ID = "e1e1e1e1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def table(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    dynamodb = boto3.client("dynamodb", endpoint_url=moto_endpoint)
    if TABLE not in dynamodb.list_tables()["TableNames"]:
        create_table(dynamodb, TABLE)
    for item in dynamodb.scan(TableName=TABLE)["Items"]:
        dynamodb.delete_item(TableName=TABLE, Key={"PK": item["PK"], "SK": item["SK"]})
    now = now_iso()
    interview = InterviewItem(
        room_name=ROOM,
        interview_id=INTERVIEW_ID,
        candidate_id="c1",
        job_id="j1",
        candidate_identity="candidate-c1",
        agent_identity=f"interview-agent-{INTERVIEW_ID}",
        state=InterviewState.REQUESTED,
        created_at=now,
        updated_at=now,
        expires_at=expiry_epoch(1),
    )
    store = InterviewStore(TABLE, dynamodb)
    store.create_interview(interview)
    store.transition(ROOM, INTERVIEW_ID, InterviewState.LAUNCHING)
    return dynamodb


def agent_environment(moto_endpoint: str, persona: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": os.pathsep.join([str(REPO / "agent_container"), str(REPO / "layers/common")]),
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "TABLE_NAME": TABLE,
        "ROOM_NAME": ROOM,
        "INTERVIEW_ID": INTERVIEW_ID,
        "AGENT_IDENTITY": f"interview-agent-{INTERVIEW_ID}",
        "CANDIDATE_IDENTITY": "candidate-c1",
        "CANDIDATE_ID": "c1",
        "JOB_ID": "j1",
        "AGENT_TRANSPORT": "text",
        "AGENT_PERSONA": str(persona),
        "OPENAI_API_KEY": "none",
        "SILENCE_TIMEOUT": "1",
        "HEARTBEAT_INTERVAL": "0.5",
        **extra,
    }


def persona_file(tmp_path: Path, **fields: Any) -> Path:
    path = tmp_path / "persona.json"
    path.write_text(json.dumps({"name": "quick", "join_after": 0, "think_seconds": 0, **fields}))
    return path


ANSWER = (
    "I owned the billing migration: I wrote the plan, explained the trade-offs to the team in a short "
    "presentation, delivered it before the deadline, and support tickets fell by 20 percent as a result."
)


def test_the_entry_point_runs_a_whole_interview_and_exits_0(
    moto_endpoint: str, table: Any, tmp_path: Path
) -> None:
    # Given an interview record and a quick scripted candidate
    env = agent_environment(
        moto_endpoint, persona_file(tmp_path, default_answer=ANSWER, default_follow_up_answer=ANSWER)
    )

    # When the container's command runs
    done = subprocess.run(
        [sys.executable, "-m", "interviewer"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # Then it exits 0, having printed the conversation, and the record is complete
    assert done.returncode == 0, done.stderr[-2000:]
    assert "agent: Hello, and welcome." in done.stdout
    assert f"candidate: {ANSWER}" in done.stdout
    meta = InterviewStore(TABLE, table).get_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.COMPLETED
    assert len(InterviewLog(TABLE, table).get_turns(ROOM, INTERVIEW_ID)) == 5
    assert InterviewLog(TABLE, table).get_report(ROOM, INTERVIEW_ID) is not None


def test_sigterm_ends_the_interview_politely_and_the_state_says_why(
    moto_endpoint: str, table: Any, tmp_path: Path
) -> None:
    # Given an agent interviewing a slow candidate
    env = agent_environment(moto_endpoint, persona_file(tmp_path, think_seconds=30), SILENCE_TIMEOUT="60")
    agent = subprocess.Popen(
        [sys.executable, "-m", "interviewer"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert agent.stdout is not None
        deadline = time.monotonic() + 60
        for line in agent.stdout:  # wait until the first question has been asked
            if "Question 1 of 5" in line or time.monotonic() > deadline:
                break
        # When ECS stops the task
        agent.send_signal(signal.SIGTERM)
        out, err = agent.communicate(timeout=60)
    finally:
        agent.kill()

    # Then the agent apologised and exited non-zero, and the record says what happened
    assert "I'm sorry, I have to end the interview now" in out
    assert agent.returncode == 1, err[-2000:]
    meta = InterviewStore(TABLE, table).get_interview(ROOM)
    assert meta is not None
    assert meta.state == InterviewState.FAILED
    assert meta.error == "the agent was stopped by the platform (SIGTERM) after 0 of 5 answers"


def test_a_configuration_error_exits_2_naming_the_fields_without_their_values(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": os.pathsep.join([str(REPO / "agent_container"), str(REPO / "layers/common")]),
        "ROOM_NAME": ROOM,
        "OPENAI_API_KEY": "sk-do-not-print-me",
        "AGENT_BRAIN": "telepathy",
    }
    done = subprocess.run(
        [sys.executable, "-m", "interviewer"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    for field in ("INTERVIEW_ID", "TABLE_NAME", "AGENT_BRAIN"):
        assert field in done.stderr
    assert "sk-do-not-print-me" not in done.stderr + done.stdout


def test_a_dry_run_builds_everything_up_to_joining_and_reports_the_time(
    moto_endpoint: str, tmp_path: Path
) -> None:
    env = agent_environment(moto_endpoint, persona_file(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "interviewer", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["transport"] == "text"
    assert report["brain"] == "offline"
    assert report["ready_to_join_seconds"] > 0
