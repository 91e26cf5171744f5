"""GET /jobs/{jobId}/interviews through the real handler and moto's DynamoDB (the JobInterviews index
built from template.yaml): a job's candidates side by side, newest first, with levels, the suggested
outcome, the decision in force and the report's link; a cursor that never skips or repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from interview_common.clock import expiry_epoch
from interview_common.context_store import InterviewContextStore
from interview_common.decision_log import DecisionLog
from interview_common.interview_log import InterviewLog
from interview_common.lifecycle import InterviewState
from interview_common.models.assessment import CompetencyResult, InterviewReport
from interview_common.models.decision import DecisionItem
from interview_common.models.interview_context import InterviewContext
from interview_common.models.items import InterviewItem

from tests.conftest import TABLE_NAME, Api
from tests.integration.stored_interviews import store_interview

JOB = "job-side-by-side"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.fixture
def jobs_api(aws: None) -> Api:
    return Api("job_interviews")


def listing(api: Api, job: str = JOB, **query: str) -> tuple[int, dict[str, Any]]:
    status, answer, _ = api.call(
        "GET",
        f"/jobs/{job}/interviews",
        query=query or None,
        path_parameters={"jobId": job},
        route_key="GET /jobs/{jobId}/interviews",
    )
    return status, answer


def interview(
    room: str, minute: int, *, state: InterviewState = InterviewState.COMPLETED, **fields: Any
) -> InterviewItem:
    return store_interview(
        room, candidate_id=f"cand-{room}", job_id=JOB, state=state, created_at=at(minute), **fields
    )


def report(item: InterviewItem, levels: dict[str, int | None], outcome: str = "review") -> None:
    InterviewLog(TABLE_NAME, boto3.client("dynamodb")).put_report(
        InterviewReport(
            room_name=item.room_name,
            interview_id=item.interview_id,
            candidate_id=item.candidate_id,
            job_id=JOB,
            job_title="Backend Engineer",
            rubric_version="backend-2026.1-v1",
            brain="offline",
            model="rules-v3",
            competencies=[
                CompetencyResult(competency_id=cid, name=cid.replace("_", " ").title(), weight=1, level=level)
                for cid, level in levels.items()
            ],
            weighted_mean=None,
            suggested_outcome=outcome,  # type: ignore[arg-type]
            outcome_rule="rule",
            summary="summary",
            total_questions=2,
            questions_asked=2,
            questions_answered=2,
            partial=False,
            end_reason="completed",
            generated_at=item.created_at,
        ),
        expiry_epoch(30),
    )


def decide(item: InterviewItem, decision: str, minute: int) -> None:
    DecisionLog(TABLE_NAME, boto3.client("dynamodb")).append(
        DecisionItem(
            room_name=item.room_name,
            interview_id=item.interview_id,
            candidate_id=item.candidate_id,
            reviewer="Grace Hopper",
            decision=decision,  # type: ignore[arg-type]
            note="reviewed",
            decided_at=at(minute),
            expires_at=item.expires_at,
        )
    )


def test_a_jobs_interviews_are_listed_newest_first_with_levels_outcome_decision_and_link(
    jobs_api: Api,
) -> None:
    # Given three interviews of the job (one running), another job's interview, reports and a decision
    ada = interview("room-ada", 1, candidate_name="Ada Lovelace")
    report(ada, {"system_design": 4, "collaboration": 3}, "advance")
    decide(ada, "hold", 30)
    decide(ada, "advance", 31)  # the later decision is the one in force
    ben = interview("room-ben", 2, candidate_name="ben@example.com")  # a name field holding an email
    report(ben, {"system_design": 2, "collaboration": None}, "do_not_advance")
    InterviewContextStore(TABLE_NAME, boto3.client("dynamodb")).merge(
        "room-cat",
        InterviewContext(candidate_name="Cat Jones"),
        updated_at=at(3),
        expires_at=expiry_epoch(30),
    )
    interview("room-cat", 3, state=InterviewState.IN_PROGRESS)
    store_interview("room-other", job_id="job-other", state=InterviewState.COMPLETED)
    # When the job's interviews are listed
    status, answer = listing(jobs_api)
    # Then they are the job's three, newest first
    assert status == 200
    rows = answer["interviews"]
    assert [row["roomName"] for row in rows] == ["room-cat", "room-ben", "room-ada"]
    assert answer["count"] == 3 and answer["nextCursor"] is None
    cat, ben_row, ada_row = rows
    # the running one: its state, the name from the candidate details, no report yet
    assert cat["state"] == "in_progress" and cat["candidateName"] == "Cat Jones"
    assert cat["reportUrl"] is None and cat["competencies"] == [] and cat["decision"] is None
    # an email is never shown as the candidate's name
    assert ben_row["candidateName"] is None
    assert "ben@example.com" not in str(answer)
    assert [(c["competencyId"], c["level"]) for c in ben_row["competencies"]] == [
        ("system_design", 2),
        ("collaboration", None),
    ]
    # levels, suggested outcome, the decision in force and the report's link
    assert ada_row["candidateName"] == "Ada Lovelace"
    assert {c["competencyId"]: c["level"] for c in ada_row["competencies"]} == {
        "system_design": 4,
        "collaboration": 3,
    }
    assert ada_row["suggestedOutcome"] == "advance" and ada_row["rubricVersion"] == "backend-2026.1-v1"
    assert ada_row["decision"] == {"decision": "advance", "reviewer": "Grace Hopper", "decidedAt": at(31)}
    assert ada_row["reportUrl"] == "/interviews/room-ada/report.html"
    assert ada_row["createdAt"] == at(1)


def test_filters_by_state_and_by_decision(jobs_api: Api) -> None:
    first = interview("room-1", 1)
    second = interview("room-2", 2)
    interview("room-3", 3, state=InterviewState.ABANDONED)
    interview("room-4", 4, state=InterviewState.WAITING_FOR_CANDIDATE)
    decide(first, "reject", 10)
    decide(second, "advance", 11)

    def rooms(**query: str) -> list[str]:
        status, answer = listing(jobs_api, **query)
        assert status == 200, answer
        return [row["roomName"] for row in answer["interviews"]]

    assert rooms(state="completed") == ["room-2", "room-1"]
    assert rooms(state="completed,abandoned") == ["room-3", "room-2", "room-1"]
    assert rooms(decision="advance") == ["room-2"]
    assert rooms(decision="none") == ["room-4", "room-3"]
    assert rooms(state="completed", decision="reject") == ["room-1"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"state": "finished"}, "query.state"),
        ({"decision": "maybe"}, "query.decision"),
        ({"limit": "0"}, "limit"),
        ({"limit": "51"}, "limit"),
    ],
)
def test_bad_filters_are_refused_by_field(jobs_api: Api, query: dict[str, str], field: str) -> None:
    status, answer = listing(jobs_api, **query)
    assert status == 422
    assert any(field in detail["field"] for detail in answer["error"]["details"])


def test_a_cursor_never_skips_or_repeats_an_interview_when_new_ones_arrive(jobs_api: Api) -> None:
    # Given 7 interviews, two of them started in the same millisecond
    for n in range(6):
        interview(f"room-{n}", n)
    interview("room-6", 5)
    seen: list[str] = []
    # When the list is read 3 at a time, and new interviews arrive between the pages
    status, page = listing(jobs_api, limit="3")
    seen += [row["roomName"] for row in page["interviews"]]
    arrivals = 0
    while page["nextCursor"]:
        interview(f"room-new-{arrivals}", 100 + arrivals)
        arrivals += 1
        status, page = listing(jobs_api, limit="3", cursor=page["nextCursor"])
        assert status == 200
        seen += [row["roomName"] for row in page["interviews"]]
    # Then every interview there was when the reading began appears exactly once, in order
    originals = {f"room-{n}" for n in range(7)}
    assert sorted(seen) == sorted(originals) and len(seen) == 7
    assert seen[-2:] == ["room-1", "room-0"]
    # And a new first page starts with the newcomers
    assert listing(jobs_api, limit="1")[1]["interviews"][0]["roomName"] == f"room-new-{arrivals - 1}"


def test_a_cursor_with_a_filter_resumes_after_the_rows_it_left_out(jobs_api: Api) -> None:
    items = [interview(f"room-{n}", n) for n in range(6)]
    for item in items[::2]:  # rooms 0, 2, 4 decided
        decide(item, "hold", 50)
    status, first = listing(jobs_api, decision="hold", limit="2")
    status2, second = listing(jobs_api, decision="hold", limit="2", cursor=first["nextCursor"])
    assert status == status2 == 200
    assert [r["roomName"] for r in first["interviews"]] == ["room-4", "room-2"]
    assert [r["roomName"] for r in second["interviews"]] == ["room-0"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJhIjoxfQ", "e30"])
def test_a_cursor_that_this_route_did_not_return_is_refused(jobs_api: Api, cursor: str) -> None:
    status, answer = listing(jobs_api, cursor=cursor)
    assert status == 400 and "cursor" in answer["detail"]


def test_a_cursor_of_another_job_is_refused(jobs_api: Api) -> None:
    for n in range(3):
        store_interview(f"room-x{n}", job_id="job-x", state=InterviewState.COMPLETED, created_at=at(n))
    _, page = listing(jobs_api, job="job-x", limit="1")
    status, answer = listing(jobs_api, cursor=page["nextCursor"])
    assert status == 400 and "this job" in answer["detail"]


def test_a_job_with_no_interviews_lists_none(jobs_api: Api) -> None:
    status, answer = listing(jobs_api, job="job-empty")
    assert status == 200 and answer["interviews"] == [] and answer["nextCursor"] is None


def test_listing_needs_the_bearer_key(jobs_api: Api) -> None:
    status, _, _ = jobs_api.call(
        "GET",
        f"/jobs/{JOB}/interviews",
        path_parameters={"jobId": JOB},
        route_key="GET /jobs/{jobId}/interviews",
        auth=False,
    )
    assert status == 401


def test_the_list_is_never_kept_by_a_cache(jobs_api: Api) -> None:
    status, _, headers = jobs_api.call(
        "GET",
        f"/jobs/{JOB}/interviews",
        path_parameters={"jobId": JOB},
        route_key="GET /jobs/{jobId}/interviews",
    )
    assert status == 200 and headers["Cache-Control"] == "no-store"
