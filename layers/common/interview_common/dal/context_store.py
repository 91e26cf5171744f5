"""Data access for a room's interview context (`ROOM#<roomName>` / `CONTEXT`).

Posts merge field by field: a later post sets what it carries and keeps what it does not, so a partial
post (the seed's room page knows less than its invitation form) never erases what an earlier one gave.
The item sorts before META, outside the status routes' META..PARTICIPANT# range.
"""

from __future__ import annotations

from typing import Any

from interview_common.aws_clients import client
from interview_common.dal.table import from_attribute_values, to_attribute_values
from interview_common.models.interview_context import CONTEXT_SK, InterviewContext, InterviewContextItem
from interview_common.models.items import room_pk


class InterviewContextStore:
    def __init__(self, table_name: str, dynamodb: Any | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb or client("dynamodb")

    def merge(
        self, room_name: str, context: InterviewContext, *, updated_at: str, expires_at: int
    ) -> InterviewContextItem:
        """Set the fields `context` holds (others keep their stored value); returns the whole context."""
        updates: dict[str, Any] = {
            **context.fields_set(),
            "room_name": room_name,
            "updated_at": updated_at,
            "expiresAt": expires_at,
        }
        names = {f"#f{index}": key for index, key in enumerate(updates)}
        values = to_attribute_values({f":v{index}": value for index, value in enumerate(updates.values())})
        response = self._dynamodb.update_item(
            TableName=self.table_name,
            Key={"PK": {"S": room_pk(room_name)}, "SK": {"S": CONTEXT_SK}},
            UpdateExpression="SET " + ", ".join(f"#f{index} = :v{index}" for index in range(len(updates))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
        return InterviewContextItem.from_item(from_attribute_values(response["Attributes"]))

    def get(self, room_name: str) -> InterviewContextItem | None:
        response = self._dynamodb.get_item(
            TableName=self.table_name,
            Key={"PK": {"S": room_pk(room_name)}, "SK": {"S": CONTEXT_SK}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return InterviewContextItem.from_item(from_attribute_values(item)) if item else None
