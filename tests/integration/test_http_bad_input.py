"""Bad requests to the HTTP routes: each gets its clear error in the one error shape, and nothing is written.

Every request here goes through the real handler (Powertools resolver, validation, middlewares) with
moto behind it; a fake LiveKit server and an ECS cluster are up, so "nothing happened" is observable:
no table item, no Twirp request, no task.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import TEST_API_KEY, Api, FakeLiveKit
from tests.integration.stored_interviews import store_interview

VALID_START = {"roomName": "interview-room-1", "candidateId": "cand-1", "jobId": "job-1"}
VALID_TOKEN = {"room": "interview-room-1", "identity": "candidate-cand-1"}

# What the seed's frontend sends besides the interview's fields; none of it may ever come back out.
SEED_SECRETS = {
    "agentToken": "eyJhbGciOi.seed-agent-token-value.sig",
    "livekitUrl": "wss://seed-project.livekit.cloud",
    "livekitApiKey": "APIseedKey4242",
    "livekitApiSecret": "seed-api-secret-do-not-leak-9f8e7d",
}
SECRET_VALUES = tuple(SEED_SECRETS.values())


def assert_error(status: int, body: dict[str, Any], expected_status: int, code: str) -> None:
    """The one error shape the frontend reads: status/success/detail plus a structured error."""
    assert status == expected_status, body
    assert body["status"] == "error"
    assert body["success"] is False
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["error"]["code"] == code
    assert body["error"]["message"] == body["detail"]
    assert isinstance(body["error"]["details"], list)
    assert "Traceback" not in json.dumps(body)


@pytest.fixture
def world(aws: None, livekit: FakeLiveKit) -> dict[str, Any]:
    """What a request could touch: the table and the LiveKit server.

    No agent could start unnoticed either: start-interview records the interview before it launches one.
    """
    return {"livekit": livekit}


def nothing_happened(world: dict[str, Any], table_items: Any) -> None:
    assert table_items() == []
    assert world["livekit"].requests == []


# The authenticated routes, each with a body that would be accepted.
ROUTES = [
    pytest.param("start_interview", "POST", "/start-interview", VALID_START, id="start-interview"),
    pytest.param("issue_token", "POST", "/token", VALID_TOKEN, id="token"),
    pytest.param("agent_status", "GET", "/agent-status", None, id="agent-status"),
]
BAD_AUTHORIZATION = [
    pytest.param({}, id="missing"),
    pytest.param({"authorization": "Bearer not-the-key"}, id="wrong-bearer"),
    pytest.param({"authorization": f"Bearer {TEST_API_KEY}x"}, id="key-with-extra-char"),
    pytest.param({"authorization": f"Bearer {TEST_API_KEY[:-1]}"}, id="key-prefix"),
    pytest.param({"authorization": f"Basic {TEST_API_KEY}"}, id="basic-scheme"),
    pytest.param({"authorization": TEST_API_KEY}, id="no-scheme"),
    pytest.param({"authorization": "Bearer "}, id="empty-bearer"),
    pytest.param({"authorization": "Bearer ключ"}, id="unicode-bearer"),
]


@pytest.mark.parametrize(("function", "method", "path", "body"), ROUTES)
@pytest.mark.parametrize("headers", BAD_AUTHORIZATION)
def test_a_request_without_the_right_bearer_is_refused_and_changes_nothing(
    world: dict[str, Any],
    table_items: Any,
    function: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    headers: dict[str, str],
) -> None:
    # Given a request that would succeed with the right key, When it comes with a bad Authorization header
    query = {"room": "interview-room-1"} if method == "GET" else None
    status, answer, _ = Api(function).call(method, path, body=body, query=query, headers=headers, auth=False)

    # Then it is refused with 401 without repeating what was sent, and nothing is written
    assert_error(status, answer, 401, "unauthorized")
    assert TEST_API_KEY not in json.dumps(answer)
    nothing_happened(world, table_items)


@pytest.mark.parametrize(
    ("function", "path", "raw_body", "expected"),
    [
        pytest.param(
            "start_interview", "/start-interview", "{not json", (401, "unauthorized"), id="start-malformed"
        ),
        pytest.param(
            "start_interview",
            "/start-interview",
            json.dumps({"roomName": 7}),
            (401, "unauthorized"),
            id="start-wrong-type",
        ),
        pytest.param("issue_token", "/token", "{not json", (401, "unauthorized"), id="token-malformed"),
        pytest.param(
            "issue_token",
            "/token",
            json.dumps({"identity": ["x"]}),
            (401, "unauthorized"),
            id="token-wrong-type",
        ),
        # The size cap is checked first of all: it is the cheapest check and reveals nothing either.
        pytest.param(
            "start_interview",
            "/start-interview",
            "x" * 20_000,
            (413, "payload_too_large"),
            id="start-oversize",
        ),
    ],
)
def test_authentication_is_checked_before_the_body(
    world: dict[str, Any],
    table_items: Any,
    function: str,
    path: str,
    raw_body: str,
    expected: tuple[int, str],
) -> None:
    # Given an unauthenticated caller, When it sends a body that is also invalid
    status, answer, _ = Api(function).call("POST", path, raw_body=raw_body, auth=False)

    # Then it learns only that it is refused, nothing about what is wrong with the body
    assert_error(status, answer, *expected)
    assert answer["error"]["details"] == []
    nothing_happened(world, table_items)


@pytest.mark.parametrize(
    ("function", "path"),
    [
        pytest.param("start_interview", "/start-interview", id="start"),
        pytest.param("issue_token", "/token", id="token"),
    ],
)
@pytest.mark.parametrize(
    "raw_body",
    [
        pytest.param("{not json", id="not-json"),
        pytest.param('{"roomName": "r1",', id="truncated"),
        pytest.param("", id="empty"),
        pytest.param("[1, 2", id="broken-array"),
        pytest.param("{'roomName': 'single-quotes'}", id="single-quotes"),
    ],
)
def test_malformed_json_is_a_400_bad_json(
    world: dict[str, Any], table_items: Any, function: str, path: str, raw_body: str
) -> None:
    # When an authenticated caller sends a body that is not JSON
    status, answer, _ = Api(function).call("POST", path, raw_body=raw_body)

    # Then it gets 400 bad_json (an empty body is a missing body: 422 naming what is required)
    if raw_body == "":
        assert_error(status, answer, 422, "validation_error")
    else:
        assert_error(status, answer, 400, "bad_json")
    nothing_happened(world, table_items)


@pytest.mark.parametrize(
    ("changes", "bad_fields"),
    [
        pytest.param({"roomName": 42}, {"body.roomName"}, id="room-as-number"),
        pytest.param({"candidateId": ["SENTINEL-LIST-VALUE"]}, {"body.candidateId"}, id="candidate-as-list"),
        pytest.param({"jobId": {"SENTINEL-KEY": 1}}, {"body.jobId"}, id="job-as-object"),
        pytest.param({"metadata": "SENTINEL-NOT-AN-OBJECT"}, {"body.metadata"}, id="metadata-as-string"),
        pytest.param({"language": "SENTINEL-LANGUAGE-9"}, {"body.language"}, id="language-pattern"),
        pytest.param({"candidateName": ""}, {"body.candidateName"}, id="empty-name"),
        pytest.param(
            {"metadata": {"notes": "SENTINEL-" + "m" * 5000}}, {"body.metadata"}, id="metadata-over-cap"
        ),
        pytest.param(
            {"roomName": None, "candidateId": None}, {"body.roomName", "body.candidateId"}, id="nulls"
        ),
    ],
)
def test_wrong_types_get_422_with_the_fields_named_and_no_values_echoed(
    world: dict[str, Any], table_items: Any, changes: dict[str, Any], bad_fields: set[str]
) -> None:
    # Given the seed's body (with its credentials) and one or more wrongly typed fields
    body = {**VALID_START, **SEED_SECRETS, **changes}

    # When it is posted
    status, answer, _ = Api("start_interview").call("POST", "/start-interview", body=body)

    # Then 422 names exactly the offending fields, and echoes neither the values nor the credentials
    assert_error(status, answer, 422, "validation_error")
    assert {detail["field"] for detail in answer["error"]["details"]} == bad_fields
    for detail in answer["error"]["details"]:
        assert set(detail) >= {"field", "message"}
    text = json.dumps(answer)
    assert "SENTINEL" not in text
    for secret in SECRET_VALUES:
        assert secret not in text
    nothing_happened(world, table_items)


def test_missing_fields_are_each_named(world: dict[str, Any], table_items: Any) -> None:
    # When the body carries only the seed's credentials
    status, answer, _ = Api("start_interview").call("POST", "/start-interview", body=dict(SEED_SECRETS))

    # Then every required field is named, as "missing"
    assert_error(status, answer, 422, "validation_error")
    missing = {d["field"] for d in answer["error"]["details"] if d.get("type") == "missing"}
    assert missing == {"body.roomName", "body.candidateId", "body.jobId"}
    assert "roomName" in answer["detail"]
    nothing_happened(world, table_items)


def test_a_token_request_with_missing_fields_is_a_422(world: dict[str, Any], table_items: Any) -> None:
    status, answer, _ = Api("issue_token").call("POST", "/token", body={"metadata": {"a": 1}})
    assert_error(status, answer, 422, "validation_error")
    assert {d["field"] for d in answer["error"]["details"]} == {"body.room", "body.identity"}
    nothing_happened(world, table_items)


@pytest.mark.parametrize(
    ("function", "path", "valid"),
    [
        pytest.param("start_interview", "/start-interview", VALID_START, id="start"),
        pytest.param("issue_token", "/token", VALID_TOKEN, id="token"),
    ],
)
@pytest.mark.parametrize(
    "padding",
    [
        pytest.param("a" * (16 * 1024), id="ascii-16KiB"),
        # 6,000 characters but 18,000 bytes: the cap counts bytes.
        pytest.param("€" * 6000, id="multibyte-18kB"),
    ],
)
def test_an_oversize_body_is_a_413(
    world: dict[str, Any], table_items: Any, function: str, path: str, valid: dict[str, Any], padding: str
) -> None:
    # Given an otherwise valid body padded with an ignored field past MAX_BODY_BYTES (16 KiB)
    body = {**valid, "padding": padding}

    # When it is posted
    status, answer, _ = Api(function).call("POST", path, body=body)

    # Then it is refused for its size, whatever is inside
    assert_error(status, answer, 413, "payload_too_large")
    assert "16384 bytes" in answer["detail"]
    nothing_happened(world, table_items)


def test_a_body_just_under_the_cap_is_accepted(
    world: dict[str, Any], ecs_cluster: dict[str, Any], table_items: Any
) -> None:
    # Given a valid body whose ignored padding brings it just under 16 KiB
    body = {**VALID_START, "padding": ""}
    body["padding"] = "a" * (16 * 1024 - len(json.dumps(body)))
    assert len(json.dumps(body).encode()) == 16 * 1024

    # When it is posted, Then the interview starts
    status, answer, _ = Api("start_interview").call("POST", "/start-interview", body=body)
    assert status == 202, answer
    assert "padding" not in repr(table_items())


HOSTILE_ROOM_NAMES = [
    pytest.param("../x", id="parent-dir"),
    pytest.param("a/b", id="slash"),
    pytest.param("..", id="dot-dot"),
    pytest.param("/etc/passwd", id="absolute-path"),
    pytest.param("a\\b", id="backslash"),
    pytest.param("x" * 10_000, id="10kB"),
    pytest.param("x" * 129, id="129-chars"),
    pytest.param("entrevista-ñandú", id="unicode-latin"),
    pytest.param("面试房间", id="unicode-cjk"),
    pytest.param("room\u200bzero-width", id="zero-width-space"),
    pytest.param("room with spaces", id="spaces"),
    pytest.param("", id="empty"),
    pytest.param(" ", id="blank"),
    pytest.param("room\nnext-line", id="newline"),
    pytest.param("ROOM#other#META", id="key-separator"),
    pytest.param("room%2F..", id="percent-encoded"),
    pytest.param("-leading-dash", id="leading-dash"),
    pytest.param("<script>alert(1)</script>", id="markup"),
]


@pytest.mark.parametrize("room_name", HOSTILE_ROOM_NAMES)
def test_a_hostile_room_name_is_a_422_and_nothing_is_written(
    world: dict[str, Any], table_items: Any, room_name: str
) -> None:
    # When start-interview is asked for a room whose name is not LiveKit- and path-safe
    status, answer, _ = Api("start_interview").call(
        "POST", "/start-interview", body={**VALID_START, "roomName": room_name}
    )

    # Then roomName is named as the problem, its value is not echoed, and no room, record or task exists
    assert_error(status, answer, 422, "validation_error")
    assert [d["field"] for d in answer["error"]["details"]] == ["body.roomName"]
    if len(room_name) > 3:
        assert room_name not in json.dumps(answer, ensure_ascii=False)
    nothing_happened(world, table_items)


@pytest.mark.parametrize("room_name", HOSTILE_ROOM_NAMES)
def test_a_hostile_room_name_is_refused_by_token_and_agent_status(
    world: dict[str, Any], room_name: str
) -> None:
    # When the other routes that take a room name are given one
    token_status, token_answer, _ = Api("issue_token").call(
        "POST", "/token", body={"room": room_name, "identity": "candidate-1"}
    )
    status_status, status_answer, _ = Api("agent_status").call(
        "GET", "/agent-status", query={"room": room_name}
    )

    # Then both refuse it as invalid input (never a 404 lookup of a crafted key)
    assert_error(token_status, token_answer, 422, "validation_error")
    assert_error(status_status, status_answer, 422, "validation_error")
    assert [d["field"] for d in status_answer["error"]["details"]] == ["query.room"]
    assert world["livekit"].requests == []


@pytest.mark.parametrize(
    "room_name",
    [
        pytest.param("..", id="dot-dot"),
        pytest.param("x" * 300, id="300-chars"),
        pytest.param("a b", id="space"),
    ],
)
def test_a_hostile_room_name_in_the_path_is_a_422(world: dict[str, Any], room_name: str) -> None:
    status, answer, _ = Api("agent_status").call(
        "GET",
        f"/agent-status/{room_name}",
        path_parameters={"roomName": room_name},
        route_key="GET /agent-status/{roomName}",
    )
    assert_error(status, answer, 422, "validation_error")


def test_agent_status_without_a_room_is_a_422_naming_the_parameter(world: dict[str, Any]) -> None:
    status, answer, _ = Api("agent_status").call("GET", "/agent-status")
    assert_error(status, answer, 422, "validation_error")
    assert [d["field"] for d in answer["error"]["details"]] == ["query.room"]


def test_an_unknown_route_is_a_404_in_the_error_shape(world: dict[str, Any]) -> None:
    status, answer, _ = Api("start_interview").call("POST", "/start-interviews", body=VALID_START)
    assert_error(status, answer, 404, "route_not_found")


def test_a_wrong_method_is_refused_without_side_effects(world: dict[str, Any], table_items: Any) -> None:
    status, answer, _ = Api("start_interview").call("GET", "/start-interview")
    assert status in (404, 405)
    assert answer["status"] == "error"
    nothing_happened(world, table_items)


@pytest.fixture
def json_log_lines() -> Iterator[io.StringIO]:
    """Every line the Powertools logger writes (as CloudWatch would receive it), from here on.

    The logger's own handler holds whatever stdout was when it was first built, so capsys alone only sees
    it in the first test that imports a handler; a second handler with the same formatter sees everything.
    """
    from interview_common.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logging.getLogger(logger.name).addHandler(handler)
    yield stream
    logging.getLogger(logger.name).removeHandler(handler)


def test_the_seed_credentials_never_appear_in_answers_records_or_logs(
    world: dict[str, Any],
    ecs_cluster: dict[str, Any],
    table_items: Any,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    json_log_lines: io.StringIO,
) -> None:
    caplog.set_level(logging.DEBUG)
    start = Api("start_interview")
    token = Api("issue_token")
    seed_body = {**VALID_START, **SEED_SECRETS, "candidateName": "Ada Lovelace"}

    # Given every way the seed's credentials can reach us: a success, a repeat, a refusal, an invalid body,
    # a conflict inside the use case, and a token request carrying them as extra fields
    answers = [
        start.call("POST", "/start-interview", body=seed_body),
        start.call("POST", "/start-interview", body=seed_body),
        start.call("POST", "/start-interview", body=seed_body, auth=False),
        start.call("POST", "/start-interview", body={**seed_body, "roomName": "a/b"}),
        start.call("POST", "/start-interview", body={**seed_body, "candidateId": "someone-else"}),
        token.call("POST", "/token", body={**VALID_TOKEN, **SEED_SECRETS}),
    ]
    assert [status for status, _, _ in answers] == [202, 200, 401, 422, 409, 200]

    # Then no answer, stored item, log line or metric holds any of them
    logs = json_log_lines.getvalue()
    assert "interview recorded" in logs  # the scan below looks at real log output
    captured = capsys.readouterr()
    places = {
        "answers": repr(answers),
        "table": repr(table_items()),
        "json logs": logs,
        "stdout/stderr": captured.out + captured.err,
        "log records": " ".join(repr(record.__dict__) for record in caplog.records),
    }
    for secret in SECRET_VALUES:
        for where, text in places.items():
            assert secret not in text, f"a seed credential leaked into {where}"


def test_an_error_answer_is_json_with_cors_for_the_frontend(world: dict[str, Any]) -> None:
    # When the frontend's origin gets an error, Then the browser can still read it
    status, answer, headers = Api("start_interview").call(
        "POST", "/start-interview", raw_body="{", headers={"origin": "http://localhost:3000"}
    )
    assert_error(status, answer, 400, "bad_json")
    assert headers["Content-Type"] == "application/json"
    assert headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_a_token_for_a_hostile_identity_is_refused(world: dict[str, Any]) -> None:
    store_interview("interview-room-1")
    for identity in ("../agent", "a b", "", "x" * 255, "a\nb", "a\u200bb"):
        status, answer, _ = Api("issue_token").call(
            "POST", "/token", body={**VALID_TOKEN, "identity": identity}
        )
        assert_error(status, answer, 422, "validation_error")
        assert [d["field"] for d in answer["error"]["details"]] == ["body.identity"]
