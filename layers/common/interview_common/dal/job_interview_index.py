"""Data access for a job's interviews: the `JobInterviews` index (META's job_id, created_at), each
page's REPORT and CONTEXT items (one BatchGetItem) and each interview's decision in force.

Newest first. A page resumes after the exact index key of the last interview it returned (not after
DynamoDB's last *evaluated* key, which a filter or a short page may have moved past), so a cursor never
skips or repeats an interview; new interviews sort before the cursor and are never met by it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from interview_common.aws_clients import client
from interview_common.dal.table import from_attribute_values
from interview_common.errors import ServiceUnavailable
from interview_common.models.assessment import InterviewReport, ReportItem
from interview_common.models.decision import DECISION_PREFIX, DecisionItem
from interview_common.models.interview_context import CONTEXT_SK, InterviewContextItem
from interview_common.models.items import META_SK, REPORT_SK, InterviewItem, room_pk

JOB_INDEX = "JobInterviews"
INDEX_KEY_ATTRIBUTES = ("PK", "SK", "job_id", "created_at")
BATCH_GET_LIMIT = 100
BATCH_GET_ATTEMPTS = 5


def index_key(interview: InterviewItem) -> dict[str, str]:
    """The index position of an interview: where the next page resumes."""
    return {
        "PK": room_pk(interview.room_name),
        "SK": META_SK,
        "job_id": interview.job_id,
        "created_at": interview.created_at,
    }


class JobInterviewIndex:
    def __init__(self, table_name: str, dynamodb: Any | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb or client("dynamodb")

    def newest_first(
        self, job_id: str, *, states: list[str], after: dict[str, str] | None, batch: int
    ) -> Iterator[InterviewItem]:
        """The job's interviews (in `states`, when given), newest first, after `after`'s position."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": JOB_INDEX,
            "KeyConditionExpression": "job_id = :job",
            "ExpressionAttributeValues": {":job": {"S": job_id}},
            "ScanIndexForward": False,
            "Limit": batch,
        }
        if states:
            request["FilterExpression"] = f"#state IN ({', '.join(f':s{i}' for i in range(len(states)))})"
            request["ExpressionAttributeNames"] = {"#state": "state"}
            request["ExpressionAttributeValues"].update({f":s{i}": {"S": s} for i, s in enumerate(states)})
        if after is not None:
            request["ExclusiveStartKey"] = {key: {"S": value} for key, value in after.items()}
        while True:
            response = self._dynamodb.query(**request)
            for raw in response.get("Items", []):
                item = from_attribute_values(raw)
                if item.get("SK") == META_SK:
                    yield InterviewItem.from_item(item)
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def reports_and_contexts(
        self, room_names: list[str]
    ) -> tuple[dict[str, InterviewReport], dict[str, InterviewContextItem]]:
        """Each room's REPORT and CONTEXT (when it has them), in BatchGetItem calls of at most 100 keys."""
        keys = [
            {"PK": {"S": room_pk(room)}, "SK": {"S": sort_key}}
            for room in dict.fromkeys(room_names)
            for sort_key in (REPORT_SK, CONTEXT_SK)
        ]
        reports: dict[str, InterviewReport] = {}
        contexts: dict[str, InterviewContextItem] = {}
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            for item in self._batch_get(keys[start : start + BATCH_GET_LIMIT]):
                room = str(item["PK"]).removeprefix("ROOM#")
                if item["SK"] == REPORT_SK:
                    reports[room] = ReportItem.from_item(item).report
                elif item["SK"] == CONTEXT_SK:
                    contexts[room] = InterviewContextItem.from_item(item)
        return reports, contexts

    def decision_in_force(self, room_name: str, interview_id: str) -> DecisionItem | None:
        """The latest decision on this interview (a room may hold decisions on an earlier one)."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :decision)",
            "ExpressionAttributeValues": {
                ":pk": {"S": room_pk(room_name)},
                ":decision": {"S": DECISION_PREFIX},
            },
            "ScanIndexForward": False,
            "Limit": 10,
        }
        while True:
            response = self._dynamodb.query(**request)
            for raw in response.get("Items", []):
                decision = DecisionItem.from_item(from_attribute_values(raw))
                if decision.interview_id == interview_id:
                    return decision
            if "LastEvaluatedKey" not in response:
                return None
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _batch_get(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        pending: dict[str, Any] = {self.table_name: {"Keys": keys}}
        for attempt in range(BATCH_GET_ATTEMPTS):
            response = self._dynamodb.batch_get_item(RequestItems=pending)
            found.extend(
                from_attribute_values(raw) for raw in response.get("Responses", {}).get(self.table_name, [])
            )
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                return found
            time.sleep(0.05 * 2**attempt)  # throttled: back off, then ask for what is left
        raise ServiceUnavailable("the table is busy right now; retry shortly")
