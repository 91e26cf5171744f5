"""POST /start-interview through the real handler, moto's DynamoDB and ECS, and a Twirp LiveKit fake."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from interview_common import wiring
from livekit import api

from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, Api, FakeLiveKit

SEED_BODY = {
    "roomName": "interview-room-42",
    "candidateId": "cand-42",
    "jobId": "job-7",
    # The seed's frontend sends these; they must be ignored, never stored, logged or echoed.
    "agentToken": "eyJ.seed-agent-token.sig",
    "livekitUrl": "wss://seed.livekit.cloud",
    "livekitApiKey": "APIseedkey",
    "livekitApiSecret": "seed-super-secret-value",
}


@pytest.fixture
def started(ecs_cluster: dict[str, Any], livekit: FakeLiveKit, start_api: Api) -> tuple[int, dict[str, Any]]:
    status, body, _ = start_api.call("POST", "/start-interview", body=SEED_BODY)
    return status, body


def running_tasks(ecs_cluster: dict[str, Any]) -> list[str]:
    return ecs_cluster["ecs"].list_tasks(cluster=ecs_cluster["cluster"])["taskArns"]


def test_start_interview_records_creates_room_and_launches_one_agent(
    started: tuple[int, dict[str, Any]], ecs_cluster: dict[str, Any], livekit: FakeLiveKit, table_items: Any
) -> None:
    # Given the seed's body, When start-interview is called
    status, body = started

    # Then it answers 202 with the interview, a candidate token for this room and the status URL
    assert status == 202
    assert body["status"] == "success" and body["success"] is True
    assert body["roomName"] == "interview-room-42"
    assert body["state"] == "launching"
    assert body["agentIdentity"] == f"interview-agent-{body['interviewId']}"
    assert "candidate" not in body["agentIdentity"]
    assert body["statusUrl"] == "/agent-status?room=interview-room-42"
    assert body["url"] == livekit.url
    claims = api.TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET).verify(body["token"])
    assert claims.identity == "candidate-cand-42"
    assert claims.video is not None and claims.video.room == "interview-room-42" and claims.video.room_join

    # And the LiveKit room was created with our timeouts and metadata
    (create,) = livekit.calls("CreateRoom")
    assert create.name == "interview-room-42"
    assert create.empty_timeout > 0 and create.departure_timeout > 0
    assert '"candidateId":"cand-42"' in create.metadata

    # And exactly one agent task runs, with the interview's environment
    tasks = running_tasks(ecs_cluster)
    assert len(tasks) == 1
    described = ecs_cluster["ecs"].describe_tasks(cluster=ecs_cluster["cluster"], tasks=tasks)["tasks"][0]
    environment = {
        e["name"]: e["value"] for e in described["overrides"]["containerOverrides"][0]["environment"]
    }
    assert environment["INTERVIEW_ID"] == body["interviewId"]
    assert environment["ROOM_NAME"] == "interview-room-42"

    # And the stored interview holds the task and nothing the seed sent as credentials
    (meta,) = [item for item in table_items() if item["SK"] == "META"]
    assert meta["state"] == "launching" and meta["task_arn"] == tasks[0]
    stored = repr(table_items())
    for secret in ("seed-super-secret-value", "APIseedkey", "seed-agent-token", "seed.livekit.cloud"):
        assert secret not in stored
        assert secret not in repr(body)


def test_a_second_call_for_the_same_room_answers_200_and_launches_nothing(
    started: tuple[int, dict[str, Any]], ecs_cluster: dict[str, Any], start_api: Api
) -> None:
    # Given a started interview, When the same room is started again
    status, body, _ = start_api.call("POST", "/start-interview", body=SEED_BODY)

    # Then the same interview is answered with 200 and still one task runs
    assert status == 200
    assert body["interviewId"] == started[1]["interviewId"]
    assert len(running_tasks(ecs_cluster)) == 1


def test_concurrent_calls_for_one_room_launch_exactly_one_task(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit, atomic_items: None
) -> None:
    # Given eight Lambda containers handling a double-clicked start at the same moment. Each container runs
    # one invocation at a time, so the race is in the logic and the table, not in one resolver's state:
    # the threads call the use case directly, each with its own store, as separate containers would.
    from interview_common.credentials import livekit_key_pair
    from interview_common.logic.start_interview import start_interview
    from interview_common.models.api import StartInterviewRequest
    from interview_common.settings import get_settings
    from interview_common.store import InterviewStore

    settings = get_settings()
    request = StartInterviewRequest.model_validate(SEED_BODY)
    launcher = wiring.launcher()
    outcomes: list[Any] = []
    barrier = threading.Barrier(8)

    def press() -> None:
        store = InterviewStore(settings.table_name, boto3.client("dynamodb"))
        barrier.wait()
        outcomes.append(
            start_interview(
                request, settings=settings, store=store, launcher=launcher, keys=livekit_key_pair(settings)
            )
        )

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then one call created the interview, all eight answer with it, and exactly one task runs
    assert len(outcomes) == 8
    assert sum(outcome.created for outcome in outcomes) == 1
    assert len({outcome.interview.interview_id for outcome in outcomes}) == 1
    assert len(running_tasks(ecs_cluster)) == 1


def test_another_candidate_in_an_active_room_is_a_conflict(started: Any, start_api: Api) -> None:
    status, body, _ = start_api.call(
        "POST", "/start-interview", body={**SEED_BODY, "candidateId": "someone-else"}
    )
    assert status == 409
    assert "another candidate" in body["detail"]


def test_a_failed_launch_marks_the_interview_failed_and_a_retry_launches_again(
    ecs_cluster: dict[str, Any],
    livekit: FakeLiveKit,
    start_api: Api,
    table_items: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given RunTask reports no capacity on every attempt
    real_client = boto3.client("ecs")

    def no_capacity(**_: Any) -> dict[str, Any]:
        return {"tasks": [], "failures": [{"reason": "Capacity is unavailable at this time"}]}

    launcher = wiring.launcher()
    monkeypatch.setattr(launcher, "_run_task", lambda request: no_capacity())

    # When start-interview is called
    status, body, _ = start_api.call("POST", "/start-interview", body=SEED_BODY)

    # Then it answers 503 with the reason and the interview is failed with it
    assert status == 503
    assert body["error"]["code"] == "launch_failed"
    assert "Capacity is unavailable" in body["detail"]
    (meta,) = [item for item in table_items() if item["SK"] == "META"]
    assert meta["state"] == "failed" and "Capacity is unavailable" in meta["error"]

    # When capacity returns and the client retries
    monkeypatch.undo()
    monkeypatch.setenv("ECS_CLUSTER", ecs_cluster["cluster"])
    status, body, _ = start_api.call("POST", "/start-interview", body=SEED_BODY)

    # Then a new interview starts in the same room
    assert status == 202
    assert body["state"] == "launching"
    assert len(real_client.list_tasks(cluster=ecs_cluster["cluster"])["taskArns"]) == 1


def test_livekit_down_answers_503_and_records_the_failure(
    ecs_cluster: dict[str, Any], start_api: Api, table_items: Any
) -> None:
    # Given no LiveKit server answers at the configured URL (port 9 on loopback)
    status, _, _ = start_api.call("POST", "/start-interview", body=SEED_BODY)
    assert status == 503
    (meta,) = [item for item in table_items() if item["SK"] == "META"]
    assert meta["state"] == "failed"
    assert ecs_cluster["ecs"].list_tasks(cluster=ecs_cluster["cluster"])["taskArns"] == []
