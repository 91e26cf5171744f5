"""events/webhook_*.json and agent_task_stopped.json, as scripts/make_webhook_events.py writes them.

Webhook samples carry a signature that expires (LiveKit's 5 minutes), so the tests regenerate them
fresh, exactly as a user does before `sam local invoke`, and invoke them with the dev key pair.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from datetime import timedelta
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from interview_common.lifecycle import InterviewState

from local.apigw_events import LocalLambdaContext
from local.handlers import load_handler_module
from tests.conftest import reset_process_caches
from tests.integration.stored_interviews import read_interview, store_interview

ROOT = Path(__file__).resolve().parents[2]
IN_ORDER = [
    ("webhook_room_started.json", "ignored", "launching"),
    ("webhook_agent_joined.json", "applied", "waiting_for_candidate"),
    ("webhook_participant_joined.json", "applied", "in_progress"),
    ("webhook_track_published.json", "applied", "in_progress"),
    ("webhook_participant_left.json", "applied", "in_progress"),
    ("webhook_room_finished.json", "applied", "abandoned"),
]


@cache
def make_webhook_events() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_webhook_events", ROOT / "scripts" / "make_webhook_events.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_webhook_events"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def dev_keys(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """events/env.json's LiveKit pair (LiveKit's dev mode): what the samples are signed with."""
    monkeypatch.setenv("LIVEKIT_API_KEY", "devkey")
    monkeypatch.setenv("LIVEKIT_API_SECRET", "secret")
    reset_process_caches()


def invoke_webhook(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    module = load_handler_module("livekit_webhook")
    response = module.lambda_handler(event, LocalLambdaContext("LiveKitWebhookFunction"))
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.filterwarnings("ignore:The HMAC key is")
def test_freshly_generated_samples_walk_the_sample_interview_through_its_states(dev_keys: None) -> None:
    # Given the sample interview was started in the sample room, and the samples were just generated
    script = make_webhook_events()
    interview = store_interview(script.SAMPLE_ROOM, candidate_id="cand-demo", state=InterviewState.LAUNCHING)
    files = script.render(ttl=timedelta(minutes=5), interview_id=interview.interview_id)
    assert set(files) == {name for name, _, _ in IN_ORDER} | {"agent_task_stopped.json"}

    # When each webhook sample is invoked in order, Then each is accepted and moves the interview on
    for name, result, state in IN_ORDER:
        event = json.loads(files[name])
        assert event["headers"]["content-type"] == "application/webhook+json"
        status, answer = invoke_webhook(event)
        assert (name, status, answer["result"], answer.get("state") or "launching") == (
            name,
            200,
            result,
            state,
        )
    meta = read_interview(script.SAMPLE_ROOM)
    assert meta is not None
    assert meta.state == InterviewState.ABANDONED


@pytest.mark.filterwarnings("ignore:The HMAC key is")
def test_a_sample_older_than_its_ttl_is_refused(dev_keys: None, table_items: Any) -> None:
    # Given samples whose signatures expired (past the verifier's minute of leeway), for a known interview
    script = make_webhook_events()
    store_interview(script.SAMPLE_ROOM, candidate_id="cand-demo", state=InterviewState.LAUNCHING)
    before = table_items()
    stale = script.render(ttl=timedelta(minutes=-2), now=time.time() - 420)

    # When one is invoked, Then it is refused as unsigned and writes nothing: regenerate before invoking
    status, answer = invoke_webhook(json.loads(stale["webhook_participant_joined.json"]))
    assert status == 401
    assert answer["error"]["code"] == "unauthorized"
    assert table_items() == before


def test_the_agent_task_stopped_sample_fails_the_interview_it_names(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the sample interview in progress, and the template's ECS settings as sam local resolves them
    script = make_webhook_events()
    interview = store_interview(
        script.SAMPLE_ROOM, candidate_id="cand-demo", state=InterviewState.IN_PROGRESS
    )
    monkeypatch.setenv("ECS_CLUSTER", "AgentCluster")
    monkeypatch.setenv("ECS_TASK_DEFINITION", "AgentTaskDefinition")
    reset_process_caches()
    event = json.loads(
        script.render(ttl=timedelta(minutes=5), interview_id=interview.interview_id)[
            "agent_task_stopped.json"
        ]
    )

    # When it is invoked
    outcome = load_handler_module("agent_task_events").lambda_handler(
        event, LocalLambdaContext("AgentTaskEventsFunction")
    )

    # Then the interview failed with the crash's reason and exit code
    assert outcome == {"result": "failed", "room_name": script.SAMPLE_ROOM, "state": "failed"}
    meta = read_interview(script.SAMPLE_ROOM)
    assert meta is not None
    assert "exit code 1" in (meta.error or "")
