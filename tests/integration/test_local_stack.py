"""The local stack's own wiring: the environments it gives the functions and the agents, real LiveKit
mode, and the ECS event it sends when an agent stops (read by functions/agent_task_events' own model)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from interview_common.launcher import LaunchRequest
from interview_common.models.ecs_events import EcsTaskStateChangeEvent

from local.process_launcher import AgentExit
from local.stack import ExternalLiveKit, LocalStack, StackOptions, ecs_task_stopped_event
from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, FakeLiveKit

# Stands in for `python -m interviewer`: prints the environment it was given, as JSON, and exits.
PRINT_ENV = (sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)), flush=True)")
REQUEST = LaunchRequest(
    interview_id="iv-9",
    room_name="room-9",
    candidate_id="cand-9",
    candidate_identity="candidate-cand-9",
    job_id="job-9",
    agent_identity="interview-agent-iv-9",
)


class AgentOutput:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, _room: str, line: str) -> None:
        self.lines.append(line)

    def environment(self, within: float = 10.0) -> dict[str, str]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for line in self.lines:
                if line.startswith("{"):
                    return dict(json.loads(line))
            time.sleep(0.02)
        raise AssertionError(f"the stand-in agent printed nothing: {self.lines}")


@pytest.fixture
def output() -> AgentOutput:
    return AgentOutput()


def started_stack(output: AgentOutput, **options: Any) -> LocalStack:
    return LocalStack(
        StackOptions(agent_command=PRINT_ENV, agent_log_sink=output, lambda_log_level="ERROR", **options)
    ).start()


@pytest.fixture
def simulated(output: AgentOutput, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    monkeypatch.setenv("SILENCE_TIMEOUT", "7")  # a developer's own agent setting
    monkeypatch.setenv("TABLE_NAME", "not-the-local-table")  # ... and one the stack owns
    stack = started_stack(output)
    yield stack
    stack.stop()


def start(stack: LocalStack, room: str) -> httpx.Response:
    return httpx.post(
        stack.api_url + "/start-interview",
        json={"roomName": room, "candidateId": "cand-1", "jobId": "job-1"},
        headers={"Authorization": f"Bearer {stack.options.backend_api_key}"},
        timeout=20,
    )


def test_the_agent_gets_the_task_definitions_environment_with_local_values(
    simulated: LocalStack, output: AgentOutput
) -> None:
    # When an interview starts on the simulated stack
    answer = start(simulated, "room-env-1")
    assert answer.status_code == 202, answer.text
    environment = output.environment()

    # Then its agent has the launch request, the local table, moto, the simulated room, the dev key pair,
    # the sim transport, and the developer's own settings, but never over what the stack owns
    assert environment["ROOM_NAME"] == "room-env-1"
    assert environment["INTERVIEW_ID"] == answer.json()["interviewId"]
    assert environment["AGENT_IDENTITY"] == answer.json()["agentIdentity"]
    assert environment["TABLE_NAME"] == simulated.options.table_name
    assert environment["AWS_ENDPOINT_URL"] == simulated.dynamodb_url
    assert environment["LIVEKIT_URL"] == simulated.livekit_url == answer.json()["url"]
    assert (environment["LIVEKIT_API_KEY"], environment["LIVEKIT_API_SECRET"]) == ("devkey", "secret")
    assert environment["AGENT_TRANSPORT"] == "sim"
    assert environment["POWERTOOLS_SERVICE_NAME"] == "live-interview-agent"  # from the task definition
    assert environment["SILENCE_TIMEOUT"] == "7"
    assert "OPENAI_API_KEY" not in environment


def test_a_stopped_agent_is_reported_like_ecs_and_ends_an_interview_nobody_joined_as_a_no_show(
    simulated: LocalStack,
) -> None:
    # Given an interview whose agent exits (0) without ending it, before any candidate joined
    answer = start(simulated, "room-exit-1")
    assert answer.status_code == 202

    # Then the stack sends ECS's task-stopped event to agent_task_events, which ends it as a no-show
    deadline = time.monotonic() + 10
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = httpx.get(
            simulated.api_url + "/agent-status/room-exit-1",
            headers={"Authorization": "Bearer dev-backend-key"},
        ).json()
        if status["interview"]["state"] in ("failed", "abandoned", "completed"):
            break
        time.sleep(0.05)
    assert status["interview"]["state"] == "abandoned"
    assert status["interview"]["endReason"] == "no_show"
    assert status["interviewProgress"] == 0
    assert "Essential container in task exited" in status["interview"]["error"]
    assert [outcome.state for outcome in simulated.outcomes()] == ["abandoned"]


def test_the_task_stopped_event_is_what_agent_task_events_reads() -> None:
    stopped = AgentExit(
        task_ref="arn:aws:ecs:us-east-1:000000000000:task/local/abc",
        request=REQUEST,
        exit_code=143,
        stopped_reason="the local stack was stopped",
        started_at=1_700_000_000.0,
        stopped_at=1_700_000_030.0,
        stop_requested=True,
    )
    event = EcsTaskStateChangeEvent.model_validate(ecs_task_stopped_event(stopped))
    assert event.detail_type == "ECS Task State Change"
    assert event.detail.last_status == "STOPPED"
    assert event.detail.stop_code == "UserInitiated"
    assert event.detail.environment("agent")["ROOM_NAME"] == "room-9"
    assert event.detail.container("agent").exit_code == 143  # type: ignore[union-attr]


def test_real_livekit_mode_uses_that_server_and_the_livekit_transport(
    livekit: FakeLiveKit, output: AgentOutput
) -> None:
    # Given a LiveKit server configured by LIVEKIT_URL / _API_KEY / _API_SECRET (here the Twirp fake)
    external = ExternalLiveKit.from_env(
        {
            "LIVEKIT_URL": livekit.url,
            "LIVEKIT_API_KEY": TEST_LIVEKIT_KEY,
            "LIVEKIT_API_SECRET": TEST_LIVEKIT_SECRET,
        }
    )
    stack = started_stack(output, livekit=external)
    try:
        # When an interview starts
        answer = start(stack, "room-real-1")
        assert answer.status_code == 202, answer.text

        # Then the room was created on that server, clients get its URL, no room is simulated, and the
        # agent runs the LiveKit transport against it
        assert [request.name for request in livekit.calls("CreateRoom")] == ["room-real-1"]
        assert answer.json()["url"] == livekit.url
        assert stack.sim is None
        environment = output.environment()
        assert environment["AGENT_TRANSPORT"] == "livekit"
        assert environment["LIVEKIT_URL"] == livekit.url
        assert environment["LIVEKIT_API_SECRET"] == TEST_LIVEKIT_SECRET
    finally:
        stack.stop()


def test_a_half_configured_livekit_is_refused_with_what_is_missing() -> None:
    with pytest.raises(ValueError, match="missing: LIVEKIT_API_SECRET"):
        ExternalLiveKit.from_env({"LIVEKIT_URL": "ws://127.0.0.1:7880", "LIVEKIT_API_KEY": "devkey"})
    assert ExternalLiveKit.from_env({}) is None


def test_a_busy_port_is_reported_with_what_to_do(output: AgentOutput) -> None:
    first = started_stack(output)
    try:
        port = int(first.api_url.rsplit(":", 1)[1])
        with pytest.raises(OSError, match="set PORT"):
            started_stack(output, port=port)
    finally:
        first.stop()
