"""Candidate ids as real systems have them (emails with `+` tags, the seed's literal "candidate"), and the
one identity rule: `candidate-<id>`, never `candidate-candidate-...`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from interview_common.lifecycle import InterviewState
from interview_common.models.identifiers import default_candidate_identity, is_agent_identity
from livekit import api

from local.apigw_events import LocalLambdaContext, http_api_event
from tests.conftest import TEST_API_KEY, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, Api, FakeLiveKit
from tests.integration.stored_interviews import read_interview, store_interview

EMAIL = "ada.lovelace+interviews@example.com"


def start(start_api: Api, candidate_id: str, room: str = "room-ids-1") -> tuple[int, dict[str, Any]]:
    status, body, _ = start_api.call(
        "POST", "/start-interview", body={"roomName": room, "candidateId": candidate_id, "jobId": "job-1"}
    )
    return status, body


def token_identity(token: str) -> str:
    return api.TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET).verify(token).identity


@pytest.mark.parametrize(
    ("candidate_id", "identity"),
    [
        (EMAIL, f"candidate-{EMAIL}"),
        ("candidate", "candidate"),  # the seed's fallback when it has no id
        ("candidate-42", "candidate-42"),
        ("candidate_ada@example.com", "candidate_ada@example.com"),
        ("Candidate-7", "candidate-Candidate-7"),  # clients test includes('candidate'), case-sensitive
        ("c0ffee-42", "candidate-c0ffee-42"),
    ],
)
def test_a_real_candidate_id_starts_an_interview_with_one_candidate_prefix(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit, start_api: Api, candidate_id: str, identity: str
) -> None:
    # When the frontend starts an interview for that candidate id
    status, body = start(start_api, candidate_id)

    # Then it is accepted, and the candidate's identity carries "candidate-" once
    assert status == 202
    assert body["candidateId"] == candidate_id
    assert body["candidateIdentity"] == identity
    assert token_identity(body["token"]) == identity
    stored = read_interview("room-ids-1")
    assert stored is not None and stored.candidate_identity == identity


@pytest.mark.parametrize(
    "candidate_id",
    [
        "ada\nlovelace@example.com",
        "ada\x00@example.com",
        "ada\u200b@example.com",
        " ada@example.com",
        "a b",
        "x" * 255,
        "",
        "a/b",
        "..",
    ],
    ids=["newline", "nul", "zero-width", "leading-space", "space", "too-long", "empty", "slash", "dots"],
)
def test_a_candidate_id_with_control_characters_or_too_long_is_a_422(
    aws: None, start_api: Api, candidate_id: str
) -> None:
    status, body = start(start_api, candidate_id)

    assert status == 422
    assert body["error"]["code"] == "validation_error"
    assert [detail["field"] for detail in body["error"]["details"]] == ["body.candidateId"]
    assert read_interview("room-ids-1") is None


def test_the_longest_email_smtp_carries_is_accepted(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit, start_api: Api
) -> None:
    candidate_id = "a" * 64 + "@" + "b" * 185 + ".com"  # 254 characters
    status, _ = start(start_api, candidate_id)
    assert status == 202


@pytest.mark.parametrize("encode", [False, True], ids=["as-sent", "percent-encoded"])
def test_interview_status_finds_an_email_candidate_whether_or_not_the_path_is_encoded(
    aws: None, encode: bool
) -> None:
    # Given an interview of a candidate whose id is an email with a + tag
    store_interview("room-email", candidate_id=EMAIL, state=InterviewState.IN_PROGRESS)
    segment = quote(EMAIL, safe="") if encode else EMAIL

    # When the frontend asks for their status (API Gateway keeps the path percent-encoded)
    status, body, _ = Api("interview_status").call(
        "GET",
        f"/interview-status/{segment}",
        path_parameters={"candidateId": segment},
        route_key="GET /interview-status/{candidateId}",
    )

    # Then it is found
    assert status == 200
    assert body["status"] == "active" and body["roomName"] == "room-email"


def test_a_token_for_an_email_identity_is_issued(aws: None, livekit: FakeLiveKit) -> None:
    # When the seed's /interview page asks for the candidate's token with its own identity
    status, body, _ = Api("issue_token").call(
        "POST", "/token", body={"room": "room-email", "identity": f"candidate-{EMAIL}"}
    )

    # Then it is issued for that identity
    assert status == 200
    assert token_identity(body["token"]) == f"candidate-{EMAIL}"


def test_end_interview_by_an_email_candidate_id(aws: None, livekit: FakeLiveKit) -> None:
    store_interview("room-email", candidate_id=EMAIL, state=InterviewState.WAITING_FOR_CANDIDATE)
    status, body, _ = Api("end_interview").call("POST", "/end-interview", body={"candidateId": EMAIL})
    assert status == 200
    assert body["roomName"] == "room-email"
    assert body["state"] == "abandoned" and body["endReason"] == "no_show"


def test_the_identity_rule_is_one_function() -> None:
    assert default_candidate_identity("42") == "candidate-42"
    assert default_candidate_identity("candidate") == "candidate"
    assert not is_agent_identity(default_candidate_identity("interview-agent-x"))
    assert is_agent_identity("interview-agent-123")


def test_the_record_and_report_of_a_no_show_say_the_candidate_never_joined(
    aws: None, livekit: FakeLiveKit
) -> None:
    # Given an interview ended before its candidate ever joined
    store_interview("room-noshow", candidate_id=EMAIL, state=InterviewState.WAITING_FOR_CANDIDATE)
    assert Api("end_interview").call("POST", "/end-interview", body={"roomName": "room-noshow"})[0] == 200

    # When the hiring team reads the record and the report
    record = Api("interview_record").call("GET", "/interviews/room-noshow")[1]
    event = http_api_event(
        "GET", "/interviews/room-noshow/report.html", headers={"authorization": f"Bearer {TEST_API_KEY}"}
    )
    page = Api("interview_record").module.lambda_handler(event, LocalLambdaContext("interview_record"))

    # Then both say it was a no-show
    assert record["interview"]["state"] == "abandoned" and record["interview"]["endReason"] == "no_show"
    assert page["statusCode"] == 200
    assert "never joined" in page["body"]


def test_a_candidate_identity_reserved_for_the_interviewer_is_a_422(aws: None, start_api: Api) -> None:
    status, body, _ = start_api.call(
        "POST",
        "/start-interview",
        body={
            "roomName": "room-ids-9",
            "candidateId": "c9",
            "jobId": "j",
            "candidateIdentity": "interview-agent-9",
        },
    )
    assert status == 422
    assert [detail["field"] for detail in body["error"]["details"]] == ["body.candidateIdentity"]
