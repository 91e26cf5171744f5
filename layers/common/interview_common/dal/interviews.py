"""The interview repository: a room's interview (its META item) and the people on it.

The one writer of META: creating it, its state transitions and field updates, and (for the participants'
repository) the versioned update that commits a webhook's change to META's participants map.
DynamoDB's refusals of a condition become the domain's TransitionRejected here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from interview_common.aws_clients import client
from interview_common.clock import now_iso
from interview_common.dal.table import (
    from_attribute_values,
    in_condition,
    is_conditional_failure,
    meta_key,
    storage_errors,
    to_attribute_value,
    to_attribute_values,
)
from interview_common.errors import TransitionRejected
from interview_common.lifecycle import ACTIVE_STATES, TERMINAL_STATES, InterviewState, predecessors
from interview_common.models.items import (
    PARTICIPANT_PREFIX,
    InterviewItem,
    ParticipantItem,
    candidate_gsi_pk,
    room_pk,
)


@dataclass(frozen=True)
class RoomSnapshot:
    """What the status routes read of a room: its interview (META) and who is in the room."""

    interview: InterviewItem
    participants: list[ParticipantItem] = field(default_factory=list)


class InterviewRepository:
    """A room's interview (META): the only code that writes META."""

    def __init__(self, table_name: str, dynamodb: Any | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb or client("dynamodb")

    # -- interviews -------------------------------------------------------------------------------

    def create_interview(self, interview: InterviewItem) -> InterviewItem | None:
        """Record a new interview for a room that has none, or whose last one failed.

        A new room's META starts with an empty participants map (status polls read it alone). A room
        whose failed interview is replaced keeps the people in it: its META is written without the map,
        so the room's PARTICIPANT# items answer until the next webhook puts them on META.
        Returns None when another active or finished interview holds the room (the caller reads it).
        """
        fresh = (
            interview
            if interview.participants is not None
            else interview.model_copy(update={"participants": {}})
        )
        if self._put_interview(fresh, "attribute_not_exists(PK)", {}):
            return fresh
        replacing = interview.model_copy(update={"participants": None})
        if self._put_interview(
            replacing, "#state = :failed", {":failed": {"S": InterviewState.FAILED.value}}
        ):
            return replacing
        return None

    def _put_interview(self, interview: InterviewItem, condition: str, values: dict[str, Any]) -> bool:
        request: dict[str, Any] = {"ConditionExpression": condition}
        if values:
            request.update(ExpressionAttributeNames={"#state": "state"}, ExpressionAttributeValues=values)
        try:
            self._dynamodb.put_item(
                TableName=self.table_name, Item=to_attribute_values(interview.to_item()), **request
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def get_interview(self, room_name: str) -> InterviewItem | None:
        response = self._dynamodb.get_item(
            TableName=self.table_name,
            Key=meta_key(room_name),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return InterviewItem.from_item(from_attribute_values(item)) if item else None

    def get_room_snapshot(self, room_name: str) -> RoomSnapshot | None:
        """META and who is in the room, strongly consistent: one GetItem of META, which keeps the room's
        participants; for a record written before it did, also a Query of its PARTICIPANT# items."""
        interview = self.get_interview(room_name)
        if interview is None:
            return None
        if interview.participants is not None:
            participants = [
                ParticipantItem.model_validate(
                    {**entry, "room_name": room_name, "expires_at": interview.expires_at}
                )
                for _, entry in sorted(interview.participants.items())
            ]
            return RoomSnapshot(interview=interview, participants=participants)
        response = self._dynamodb.query(
            TableName=self.table_name,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={
                ":pk": {"S": room_pk(room_name)},
                ":prefix": {"S": PARTICIPANT_PREFIX},
            },
            ConsistentRead=True,
        )
        participants = [
            ParticipantItem.from_item(from_attribute_values(raw)) for raw in response.get("Items", [])
        ]
        return RoomSnapshot(interview=interview, participants=participants)

    def latest_for_candidate(self, candidate_id: str) -> InterviewItem | None:
        response = self._dynamodb.query(
            TableName=self.table_name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": {"S": candidate_gsi_pk(candidate_id)}},
            ScanIndexForward=False,
            Limit=1,
        )
        items = response.get("Items", [])
        return InterviewItem.from_item(from_attribute_values(items[0])) if items else None

    def latest_active_for_candidate(self, candidate_id: str) -> InterviewItem | None:
        """The candidate's newest interview that has not ended (GSI1, newest first, paged until found)."""
        active = sorted(state.value for state in ACTIVE_STATES)
        values: dict[str, Any] = {":pk": {"S": candidate_gsi_pk(candidate_id)}}
        values.update({f":s{index}": {"S": state} for index, state in enumerate(active)})
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk",
            "FilterExpression": f"#state IN ({', '.join(f':s{index}' for index in range(len(active)))})",
            "ExpressionAttributeNames": {"#state": "state"},
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        while True:
            response = self._dynamodb.query(**request)
            items = response.get("Items", [])
            if items:
                return InterviewItem.from_item(from_attribute_values(items[0]))
            if "LastEvaluatedKey" not in response:
                return None
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def transition(
        self,
        room_name: str,
        interview_id: str,
        target: InterviewState,
        **fields: Any,
    ) -> InterviewItem:
        """Move an interview forward to `target`, setting `fields` with it, in one conditional write.

        Raises TransitionRejected when the interview is already at or past `target`, or is another one.
        """
        allowed = sorted(state.value for state in predecessors(target))
        now = now_iso()
        updates: dict[str, Any] = {"state": target.value, "updated_at": now, **fields}
        if target in TERMINAL_STATES:
            updates.setdefault("ended_at", now)
        return self._update(
            room_name,
            interview_id,
            updates,
            condition_states=allowed,
        )

    def record_task(self, room_name: str, interview_id: str, task_ref: str) -> InterviewItem:
        """Keep the launched agent's task on a still-active interview. TransitionRejected when the
        interview moved on or ended; StorageUnavailable when DynamoDB refused the write."""
        with storage_errors("recording the agent's task", transport=False):
            return self.update_fields(room_name, interview_id, task_arn=task_ref)

    def mark_failed(self, room_name: str, interview_id: str, reason: str) -> InterviewItem:
        """Move the interview to FAILED with `reason`. TransitionRejected when it had already moved on;
        StorageUnavailable when DynamoDB refused the write."""
        with storage_errors("marking the interview failed", transport=False):
            return self.transition(room_name, interview_id, InterviewState.FAILED, error=reason)

    def record_progress(self, room_name: str, interview_id: str, **fields: Any) -> InterviewItem:
        """Set the agent's progress or heartbeat fields on a still-active interview. TransitionRejected
        when it ended elsewhere; StorageUnavailable when DynamoDB failed or could not be reached."""
        with storage_errors("recording the interview's progress"):
            return self.update_fields(room_name, interview_id, **fields)

    def update_fields(self, room_name: str, interview_id: str, **fields: Any) -> InterviewItem:
        """Set fields of a still-active interview (never of a finished one)."""
        allowed = sorted(state.value for state in ACTIVE_STATES)
        return self._update(room_name, interview_id, {"updated_at": now_iso(), **fields}, allowed)

    def _update(
        self,
        room_name: str,
        interview_id: str,
        updates: dict[str, Any],
        condition_states: list[str],
    ) -> InterviewItem:
        names = {"#state": "state", "#iid": "interview_id", "#version": "version"}
        values: dict[str, Any] = {":iid": {"S": interview_id}, ":one": {"N": "1"}}
        assignments = []
        for index, (key, value) in enumerate(updates.items()):
            names[f"#f{index}"] = key
            values[f":v{index}"] = to_attribute_value(value)
            assignments.append(f"#f{index} = :v{index}")
        state_condition, state_values = in_condition("#state", condition_states, "s")
        values.update(state_values)
        try:
            response = self._dynamodb.update_item(
                TableName=self.table_name,
                Key=meta_key(room_name),
                UpdateExpression="SET " + ", ".join(assignments) + " ADD #version :one",
                ConditionExpression=f"#iid = :iid AND {state_condition}",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if is_conditional_failure(error):
                raise TransitionRejected(
                    f"interview {interview_id} in room {room_name} refused the change"
                ) from error
            raise
        return InterviewItem.from_item(from_attribute_values(response["Attributes"]))

    def versioned_update(self, interview: InterviewItem, updates: dict[str, Any]) -> dict[str, Any]:
        """The Update of META that sets `updates` (a None value removes its field), conditioned on META
        being still the version `interview` was read at; for a caller that commits it, alone or in a
        transaction with other items (the participants' repository)."""
        names = {"#iid": "interview_id", "#version": "version"}
        values: dict[str, Any] = {
            ":iid": {"S": interview.interview_id},
            ":read": {"N": str(interview.version)},
            ":one": {"N": "1"},
        }
        assignments, removals = [], []
        for index, (key, value) in enumerate(updates.items()):
            names[f"#f{index}"] = key
            if value is None:  # a field that no longer holds
                removals.append(f"#f{index}")
                continue
            values[f":v{index}"] = to_attribute_value(value)
            assignments.append(f"#f{index} = :v{index}")
        expression = ("SET " + ", ".join(assignments) + " " if assignments else "") + "ADD #version :one"
        if removals:
            expression += " REMOVE " + ", ".join(removals)
        return {
            "Key": meta_key(interview.room_name),
            "UpdateExpression": expression,
            "ConditionExpression": "#iid = :iid AND #version = :read",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }


InterviewStore = InterviewRepository  # the name the use cases and the agent have always imported
