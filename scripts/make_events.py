"""Writes events/: one sample event per function for `sam local invoke -e`, and events/env.json.

    .venv/bin/python scripts/make_events.py          # (re)write events/
    .venv/bin/python scripts/make_events.py --check  # fail if events/ differs from what this script writes

Each sample is one function below, registered with @sample(file, function logical id). HTTP samples are
built by local/apigw_events.http_api_event (the builder the local stack and the tests use) and carry the
dev bearer key. Request ids and times are fixed so that regenerating changes nothing.

    sam local invoke StartInterviewFunction -e events/start_interview.json --env-vars events/env.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from local.apigw_events import http_api_event  # noqa: E402
from local.template_resources import load_template  # noqa: E402

EVENTS_DIR = ROOT / "events"
# The dev defaults of DESIGN.md ("Local embedded default"): the backend key and LiveKit's dev-mode pair.
DEV_BACKEND_API_KEY = "dev-backend-key"
DEV_LIVEKIT_API_KEY = "devkey"
DEV_LIVEKIT_API_SECRET = "secret"  # noqa: S105 - LiveKit's published dev-mode secret
# `sam local invoke` runs the function in Docker: the host (LiveKit dev server, moto server) is
# host.docker.internal from inside the container.
LOCAL_HOST = "host.docker.internal"
LOCAL_TABLE = "live-interview-local"

FIXED_TIME = "01/Jan/2026:09:00:00 +0000"
FIXED_EPOCH_MS = 1_767_258_000_000

SAMPLE_ROOM = "demo-room-1"
SAMPLE_CANDIDATE = "cand-demo"
SAMPLE_JOB = "job-demo"


Builder = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Sample:
    file: str
    function_id: str
    build: Builder


SAMPLES: list[Sample] = []


def sample(file: str, function_id: str) -> Callable[[Builder], Builder]:
    """Registers a function that builds the sample event `events/<file>` for `function_id`."""

    def register(build: Builder) -> Builder:
        SAMPLES.append(Sample(file, function_id, build))
        return build

    return register


def http_sample(
    name: str,
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    route_key: str | None = None,
    auth: bool = True,
) -> dict[str, Any]:
    """An API Gateway HTTP API (v2) event as the frontend's server route would cause it."""
    headers = {"authorization": f"Bearer {DEV_BACKEND_API_KEY}"} if auth else {}
    headers.update(
        {
            "host": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "origin": "http://localhost:3000",
            "user-agent": "node",
        }
    )
    if body is not None:
        headers["content-type"] = "application/json"
    event = http_api_event(
        method,
        path,
        body=json.dumps(body) if body is not None else None,
        headers=headers,
        query=query,
        path_parameters=path_parameters,
        route_key=route_key,
        source_ip="203.0.113.10",
    )
    context = event["requestContext"]
    context["requestId"] = f"sample-{name}"
    context["time"] = FIXED_TIME
    context["timeEpoch"] = FIXED_EPOCH_MS
    return event


# ----------------------------------------------------------------------------------------- HTTP samples


@sample("start_interview.json", "StartInterviewFunction")
def start_interview() -> dict[str, Any]:
    # The seed's frontend also sends its LiveKit URL and key pair (and agentToken): accepted and ignored.
    return http_sample(
        "start-interview",
        "POST",
        "/start-interview",
        body={
            "roomName": SAMPLE_ROOM,
            "candidateId": SAMPLE_CANDIDATE,
            "jobId": SAMPLE_JOB,
            "candidateName": "Ada Lovelace",
            "livekitUrl": f"ws://{LOCAL_HOST}:7880",
            "livekitApiKey": DEV_LIVEKIT_API_KEY,
            "livekitApiSecret": DEV_LIVEKIT_API_SECRET,
        },
    )


@sample("agent_status.json", "AgentStatusFunction")
def agent_status() -> dict[str, Any]:
    return http_sample("agent-status", "GET", "/agent-status", query={"room": SAMPLE_ROOM})


@sample("agent_status_by_path.json", "AgentStatusFunction")
def agent_status_by_path() -> dict[str, Any]:
    return http_sample(
        "agent-status-by-path",
        "GET",
        f"/agent-status/{SAMPLE_ROOM}",
        path_parameters={"roomName": SAMPLE_ROOM},
        route_key="GET /agent-status/{roomName}",
    )


@sample("interview_status.json", "InterviewStatusFunction")
def interview_status() -> dict[str, Any]:
    return http_sample(
        "interview-status",
        "GET",
        f"/interview-status/{SAMPLE_CANDIDATE}",
        path_parameters={"candidateId": SAMPLE_CANDIDATE},
        route_key="GET /interview-status/{candidateId}",
    )


@sample("token.json", "IssueTokenFunction")
def token() -> dict[str, Any]:
    return http_sample(
        "token",
        "POST",
        "/token",
        body={"room": SAMPLE_ROOM, "identity": f"candidate-{SAMPLE_CANDIDATE}", "name": "Ada Lovelace"},
    )


@sample("end_interview.json", "EndInterviewFunction")
def end_interview() -> dict[str, Any]:
    return http_sample(
        "end-interview",
        "POST",
        "/end-interview",
        body={"roomName": SAMPLE_ROOM, "candidateId": SAMPLE_CANDIDATE},
    )


@sample("end_interview_by_candidate.json", "EndInterviewFunction")
def end_interview_by_candidate() -> dict[str, Any]:
    # The seed's end-interview route requires only candidateId: the candidate's latest active interview.
    return http_sample(
        "end-interview-by-candidate", "POST", "/end-interview", body={"candidateId": SAMPLE_CANDIDATE}
    )


# ------------------------------------------------------------------------------- the seed's other calls


@sample("health.json", "HealthFunction")
def health() -> dict[str, Any]:
    # Public: the seed checks reachability without a key.
    return http_sample("health", "GET", "/health", auth=False)


@sample("agent_join.json", "StartInterviewFunction")
def agent_join() -> dict[str, Any]:
    # The seed's /api/agent-join body: start-interview's fields among many others, which are ignored.
    return http_sample(
        "agent-join",
        "POST",
        "/agent/join",
        body={
            "roomName": SAMPLE_ROOM,
            "sessionId": "session-demo",
            "candidateId": SAMPLE_CANDIDATE,
            "candidateName": "Ada Lovelace",
            "candidateEmail": "ada@example.com",
            "jobId": SAMPLE_JOB,
            "jobTitle": "Backend Engineer",
            "jobDepartment": "Engineering",
            "interviewMode": "video",
            "difficultyLevel": "medium",
            "questionsCount": 5,
            "salaryMin": None,
            "isRemote": True,
            "agentId": "default-agent",
            "agentPrompt": {"greeting_message": "Hello Ada, welcome to your interview!"},
            "promptText": {"duration": 45, "technical_questions": [], "default_questions": []},
        },
    )


@sample("candidate_details.json", "CandidateDetailsFunction")
def candidate_details() -> dict[str, Any]:
    # The seed's room page body: only name, job title, department, skills, experience, mode and
    # difficulty are kept; the email and the resume analysis are not stored.
    return http_sample(
        "candidate-details",
        "POST",
        "/agent/candidate-details",
        body={
            "roomName": SAMPLE_ROOM,
            "candidateName": "Ada Lovelace",
            "candidateEmail": "ada@example.com",
            "candidateSkills": "Python, AWS, DynamoDB",
            "experience": "6 years building payment systems",
            "candidateProjects": "Analytical engine notes",
            "resumeAnalysis": {"summary": "Not stored by the backend."},
            "jobId": SAMPLE_JOB,
            "jobTitle": "Backend Engineer",
            "jobDepartment": "Engineering",
            "agentPrompt": "",
            "interviewMode": "video",
            "difficultyLevel": "medium",
        },
    )


@sample("candidate_joined.json", "CandidateJoinedFunction")
def candidate_joined() -> dict[str, Any]:
    return http_sample(
        "candidate-joined",
        "POST",
        "/api/candidate-joined",
        body={
            "sessionId": "session-demo",
            "roomId": SAMPLE_ROOM,
            "candidateName": "Ada Lovelace",
            "candidateEmail": "ada@example.com",
        },
    )


@sample("interview_record.json", "InterviewRecordFunction")
def interview_record() -> dict[str, Any]:
    return http_sample(
        "interview-record",
        "GET",
        f"/interviews/{SAMPLE_ROOM}",
        path_parameters={"roomName": SAMPLE_ROOM},
        route_key="GET /interviews/{roomName}",
    )


@sample("interview_report_html.json", "InterviewRecordFunction")
def interview_report_html() -> dict[str, Any]:
    return http_sample(
        "interview-report-html",
        "GET",
        f"/interviews/{SAMPLE_ROOM}/report.html",
        path_parameters={"roomName": SAMPLE_ROOM},
        route_key="GET /interviews/{roomName}/report.html",
    )


@sample("interview_decision.json", "InterviewDecisionFunction")
def interview_decision() -> dict[str, Any]:
    # A person's decision once the interview has ended (the sample interview must have ended: else 409).
    return http_sample(
        "interview-decision",
        "POST",
        f"/interviews/{SAMPLE_ROOM}/decision",
        body={"reviewer": "grace@example.com", "decision": "advance", "note": "Specific, measured answers."},
        path_parameters={"roomName": SAMPLE_ROOM},
        route_key="POST /interviews/{roomName}/decision",
    )


@sample("delete_candidate.json", "DeleteCandidateFunction")
def delete_candidate() -> dict[str, Any]:
    # Erases every interview of the sample candidate (409 while one is still running).
    return http_sample(
        "delete-candidate",
        "DELETE",
        f"/candidates/{SAMPLE_CANDIDATE}",
        path_parameters={"candidateId": SAMPLE_CANDIDATE},
        route_key="DELETE /candidates/{candidateId}",
    )


# ----------------------------------------------------------------------------------------- hiring team

SAMPLE_PROFILE: dict[str, Any] = {
    "title": "Backend Engineer",
    "rubric_version": "backend-2026.1",
    "competencies": [
        {
            "id": "system_design",
            "name": "System design",
            "description": "Designs services that hold up under load and failure.",
            "weight": 2,
            "indicators": ["queue", "cache", "latency", "trade-off"],
            "levels": [
                {"level": 1, "description": "No design described."},
                {"level": 3, "description": "A workable design with some reasoning about load or failure."},
                {"level": 5, "description": "Explicit trade-offs, failure modes and measured results."},
            ],
        }
    ],
    "questions": [
        {
            "id": "design",
            "text": "Tell me about a service you designed that had to handle a lot of traffic.",
            "competencies": ["system_design"],
            "probes": [{"text": "What did you measure to know it worked?", "missing": "result"}],
        }
    ],
    "about": "The team runs the payments API.",
}


@sample("job_profile_put.json", "JobProfileFunction")
def job_profile_put() -> dict[str, Any]:
    # Saves the job's profile as a new version (its rubric version becomes backend-2026.1-v<n>).
    return http_sample(
        "job-profile-put",
        "PUT",
        f"/jobs/{SAMPLE_JOB}/profile",
        body=SAMPLE_PROFILE,
        path_parameters={"jobId": SAMPLE_JOB},
        route_key="PUT /jobs/{jobId}/profile",
    )


@sample("job_profile_get.json", "JobProfileFunction")
def job_profile_get() -> dict[str, Any]:
    # The profile new interviews of the job get (the built-in default, marked so, when it has none).
    return http_sample(
        "job-profile-get",
        "GET",
        f"/jobs/{SAMPLE_JOB}/profile",
        path_parameters={"jobId": SAMPLE_JOB},
        route_key="GET /jobs/{jobId}/profile",
    )


@sample("job_profile_versions.json", "JobProfileFunction")
def job_profile_versions() -> dict[str, Any]:
    return http_sample(
        "job-profile-versions",
        "GET",
        f"/jobs/{SAMPLE_JOB}/profile/versions",
        path_parameters={"jobId": SAMPLE_JOB},
        route_key="GET /jobs/{jobId}/profile/versions",
    )


@sample("job_profile_retire.json", "JobProfileFunction")
def job_profile_retire() -> dict[str, Any]:
    # Retires the job's profile (404 when it has none): new interviews get the default again.
    return http_sample(
        "job-profile-retire",
        "DELETE",
        f"/jobs/{SAMPLE_JOB}/profile",
        path_parameters={"jobId": SAMPLE_JOB},
        route_key="DELETE /jobs/{jobId}/profile",
    )


@sample("job_profile_draft.json", "JobProfileDraftFunction")
def job_profile_draft() -> dict[str, Any]:
    return http_sample(
        "job-profile-draft",
        "POST",
        f"/jobs/{SAMPLE_JOB}/profile/draft",
        body={
            "title": "Backend Engineer",
            "description": "Design scalable backend services and APIs on AWS, review code and mentor two "
            "engineers; work with product stakeholders.",
        },
        path_parameters={"jobId": SAMPLE_JOB},
        route_key="POST /jobs/{jobId}/profile/draft",
    )


@sample("job_interviews.json", "JobInterviewsFunction")
def job_interviews() -> dict[str, Any]:
    # The job's completed interviews nobody has decided on yet, newest first, 20 a page.
    return http_sample(
        "job-interviews",
        "GET",
        f"/jobs/{SAMPLE_JOB}/interviews",
        query={"state": "completed", "decision": "none", "limit": "20"},
        path_parameters={"jobId": SAMPLE_JOB},
        route_key="GET /jobs/{jobId}/interviews",
    )


@sample("review_page.json", "ReviewPageFunction")
def review_page() -> dict[str, Any]:
    # The review page itself: public (it holds no key; the person enters it in the page).
    return http_sample("review-page", "GET", "/review", route_key="GET /review", auth=False)


# ----------------------------------------------------------------------------------------- env.json


def local_environment() -> dict[str, str]:
    """What every function needs to run against a local moto server and a LiveKit dev server."""
    return {
        "TABLE_NAME": LOCAL_TABLE,
        "BACKEND_API_KEY": DEV_BACKEND_API_KEY,
        "LIVEKIT_API_KEY": DEV_LIVEKIT_API_KEY,
        "LIVEKIT_API_SECRET": DEV_LIVEKIT_API_SECRET,
        "LIVEKIT_URL": f"ws://{LOCAL_HOST}:7880",
        # Empty: use the plain values above instead of Secrets Manager.
        "LIVEKIT_SECRET_ARN": "",
        "BACKEND_API_KEY_SECRET_ARN": "",
        # A moto server on the host (`.venv/bin/moto_server -p 5000`); empty it to use your AWS account.
        "AWS_ENDPOINT_URL": f"http://{LOCAL_HOST}:5000",
        "POWERTOOLS_LOG_LEVEL": "DEBUG",
    }


def env_json() -> dict[str, dict[str, str]]:
    """`sam local invoke --env-vars` input: every function of template.yaml, by logical id."""
    functions = sorted(
        name
        for name, resource in load_template()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    )
    return {name: local_environment() for name in functions}


# ----------------------------------------------------------------------------------------- files


def render() -> dict[str, str]:
    """File name under events/ → its exact content."""
    files = {s.file: json.dumps(s.build(), indent=2, ensure_ascii=False) + "\n" for s in SAMPLES}
    files["env.json"] = json.dumps(env_json(), indent=2) + "\n"
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="fail if events/ is not what this script writes")
    args = parser.parse_args(argv)
    stale = []
    for name, content in render().items():
        path = EVENTS_DIR / name
        current = path.read_text() if path.exists() else None
        if current == content:
            continue
        if args.check:
            stale.append(name)
        else:
            EVENTS_DIR.mkdir(exist_ok=True)
            path.write_text(content)
            print(f"wrote events/{name}")
    if stale:
        print(f"events/ is stale ({', '.join(stale)}): run scripts/make_events.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
