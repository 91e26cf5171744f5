"""DELETE /candidates/{candidateId} through the real handler and moto's DynamoDB: every interview of the
candidate is erased with all its room's items, the answer says what was removed, nothing of the candidate
is left in the table, and nothing of anyone else is touched."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from interview_common.candidate_records import CandidateRecords
from interview_common.clock import now_iso
from interview_common.context_store import InterviewContextStore
from interview_common.decision_log import DecisionLog
from interview_common.interview_log import InterviewLog
from interview_common.lifecycle import InterviewState
from interview_common.logic.delete_candidate import delete_candidate
from interview_common.models.assessment import AnswerAssessment, CompetencyAssessment, InterviewReport
from interview_common.models.decision import DecisionItem
from interview_common.models.interview_context import InterviewContext
from interview_common.models.items import InterviewItem
from interview_common.models.job_profile import DEFAULT_PROFILE
from interview_common.models.turn import Exchange, TurnItem
from interview_common.participants import ParticipantStore

from tests.conftest import TABLE_NAME, Api
from tests.integration.stored_interviews import store_interview, store_participant

CANDIDATE = "cand-erase-1"
OTHER = "cand-keep-2"
ROUTE = "DELETE /candidates/{candidateId}"


@pytest.fixture
def delete_api() -> Api:
    return Api("delete_candidate")


def erase(api: Api, candidate_id: str = CANDIDATE, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    status, body, _ = api.call(
        "DELETE",
        f"/candidates/{candidate_id}",
        path_parameters={"candidateId": candidate_id},
        route_key=ROUTE,
        **kwargs,
    )
    return status, body


def whole_interview(
    room: str, candidate_id: str, *, turns: int = 3, state: InterviewState = InterviewState.COMPLETED
) -> InterviewItem:
    """An interview with everything a room's partition can hold, written by the real writers."""
    dynamodb = boto3.client("dynamodb")
    interview = store_interview(room, candidate_id=candidate_id, state=state, candidate_name="Ada Lovelace")
    store_participant(room, interview.agent_identity, kind="agent")
    store_participant(room, interview.candidate_identity, kind="candidate", name="Ada Lovelace")
    log = InterviewLog(TABLE_NAME, dynamodb)
    for index in range(1, turns + 1):
        answer = f"My name is Ada Lovelace and I fixed bug number {index} for {candidate_id}."
        log.put_turn(
            TurnItem(
                room_name=room,
                interview_id=interview.interview_id,
                index=index,
                question_id=f"q{index}",
                question="Tell me about a problem you solved.",
                category="problem_solving",
                competencies=["problem_solving"],
                status="answered",
                asked_at=now_iso(),
                exchanges=[Exchange(kind="question", prompt="Tell me.", asked_at=now_iso(), answer=answer)],
                assessment=AnswerAssessment(
                    question_id=f"q{index}",
                    competencies=[
                        CompetencyAssessment(
                            competency_id="problem_solving", level=2, rationale="r", evidence=[answer]
                        )
                    ],
                    brain="offline",
                    model="rules-v2",
                    rubric_version=DEFAULT_PROFILE.rubric_version,
                    assessed_at=now_iso(),
                ),
                expires_at=interview.expires_at,
            )
        )
    log.put_report(
        InterviewReport(
            room_name=room,
            interview_id=interview.interview_id,
            candidate_id=candidate_id,
            job_id=interview.job_id,
            job_title="Engineer",
            rubric_version=DEFAULT_PROFILE.rubric_version,
            brain="offline",
            model="rules-v2",
            competencies=[],
            weighted_mean=None,
            suggested_outcome="insufficient_evidence",
            outcome_rule="rule",
            summary=f"Report on {candidate_id}.",
            total_questions=turns,
            questions_asked=turns,
            questions_answered=turns,
            partial=False,
            end_reason="completed",
            generated_at=now_iso(),
        ),
        interview.expires_at,
    )
    ParticipantStore(TABLE_NAME, dynamodb).claim_event(room, f"EV_{room}", "participant_joined", time.time())
    if state in (InterviewState.COMPLETED, InterviewState.ABANDONED, InterviewState.FAILED):
        DecisionLog(TABLE_NAME, dynamodb).append(
            DecisionItem(
                room_name=room,
                interview_id=interview.interview_id,
                candidate_id=candidate_id,
                reviewer="grace@example.com",
                decision="hold",
                note=f"About {candidate_id}",
                decided_at=now_iso(),
                expires_at=interview.expires_at,
            )
        )
    InterviewContextStore(TABLE_NAME, dynamodb).merge(
        room,
        InterviewContext(candidate_name="Ada Lovelace", job_title="Engineer"),
        updated_at=now_iso(),
        expires_at=interview.expires_at,
    )
    return interview


def in_room(items: list[dict[str, Any]], room: str) -> list[dict[str, Any]]:
    return [item for item in items if item["PK"] == f"ROOM#{room}"]


def mentions(items: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    return [item for item in items if text in json.dumps(item, default=str)]


def test_every_interview_of_the_candidate_is_erased_and_the_answer_says_what(
    aws: None, delete_api: Api, table_items: Any
) -> None:
    # Given a candidate with two finished interviews (turns, report, participants, webhook marker, a
    # decision and a context each), another candidate's interview and a job profile
    first = whole_interview("erase-room-1", CANDIDATE, turns=3)
    second = whole_interview("erase-room-2", CANDIDATE, turns=2, state=InterviewState.ABANDONED)
    whole_interview("keep-room-1", OTHER, turns=2)
    InterviewLog(TABLE_NAME, boto3.client("dynamodb")).put_job_profile(DEFAULT_PROFILE)
    before = table_items()
    others = [item for item in before if not item["PK"].startswith("ROOM#erase-room-")]

    # When the candidate is erased
    status, body = erase(delete_api)

    # Then the answer lists each room with what was removed, kind by kind
    assert status == 200, body
    assert body["status"] == "success"
    assert body["candidateId"] == CANDIDATE
    rooms = {room["roomName"]: room for room in body["rooms"]}
    assert set(rooms) == {"erase-room-1", "erase-room-2"}
    assert rooms["erase-room-1"]["interviewId"] == first.interview_id
    assert rooms["erase-room-1"]["state"] == "completed"
    assert rooms["erase-room-1"]["items"] == {
        "CONTEXT": 1,
        "DECISION": 1,
        "EVENT": 1,
        "META": 1,
        "PARTICIPANT": 2,
        "REPORT": 1,
        "TURN": 3,
    }
    assert rooms["erase-room-2"]["interviewId"] == second.interview_id
    assert rooms["erase-room-2"]["items"]["TURN"] == 2
    assert rooms["erase-room-1"]["itemCount"] == 10
    assert body["roomCount"] == 2
    assert body["itemCount"] == len(before) - len(others)

    # And nothing of the candidate is left anywhere in the table (a full scan), not even their name
    after = table_items()
    assert in_room(after, "erase-room-1") == []
    assert in_room(after, "erase-room-2") == []
    assert mentions(after, CANDIDATE) == []
    # And everyone else's items are exactly as they were
    assert sorted(after, key=lambda i: (i["PK"], i["SK"])) == sorted(others, key=lambda i: (i["PK"], i["SK"]))
    assert mentions(after, OTHER)


def test_the_erased_candidate_is_unknown_to_every_read_route(aws: None, delete_api: Api) -> None:
    whole_interview("erase-room-1", CANDIDATE)
    assert erase(delete_api)[0] == 200

    status, body, _ = Api("interview_status").call(
        "GET",
        f"/interview-status/{CANDIDATE}",
        path_parameters={"candidateId": CANDIDATE},
        route_key="GET /interview-status/{candidateId}",
    )
    assert (status, body["status"]) == (200, "not_found")
    status, _, _ = Api("interview_record").call(
        "GET",
        "/interviews/erase-room-1",
        path_parameters={"roomName": "erase-room-1"},
        route_key="GET /interviews/{roomName}",
    )
    assert status == 404
    status, _, _ = Api("agent_status").call("GET", "/agent-status", query={"room": "erase-room-1"})
    assert status == 404


def test_erasing_again_or_an_unknown_candidate_answers_200_with_nothing_removed(
    aws: None, delete_api: Api, table_items: Any
) -> None:
    # Given a candidate already erased, and another candidate's interview
    whole_interview("erase-room-1", CANDIDATE)
    whole_interview("keep-room-1", OTHER)
    assert erase(delete_api)[0] == 200
    before = table_items()

    # When the erasure is repeated, and an id nobody has is erased
    for candidate_id in (CANDIDATE, "nobody-has-this-id"):
        status, body = erase(delete_api, candidate_id)

        # Then both answer 200 with no rooms and nothing changes
        assert status == 200
        assert (body["rooms"], body["roomCount"], body["itemCount"]) == ([], 0, 0)
        assert body["candidateId"] == candidate_id
    assert table_items() == before


@pytest.mark.parametrize(
    "state",
    [
        InterviewState.REQUESTED,
        InterviewState.LAUNCHING,
        InterviewState.WAITING_FOR_CANDIDATE,
        InterviewState.IN_PROGRESS,
    ],
)
def test_a_running_interview_is_409_and_nothing_is_deleted(
    aws: None, delete_api: Api, table_items: Any, state: InterviewState
) -> None:
    # Given one finished and one running interview of the candidate
    whole_interview("erase-room-1", CANDIDATE)
    whole_interview("erase-room-2", CANDIDATE, state=state)
    before = table_items()

    # When the candidate is erased
    status, body = erase(delete_api)

    # Then it is refused, naming the running room, and nothing is deleted (not even the finished one)
    assert status == 409
    assert "erase-room-2" in body["detail"]
    assert "POST /end-interview" in body["detail"]
    assert table_items() == before


def test_a_room_whose_interview_now_belongs_to_someone_else_is_left_alone(
    aws: None, table_items: Any
) -> None:
    # Given GSI1 still lists a room for the candidate (it lags a rewrite of META) while the room's current
    # interview is another candidate's
    whole_interview("erase-room-1", CANDIDATE)
    whole_interview("shared-room", OTHER)

    class LaggingIndex(CandidateRecords):
        def rooms_of(self, candidate_id: str) -> list[str]:
            return [*super().rooms_of(candidate_id), "shared-room"]

    # When the candidate is erased
    result = delete_candidate(CANDIDATE, records=LaggingIndex(TABLE_NAME, boto3.client("dynamodb")))

    # Then only the candidate's own room is erased
    assert [room.room_name for room in result.rooms] == ["erase-room-1"]
    assert len(in_room(table_items(), "shared-room")) == 10


class ThrottlingDynamoDB:
    """moto's client, except that each BatchWriteItem call processes at most 10 deletes and hands the rest
    back as UnprocessedItems, as a throttled table does."""

    def __init__(self) -> None:
        self._client = boto3.client("dynamodb")
        self.batch_calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        self.batch_calls += 1
        ((table, requests),) = RequestItems.items()
        self._client.batch_write_item(RequestItems={table: requests[:10]})
        rest = requests[10:]
        return {"UnprocessedItems": {table: rest} if rest else {}}


def test_a_big_room_is_erased_completely_even_when_the_table_throttles(aws: None, table_items: Any) -> None:
    # Given an interview with 60 turns (67 items), and a table that processes only part of each batch
    whole_interview("erase-room-1", CANDIDATE, turns=60)
    dynamodb = ThrottlingDynamoDB()
    pauses: list[float] = []

    # When the candidate is erased
    result = delete_candidate(CANDIDATE, records=CandidateRecords(TABLE_NAME, dynamodb, sleep=pauses.append))

    # Then every item is gone, in batches of 25 with the unprocessed rest retried after a backoff
    assert result.item_count == 67
    assert result.rooms[0].items["TURN"] == 60
    assert table_items() == []
    assert dynamodb.batch_calls == 8  # batches of 25, 25 and 17 keys: 3, 3 and 2 calls of at most 10
    assert pauses and all(0 < pause <= 2 for pause in pauses)


@pytest.mark.parametrize("candidate_id", ["a%00b", "c" * 255, "a b"], ids=["control", "too-long", "space"])
def test_a_candidate_id_that_could_not_exist_is_422(aws: None, delete_api: Api, candidate_id: str) -> None:
    status, body = erase(delete_api, candidate_id)
    assert status == 422
    assert body["error"]["code"] == "validation_error"


def test_without_a_valid_bearer_token_nothing_is_deleted(
    aws: None, delete_api: Api, table_items: Any
) -> None:
    whole_interview("erase-room-1", CANDIDATE)
    before = table_items()

    status, body = erase(delete_api, auth=False)
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    status, body = erase(delete_api, headers={"authorization": "Bearer not-the-key"})
    assert status == 401
    assert table_items() == before
