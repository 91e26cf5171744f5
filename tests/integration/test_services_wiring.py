"""The handlers take their settings, table and launcher from one `Services` (interview_common.wiring), which
a test or the local stack builds itself; and no handler's log line carries the request before it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from interview_common import wiring
from interview_common.errors import ServiceUnavailable
from interview_common.launcher import LaunchRequest, LaunchResult
from interview_common.lifecycle import InterviewState
from interview_common.services import DeferredLauncher, Services
from interview_common.settings import Settings, get_settings

from tests.conftest import BASE_ENV, TABLE_NAME, Api, FakeLiveKit
from tests.integration.stored_interviews import read_interview, store_interview

TASK = "arn:aws:ecs:us-east-1:123456789012:task/agents/0123456789abcdef"


class RecordingLauncher:
    def __init__(self) -> None:
        self.stopped: list[tuple[str, str]] = []

    def launch(self, request: LaunchRequest) -> LaunchResult:
        return LaunchResult(task_ref=f"task-{request.interview_id}")

    def stop(self, task_ref: str, reason: str) -> None:
        self.stopped.append((task_ref, reason))


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the Powertools logger writes, formatted as in Lambda (one JSON object a line)."""
    from interview_common.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logging.getLogger(logger.name).addHandler(handler)
    yield stream
    logging.getLogger(logger.name).removeHandler(handler)


def long_ago() -> str:
    moment = datetime.now(UTC) - timedelta(minutes=10)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_an_early_404_of_end_interview_carries_no_key_of_the_request_before_it(
    aws: None, livekit: FakeLiveKit, log_lines: io.StringIO
) -> None:
    # Given an end-interview that ended room-log-a (its lines name the room and the interview)
    interview = store_interview(
        "room-log-a", candidate_id="cand-a", state=InterviewState.IN_PROGRESS, last_heartbeat_at=long_ago()
    )
    end_api = Api("end_interview")
    assert end_api.call("POST", "/end-interview", body={"roomName": "room-log-a"})[0] == 200
    first = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    assert any(line.get("room_name") == "room-log-a" for line in first)
    log_lines.truncate(0)
    log_lines.seek(0)

    # When the next request, in the same warm environment, names a candidate nobody knows
    status, body, _ = end_api.call("POST", "/end-interview", body={"candidateId": "nobody-known"})

    # Then it is a 404, and neither its log lines nor the keys the next line would carry name that room
    # or that interview
    assert status == 404 and body["error"]["code"] == "not_found"
    from interview_common.observability import logger

    keys = logger.get_current_keys()
    assert "room_name" not in keys and "interview_id" not in keys, keys
    assert keys["function_request_id"]  # the keys are this request's own
    for line in log_lines.getvalue().splitlines():
        assert "room-log-a" not in line and interview.interview_id not in line, line


def test_handlers_use_the_services_a_test_installs_not_the_environment(
    aws: None, livekit: FakeLiveKit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given services built by the test: its own settings and client, and a launcher that records stops,
    # while the process environment names a table that does not exist
    settings = Settings.model_validate({**BASE_ENV, "LIVEKIT_URL": livekit.url})
    launcher = RecordingLauncher()
    wiring.use_services(Services.build(settings, dynamodb=boto3.client("dynamodb"), launcher=launcher))
    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    get_settings.cache_clear()  # were the environment read again, it would name that table
    store_interview("room-own", state=InterviewState.IN_PROGRESS, task_arn=TASK, last_heartbeat_at=long_ago())

    # When end-interview is called for the room, whose agent stopped beating
    status, body, _ = Api("end_interview").call("POST", "/end-interview", body={"roomName": "room-own"})

    # Then the installed launcher stopped the task, and the installed table holds the end
    assert status == 200 and body["endedBy"] == "backend"
    assert launcher.stopped == [(TASK, "interview ended on request")]
    stored = read_interview("room-own")
    assert stored is not None and stored.state == InterviewState.COMPLETED
    assert settings.table_name == TABLE_NAME


def test_a_route_that_needs_no_agent_launcher_works_without_one_and_one_that_does_is_a_503(
    aws: None, livekit: FakeLiveKit, start_api: Api
) -> None:
    # Given no agent launcher configured (AGENT_LAUNCHER=ecs without a cluster)
    # When a room with no agent task is ended, and then a new interview is started
    store_interview("room-free", state=InterviewState.IN_PROGRESS, last_heartbeat_at=long_ago())
    ended, _, _ = Api("end_interview").call("POST", "/end-interview", body={"roomName": "room-free"})
    started, body, _ = start_api.call(
        "POST", "/start-interview", body={"roomName": "room-new", "candidateId": "c-1", "jobId": "j-1"}
    )

    # Then the end succeeds, and the start is refused with what is missing, recording nothing
    assert ended == 200
    assert started == 503 and "launcher" in body["error"]["message"]
    assert read_interview("room-new") is None


def test_the_deferred_launcher_is_built_once_on_first_use() -> None:
    # Given a launcher whose construction is counted
    built: list[RecordingLauncher] = []

    def build() -> RecordingLauncher:
        built.append(RecordingLauncher())
        return built[-1]

    deferred = DeferredLauncher(build)
    assert built == []

    # When it stops two tasks
    deferred.stop("t-1", "done")
    deferred.stop("t-2", "done")

    # Then one launcher was built and did both
    assert len(built) == 1 and built[0].stopped == [("t-1", "done"), ("t-2", "done")]


def test_an_unconfigured_launcher_says_so_when_first_used() -> None:
    settings = Settings.model_validate({**BASE_ENV, "AGENT_LAUNCHER": "ecs"})
    services = Services.build(settings, dynamodb=object(), client=lambda name: object())

    with pytest.raises(ServiceUnavailable, match="no agent launcher is configured"):
        services.launcher.stop("t-1", "done")
