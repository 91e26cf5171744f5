"""POST /agent/candidate-details through the real handler and moto's DynamoDB: what is kept, what is not."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from interview_common.lifecycle import InterviewState

from tests.conftest import Api
from tests.integration.stored_interviews import store_interview

ROOM = "interview-room-7"
EMAIL = "ada.lovelace@example.com"
RESUME_MARKER = "resume-text-that-must-not-be-stored"

# The seed's room page (app/interview-room/[roomId]) and invitation form post this flat shape.
ROOM_PAGE_BODY: dict[str, Any] = {
    "roomName": ROOM,
    "candidateName": "Ada Lovelace",
    "candidateEmail": EMAIL,
    "candidateSkills": "Python, AWS,  DynamoDB;python\nDistributed systems",
    "experience": "6 years building payment systems",
    "candidateProjects": "Analytical engine",
    "candidateSummary": "A strong engineer.",
    "resumeAnalysis": {"text": RESUME_MARKER, "skills": ["Python"]},
    "jobId": "job-7",
    "jobTitle": "Backend Engineer",
    "jobDepartment": "Engineering",
    "interviewDate": "2026-01-02",
    "agentPrompt": {"greeting_message": "Hello!", "technical_questions": ["Explain CAP."]},
    "interviewMode": "Video",
    "difficultyLevel": "Medium",
}
KEPT = {
    "candidateName": "Ada Lovelace",
    "jobTitle": "Backend Engineer",
    "jobDepartment": "Engineering",
    "skills": ["Python", "AWS", "DynamoDB", "Distributed systems"],
    "experience": "6 years building payment systems",
    "interviewMode": "video",
    "difficultyLevel": "medium",
}


@pytest.fixture
def details_api() -> Api:
    return Api("candidate_details")


def context_item(table_items: Any) -> dict[str, Any]:
    (item,) = [item for item in table_items() if item["SK"] == "CONTEXT"]
    return item


def test_the_room_page_body_keeps_a_minimal_context_and_not_the_email_or_resume(
    aws: None, details_api: Api, table_items: Any
) -> None:
    # Given a room whose interview is waiting for the candidate
    interview = store_interview(ROOM, state=InterviewState.WAITING_FOR_CANDIDATE)

    # When the seed's room page posts the candidate's record
    status, body, _ = details_api.call("POST", "/agent/candidate-details", body=ROOM_PAGE_BODY)

    # Then it answers what was kept
    assert status == 200
    assert body["status"] == "success" and body["success"] is True
    assert body["roomName"] == ROOM
    assert body["context"] == KEPT
    assert body["interviewState"] == "waiting_for_candidate"
    # And ROOM#<room>/CONTEXT holds exactly that, expiring with the interview
    item = context_item(table_items)
    assert item["PK"] == f"ROOM#{ROOM}"
    assert item["expiresAt"] == interview.expires_at
    assert set(item) == {
        "PK",
        "SK",
        "expiresAt",
        "room_name",
        "updated_at",
        "candidate_name",
        "job_title",
        "job_department",
        "skills",
        "experience",
        "interview_mode",
        "difficulty_level",
    }
    # And neither the email, the resume, the projects, the summary nor the prompt is stored anywhere
    stored = json.dumps(table_items(), default=str)
    for never in (
        EMAIL,
        RESUME_MARKER,
        "Analytical engine",
        "A strong engineer",
        "Explain CAP",
        "2026-01-02",
    ):
        assert never not in stored
    # And the interview itself is unchanged
    (meta,) = [item for item in table_items() if item["SK"] == "META"]
    assert meta["state"] == "waiting_for_candidate"
    assert meta["version"] == 1


@pytest.fixture
def json_log_lines() -> Iterator[io.StringIO]:
    """Every line the Powertools logger writes from here on (its own handler keeps the first stdout)."""
    from interview_common.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logging.getLogger(logger.name).addHandler(handler)
    yield stream
    logging.getLogger(logger.name).removeHandler(handler)


def test_the_email_name_and_resume_never_reach_the_logs(
    aws: None, details_api: Api, json_log_lines: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    details_api.call("POST", "/agent/candidate-details", body=ROOM_PAGE_BODY)
    details_api.call("POST", "/agent/candidate-details", body={**ROOM_PAGE_BODY, "candidateSkills": 42})

    logs = json_log_lines.getvalue()
    captured = capsys.readouterr()
    # Which fields were kept is logged, never their values
    assert "interview context kept" in logs and "candidate_name" in logs
    for never in (EMAIL, RESUME_MARKER, "Ada Lovelace", "Backend Engineer"):
        assert never not in logs + captured.out + captured.err


def test_a_room_with_no_interview_yet_keeps_the_context_for_the_retention_period(
    aws: None, details_api: Api, table_items: Any
) -> None:
    # Given no interview in the room yet (the seed posts from its invitation form, before the interview)
    # When the details are posted
    status, body, _ = details_api.call("POST", "/agent/candidate-details", body=ROOM_PAGE_BODY)

    # Then they are kept, with no interview state, and expire after the retention period (90 days)
    assert status == 200
    assert body["interviewState"] is None
    expires_in_days = (int(context_item(table_items)["expiresAt"]) - time.time()) / 86400
    assert 89.9 < expires_in_days <= 90
    assert [item["SK"] for item in table_items()] == ["CONTEXT"]


def test_the_nested_shape_of_the_seeds_send_candidate_details_route_is_read(
    aws: None, details_api: Api, table_items: Any
) -> None:
    # Given the body the seed's /api/send-candidate-details route builds (candidateProfile, jobInfo)
    nested = {
        "roomName": ROOM,
        "sessionId": "session_1767258000000",
        "candidateId": EMAIL,
        "candidateName": "Ada Lovelace",
        "candidateEmail": EMAIL,
        "candidateProfile": {
            "name": "Ada Lovelace",
            "email": EMAIL,
            "skills": "Python, Rust",
            "experience": "Senior",
            "projects": "Engines",
            "summary": "",
        },
        "resumeAnalysis": None,
        "jobInfo": {"jobId": "job-7", "jobTitle": "Platform Engineer", "department": "Infrastructure"},
        "agentConfig": {"agentId": "default-agent", "agentPrompt": "Conduct a professional interview."},
        "metadata": {"timestamp": "2026-01-01T09:00:00Z", "source": "frontend-api", "version": "1.0"},
    }

    status, body, _ = details_api.call("POST", "/agent/candidate-details", body=nested)

    assert status == 200
    assert body["context"] == {
        "candidateName": "Ada Lovelace",
        "jobTitle": "Platform Engineer",
        "jobDepartment": "Infrastructure",
        "skills": ["Python", "Rust"],
        "experience": "Senior",
        "interviewMode": None,
        "difficultyLevel": None,
    }
    assert EMAIL not in json.dumps(table_items(), default=str)


def test_a_later_partial_post_fills_gaps_and_keeps_what_it_does_not_carry(
    aws: None, details_api: Api, table_items: Any
) -> None:
    # Given the invitation form's full post
    details_api.call("POST", "/agent/candidate-details", body=ROOM_PAGE_BODY)

    # When the room page posts again knowing less (no job posting loaded, an empty prompt)
    status, body, _ = details_api.call(
        "POST",
        "/agent/candidate-details",
        body={
            "roomName": ROOM,
            "candidateName": "Ada L.",
            "jobTitle": None,
            "experience": "",
            "agentPrompt": "",
        },
    )

    # Then the name is updated and everything else is kept
    assert status == 200
    assert body["context"] == {**KEPT, "candidateName": "Ada L."}
    assert context_item(table_items)["candidate_name"] == "Ada L."


def test_long_and_untidy_values_are_cut_to_their_caps(aws: None, details_api: Api) -> None:
    body = {
        "roomName": ROOM,
        "candidateName": "  Ada\t\nLovelace\x00  ",
        "jobTitle": "Senior " * 40,
        "candidateSkills": [f"skill-{index}" for index in range(50)],
        "experience": 7,
    }

    status, answer, _ = details_api.call("POST", "/agent/candidate-details", body=body)

    assert status == 200
    context = answer["context"]
    assert context["candidateName"] == "Ada Lovelace"
    assert len(context["jobTitle"]) <= 120 and context["jobTitle"].startswith("Senior Senior")
    assert context["skills"] == [f"skill-{index}" for index in range(20)]
    assert context["experience"] == "7"


def test_the_seeds_placeholder_name_and_title_are_not_kept(aws: None, details_api: Api) -> None:
    # The seed fills in 'Candidate' and 'Position' when it knows nothing: they would make the greeting odd
    status, body, _ = details_api.call(
        "POST",
        "/agent/candidate-details",
        body={"roomName": ROOM, "candidateName": "Candidate", "jobInfo": {"jobTitle": "Position"}},
    )

    assert status == 200
    assert body["context"]["candidateName"] is None
    assert body["context"]["jobTitle"] is None


def test_a_body_of_up_to_64_kib_is_taken_and_a_larger_one_is_413(
    aws: None, details_api: Api, table_items: Any
) -> None:
    # Given the seed's post with a long resume analysis (~50 KB, above the general 16 KiB cap)
    large = {**ROOM_PAGE_BODY, "resumeAnalysis": {"text": RESUME_MARKER + " word" * 10_000}}
    too_large = {**ROOM_PAGE_BODY, "resumeAnalysis": {"text": "x" * (64 * 1024)}}
    assert 16 * 1024 < len(json.dumps(large)) < 64 * 1024

    taken, _, _ = details_api.call("POST", "/agent/candidate-details", body=large)
    refused, error, _ = details_api.call("POST", "/agent/candidate-details", body=too_large)

    assert taken == 200
    assert refused == 413
    assert error["error"]["code"] == "payload_too_large"
    assert RESUME_MARKER not in json.dumps(table_items(), default=str)


@pytest.mark.parametrize("state", [InterviewState.COMPLETED, InterviewState.ABANDONED])
def test_a_finished_interviews_room_gets_no_context(
    aws: None, details_api: Api, table_items: Any, state: InterviewState
) -> None:
    store_interview(ROOM, state=state)

    status, body, _ = details_api.call("POST", "/agent/candidate-details", body=ROOM_PAGE_BODY)

    assert status == 409
    assert state.value in body["detail"]
    assert [item["SK"] for item in table_items()] == ["META"]


def test_a_failed_interviews_room_may_get_a_context_for_its_next_start(aws: None, details_api: Api) -> None:
    store_interview(ROOM, state=InterviewState.FAILED)

    status, body, _ = details_api.call("POST", "/agent/candidate-details", body=ROOM_PAGE_BODY)

    assert status == 200
    assert body["interviewState"] == "failed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"candidateName": "Ada"}, "body.roomName", id="no-room"),
        pytest.param({"roomName": "room with spaces"}, "body.roomName", id="bad-room"),
        pytest.param(
            {"roomName": ROOM, "candidateName": {"first": "Ada"}}, "body.candidateName", id="name-object"
        ),
        pytest.param({"roomName": ROOM, "candidateSkills": 42}, "body.candidateSkills", id="skills-number"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    aws: None, details_api: Api, table_items: Any, body: dict[str, Any], field: str
) -> None:
    status, answer, _ = details_api.call("POST", "/agent/candidate-details", body=body)

    assert status == 422
    assert any(detail["field"].startswith(field) for detail in answer["error"]["details"])
    assert table_items() == []


def test_bad_json_and_a_missing_bearer_are_refused(aws: None, details_api: Api, table_items: Any) -> None:
    bad_json, _, _ = details_api.call("POST", "/agent/candidate-details", raw_body='{"roomName": ')
    anonymous, body, _ = details_api.call("POST", "/agent/candidate-details", body=ROOM_PAGE_BODY, auth=False)

    assert bad_json == 400
    assert anonymous == 401
    assert body["error"]["code"] == "unauthorized"
    assert table_items() == []
