"""The agent's recorder when DynamoDB fails past boto3's retries: the interview goes on, nothing raises.

The repositories turn botocore's errors into StorageUnavailable; the recorder only knows that one."""

from __future__ import annotations

import asyncio
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError
from interview_common.dal.interview_log import InterviewLog
from interview_common.dal.interviews import InterviewRepository
from interview_common.dal.participants import ParticipantStore
from interview_common.lifecycle import InterviewState
from interviewer.clock import RealClock
from interviewer.ports import Progress, RecordedState
from interviewer.recorder import DynamoRecorder

TABLE = "interviews"


class FailingDynamoDB:
    """A DynamoDB client whose every write fails the way `error` says."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.writes: list[str] = []

    def update_item(self, **request: Any) -> dict[str, Any]:
        self.writes.append("update_item")
        raise self.error

    def put_item(self, **request: Any) -> dict[str, Any]:
        self.writes.append("put_item")
        raise self.error


def _recorder(dynamodb: FailingDynamoDB) -> DynamoRecorder:
    return DynamoRecorder(
        room_name="room-1",
        interview_id="iv-1",
        job_id="job-1",
        agent_identity="interview-agent-iv-1",
        store=InterviewRepository(TABLE, dynamodb),
        log=InterviewLog(TABLE, dynamodb),
        participants=ParticipantStore(TABLE, dynamodb),
        clock=RealClock(),
    )


def _throttled() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "UpdateItem")


def test_a_heartbeat_dynamodb_refuses_answers_the_last_known_state() -> None:
    # Given a recorder whose table throttles every write past boto3's retries
    dynamodb = FailingDynamoDB(_throttled())
    recorder = _recorder(dynamodb)
    # When the conductor sends its heartbeat
    recorded = asyncio.run(recorder.heartbeat())
    # Then it was attempted, and the conductor hears the last state it knew instead of an error
    assert dynamodb.writes == ["update_item"]
    assert recorded == RecordedState(state=InterviewState.LAUNCHING)


def test_a_heartbeat_with_dynamodb_unreachable_answers_the_last_known_state() -> None:
    dynamodb = FailingDynamoDB(EndpointConnectionError(endpoint_url="https://dynamodb.invalid"))
    assert asyncio.run(_recorder(dynamodb).heartbeat()).state is InterviewState.LAUNCHING


def test_queued_progress_that_cannot_be_written_is_dropped_and_the_interview_goes_on() -> None:
    # Given a table that refuses writes
    dynamodb = FailingDynamoDB(_throttled())
    recorder = _recorder(dynamodb)
    # When the conductor records its progress (queued, not awaited)
    asyncio.run(recorder.progress(Progress(phase="asking", question_index=1, question_count=3)))
    # Then the write was tried and its failure did not reach the conversation
    assert dynamodb.writes == ["update_item"]
