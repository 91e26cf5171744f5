"""Data access for the decisions on an interview (`ROOM#<roomName>` / `DECISION#<decidedAt>`).

Append-only: a decision is put only where no item is (a conditional PutItem), never updated or deleted
here; only the erasure of the whole candidate (DELETE /candidates/{candidateId}) removes it.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from interview_common.aws_clients import client
from interview_common.dal.table import from_attribute_values, is_conditional_failure, to_attribute_values
from interview_common.models.decision import DECISION_PREFIX, DecisionItem
from interview_common.models.items import room_pk


class DecisionExists(Exception):
    """A decision with the same timestamp is already recorded (the caller retries with a later one)."""


class DecisionLog:
    def __init__(self, table_name: str, dynamodb: Any | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb or client("dynamodb")

    def append(self, decision: DecisionItem) -> None:
        try:
            self._dynamodb.put_item(
                TableName=self.table_name,
                Item=to_attribute_values(decision.to_item()),
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError as error:
            if is_conditional_failure(error):
                raise DecisionExists(decision.decided_at) from error
            raise

    def trail(self, room_name: str, interview_id: str) -> list[DecisionItem]:
        """This interview's decisions, oldest first (a room may hold decisions on an earlier interview)."""
        decisions: list[DecisionItem] = []
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :decision)",
            "ExpressionAttributeValues": {
                ":pk": {"S": room_pk(room_name)},
                ":decision": {"S": DECISION_PREFIX},
            },
            "ConsistentRead": True,
        }
        while True:
            response = self._dynamodb.query(**request)
            for raw in response.get("Items", []):
                decision = DecisionItem.from_item(from_attribute_values(raw))
                if decision.interview_id == interview_id:
                    decisions.append(decision)
            if "LastEvaluatedKey" not in response:
                return decisions
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
