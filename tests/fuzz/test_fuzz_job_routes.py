"""Hypothesis drives the hiring team's routes: job profile PUTs with a valid profile's every field
fuzzed (so examples reach the use case's write) or any body at all, drafts, and the job listing's
queries. Whatever was sent: no 5xx, no stack trace, errors in the one shape; a refused PUT wrote nothing.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import boto3
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import TABLE_NAME, TEST_API_KEY
from tests.fuzz.support import FUZZ, bodies, check_answer, field_values, hostile_strings, http_event, invoke
from tests.integration.jobs.profiles import BACKEND_PROFILE

# Fewer examples than the other routes' fuzzing: each PUT that passes writes a version (a transaction).
JOB_FUZZ = settings(FUZZ, max_examples=30)
AUTH = {"authorization": f"Bearer {TEST_API_KEY}", "content-type": "application/json"}
JOB = "job-fuzz"


def job_items() -> list[str]:
    response = boto3.client("dynamodb").query(
        TableName=TABLE_NAME,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"JOB#{JOB}"}},
    )
    return sorted(item["SK"]["S"] for item in response["Items"])


@st.composite
def mutated_profiles(draw: st.DrawFn) -> dict[str, Any]:
    """The backend profile with a few of its values replaced by fuzzed ones (kept valid most of the time)."""
    profile = copy.deepcopy(BACKEND_PROFILE)
    paths: list[tuple[Any, Any]] = []

    def collect(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, value in items:
            paths.append((node, key))
            collect(value)

    collect(profile)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        node, key = draw(st.sampled_from(paths))
        node[key] = draw(field_values(st.just(node[key])))
    return profile


@given(body=bodies(mutated_profiles()))
@JOB_FUZZ
def test_fuzzed_profile_puts_never_fail_and_a_refusal_writes_nothing(aws: None, body: Any) -> None:
    before = job_items()
    answer = invoke(
        "job_profile",
        http_event(
            "PUT",
            f"/jobs/{JOB}/profile",
            body=body,
            headers=AUTH,
            path_parameters={"jobId": JOB},
            route_key="PUT /jobs/{jobId}/profile",
        ),
    )
    check_answer(answer)
    if answer.status == 200:
        saved = json.loads(answer.text)
        assert saved["version"] >= 1 and saved["rubricVersion"].endswith(f"v{saved['version']}")
    else:
        assert answer.status in (400, 413, 415, 422), answer
        assert job_items() == before


@given(
    body=bodies(
        st.fixed_dictionaries(
            {"description": field_values(st.text(min_size=20, max_size=400))},
            optional={"title": field_values(st.text(min_size=1, max_size=60))},
        )
    )
)
@JOB_FUZZ
def test_fuzzed_drafts_never_fail(aws: None, body: Any) -> None:
    answer = invoke(
        "job_profile_draft",
        http_event(
            "POST",
            f"/jobs/{JOB}/profile/draft",
            body=body,
            headers=AUTH,
            path_parameters={"jobId": JOB},
            route_key="POST /jobs/{jobId}/profile/draft",
        ),
    )
    check_answer(answer)
    if answer.status == 200:
        draft = json.loads(answer.text)
        assert draft["saved"] is False and draft["profile"]["questions"]


@given(
    query=st.fixed_dictionaries(
        {},
        optional={
            "state": field_values(st.sampled_from(["completed", "completed,abandoned", "in_progress"])),
            "decision": field_values(st.sampled_from(["advance", "hold", "reject", "none"])),
            "limit": field_values(st.integers(min_value=-5, max_value=80).map(str)),
            "cursor": hostile_strings,
        },
    ).map(lambda query: {key: str(value) for key, value in query.items()}),
    job=field_values(st.just(JOB)).map(str),
)
@JOB_FUZZ
def test_fuzzed_listing_queries_never_fail(aws: None, query: dict[str, str], job: str) -> None:
    answer = invoke(
        "job_interviews",
        http_event(
            "GET",
            "/jobs/x/interviews",
            headers=AUTH,
            query=query or None,
            path_parameters={"jobId": job},
            route_key="GET /jobs/{jobId}/interviews",
        ),
    )
    check_answer(answer)
    assert answer.status in (200, 400, 422), answer
