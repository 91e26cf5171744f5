"""The warm pool (interview_common.agent_pool) on moto: claims, stale tasks, the RunTask fallback."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from interview_common.agent_pool import AgentPool, PooledLauncher
from interview_common.launcher import LaunchRequest, LaunchResult

from tests.conftest import TABLE_NAME

POOL_TASK = "arn:aws:ecs:us-east-1:000000000000:task/agents/pooltask0001"


def request_for(number: int) -> LaunchRequest:
    interview_id = f"{number:032x}"
    return LaunchRequest(
        interview_id=interview_id,
        room_name=f"room-{number}",
        candidate_id=f"cand-{number}",
        candidate_identity=f"candidate-{number}",
        job_id="job-1",
        agent_identity=f"interview-agent-{interview_id}",
    )


class RecordingLauncher:
    """Stands in for RunTask: records each launch."""

    def __init__(self) -> None:
        self.launched: list[LaunchRequest] = []

    def launch(self, request: LaunchRequest) -> LaunchResult:
        self.launched.append(request)
        return LaunchResult(
            task_ref=f"arn:aws:ecs:us-east-1:000000000000:task/agents/run-{request.interview_id}"
        )

    def stop(self, task_ref: str, reason: str) -> None:
        return None


def accept_when_assigned(pool: AgentPool, task_id: str, stop: threading.Event) -> None:
    """What a waiting pool agent does: poll its item, accept the first assignment."""
    while not stop.is_set():
        task = pool.get(task_id)
        if task is not None and task.state == "assigned" and task.assignment is not None:
            pool.accept(task_id, task.assignment.interview_id)
            return
        time.sleep(0.02)


@pytest.fixture
def pool(aws: None, atomic_items: None) -> AgentPool:
    return AgentPool(TABLE_NAME, boto3.client("dynamodb"))


def test_one_idle_task_is_claimed_by_exactly_one_of_many_concurrent_starts(pool: AgentPool) -> None:
    # Given one idle task with a fresh heartbeat
    pool.register(POOL_TASK)
    # When 16 starts claim at the same time
    barrier = threading.Barrier(16)

    def claim(number: int) -> Any:
        own = AgentPool(TABLE_NAME, boto3.client("dynamodb"))  # each start is its own Lambda container
        barrier.wait()
        return own.claim(request_for(number), stale_after=30)

    with ThreadPoolExecutor(max_workers=16) as executor:
        claims = list(executor.map(claim, range(16)))
    # Then exactly one got it, and the item carries that one's interview
    winners = [claim for claim in claims if claim is not None]
    assert len(winners) == 1
    stored = pool.get("pooltask0001")
    assert stored is not None and stored.state == "assigned"
    assert stored.assignment == winners[0].assignment


def test_an_idle_task_whose_heartbeat_stopped_is_never_claimed(aws: None) -> None:
    # Given a task that registered 40 s ago and never beat again (stale after 30 s)
    dynamodb = boto3.client("dynamodb")
    AgentPool(TABLE_NAME, dynamodb, clock=lambda: time.time() - 40).register(POOL_TASK)
    pool = AgentPool(TABLE_NAME, dynamodb)
    fallback = RecordingLauncher()
    # When a start looks for a pool task
    result = PooledLauncher(pool, fallback, stale_after=30).launch(request_for(1))
    # Then the dead task stays idle and unassigned, and the interview got its own task
    stored = pool.get("pooltask0001")
    assert stored is not None and stored.state == "idle" and stored.assignment is None
    assert [r.interview_id for r in fallback.launched] == [request_for(1).interview_id]
    assert result.task_ref.endswith(f"run-{request_for(1).interview_id}")


def test_a_beating_task_is_claimable_and_a_claimed_one_stops_beating(pool: AgentPool) -> None:
    pool.register(POOL_TASK)
    assert pool.beat("pooltask0001") is True
    assert pool.claim(request_for(1), stale_after=30) is not None
    # a claimed task's beat is refused: it is no longer idle
    assert pool.beat("pooltask0001") is False
    # and a second start finds nothing to claim
    assert pool.claim(request_for(2), stale_after=30) is None


def test_a_claimed_task_that_takes_the_interview_serves_it_and_no_task_is_launched(pool: AgentPool) -> None:
    # Given an idle task that accepts the first assignment it sees
    pool.register(POOL_TASK)
    stop = threading.Event()
    agent = threading.Thread(target=accept_when_assigned, args=(pool, "pooltask0001", stop))
    agent.start()
    fallback = RecordingLauncher()
    try:
        # When a start launches through the pool
        result = PooledLauncher(pool, fallback, stale_after=30, accept_seconds=5).launch(request_for(7))
    finally:
        stop.set()
        agent.join()
    # Then the pool task serves it, and RunTask was never called
    assert result.task_ref == POOL_TASK
    assert fallback.launched == []
    stored = pool.get("pooltask0001")
    assert stored is not None and stored.state == "serving"
    assert stored.assignment == request_for(7)


def test_a_claimed_task_that_never_takes_the_interview_is_replaced_and_can_no_longer_serve_it(
    pool: AgentPool,
) -> None:
    # Given an idle task that is hung (it beats no more and never reads its item)
    pool.register(POOL_TASK)
    fallback = RecordingLauncher()
    # When a start claims it and it does not accept within the wait
    result = PooledLauncher(pool, fallback, stale_after=30, accept_seconds=0.3, poll_seconds=0.05).launch(
        request_for(3)
    )
    # Then the interview got a RunTask launch, and the assignment was revoked: a late accept is refused
    assert [r.interview_id for r in fallback.launched] == [request_for(3).interview_id]
    assert result.task_ref != POOL_TASK
    assert pool.accept("pooltask0001", request_for(3).interview_id) is False
    stored = pool.get("pooltask0001")
    assert stored is not None and stored.state == "revoked"


def test_accept_and_revoke_racing_never_both_win(aws: None, atomic_items: None) -> None:
    # Given 30 claimed tasks, each raced by its agent's accept and its claimer's revoke at once
    dynamodb = boto3.client("dynamodb")
    pool = AgentPool(TABLE_NAME, dynamodb)
    for number in range(30):
        pool.register(f"arn:aws:ecs:us-east-1:000000000000:task/agents/race{number}")
        claimed = pool.claim(request_for(number), stale_after=30)
        assert claimed is not None
    barrier = threading.Barrier(2)

    def race(number: int) -> tuple[bool, bool]:
        task_id, interview_id = f"race{number}", request_for(number).interview_id
        results: dict[str, bool] = {}

        def accept() -> None:
            barrier.wait()
            results["accept"] = pool.accept(task_id, interview_id)

        def revoke() -> None:
            barrier.wait()
            results["revoke"] = pool.revoke(task_id, interview_id)

        threads = [threading.Thread(target=accept), threading.Thread(target=revoke)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results["accept"], results["revoke"]

    # Then for every interview exactly one side won: it is served by the pool task or by the new task
    outcomes = [race(number) for number in range(30)]
    assert all(accepted != revoked for accepted, revoked in outcomes)


def test_a_task_that_leaves_removes_its_item_idle_or_served_and_is_never_claimed_again(
    pool: AgentPool,
) -> None:
    pool.register(POOL_TASK)
    pool.finish("pooltask0001")
    assert pool.get("pooltask0001") is None
    pool.register(POOL_TASK)
    claimed = pool.claim(request_for(1), stale_after=30)
    assert claimed is not None
    assert pool.accept("pooltask0001", request_for(1).interview_id)
    pool.finish("pooltask0001")
    assert pool.get("pooltask0001") is None
    assert pool.claim(request_for(2), stale_after=30) is None


def test_idle_tasks_reads_every_page_of_the_pool(pool: AgentPool, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given more pool items than one Query page holds (pages of 2 here)
    for number in range(5):
        pool.register(f"arn:aws:ecs:us-east-1:000000000000:task/agents/page{number}")
    dynamodb = boto3.client("dynamodb")
    query = dynamodb.query
    monkeypatch.setattr(dynamodb, "query", lambda **request: query(Limit=2, **request))
    # Then every idle task is found
    assert len(AgentPool(TABLE_NAME, dynamodb).idle_tasks()) == 5


def test_start_interview_with_a_pool_and_no_idle_task_runs_a_task(
    ecs_cluster: dict[str, Any], livekit: Any, start_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import reset_process_caches

    # Given the pool is on but no task is idle
    monkeypatch.setenv("AGENT_POOL_SIZE", "2")
    reset_process_caches()
    # When a candidate's interview starts
    status, body, _ = start_api.call(
        "POST", "/start-interview", body={"roomName": "room-pool-1", "candidateId": "c1", "jobId": "j1"}
    )
    # Then it is accepted and its agent is a RunTask launch
    assert status == 202, body
    tasks = ecs_cluster["ecs"].list_tasks(cluster=ecs_cluster["cluster"])["taskArns"]
    assert len(tasks) == 1


def test_start_interview_hands_the_interview_to_an_idle_pool_task(
    ecs_cluster: dict[str, Any], livekit: Any, start_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interview_common.store import InterviewStore

    from tests.conftest import reset_process_caches

    # Given the pool is on and one task waits
    monkeypatch.setenv("AGENT_POOL_SIZE", "1")
    reset_process_caches()
    pool = AgentPool(TABLE_NAME, boto3.client("dynamodb"))
    pool.register(POOL_TASK)
    stop = threading.Event()
    agent = threading.Thread(target=accept_when_assigned, args=(pool, "pooltask0001", stop))
    agent.start()
    try:
        # When a candidate's interview starts
        status, body, _ = start_api.call(
            "POST", "/start-interview", body={"roomName": "room-pool-2", "candidateId": "c2", "jobId": "j1"}
        )
    finally:
        stop.set()
        agent.join()
    # Then the pool task serves it (recorded on the interview), and no task was run
    assert status == 202, body
    assert ecs_cluster["ecs"].list_tasks(cluster=ecs_cluster["cluster"])["taskArns"] == []
    interview = InterviewStore(TABLE_NAME, boto3.client("dynamodb")).get_interview("room-pool-2")
    assert interview is not None and interview.task_arn == POOL_TASK
    stored = pool.get("pooltask0001")
    assert stored is not None and stored.assignment is not None
    assert stored.assignment.interview_id == body["interviewId"]
