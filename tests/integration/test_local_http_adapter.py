"""The local HTTP adapter: real HTTP in, API Gateway v2 events to the same Lambda handlers, answers out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from local.http_adapter import build_http_app, routes_from_template
from local.livekit_sim.server import BackgroundAiohttpServer
from local.template_resources import load_template
from tests.conftest import TEST_API_KEY, FakeLiveKit

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}


@pytest.fixture
def http(ecs_cluster: dict[str, Any], livekit: FakeLiveKit) -> Iterator[httpx.Client]:
    with (
        BackgroundAiohttpServer(build_http_app()) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        yield client


def template_route_keys() -> list[str]:
    keys = []
    for resource in load_template()["Resources"].values():
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if resource["Type"] == "AWS::Serverless::Function" and event["Type"] == "HttpApi":
                keys.append(f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}")
    return keys


def test_every_template_route_is_served_once() -> None:
    # Given template.yaml, Then the adapter serves exactly its HttpApi routes, each once
    keys = [route.route_key for route in routes_from_template()]
    assert sorted(keys) == sorted(template_route_keys())
    assert len(keys) == len(set(keys))
    assert "GET /agent-status/{roomName}" in keys


def test_start_interview_then_status_over_http(http: httpx.Client) -> None:
    # When the frontend's server route calls start-interview over HTTP
    started = http.post(
        "/start-interview",
        json={"roomName": "room-http-1", "candidateId": "c-1", "jobId": "j-1"},
        headers=AUTH,
    )

    # Then the handler answered through the adapter, and both status routes find the interview
    assert started.status_code == 202, started.text
    assert started.json()["roomName"] == "room-http-1"
    by_query = http.get("/agent-status", params={"room": "room-http-1"}, headers=AUTH)
    by_path = http.get("/agent-status/room-http-1", headers=AUTH)
    assert by_query.status_code == by_path.status_code == 200
    assert by_query.json()["roomName"] == by_path.json()["roomName"] == "room-http-1"
    assert by_path.json()["roomMetadata"]["candidateId"] == "c-1"
    assert by_path.headers["content-type"].startswith("application/json")


def test_cors_preflight_is_answered_for_the_frontend(http: httpx.Client) -> None:
    # When the browser preflights a cross-origin POST from the Next.js dev server
    preflight = http.options(
        "/start-interview",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    # Then it is allowed, without a bearer key
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()


def test_a_real_request_carries_cors_headers_for_the_allowed_origin(http: httpx.Client) -> None:
    answer = http.get("/agent-status/room-unknown", headers={**AUTH, "Origin": "http://localhost:3000"})
    assert answer.status_code == 404
    assert answer.headers["access-control-allow-origin"] == "http://localhost:3000"


def test_unknown_routes_and_methods_are_404_in_the_error_shape(http: httpx.Client) -> None:
    for method, path in (("GET", "/nope"), ("DELETE", "/start-interview"), ("GET", "/agent-status/a/b")):
        answer = http.request(method, path, headers=AUTH)
        assert answer.status_code == 404, (method, path)
        body = answer.json()
        assert (body["status"], body["success"]) == ("error", False)
        assert body["detail"]


def test_auth_and_validation_come_from_the_handlers(http: httpx.Client) -> None:
    # Without the key: 401 from the handler's middleware; with bad JSON: 400; with a bad room: 422
    assert (
        http.post("/start-interview", json={"roomName": "r", "candidateId": "c", "jobId": "j"}).status_code
        == 401
    )
    bad_json = http.post(
        "/start-interview", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert bad_json.json()["detail"]
    bad_room = http.post(
        "/start-interview", json={"roomName": "../etc", "candidateId": "c", "jobId": "j"}, headers=AUTH
    )
    assert bad_room.status_code == 422
    assert any(detail["field"].endswith("roomName") for detail in bad_room.json()["error"]["details"])
