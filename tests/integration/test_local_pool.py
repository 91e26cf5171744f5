"""The local stack with a warm pool (AGENT_POOL_SIZE): a waiting agent takes the interview, then is
replaced, as the ECS service of AgentPoolSize does; the real agent (`python -m interviewer`) in sim rooms."""

from __future__ import annotations

import time
from collections.abc import Iterator

import boto3
import httpx
import pytest
from interview_common.agent_pool import AgentPool

from local.stack import LocalStack, StackOptions

AGENT_ENV = {
    "AGENT_BRAIN": "offline",
    "HEARTBEAT_INTERVAL": "0.5",
    "NO_SHOW_TIMEOUT": "20",
    "AGENT_POOL_POLL_SECONDS": "0.1",
}


def eventually(check, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("not within the time allowed")


@pytest.fixture
def pooled_stack() -> Iterator[LocalStack]:
    stack = LocalStack(
        StackOptions(
            agent_log_sink=lambda _room, _line: None,
            agent_environment=AGENT_ENV,
            lambda_log_level="ERROR",
            agent_pool_size=1,
        )
    ).start()
    yield stack
    stack.stop("test over")


def test_an_interview_goes_to_the_waiting_pool_agent_which_is_then_replaced(pooled_stack: LocalStack) -> None:
    stack = pooled_stack
    assert stack.launcher is not None
    pool = AgentPool(stack.options.table_name, boto3.client("dynamodb", endpoint_url=stack.dynamodb_url))
    # Given the pool's agent is started and idle
    (idle,) = eventually(pool.idle_tasks)
    # When an interview starts
    answer = httpx.post(
        stack.api_url + "/start-interview",
        json={"roomName": "room-warm-1", "candidateId": "cand-1", "jobId": "job-1"},
        headers={"Authorization": f"Bearer {stack.options.backend_api_key}"},
        timeout=20,
    )
    assert answer.status_code == 202, answer.text
    # Then that agent serves it (no new process was launched for it) and joins the room
    headers = {"Authorization": f"Bearer {stack.options.backend_api_key}"}

    def connected() -> dict | None:  # type: ignore[type-arg]
        body = httpx.get(stack.api_url + "/agent-status", params={"room": "room-warm-1"}, headers=headers)
        return body.json() if body.json().get("agentConnected") else None

    status = eventually(connected, timeout=15)
    assert status["agentConnected"] is True
    requests = stack.launcher.requests()
    assert [request.room_name for request in requests] == ["room-warm-1"]  # one agent for the interview
    served = pool.get(idle.task_id)
    assert served is not None and served.state == "serving"
    assert served.assignment is not None and served.assignment.interview_id == answer.json()["interviewId"]
    # and a new pool agent waits for the next interview once this one has left
    stack.launcher.stop(idle.task_ref, "test over")
    assert stack.launcher.wait(idle.task_ref, 15)
    replacement = eventually(lambda: [task for task in pool.idle_tasks() if task.task_id != idle.task_id])
    assert len(replacement) == 1
