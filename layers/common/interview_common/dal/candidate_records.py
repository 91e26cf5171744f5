"""Data access for erasing a candidate: their interviews (GSI1) and everything in each interview's room.

A room's partition holds the whole interview: META, PARTICIPANT#, TURN#, REPORT, EVENT# markers,
DECISION# items and the CONTEXT. Erasure deletes every item of it with BatchWriteItem (25 keys a call,
unprocessed keys retried with backoff), the only delete this table's code performs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interview_common.aws_clients import client
from interview_common.dal.table import from_attribute_values
from interview_common.errors import ServiceUnavailable
from interview_common.models.items import META_SK, candidate_gsi_pk, room_pk

BATCH_SIZE = 25  # BatchWriteItem's limit
MAX_BATCH_ATTEMPTS = 6


@dataclass(frozen=True)
class StoredKey:
    pk: str
    sk: str

    def attribute_values(self) -> dict[str, Any]:
        return {"PK": {"S": self.pk}, "SK": {"S": self.sk}}


@dataclass(frozen=True)
class RoomContents:
    """A room's partition as erasure sees it: every key, and the current interview's owner and state."""

    room_name: str
    keys: list[StoredKey]
    candidate_id: str | None  # META's; None when the room has no META
    interview_id: str | None
    state: str | None


class CandidateRecords:
    def __init__(
        self, table_name: str, dynamodb: Any | None = None, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb or client("dynamodb")
        self._sleep = sleep

    def rooms_of(self, candidate_id: str) -> list[str]:
        """The rooms GSI1 lists for the candidate (eventually consistent: check each room's META)."""
        rooms: list[str] = []
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": candidate_gsi_pk(candidate_id)}},
            "ProjectionExpression": "room_name",
        }
        while True:
            response = self._dynamodb.query(**request)
            for raw in response.get("Items", []):
                room = from_attribute_values(raw).get("room_name")
                if isinstance(room, str) and room not in rooms:
                    rooms.append(room)
            if "LastEvaluatedKey" not in response:
                return rooms
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def room_contents(self, room_name: str) -> RoomContents:
        """Every key of the room's partition, read strongly consistently, with META's owner and state."""
        keys: list[StoredKey] = []
        meta: dict[str, Any] = {}
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": room_pk(room_name)}},
            "ProjectionExpression": "PK, SK, candidate_id, interview_id, #state",
            "ExpressionAttributeNames": {"#state": "state"},
            "ConsistentRead": True,
        }
        while True:
            response = self._dynamodb.query(**request)
            for raw in response.get("Items", []):
                item = from_attribute_values(raw)
                keys.append(StoredKey(str(item["PK"]), str(item["SK"])))
                if item["SK"] == META_SK:
                    meta = item
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return RoomContents(
            room_name=room_name,
            keys=keys,
            candidate_id=meta.get("candidate_id"),
            interview_id=meta.get("interview_id"),
            state=meta.get("state"),
        )

    def delete(self, keys: list[StoredKey]) -> None:
        """Delete every key (BatchWriteItem, 25 at a time); keys DynamoDB leaves unprocessed are retried
        with backoff. Deleting a key that is already gone is not an error, so this is safe to repeat."""
        for start in range(0, len(keys), BATCH_SIZE):
            pending = [
                {"DeleteRequest": {"Key": key.attribute_values()}} for key in keys[start : start + BATCH_SIZE]
            ]
            for attempt in range(MAX_BATCH_ATTEMPTS):
                response = self._dynamodb.batch_write_item(RequestItems={self.table_name: pending})
                pending = response.get("UnprocessedItems", {}).get(self.table_name, [])
                if not pending:
                    break
                self._sleep(min(2.0, 0.05 * 2**attempt))
            else:
                raise ServiceUnavailable(
                    "the table throttled the deletion; nothing was lost, repeat the request to finish it"
                )
