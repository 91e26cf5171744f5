"""Pool mode (interviewer.pool_wait): a warm agent waits for one assignment, takes it, or leaves."""

from __future__ import annotations

import threading
import time

import boto3
import pytest
from interview_common.agent_pool import AgentPool
from interview_common.launcher import LaunchRequest
from interviewer import pool_wait
from interviewer.config import AgentSettings

from tests.conftest import TABLE_NAME

TASK = "arn:aws:ecs:us-east-1:000000000000:task/agents/warm01"
REQUEST = LaunchRequest(
    interview_id="a" * 32,
    room_name="room-warm",
    candidate_id="cand-warm",
    candidate_identity="candidate-warm",
    job_id="job-1",
    agent_identity="interview-agent-" + "a" * 32,
)


@pytest.fixture
def pool(aws: None) -> AgentPool:
    return AgentPool(TABLE_NAME, boto3.client("dynamodb"))


@pytest.mark.parametrize(
    ("environ", "pooled"),
    [
        ({"INTERVIEW_ID": "x", "AGENT_POOL_SIZE": "2"}, False),  # a RunTask launch, pool on or not
        ({"INTERVIEW_ID": "x", "AGENT_POOL": "on"}, False),
        ({"AGENT_POOL_SIZE": "0"}, False),  # pool off: no interview is a configuration error, as before
        ({}, False),
        ({"AGENT_POOL_SIZE": "3"}, True),  # started by the pool's ECS service
        ({"AGENT_POOL": "on"}, True),  # started by the local launcher's pool
    ],
)
def test_only_a_task_without_an_interview_of_its_own_waits_in_the_pool(
    environ: dict[str, str], pooled: bool
) -> None:
    assert pool_wait.is_pool_mode(environ, requested=False) is pooled


def test_a_waiting_task_takes_the_interview_assigned_to_it_and_runs_with_its_fields(pool: AgentPool) -> None:
    # Given a start that claims the task shortly after it registered
    def claim_soon() -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and pool.claim(REQUEST, stale_after=30) is None:
            time.sleep(0.02)

    claimer = threading.Thread(target=claim_soon)
    claimer.start()
    # When the task waits
    request = pool_wait.wait_for_assignment(pool, TASK, poll_seconds=0.02)
    claimer.join()
    # Then it took that interview (serving: never claimed again), and its settings are the interview's
    assert request == REQUEST
    stored = pool.get("warm01")
    assert stored is not None and stored.state == "serving"
    environ = pool_wait.environment_with({"TABLE_NAME": TABLE_NAME, "AGENT_POOL_SIZE": "1"}, request)
    settings = AgentSettings.from_env(environ)
    assert (settings.room_name, settings.interview_id, settings.candidate_identity) == (
        "room-warm",
        "a" * 32,
        "candidate-warm",
    )


def test_a_task_asked_to_stop_while_idle_leaves_the_pool(pool: AgentPool) -> None:
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    assert pool_wait.wait_for_assignment(pool, TASK, poll_seconds=0.02, stop_requested=stop.is_set) is None
    assert pool.get("warm01") is None  # nothing left to claim


def test_a_task_whose_assignment_was_revoked_leaves_without_serving(pool: AgentPool) -> None:
    # Given the task's item was claimed and then revoked before the task read it
    pool.register(TASK)
    assert pool.claim(REQUEST, stale_after=30) is not None
    assert pool.revoke("warm01", REQUEST.interview_id)
    original_register = pool.register
    pool.register = lambda task_ref: None  # type: ignore[method-assign]  # keep the revoked item as it is
    try:
        # When it polls
        request = pool_wait.wait_for_assignment(pool, TASK, poll_seconds=0.02)
    finally:
        pool.register = original_register  # type: ignore[method-assign]
    # Then it serves nothing
    assert request is None


def test_an_idle_task_beats_its_heartbeat(pool: AgentPool) -> None:
    stop = threading.Event()
    beats: list[float] = []

    def watch() -> None:
        while not stop.is_set():
            task = pool.get("warm01")
            if task is not None and (not beats or task.heartbeat_epoch != beats[-1]):
                beats.append(task.heartbeat_epoch)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    threading.Timer(0.6, stop.set).start()
    pool_wait.wait_for_assignment(
        pool, TASK, heartbeat_interval=0.1, poll_seconds=0.02, stop_requested=stop.is_set
    )
    watcher.join()
    assert len(beats) >= 3  # registered, then a beat every 0.1 s
