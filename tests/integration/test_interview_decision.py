"""POST /interviews/{roomName}/decision through the real handler and moto's DynamoDB: a person decides,
every decision is kept (append-only), and the record and its report show the one in force and the trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from interview_common.decision_log import DecisionLog
from interview_common.lifecycle import InterviewState
from interview_common.logic.record_decision import record_decision
from interview_common.models.decision import MAX_NOTE_CHARS, DecisionRequest
from interview_common.models.items import InterviewItem
from interview_common.store import InterviewStore

from local.apigw_events import LocalLambdaContext, http_api_event
from tests.conftest import TABLE_NAME, TEST_API_KEY, Api
from tests.integration.stored_interviews import store_interview

ROOM = "decision-room-1"
PATH = f"/interviews/{ROOM}/decision"
ROUTE = "POST /interviews/{roomName}/decision"
HOSTILE = '<script>alert("x")</script> & "quotes"'


@pytest.fixture
def decision_api() -> Api:
    return Api("interview_decision")


@pytest.fixture
def record_api() -> Api:
    return Api("interview_record")


@pytest.fixture
def completed(aws: None) -> InterviewItem:
    return store_interview(ROOM, candidate_id="cand-7", state=InterviewState.COMPLETED)


def decide(api: Api, body: Any = None, *, room: str = ROOM, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    status, answer, _ = api.call(
        "POST",
        f"/interviews/{room}/decision",
        body=body,
        path_parameters={"roomName": room},
        route_key=ROUTE,
        **kwargs,
    )
    return status, answer


def report_page(api: Api) -> tuple[int, str]:
    """GET report.html (HTML, so not through Api.call, which decodes JSON)."""
    response = api.module.lambda_handler(
        http_api_event(
            "GET",
            f"/interviews/{ROOM}/report.html",
            headers={"authorization": f"Bearer {TEST_API_KEY}"},
            path_parameters={"roomName": ROOM},
            route_key="GET /interviews/{roomName}/report.html",
        ),
        LocalLambdaContext("interview_record"),
    )
    return response["statusCode"], response["body"]


def decisions_stored(table_items: Any) -> list[dict[str, Any]]:
    return sorted(
        (item for item in table_items() if str(item["SK"]).startswith("DECISION#")), key=lambda i: i["SK"]
    )


def test_a_person_records_a_decision_on_a_finished_interview(
    completed: InterviewItem, decision_api: Api, table_items: Any
) -> None:
    # Given a completed interview, When a reviewer records a decision with a note
    status, body = decide(
        decision_api,
        {"reviewer": "ada@example.com", "decision": "advance", "note": "Clear, specific answers."},
    )

    # Then it is recorded (201) and answered with the decision in force and the trail
    assert status == 201, body
    assert body["status"] == "success"
    assert (body["roomName"], body["interviewId"], body["candidateId"]) == (
        ROOM,
        completed.interview_id,
        "cand-7",
    )
    assert body["decision"]["reviewer"] == "ada@example.com"
    assert body["decision"]["decision"] == "advance"
    assert body["decision"]["note"] == "Clear, specific answers."
    assert body["decisions"] == [body["decision"]]
    # And one DECISION# item holds it, expiring with the interview
    (item,) = decisions_stored(table_items)
    assert item["PK"] == f"ROOM#{ROOM}"
    assert item["SK"] == f"DECISION#{body['decision']['decidedAt']}"
    assert (item["reviewer"], item["decision"], item["interview_id"]) == (
        "ada@example.com",
        "advance",
        completed.interview_id,
    )
    assert int(item["expiresAt"]) == completed.expires_at


@pytest.mark.parametrize("state", [InterviewState.ABANDONED, InterviewState.FAILED])
def test_an_abandoned_or_failed_interview_can_be_decided_too(
    aws: None, decision_api: Api, state: InterviewState
) -> None:
    store_interview(ROOM, state=state)
    status, body = decide(decision_api, {"reviewer": "Grace", "decision": "hold"})
    assert status == 201, body
    assert body["decision"]["note"] is None


def test_a_later_decision_is_added_to_the_trail_and_takes_effect(
    completed: InterviewItem, decision_api: Api, record_api: Api, table_items: Any
) -> None:
    # Given a first decision
    first_status, _ = decide(decision_api, {"reviewer": "Ada", "decision": "hold", "note": "Check refs"})
    assert first_status == 201

    # When another reviewer decides later, with a note that is markup
    status, second = decide(decision_api, {"reviewer": "Grace", "decision": "reject", "note": HOSTILE})

    # Then both are kept, oldest first, and the latest is in force
    assert status == 201
    assert [d["decision"] for d in second["decisions"]] == ["hold", "reject"]
    assert second["decision"]["reviewer"] == "Grace"
    assert len(decisions_stored(table_items)) == 2
    assert decisions_stored(table_items)[0]["note"] == "Check refs"  # the first is unchanged

    # And the record shows the decision in force and the trail, and its timeline the decisions
    status, record, _ = record_api.call(
        "GET",
        f"/interviews/{ROOM}",
        path_parameters={"roomName": ROOM},
        route_key="GET /interviews/{roomName}",
    )
    assert status == 200
    assert record["decision"] == second["decision"]
    assert record["decisions"] == second["decisions"]
    assert [e["detail"] for e in record["timeline"] if e["event"] == "decision_recorded"] == [
        "hold",
        "reject",
    ]

    # And the report page says who decided what, with the note escaped
    status, page = report_page(record_api)
    assert status == 200
    assert "Decided by <strong>Grace</strong>" in page
    assert "Every decision recorded, oldest first" in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_report_says_when_no_decision_is_recorded_yet(completed: InterviewItem, record_api: Api) -> None:
    assert "No decision has been recorded yet" in report_page(record_api)[1]
    _, record, _ = record_api.call(
        "GET",
        f"/interviews/{ROOM}",
        path_parameters={"roomName": ROOM},
        route_key="GET /interviews/{roomName}",
    )
    assert (record["decision"], record["decisions"]) == (None, [])


def test_two_decisions_in_the_same_instant_are_both_kept(completed: InterviewItem) -> None:
    # Given a clock that gives the same instant twice
    instant = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    store = InterviewStore(TABLE_NAME, boto3.client("dynamodb"))
    log = DecisionLog(TABLE_NAME, boto3.client("dynamodb"))

    # When two decisions are recorded at that instant
    for reviewer in ("Ada", "Grace"):
        record_decision(
            ROOM,
            DecisionRequest(reviewer=reviewer, decision="hold"),
            store=store,
            decisions=log,
            now=lambda: instant,
        )

    # Then neither overwrote the other: the second took the next microsecond
    trail = log.trail(ROOM, completed.interview_id)
    assert [(d.reviewer, d.decided_at) for d in trail] == [
        ("Ada", "2026-03-01T12:00:00.123456Z"),
        ("Grace", "2026-03-01T12:00:00.123457Z"),
    ]


def test_decisions_on_an_earlier_interview_in_the_room_are_not_shown(
    aws: None, decision_api: Api, record_api: Api
) -> None:
    # Given a decision on a failed interview, and a new interview in the same room
    store_interview(ROOM, state=InterviewState.FAILED, interview_id="old0000000001")
    decide(decision_api, {"reviewer": "Ada", "decision": "reject"})
    store_interview(ROOM, state=InterviewState.COMPLETED, interview_id="new0000000002")

    # When the new interview is decided
    status, body = decide(decision_api, {"reviewer": "Grace", "decision": "advance"})

    # Then its trail holds its own decision only
    assert status == 201
    assert [d["reviewer"] for d in body["decisions"]] == ["Grace"]
    _, record, _ = record_api.call(
        "GET",
        f"/interviews/{ROOM}",
        path_parameters={"roomName": ROOM},
        route_key="GET /interviews/{roomName}",
    )
    assert [d["reviewer"] for d in record["decisions"]] == ["Grace"]


# -- refused -----------------------------------------------------------------------------------------


def test_an_unknown_room_is_404_and_nothing_is_written(
    aws: None, decision_api: Api, table_items: Any
) -> None:
    status, body = decide(decision_api, {"reviewer": "Ada", "decision": "advance"}, room="no-such-room")
    assert status == 404
    assert body["error"]["code"] == "not_found"
    assert "no-such-room" in body["detail"]
    assert table_items() == []


@pytest.mark.parametrize(
    "state",
    [
        InterviewState.REQUESTED,
        InterviewState.LAUNCHING,
        InterviewState.WAITING_FOR_CANDIDATE,
        InterviewState.IN_PROGRESS,
    ],
)
def test_a_running_interview_cannot_be_decided_yet(
    aws: None, decision_api: Api, table_items: Any, state: InterviewState
) -> None:
    store_interview(ROOM, state=state)
    status, body = decide(decision_api, {"reviewer": "Ada", "decision": "advance"})
    assert status == 409
    assert f"still {state.value}" in body["detail"]
    assert decisions_stored(table_items) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reviewer": 42, "decision": "advance"}, "body.reviewer"),
        ({"reviewer": "Ada", "decision": "maybe"}, "body.decision"),
        ({"reviewer": "Ada", "decision": 1}, "body.decision"),
        ({"reviewer": "Ada"}, "body.decision"),
        ({"decision": "advance"}, "body.reviewer"),
        ({"reviewer": "   ", "decision": "advance"}, "body.reviewer"),
        ({"reviewer": "x" * 201, "decision": "advance"}, "body.reviewer"),
        ({"reviewer": "Ada", "decision": "advance", "note": "x" * (MAX_NOTE_CHARS + 1)}, "body.note"),
        ({"reviewer": "Ada", "decision": "advance", "note": ["a list"]}, "body.note"),
        ({"reviewer": "Ada", "decision": "advance", "score": 5}, "body.score"),
    ],
    ids=[
        "reviewer-number",
        "unknown-decision",
        "decision-number",
        "no-decision",
        "no-reviewer",
        "blank-reviewer",
        "long-reviewer",
        "oversize-note",
        "note-list",
        "unknown-field",
    ],
)
def test_bad_bodies_are_422_with_the_field_and_nothing_is_written(
    completed: InterviewItem, decision_api: Api, table_items: Any, body: dict[str, Any], field: str
) -> None:
    status, answer = decide(decision_api, body)
    assert status == 422, answer
    assert answer["error"]["code"] == "validation_error"
    assert field in [detail["field"] for detail in answer["error"]["details"]]
    assert decisions_stored(table_items) == []


@pytest.mark.parametrize(
    ("raw", "headers", "expected"),
    [
        ('{"reviewer": "Ada", "decision":', {}, 400),
        ("not json at all", {}, 400),
        (json.dumps({"reviewer": "Ada", "decision": "hold", "note": "x" * 20_000}), {}, 413),
        (json.dumps({"reviewer": "Ada", "decision": "hold"}), {"authorization": "Bearer wrong-key"}, 401),
        (json.dumps({"reviewer": "Ada", "decision": "hold"}), {"authorization": "Basic abc"}, 401),
    ],
    ids=["truncated-json", "not-json", "oversize-body", "wrong-bearer", "not-bearer"],
)
def test_bad_json_size_and_auth_are_refused_and_nothing_is_written(
    completed: InterviewItem,
    decision_api: Api,
    table_items: Any,
    raw: str,
    headers: dict[str, str],
    expected: int,
) -> None:
    status, answer, _ = decision_api.call(
        "POST", PATH, raw_body=raw, headers=headers, path_parameters={"roomName": ROOM}, route_key=ROUTE
    )
    assert status == expected, answer
    assert answer["success"] is False
    assert decisions_stored(table_items) == []


def test_without_a_bearer_token_it_is_401(
    completed: InterviewItem, decision_api: Api, table_items: Any
) -> None:
    status, answer = decide(decision_api, {"reviewer": "Ada", "decision": "advance"}, auth=False)
    assert status == 401
    assert answer["error"]["code"] == "unauthorized"
    assert decisions_stored(table_items) == []


@pytest.mark.parametrize("room", ["-starts-with-a-dash", "r" * 200], ids=["bad-character", "too-long"])
def test_a_room_name_that_could_not_exist_is_422(aws: None, decision_api: Api, room: str) -> None:
    status, answer = decide(decision_api, {"reviewer": "Ada", "decision": "advance"}, room=room)
    assert status == 422
    assert answer["error"]["code"] == "validation_error"
