"""GET /interviews/{roomName} and its report.html through the real handler and moto's DynamoDB."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import boto3
import pytest
from interview_common.clock import expiry_epoch
from interview_common.interview_log import InterviewLog
from interview_common.lifecycle import InterviewState
from interview_common.models.assessment import (
    HUMAN_DECISION_NOTICE,
    AnswerAssessment,
    CompetencyAssessment,
    CompetencyResult,
    InterviewReport,
)
from interview_common.models.turn import Exchange, TurnItem

from local.apigw_events import LocalLambdaContext, http_api_event
from tests.conftest import TABLE_NAME, TEST_API_KEY, Api
from tests.integration.stored_interviews import store_interview, store_participant

ROOM = "room-record-1"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'
STRONG_ANSWER = (
    "I led the checkout migration. I owned the plan, explained the trade-offs to product, "
    "and errors dropped by 40 percent."
)


@pytest.fixture
def record_api() -> Api:
    return Api("interview_record")


def assessment(question_id: str, competency: str, level: int, quote: str) -> AnswerAssessment:
    return AnswerAssessment(
        question_id=question_id,
        competencies=[
            CompetencyAssessment(
                competency_id=competency,
                level=level,
                rationale="Specific, owned, measured.",
                evidence=[quote],
            )
        ],
        brain="offline",
        model="rules-v1",
        rubric_version="default-2025.1",
        assessed_at="2026-01-01T10:02:10.000Z",
    )


def seed_completed_interview(interview_id: str = "iv-record-1", *, with_report: bool = True) -> None:
    store_interview(
        ROOM,
        interview_id=interview_id,
        candidate_id="cand-9",
        candidate_name="Ada Lovelace",
        state=InterviewState.COMPLETED,
        created_at="2026-01-01T10:00:00.000Z",
        started_at="2026-01-01T10:00:05.000Z",
        ended_at="2026-01-01T10:06:00.000Z",
        question_count=2,
        question_index=2,
    )
    store_participant(
        ROOM,
        f"interview-agent-{interview_id}",
        kind="agent",
        name="AI Interviewer",
        joined_at="2026-01-01T10:00:02.000Z",
    )
    store_participant(
        ROOM, "candidate-cand-9", kind="candidate", name="Ada Lovelace", joined_at="2026-01-01T10:00:05.000Z"
    )
    log = InterviewLog(TABLE_NAME, boto3.client("dynamodb"))
    turns = [
        (1, "q1", "Walk me through a project you're proud of.", "ownership", STRONG_ANSWER, 4),
        (2, "q2", "Tell me about a difficult problem you solved.", "problem_solving", HOSTILE, 1),
    ]
    for index, question_id, question, competency, answer, level in turns:
        log.put_turn(
            TurnItem(
                room_name=ROOM,
                interview_id=interview_id,
                index=index,
                question_id=question_id,
                question=question,
                category=competency,
                competencies=[competency],
                status="answered",
                asked_at=f"2026-01-01T10:0{index}:00.000Z",
                answered_at=f"2026-01-01T10:0{index}:40.000Z",
                exchanges=[
                    Exchange(
                        kind="question",
                        prompt=question,
                        asked_at=f"2026-01-01T10:0{index}:00.000Z",
                        answer=answer,
                        answer_started_at=f"2026-01-01T10:0{index}:05.000Z",
                        answer_ended_at=f"2026-01-01T10:0{index}:40.000Z",
                    )
                ],
                assessment=assessment(question_id, competency, level, answer[:40]),
                expires_at=expiry_epoch(90),
            )
        )
    # A turn of an earlier interview in the same room is not part of this record
    log.put_turn(
        TurnItem(
            room_name=ROOM,
            interview_id="iv-old",
            index=3,
            question_id="q3",
            question="Old question?",
            category="x",
            competencies=["ownership"],
            asked_at="2025-12-01T10:00:00.000Z",
            expires_at=expiry_epoch(90),
        )
    )
    if with_report:
        log.put_report(
            InterviewReport(
                room_name=ROOM,
                interview_id=interview_id,
                candidate_id="cand-9",
                job_id="job-1",
                job_title="Backend engineer",
                rubric_version="default-2025.1",
                brain="offline",
                model="rules-v1",
                competencies=[
                    CompetencyResult(
                        competency_id="ownership",
                        name="Ownership and learning",
                        weight=1,
                        level=4,
                        mean_level=4.0,
                        evidence=[STRONG_ANSWER[:40]],
                        rationales=["Owned the plan."],
                        question_ids=["q1"],
                    ),
                    CompetencyResult(
                        competency_id="problem_solving",
                        name="Problem solving",
                        weight=1,
                        level=1,
                        mean_level=1.0,
                        evidence=[HOSTILE],
                        rationales=["No approach described."],
                        question_ids=["q2"],
                    ),
                ],
                weighted_mean=2.5,
                suggested_outcome="review",
                outcome_rule="advance when the weighted mean is at least 3.5; review when it is at least 2.5",
                summary="Clear ownership; little evidence of problem solving.",
                strengths=["Takes ownership"],
                concerns=[f"Second answer: {HOSTILE}"],
                total_questions=2,
                questions_asked=2,
                questions_answered=2,
                partial=False,
                end_reason="completed",
                flags=["instructions_in_answer"],
                generated_at="2026-01-01T10:06:00.000Z",
            ),
            expiry_epoch(90),
        )


def test_the_record_has_state_timeline_turns_assessments_and_report(aws: None, record_api: Api) -> None:
    # Given a completed interview with two assessed turns and a report
    seed_completed_interview()

    # When the record is read
    status, body, _ = record_api.call("GET", f"/interviews/{ROOM}", path_parameters={"roomName": ROOM})

    # Then it holds all of it, for this interview only, in order
    assert status == 200, body
    assert body["interview"]["state"] == "completed"
    assert body["interview"]["candidateName"] == "Ada Lovelace"
    assert [turn["index"] for turn in body["turns"]] == [1, 2]
    assert body["turns"][0]["answer"] == STRONG_ANSWER
    assert body["turns"][0]["assessment"]["competencies"][0]["evidence"] == [STRONG_ANSWER[:40]]
    assert body["report"]["suggested_outcome"] == "review"
    assert body["reportUrl"].endswith(f"/interviews/{ROOM}/report.html")
    events = [entry["event"] for entry in body["timeline"]]
    assert events[0] == "interview_requested"
    assert events[-1] in ("interview_completed", "report_written")
    assert {"agent_joined", "candidate_joined", "question_asked", "answered", "answer_assessed"} <= set(
        events
    )
    assert [entry["at"] for entry in body["timeline"]] == sorted(entry["at"] for entry in body["timeline"])


def test_unknown_room_and_bad_inputs(aws: None, record_api: Api) -> None:
    status, body, _ = record_api.call(
        "GET", "/interviews/nobody-here", path_parameters={"roomName": "nobody-here"}
    )
    assert status == 404
    assert body["detail"]
    status, _, _ = record_api.call(
        "GET", f"/interviews/{ROOM}", path_parameters={"roomName": ROOM}, auth=False
    )
    assert status == 401
    status, _, _ = record_api.call("GET", "/interviews/bad%20room", path_parameters={"roomName": "bad room"})
    assert status in (404, 422)


class StrictPage(HTMLParser):
    """Collects text and checks the page is well formed: every non-void tag closed in order, no script."""

    VOID = frozenset({"meta", "br", "img", "hr", "input", "link", "col"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if any(name.startswith("on") for name, _ in attrs):
            self.errors.append(f"event handler attribute on <{tag}>")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def check(self, page: str) -> str:
        self.feed(page)
        self.close()
        assert self.errors == []
        assert self.stack == []
        return " ".join(" ".join(self.text).split())


def render_in_chromium(page: str, out_dir: Path) -> Path | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        return None
    html_file = out_dir / "report.html"
    html_file.write_text(page, encoding="utf-8")
    shot = out_dir / "report.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(  # noqa: S603 - a local browser on a local file
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1000,2400",
                html_file.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    return shot


def test_report_html_reads_as_a_report_and_escapes_the_candidates_words(
    aws: None, record_api: Api, tmp_path: Path
) -> None:
    # Given a completed interview whose answer and report contain markup
    seed_completed_interview()

    # When the report page is requested
    event_path = f"/interviews/{ROOM}/report.html"
    response = record_api.module.lambda_handler(
        http_api_event(
            "GET",
            event_path,
            headers={"authorization": f"Bearer {TEST_API_KEY}"},
            path_parameters={"roomName": ROOM},
            route_key="GET /interviews/{roomName}/report.html",
        ),
        LocalLambdaContext("interview_record"),
    )

    # Then it is an HTML page, well formed, with no markup from the candidate
    assert response["statusCode"] == 200
    headers: dict[str, Any] = response["headers"]
    assert headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    page = response["body"]
    parser = StrictPage()
    text = parser.check(page)
    assert "script" not in parser.tags
    assert "img" not in parser.tags
    assert '<script>alert("x")</script>' in text  # shown as text, escaped in the page
    # And it says what a hiring manager needs: outcome and its rule, scores with evidence, transcript,
    # rubric version and model, and that a person decides
    for expected in (
        "Backend engineer",
        "Ada Lovelace",
        "Suggested outcome",
        "Review further",
        "The rule behind it",
        "Ownership and learning",
        "4 / 5",
        STRONG_ANSWER[:40],
        "Transcript",
        "default-2025.1",
        "rules-v1",
        "A person makes the decision",
        HUMAN_DECISION_NOTICE[:60],
        "instructions addressed to the interviewer",
    ):
        assert expected in text, expected
    assert "Old question?" not in text

    # And a browser renders it (skipped only when no Chromium is installed)
    shot = render_in_chromium(page, tmp_path)
    if shot is not None:
        assert shot.exists()
        assert shot.stat().st_size > 10_000


def test_report_html_before_the_report_exists(aws: None, record_api: Api) -> None:
    # Given an interview that failed before a report was written
    seed_completed_interview(with_report=False)
    status_code, body, _ = record_api.call("GET", f"/interviews/{ROOM}", path_parameters={"roomName": ROOM})
    assert status_code == 200
    assert body["report"] is None
    from interview_common.logic.interview_record import interview_record
    from interview_common.room_record import RoomRecordReader

    from functions.interview_record.report_page import render_report_html

    # Then the page says so and still shows the answers
    text = StrictPage().check(
        render_report_html(interview_record(RoomRecordReader(TABLE_NAME, boto3.client("dynamodb")), ROOM))
    )
    assert "No report yet" in text
    assert STRONG_ANSWER in text
