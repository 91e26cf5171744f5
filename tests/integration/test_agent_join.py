"""POST /agent/join (start-interview under the seed's other name) and the seed's status calls, with the
bodies and query strings the seed's pages and server routes send (moto DynamoDB and ECS, LiveKit fake)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from livekit import api

from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, Api, FakeLiveKit

ROOM = "interview-candidate-test@example.com-1767258000000"
# What the seed's /api/agent-join route posts: start-interview's fields among its whole invitation,
# job posting and prompt template (numbers, booleans, nulls and objects included).
AGENT_JOIN_BODY: dict[str, Any] = {
    "roomName": ROOM,
    "sessionId": None,
    "candidateId": "test@example.com",
    "candidateName": "Test Candidate",
    "candidateEmail": "test@example.com",
    "candidateSkills": "Python, SQL",
    "candidateExperience": "4 years",
    "candidateProjects": "",
    "jobId": "default-job",
    "jobTitle": "Data Engineer",
    "jobDepartment": "Data",
    "jobDescription": "Builds pipelines.",
    "employmentType": "full-time",
    "experienceLevel": "mid",
    "location": "Remote",
    "salaryMin": None,
    "salaryMax": 120000,
    "currency": "USD",
    "isRemote": True,
    "interviewMode": "video",
    "interviewLanguage": "en",
    "interviewDuration": 30,
    "questionsCount": 5,
    "difficultyLevel": "medium",
    "interviewDate": None,
    "interviewTime": None,
    "agentId": "default-agent",
    "agentPrompt": {},
    "promptTemplateName": "",
    "promptTemplateCategory": "technical",
    "promptTemplateDuration": 45,
    "promptText": {
        "duration": 45,
        "greeting_message": "Hello Test Candidate, welcome to your interview!",
        "technical_questions": [],
        "default_questions": [],
        "error_messages": {},
    },
}


def running_tasks(ecs_cluster: dict[str, Any]) -> list[str]:
    return ecs_cluster["ecs"].list_tasks(cluster=ecs_cluster["cluster"])["taskArns"]


def test_agent_join_starts_the_interview_like_start_interview(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit, start_api: Api, table_items: Any
) -> None:
    # Given the seed's agent-join body (an email as candidateId, its extra fields)
    # When it is posted to /agent/join
    status, body, _ = start_api.call("POST", "/agent/join", body=AGENT_JOIN_BODY)

    # Then the interview starts exactly as /start-interview starts it: 202, one agent, a candidate token
    assert status == 202, body
    assert body["success"] is True
    assert body["roomName"] == ROOM
    assert body["candidateId"] == "test@example.com"
    assert body["state"] == "launching"
    assert len(running_tasks(ecs_cluster)) == 1
    claims = api.TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET).verify(body["token"])
    assert claims.identity == "candidate-test@example.com"
    assert claims.video is not None and claims.video.room == ROOM
    # And only start-interview's fields were recorded: the extra ones (email, salary, prompt) were not
    (meta,) = [item for item in table_items() if item["SK"] == "META"]
    assert meta["candidate_name"] == "Test Candidate"
    stored = json.dumps(table_items(), default=str)
    for extra in ("120000", "Builds pipelines", "greeting_message", "Remote"):
        assert extra not in stored


def test_agent_join_then_start_interview_for_the_same_room_launch_one_agent(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit, start_api: Api
) -> None:
    # Given the seed's agent-join arrived first
    _, joined, _ = start_api.call("POST", "/agent/join", body=AGENT_JOIN_BODY)

    # When its start-interview route posts the same room and candidate
    status, started, _ = start_api.call(
        "POST",
        "/start-interview",
        body={"roomName": ROOM, "candidateId": "test@example.com", "jobId": "default-job"},
    )

    # Then it is the same interview (200), and one agent runs
    assert status == 200
    assert started["interviewId"] == joined["interviewId"]
    assert len(running_tasks(ecs_cluster)) == 1


def test_agent_join_takes_a_body_above_the_general_cap_but_start_interview_does_not(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit, start_api: Api
) -> None:
    # Given an agent-join body with a long job description and prompt template (~40 KB)
    large = {**AGENT_JOIN_BODY, "jobDescription": "Builds and runs data pipelines. " * 1200}
    assert 16 * 1024 < len(json.dumps(large)) < 64 * 1024

    # When it is posted to /agent/join, and the same bytes to /start-interview
    joined, _, _ = start_api.call("POST", "/agent/join", body=large)
    started, refused, _ = start_api.call("POST", "/start-interview", body=large)

    # Then agent/join accepts it, and start-interview keeps the general 16 KiB cap
    assert joined == 202
    assert started == 413
    assert refused["error"]["code"] == "payload_too_large"


def test_agent_join_refuses_a_body_above_its_own_cap(aws: None, start_api: Api, table_items: Any) -> None:
    huge = {**AGENT_JOIN_BODY, "jobDescription": "x" * (64 * 1024)}

    status, body, _ = start_api.call("POST", "/agent/join", body=huge)

    assert status == 413
    assert "65536" in body["detail"]
    assert table_items() == []


def test_agent_join_requires_the_bearer(aws: None, start_api: Api, table_items: Any) -> None:
    status, body, _ = start_api.call("POST", "/agent/join", body=AGENT_JOIN_BODY, auth=False)

    assert status == 401
    assert body["error"]["code"] == "unauthorized"
    assert table_items() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"roomName": None}, "body.roomName", id="no-room"),
        pytest.param({"candidateId": "has spaces"}, "body.candidateId", id="bad-candidate"),
        pytest.param({"roomName": "../etc"}, "body.roomName", id="bad-room"),
    ],
)
def test_agent_join_names_a_bad_field(
    aws: None, start_api: Api, table_items: Any, change: dict[str, Any], field: str
) -> None:
    status, body, _ = start_api.call("POST", "/agent/join", body={**AGENT_JOIN_BODY, **change})

    assert status == 422
    assert field in {detail["field"] for detail in body["error"]["details"]}
    assert table_items() == []


def test_the_seed_status_calls_answer_for_an_agent_join_interview(
    ecs_cluster: dict[str, Any], livekit: FakeLiveKit, start_api: Api
) -> None:
    # Given an interview started through /agent/join
    start_api.call("POST", "/agent/join", body=AGENT_JOIN_BODY)

    # When the seed's agent-status route asks /interview-status/{candidateId} (its primary source)
    status, by_candidate, _ = Api("interview_status").call(
        "GET",
        "/interview-status/test@example.com",
        path_parameters={"candidateId": "test@example.com"},
        route_key="GET /interview-status/{candidateId}",
    )
    # And a page polls /agent-status with both of the seed's query parameters
    polled, by_room, _ = Api("agent_status").call(
        "GET", "/agent-status", query={"room": ROOM, "candidateId": "test@example.com"}
    )

    # Then the candidate's interview is 'active' in the room the seed reads, and the room's status answers
    assert status == 200
    assert by_candidate["status"] == "active"
    assert by_candidate["roomName"] == ROOM
    assert polled == 200
    assert by_room["roomName"] == ROOM
    assert by_room["agentConnected"] is False
    assert by_room["roomMetadata"]["candidateId"] == "test@example.com"
