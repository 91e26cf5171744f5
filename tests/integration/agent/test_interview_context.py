"""The agent greets with the room's interview context (POST /agent/candidate-details) when there is one:
the candidate's name and the job's title; without one (or when it cannot be read) it greets as before."""

from __future__ import annotations

from typing import Any

from interview_common.models.interview_context import InterviewContext
from interviewer.config import AgentSettings
from interviewer.main import build_context_loader

from tests.conftest import TABLE_NAME, Api
from tests.integration.agent.conftest import CANDIDATE_ID, INTERVIEW_ID, JOB_ID, ROOM, HarnessFactory

SEED_DETAILS: dict[str, Any] = {
    "roomName": ROOM,
    "candidateName": "Ada Lovelace",
    "candidateEmail": "ada@example.com",
    "candidateSkills": "Python, AWS",
    "jobId": JOB_ID,
    "jobTitle": "Backend Engineer",
    "jobDepartment": "Engineering",
    "resumeAnalysis": {"text": "not for the agent"},
}


def loader() -> Any:
    """The agent's own loader, as `python -m interviewer` builds it from its task environment."""
    settings = AgentSettings.from_env(
        {
            "ROOM_NAME": ROOM,
            "INTERVIEW_ID": INTERVIEW_ID,
            "CANDIDATE_IDENTITY": f"candidate-{CANDIDATE_ID}",
            "CANDIDATE_ID": CANDIDATE_ID,
            "JOB_ID": JOB_ID,
            "TABLE_NAME": TABLE_NAME,
        }
    )
    return build_context_loader(settings)


def post_details(body: dict[str, Any] = SEED_DETAILS) -> None:
    status, answer, _ = Api("candidate_details").call("POST", "/agent/candidate-details", body=body)
    assert status == 200, answer


async def test_the_greeting_names_the_candidate_and_the_job_from_the_posted_context(
    make_harness: HarnessFactory,
) -> None:
    # Given the seed posted the candidate's details for the room before the interview started
    post_details()
    harness = make_harness("strong", context=loader())

    # When the interview runs
    outcome = await harness.run()

    # Then the agent greets the candidate by name for the job they applied to, and goes on as usual
    greeting = harness.transport.spoken[0]
    assert greeting.startswith(
        "Hello Ada Lovelace, and welcome. I'm the AI interviewer for this Backend Engineer interview."
    )
    assert {"type": "transcript", "speaker": "agent", "text": greeting, "final": True} in harness.messages()
    assert outcome.state.value == "completed"
    # And nothing it was not meant to have reached it
    assert "ada@example.com" not in " ".join(harness.transport.spoken)


async def test_a_context_posted_after_the_agent_started_is_used_when_the_candidate_arrives(
    make_harness: HarnessFactory,
) -> None:
    # Given an agent already waiting for the candidate when the room page posts the details
    harness = make_harness("strong", context=loader())
    harness.when(
        lambda message: message.get("type") == "status" and message.get("phase") == "waiting",
        post_details,
    )

    await harness.run()

    assert harness.transport.spoken[0].startswith("Hello Ada Lovelace, and welcome.")


async def test_without_a_context_the_greeting_is_unchanged(make_harness: HarnessFactory) -> None:
    harness = make_harness("strong", context=loader())

    await harness.run()

    assert harness.transport.spoken[0].startswith(
        "Hello, and welcome. I'm the AI interviewer for this General professional interview."
    )


async def test_a_context_with_only_a_title_greets_no_one_by_name(make_harness: HarnessFactory) -> None:
    post_details({"roomName": ROOM, "jobInfo": {"jobTitle": "Data interview"}})
    harness = make_harness("strong", context=loader())

    await harness.run()

    assert harness.transport.spoken[0].startswith(
        "Hello, and welcome. I'm the AI interviewer for this Data interview."
    )


async def test_a_context_that_cannot_be_read_does_not_stop_the_interview(
    make_harness: HarnessFactory,
) -> None:
    async def broken() -> InterviewContext | None:
        raise ConnectionError("DynamoDB unreachable")

    harness = make_harness("strong", context=broken)

    outcome = await harness.run()

    assert harness.transport.spoken[0].startswith("Hello, and welcome.")
    assert outcome.state.value == "completed"
