"""Data access for what an interview produced: job profiles, TURN# items and the REPORT item.

State, phase, heartbeat and progress live on META and go through `InterviewStore` (forward-only,
never on a finished interview); this module holds the rest of the interview's record.
"""

from __future__ import annotations

from typing import Any

from interview_common.aws_clients import client
from interview_common.dal.job_profiles import JobProfileRepository
from interview_common.dal.table import from_attribute_values, storage_errors, to_attribute_values
from interview_common.models.assessment import InterviewReport, ReportItem
from interview_common.models.items import REPORT_SK, TURN_PREFIX, job_pk, room_pk
from interview_common.models.job_profile import PROFILE_SK, JobProfile
from interview_common.models.turn import TurnItem


class InterviewLog:
    def __init__(self, table_name: str, dynamodb: Any | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb or client("dynamodb")

    # -- job profiles -----------------------------------------------------------------------------

    def get_job_profile(self, job_id: str) -> JobProfile | None:
        response = self._dynamodb.get_item(
            TableName=self.table_name, Key={"PK": {"S": job_pk(job_id)}, "SK": {"S": PROFILE_SK}}
        )
        item = response.get("Item")
        return JobProfile.from_item(from_attribute_values(item)) if item else None

    def job_profile_or_default(self, job_id: str, version: int | None = None) -> tuple[JobProfile, bool]:
        """The job's profile, or the built-in default (second value False) when the job has none.

        `version` is the one the interview recorded when it started (its META's `profile_version`; 0 for
        the default); None reads the job's current profile (its current version, else the legacy item).
        """
        profile, source = JobProfileRepository(self.table_name, self._dynamodb).for_interview(job_id, version)
        return profile, source != "default"

    def put_job_profile(self, profile: JobProfile) -> None:
        self._dynamodb.put_item(TableName=self.table_name, Item=to_attribute_values(profile.to_item()))

    # -- turns ------------------------------------------------------------------------------------

    def put_turn(self, turn: TurnItem) -> None:
        """Write the whole turn (asked, answered, assessed: each write replaces the last).
        StorageUnavailable when DynamoDB failed or could not be reached."""
        with storage_errors("saving a turn"):
            self._dynamodb.put_item(TableName=self.table_name, Item=to_attribute_values(turn.to_item()))

    def get_turns(self, room_name: str, interview_id: str) -> list[TurnItem]:
        """The turns of this interview, in order (a room may hold turns of an earlier, failed one)."""
        turns: list[TurnItem] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :turn)",
            "ExpressionAttributeValues": {":pk": {"S": room_pk(room_name)}, ":turn": {"S": TURN_PREFIX}},
            "ConsistentRead": True,
        }
        while True:
            response = self._dynamodb.query(**kwargs)
            for raw in response.get("Items", []):
                turn = TurnItem.from_item(from_attribute_values(raw))
                if turn.interview_id == interview_id:
                    turns.append(turn)
            if "LastEvaluatedKey" not in response:
                return turns
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # -- report -----------------------------------------------------------------------------------

    def put_report(self, report: InterviewReport, expires_at: int) -> None:
        item = ReportItem(report=report, expires_at=expires_at)
        self._dynamodb.put_item(TableName=self.table_name, Item=to_attribute_values(item.to_item()))

    def get_report(self, room_name: str, interview_id: str | None = None) -> InterviewReport | None:
        response = self._dynamodb.get_item(
            TableName=self.table_name,
            Key={"PK": {"S": room_pk(room_name)}, "SK": {"S": REPORT_SK}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        if not item:
            return None
        report = ReportItem.from_item(from_attribute_values(item)).report
        if interview_id is not None and report.interview_id != interview_id:
            return None
        return report
