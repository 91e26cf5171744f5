"""events/: every sample is what scripts/make_events.py writes, and every HTTP sample works on its handler.

The handler for a sample is found the way API Gateway finds it: its routeKey among template.yaml's
HttpApi routes, then that function's CodeUri. Samples carry the dev bearer (`dev-backend-key`).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from interview_common.lifecycle import InterviewState

from local.apigw_events import LocalLambdaContext
from local.handlers import load_handler_module
from local.template_resources import load_template
from tests.conftest import FakeLiveKit, reset_process_caches
from tests.integration.stored_interviews import store_interview

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
DEV_BACKEND_API_KEY = "dev-backend-key"

# What each control-plane sample answers against a table that knows the sample interview.
EXPECTED_STATUS = {
    "start_interview.json": 202,
    "agent_status.json": 200,
    "agent_status_by_path.json": 200,
    "interview_status.json": 200,
    "token.json": 200,
    # The seed's other calls
    "agent_join.json": 202,
    "end_interview_by_candidate.json": 200,
    "health.json": 200,
    "candidate_details.json": 200,
    "candidate_joined.json": 200,
    # The hiring team's side
    "job_profile_put.json": 200,
    "job_profile_get.json": 200,
    "job_profile_versions.json": 200,
    "job_profile_draft.json": 200,
    "job_interviews.json": 200,
}


@cache
def make_events() -> ModuleType:
    """scripts/make_events.py (a script, not a package), loaded once."""
    spec = importlib.util.spec_from_file_location("make_events", ROOT / "scripts" / "make_events.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_events"] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


def route_table() -> dict[str, str]:
    """routeKey ("GET /agent-status/{roomName}") → the function's folder under functions/."""
    routes = {}
    for resource in load_template()["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        folder = Path(str(resource["Properties"]["CodeUri"])).name
        for event in (resource["Properties"].get("Events") or {}).values():
            if event["Type"] == "HttpApi":
                routes[f"{str(event['Properties']['Method']).upper()} {event['Properties']['Path']}"] = folder
    return routes


def http_samples() -> list[Path]:
    samples = []
    for path in sorted(EVENTS.glob("*.json")):
        event = json.loads(path.read_text())
        if isinstance(event, dict) and event.get("version") == "2.0" and "routeKey" in event:
            samples.append(path)
    return samples


def test_events_are_what_the_script_writes() -> None:
    generated = make_events().render()
    for name, content in generated.items():
        assert (EVENTS / name).read_text() == content, f"events/{name} is stale: run scripts/make_events.py"


def test_env_json_names_every_function_with_the_dev_values() -> None:
    env = json.loads((EVENTS / "env.json").read_text())
    functions = {
        n for n, r in load_template()["Resources"].items() if r["Type"] == "AWS::Serverless::Function"
    }
    assert set(env) == functions
    for variables in env.values():
        assert variables["BACKEND_API_KEY"] == DEV_BACKEND_API_KEY
        assert variables["LIVEKIT_API_KEY"] == "devkey"
        assert variables["LIVEKIT_API_SECRET"] == "secret"
        assert variables["TABLE_NAME"]
        assert variables["LIVEKIT_URL"].startswith("ws://")
        # sam local invoke only overrides variables the template declares
        declared = load_template()["Globals"]["Function"]["Environment"]["Variables"]
        assert set(variables) <= set(declared) | {"POWERTOOLS_LOG_LEVEL"}


def test_every_control_plane_route_has_a_sample() -> None:
    sampled = {json.loads(path.read_text())["routeKey"] for path in http_samples()}
    assert sampled >= {
        "POST /start-interview",
        "GET /agent-status",
        "GET /agent-status/{roomName}",
        "GET /interview-status/{candidateId}",
        "POST /token",
        "GET /health",
        "POST /agent/join",
        "POST /agent/candidate-details",
        "POST /api/candidate-joined",
    }


def test_every_http_sample_routes_to_a_function_of_the_template() -> None:
    routes = route_table()
    for path in http_samples():
        assert json.loads(path.read_text())["routeKey"] in routes, path.name


@pytest.fixture
def dev_stack(aws: None, livekit: FakeLiveKit, monkeypatch: pytest.MonkeyPatch) -> None:
    """The local values events/env.json gives: the dev bearer key; LiveKit is the test fake."""
    monkeypatch.setenv("BACKEND_API_KEY", DEV_BACKEND_API_KEY)
    reset_process_caches()


@pytest.mark.parametrize("sample", http_samples(), ids=lambda path: path.name)
def test_an_http_sample_works_on_its_handler(
    dev_stack: None, sample: Path, request: pytest.FixtureRequest
) -> None:
    # Given the table knows the sample's interview (except for start-interview, which creates it and
    # launches the agent on the test's ECS cluster)
    module = make_events()
    if sample.name in ("start_interview.json", "agent_join.json"):  # agent/join is start-interview
        request.getfixturevalue("ecs_cluster")
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setenv("BACKEND_API_KEY", DEV_BACKEND_API_KEY)
        reset_process_caches()
    else:
        store_interview(
            module.SAMPLE_ROOM, candidate_id=module.SAMPLE_CANDIDATE, state=InterviewState.IN_PROGRESS
        )
    event = json.loads(sample.read_text())
    handler = load_handler_module(route_table()[event["routeKey"]])

    # When the sample is invoked as `sam local invoke -e` would
    response = handler.lambda_handler(event, LocalLambdaContext(sample.stem))

    # Then it is answered as the route promises (never a server error)
    expected = EXPECTED_STATUS.get(sample.name)
    if expected is None:
        assert response["statusCode"] < 500, response.get("body")
    else:
        assert response["statusCode"] == expected, response.get("body")
        body = json.loads(response["body"])
        assert "error" not in body
