"""An interview keeps the job profile version it started with: the hiring team edits the profile after
the interview started, and the agent still asks that version's questions and its report names it."""

from __future__ import annotations

import json

import boto3
from interview_common.job_profiles import JobProfileRepository
from interview_common.logic.job_profile import parse_profile_body, retire_profile, save_profile

from tests.conftest import TABLE_NAME
from tests.integration.agent.conftest import JOB_ID, ROOM, HarnessFactory
from tests.integration.jobs.profiles import backend_profile


def _save(title: str, question_text: str) -> int:
    profiles = JobProfileRepository(TABLE_NAME, boto3.client("dynamodb"))
    body = backend_profile(title=title)
    body["questions"][0]["text"] = question_text
    return save_profile(JOB_ID, parse_profile_body(json.dumps(body), JOB_ID), profiles=profiles).version or 0


async def test_an_edit_after_the_start_never_changes_the_running_interview(
    make_harness: HarnessFactory,
) -> None:
    # Given version 1 of the job's profile, and an interview that started with it (META records 1)
    first = _save("Backend Engineer", "Tell me about a service you designed that handled heavy traffic.")
    harness = make_harness("strong")
    harness.store.update_fields(ROOM, harness.meta().interview_id, profile_version=first)
    # When the hiring team saves version 2 before the agent reads the profile
    _save("Backend Engineer v2", "Tell me about the last outage you were on call for.")
    await harness.run()
    # Then the agent asked version 1's questions, and the report names version 1's rubric
    questions = [m["question"] for m in harness.messages() if m["type"] == "question"]
    assert questions[0] == "Tell me about a service you designed that handled heavy traffic."
    report = harness.report()
    assert report is not None
    assert report.rubric_version == "backend-2026.1-v1"
    assert report.job_title == "Backend Engineer"
    assert {c.competency_id for c in report.competencies} == {"system_design", "collaboration"}


async def test_an_interview_started_on_the_default_keeps_it_after_a_profile_is_saved(
    make_harness: HarnessFactory,
) -> None:
    # Given an interview that started when the job had no profile (META records 0: the default)
    harness = make_harness("strong")
    harness.store.update_fields(ROOM, harness.meta().interview_id, profile_version=0)
    # When a profile is saved meanwhile
    _save("Backend Engineer", "Tell me about a service you designed that handled heavy traffic.")
    await harness.run()
    # Then the interview still runs on the built-in default
    report = harness.report()
    assert report is not None and report.rubric_version.startswith("default-")


async def test_a_retirement_after_the_start_never_changes_the_running_interview(
    make_harness: HarnessFactory,
) -> None:
    first = _save("Backend Engineer", "Tell me about a service you designed that handled heavy traffic.")
    harness = make_harness("strong")
    harness.store.update_fields(ROOM, harness.meta().interview_id, profile_version=first)
    retire_profile(JOB_ID, profiles=JobProfileRepository(TABLE_NAME, boto3.client("dynamodb")))
    await harness.run()
    report = harness.report()
    assert report is not None and report.rubric_version == "backend-2026.1-v1"


async def test_an_interview_from_before_versions_reads_the_current_profile(
    make_harness: HarnessFactory,
) -> None:
    # Given an interview whose META records no version (started before versions existed)
    _save("Backend Engineer", "Tell me about a service you designed that handled heavy traffic.")
    harness = make_harness("strong")
    assert harness.meta().profile_version is None
    await harness.run()
    # Then the agent reads the job's current version, as it always read the job's profile
    report = harness.report()
    assert report is not None and report.rubric_version == "backend-2026.1-v1"
