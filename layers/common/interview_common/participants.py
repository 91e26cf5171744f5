"""Data access for who is in a room: PARTICIPANT# items, EVENT# dedupe markers, and META's presence flags.

LiveKit delivers webhooks at least once and in no guaranteed order, so a participant item is a set of
last-writer-wins registers, each keyed by the order of the event that wrote it (`order_key`):

- presence (state, name, joined_at, left_at, last_event_at), written by every event about the participant;
- microphone_on and camera_on, each written by joined/left (off) and by its own track events.

An event changes a register only when its key is greater than the register's, and the merged item is
written back with a conditional put on the version it was read at. Whatever order (and however many
copies) the events arrive in, every register ends holding the value of its greatest event: the same item
as in-order delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from interview_common.clock import DAY_SECONDS, iso_from_epoch, now_iso
from interview_common.errors import ServiceUnavailable
from interview_common.models.items import (
    EVENT_PREFIX,
    META_SK,
    PARTICIPANT_PREFIX,
    ParticipantItem,
    ParticipantKind,
    room_pk,
)
from interview_common.store import from_attribute_values, is_conditional_failure, to_attribute_values

EVENT_MARKER_TTL_SECONDS = 7 * DAY_SECONDS
MARKER_CLAIMED = "claimed"  # being applied (or, older than the lease, abandoned by a failed delivery)
MARKER_APPLIED = "applied"
MARKER_RELEASED = "released"
MAX_WRITE_ATTEMPTS = 5
# A claim is held this long at most. One whose handler failed and could not release it either (DynamoDB
# refused both writes) is claimed again by a delivery after that, instead of swallowing the event for good.
# Far longer than the webhook function's timeout, so a claim still being applied is never taken over.
CLAIM_LEASE_SECONDS = 60

# Within one connection of a participant: it joins first, publishes and unpublishes tracks, leaves last.
PHASE_JOINED = 0
PHASE_TRACK = 1
PHASE_LEFT = 2


def order_key(session_started_ms: int, phase: int, created_at: int, event_id: str) -> str:
    """A string that sorts like the tuple (connection start, phase in it, createdAt, id).

    LiveKit's createdAt has one-second resolution, so a join, a mute and a leave often tie on it; the
    connection's start (joinedAtMs, which a rejoin renews) and the phase order them as they happened.
    The event id breaks what is left (two track changes in one second) the same way on every delivery.
    """
    return f"{max(session_started_ms, 0):015d}|{phase}|{max(created_at, 0):012d}|{event_id}"


class ParticipantChange(BaseModel):
    """What one webhook says about one participant."""

    model_config = ConfigDict(frozen=True)

    identity: str
    kind: ParticipantKind
    name: str | None
    order: str
    event_at: str
    present: bool
    joined_at: str | None
    microphone_on: bool | None = None  # None: this event says nothing about the microphone
    camera_on: bool | None = None


class ParticipantRecord(ParticipantItem):
    """The stored PARTICIPANT# item: the API-facing fields plus each register's order and a version."""

    presence_order: str = ""
    microphone_order: str = ""
    camera_order: str = ""
    version: int = 0

    @classmethod
    def from_stored(cls, item: dict[str, Any]) -> ParticipantRecord:
        data = dict(item)
        data["expires_at"] = int(data.pop("expiresAt", 0))
        return cls.model_validate(data)


def merge(
    current: ParticipantRecord | None, change: ParticipantChange, room_name: str, expires_at: int
) -> ParticipantRecord | None:
    """The item after `change`, or None when every register already holds a newer (or the same) event."""
    base = current or ParticipantRecord(
        room_name=room_name, identity=change.identity, kind=change.kind, expires_at=expires_at
    )
    updates: dict[str, Any] = {}
    if change.order > base.presence_order:
        updates.update(
            kind=change.kind,
            name=change.name,
            state="joined" if change.present else "left",
            joined_at=change.joined_at,
            left_at=None if change.present else change.event_at,
            last_event_at=change.event_at,
            presence_order=change.order,
        )
    if change.microphone_on is not None and change.order > base.microphone_order:
        updates.update(microphone_on=change.microphone_on, microphone_order=change.order)
    if change.camera_on is not None and change.order > base.camera_order:
        updates.update(camera_on=change.camera_on, camera_order=change.order)
    if not updates:
        return None
    return base.model_copy(update={**updates, "version": base.version + 1})


@dataclass(frozen=True)
class AppliedChange:
    before: ParticipantRecord | None
    after: ParticipantRecord

    @property
    def presence_changed(self) -> bool:
        """Whether the participant came or went (not merely changed a track)."""
        return self.before is None or self.before.state != self.after.state


class ParticipantStore:
    def __init__(self, table_name: str, dynamodb: Any) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb

    # -- dedupe markers ---------------------------------------------------------------------------

    def claim_event(self, room_name: str, event_id: str, event_name: str, now_epoch: float) -> bool:
        """Record that this webhook is being applied; False when an earlier delivery applied it.

        ServiceUnavailable while an earlier delivery is still applying it (LiveKit retries: by then it is
        applied, or its claim has expired). A claim older than CLAIM_LEASE_SECONDS was abandoned by a
        delivery that failed and could not release it: it is claimed again."""
        item = {
            "PK": room_pk(room_name),
            "SK": f"{EVENT_PREFIX}{event_id}",
            "event": event_name,
            "status": MARKER_CLAIMED,
            "received_at": iso_from_epoch(now_epoch),
            "expiresAt": int(now_epoch) + EVENT_MARKER_TTL_SECONDS,
        }
        try:
            self._dynamodb.put_item(
                TableName=self.table_name,
                Item=to_attribute_values(item),
                ConditionExpression=(
                    "attribute_not_exists(PK) OR #status = :released"
                    " OR (#status = :claimed AND #received < :lease_start)"
                ),
                ExpressionAttributeNames={"#status": "status", "#received": "received_at"},
                ExpressionAttributeValues={
                    ":released": {"S": MARKER_RELEASED},
                    ":claimed": {"S": MARKER_CLAIMED},
                    ":lease_start": {"S": iso_from_epoch(now_epoch - CLAIM_LEASE_SECONDS)},
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            held_by: Any = error.response.get("Item") or {}  # the marker that holds the event
            held = held_by.get("status", {}).get("S")
            if held == MARKER_CLAIMED:
                raise ServiceUnavailable("an earlier delivery of this event is being applied") from None
            return False
        return True

    def complete_event(self, room_name: str, event_id: str) -> None:
        """The claimed event was applied: its repeats are duplicates from now on."""
        self._set_marker(room_name, event_id, MARKER_APPLIED)

    def release_event(self, room_name: str, event_id: str) -> None:
        """Give up a claim whose event could not be applied, so that LiveKit's retry applies it.
        (Marked released rather than deleted: this function is never granted DeleteItem.)"""
        self._set_marker(room_name, event_id, MARKER_RELEASED)

    def _set_marker(self, room_name: str, event_id: str, status: str) -> None:
        self._dynamodb.update_item(
            TableName=self.table_name,
            Key={"PK": {"S": room_pk(room_name)}, "SK": {"S": f"{EVENT_PREFIX}{event_id}"}},
            UpdateExpression="SET #status = :status",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":status": {"S": status}},
        )

    # -- participants -----------------------------------------------------------------------------

    def get(self, room_name: str, identity: str) -> ParticipantRecord | None:
        response = self._dynamodb.get_item(
            TableName=self.table_name,
            Key={"PK": {"S": room_pk(room_name)}, "SK": {"S": f"{PARTICIPANT_PREFIX}{identity}"}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return ParticipantRecord.from_stored(from_attribute_values(item)) if item else None

    def apply(self, room_name: str, change: ParticipantChange, expires_at: int) -> AppliedChange | None:
        """Merge `change` into the stored item; the item before and after, or None when nothing changed."""
        for _ in range(MAX_WRITE_ATTEMPTS):
            current = self.get(room_name, change.identity)
            merged = merge(current, change, room_name, expires_at)
            if merged is None:
                return None
            if current is None:
                condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(PK)"}
            else:
                condition = {
                    "ConditionExpression": "#version = :read",
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": {":read": {"N": str(current.version)}},
                }
            try:
                self._dynamodb.put_item(
                    TableName=self.table_name, Item=to_attribute_values(merged.to_item()), **condition
                )
            except ClientError as error:
                if is_conditional_failure(error):
                    continue  # another delivery wrote first: merge into what it wrote
                raise
            return AppliedChange(before=current, after=merged)
        raise ServiceUnavailable(
            f"participant {change.identity} kept changing under concurrent webhooks; retry"
        )

    # -- META presence flags ----------------------------------------------------------------------

    def record_candidate_joined(self, room_name: str, interview_id: str, joined_at: str) -> bool:
        """Keep META's started_at at the candidate's earliest join, whichever join arrives first."""
        try:
            self._dynamodb.update_item(
                TableName=self.table_name,
                Key={"PK": {"S": room_pk(room_name)}, "SK": {"S": META_SK}},
                UpdateExpression="SET #started = :at",
                ConditionExpression="#iid = :iid AND (attribute_not_exists(#started) OR #started > :at)",
                ExpressionAttributeNames={"#iid": "interview_id", "#started": "started_at"},
                ExpressionAttributeValues={":iid": {"S": interview_id}, ":at": {"S": joined_at}},
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def set_presence(
        self,
        room_name: str,
        interview_id: str,
        *,
        agent_connected: bool,
        candidate_connected: bool,
        room_finished_at: str | None = None,
    ) -> bool:
        """Set META's agent_connected/candidate_connected (facts about the room, so also on a finished
        interview); once room_finished has been recorded they stay false. False when refused."""
        names = {"#iid": "interview_id", "#agent": "agent_connected", "#candidate": "candidate_connected"}
        names.update({"#updated": "updated_at", "#version": "version", "#finished": "room_finished_at"})
        values: dict[str, Any] = {
            ":iid": {"S": interview_id},
            ":agent": {"BOOL": agent_connected},
            ":candidate": {"BOOL": candidate_connected},
            ":now": {"S": now_iso()},
            ":one": {"N": "1"},
        }
        assignments = "#agent = :agent, #candidate = :candidate, #updated = :now"
        if room_finished_at is not None:
            assignments += ", #finished = :finished"
            values[":finished"] = {"S": room_finished_at}
        try:
            self._dynamodb.update_item(
                TableName=self.table_name,
                Key={"PK": {"S": room_pk(room_name)}, "SK": {"S": META_SK}},
                UpdateExpression=f"SET {assignments} ADD #version :one",
                ConditionExpression="#iid = :iid AND attribute_not_exists(#finished)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True
