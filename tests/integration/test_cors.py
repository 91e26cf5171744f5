"""CORS: the frontend's origin (http://localhost:3000 by default) can call every route from a browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, FakeLiveKit
from tests.integration.stored_interviews import store_interview

FRONTEND = "http://localhost:3000"

ROUTES = [
    pytest.param("start_interview", "POST", "/start-interview", id="start-interview"),
    pytest.param("issue_token", "POST", "/token", id="token"),
    pytest.param("agent_status", "GET", "/agent-status", id="agent-status"),
    pytest.param("interview_status", "GET", "/interview-status/cand-1", id="interview-status"),
]


@pytest.mark.parametrize(("function", "method", "path"), ROUTES)
def test_a_preflight_is_answered_without_credentials(
    aws: None, table_items: Any, function: str, method: str, path: str
) -> None:
    # When a browser sends the preflight for a cross-origin call (it never carries Authorization)
    status, _, headers = Api(function).call(
        "OPTIONS",
        path,
        auth=False,
        headers={
            "origin": FRONTEND,
            "access-control-request-method": method,
            "access-control-request-headers": "authorization,content-type",
        },
    )

    # Then it is allowed, with the method and both headers the frontend sends, and nothing is written
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == FRONTEND
    assert method in headers["Access-Control-Allow-Methods"].split(",")
    allowed_headers = {h.strip().lower() for h in headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed_headers
    assert int(headers["Access-Control-Max-Age"]) > 0
    assert table_items() == []


def test_a_call_from_the_frontend_origin_gets_the_allow_origin_header(aws: None) -> None:
    store_interview("room-1")
    status, _, headers = Api("agent_status").call(
        "GET", "/agent-status", query={"room": "room-1"}, headers={"origin": FRONTEND}
    )
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == FRONTEND


def test_a_start_from_the_frontend_origin_gets_the_allow_origin_header(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit
) -> None:
    status, _, headers = Api("start_interview").call(
        "POST",
        "/start-interview",
        body={"roomName": "room-1", "candidateId": "cand-1", "jobId": "job-1"},
        headers={"origin": FRONTEND},
    )
    assert status == 202
    assert headers["Access-Control-Allow-Origin"] == FRONTEND


def test_a_refusal_is_readable_by_the_frontend_too(aws: None) -> None:
    status, body, headers = Api("issue_token").call(
        "POST", "/token", body={"room": "room-1", "identity": "c-1"}, auth=False, headers={"origin": FRONTEND}
    )
    assert status == 401
    assert body["detail"]
    assert headers["Access-Control-Allow-Origin"] == FRONTEND


def test_another_origin_is_not_allowed(aws: None) -> None:
    store_interview("room-1")
    status, _, headers = Api("agent_status").call(
        "GET", "/agent-status", query={"room": "room-1"}, headers={"origin": "https://evil.example"}
    )
    assert status == 200  # a server-to-server caller with the key is fine; a browser there gets no CORS grant
    assert "Access-Control-Allow-Origin" not in headers
