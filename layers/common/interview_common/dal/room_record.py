"""Data access for the record routes: everything stored under one room, in one strongly consistent query.

META, PARTICIPANT#, TURN#, REPORT and DECISION# items share the room's partition, so the whole record is one
(paginated) Query: the record function needs `dynamodb:Query` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interview_common.aws_clients import client
from interview_common.dal.table import from_attribute_values
from interview_common.models.assessment import InterviewReport, ReportItem
from interview_common.models.decision import DECISION_PREFIX, DecisionItem
from interview_common.models.items import (
    EVENT_PREFIX,
    META_SK,
    PARTICIPANT_PREFIX,
    REPORT_SK,
    TURN_PREFIX,
    InterviewItem,
    ParticipantItem,
    room_pk,
)
from interview_common.models.turn import TurnItem


@dataclass(frozen=True)
class RoomRecord:
    interview: InterviewItem
    participants: list[ParticipantItem] = field(default_factory=list)
    turns: list[TurnItem] = field(default_factory=list)
    report: InterviewReport | None = None
    decisions: list[DecisionItem] = field(default_factory=list)  # oldest first; the last is in force


class RoomRecordReader:
    def __init__(self, table_name: str, dynamodb: Any | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb or client("dynamodb")

    def read(self, room_name: str) -> RoomRecord | None:
        """The room's current interview with its participants, turns and report; None when there is none."""
        items = self._partition(room_name)
        meta = next((item for item in items if item["SK"] == META_SK), None)
        if meta is None:
            return None
        interview = InterviewItem.from_item(meta)
        participants: list[ParticipantItem] = []
        turns: list[TurnItem] = []
        report: InterviewReport | None = None
        decisions: list[DecisionItem] = []
        for item in items:
            key = str(item["SK"])
            if key.startswith(PARTICIPANT_PREFIX):
                participants.append(ParticipantItem.from_item(item))
            elif key.startswith(TURN_PREFIX):
                turn = TurnItem.from_item(item)
                if turn.interview_id == interview.interview_id:  # not a turn of an earlier, failed interview
                    turns.append(turn)
            elif key == REPORT_SK:
                stored = ReportItem.from_item(item).report
                if stored.interview_id == interview.interview_id:
                    report = stored
            elif key.startswith(DECISION_PREFIX):
                decision = DecisionItem.from_item(item)
                if decision.interview_id == interview.interview_id:
                    decisions.append(decision)
        turns.sort(key=lambda turn: turn.index)
        decisions.sort(key=lambda decision: decision.decided_at)
        return RoomRecord(
            interview=interview, participants=participants, turns=turns, report=report, decisions=decisions
        )

    def _partition(self, room_name: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk",
            # Webhook dedupe markers live here too; they are not part of the record.
            "FilterExpression": "NOT begins_with(SK, :event)",
            "ExpressionAttributeValues": {":pk": {"S": room_pk(room_name)}, ":event": {"S": EVENT_PREFIX}},
            "ConsistentRead": True,
        }
        while True:
            response = self._dynamodb.query(**request)
            items.extend(from_attribute_values(raw) for raw in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
