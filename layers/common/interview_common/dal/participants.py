"""Who is in a room, and one webhook's effect on the room committed as one write.

LiveKit delivers webhooks at least once and in no guaranteed order, so a participant is a set of
last-writer-wins registers, each keyed by the order of the event that wrote it (`order_key`):

- presence (state, name, joined_at, left_at, last_event_at), written by every event about the participant;
- microphone_on and camera_on, each written by joined/left (off) and by its own track events.

An event changes a register only when its key is greater than the register's. Whatever order (and however
many copies) the events arrive in, every register ends holding the value of its greatest event: the same
as in-order delivery.

Where the registers live. Every participant is kept twice, written together: in META's `participants` map
(identity -> registers), so that a status poll is one GetItem of META, and as a `PARTICIPANT#<identity>`
item (the record routes and erasure read those). A change is decided from META as read and committed with
`RoomWrites.commit`: the event's EVENT# dedupe marker, the participant item and META's update in one
TransactWriteItems, conditioned on META's `version` (every META writer bumps it), so a concurrent change
makes it fail whole and the caller decides again on what is there now. A record written before the map
existed (META without `participants`) is read from its PARTICIPANT# items once and gets the map with its
next change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from interview_common.clock import DAY_SECONDS, iso_from_epoch
from interview_common.dal.interviews import InterviewRepository
from interview_common.dal.table import from_attribute_values, is_conditional_failure, to_attribute_values
from interview_common.errors import ServiceUnavailable
from interview_common.models.items import (
    EVENT_PREFIX,
    PARTICIPANT_PREFIX,
    InterviewItem,
    ParticipantItem,
    ParticipantKind,
    room_pk,
)

EVENT_MARKER_TTL_SECONDS = 7 * DAY_SECONDS
MARKER_CLAIMED = "claimed"  # being applied (or, older than the lease, abandoned by a failed delivery)
MARKER_APPLIED = "applied"
MARKER_RELEASED = "released"
MAX_WRITE_ATTEMPTS = 5
# A claim is held this long at most. One whose handler failed and could not release it either (DynamoDB
# refused both writes) is claimed again by a delivery after that, instead of swallowing the event for good.
# Far longer than the webhook function's timeout, so a claim still being applied is never taken over.
CLAIM_LEASE_SECONDS = 60
PARTICIPANTS_ATTRIBUTE = "participants"  # META's map: identity -> the participant's registers

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


# A participant as META's map keeps it: the registers, without the item's key, expiry and write counter.
_NOT_IN_MAP = {"room_name", "expires_at", "version"}


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

    @classmethod
    def from_map_entry(cls, entry: dict[str, Any], room_name: str, expires_at: int) -> ParticipantRecord:
        return cls.model_validate({**entry, "room_name": room_name, "expires_at": expires_at})

    def to_map_entry(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude=_NOT_IN_MAP, exclude_none=True)


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


def participants_on_meta(interview: InterviewItem) -> dict[str, ParticipantRecord] | None:
    """META's map as records; None for a record written before the map existed (read its items)."""
    if interview.participants is None:
        return None
    return {
        identity: ParticipantRecord.from_map_entry(entry, interview.room_name, interview.expires_at)
        for identity, entry in interview.participants.items()
    }


@dataclass(frozen=True)
class AppliedChange:
    before: ParticipantRecord | None
    after: ParticipantRecord

    @property
    def presence_changed(self) -> bool:
        """Whether the participant came or went (not merely changed a track)."""
        return self.before is None or self.before.state != self.after.state


@dataclass(frozen=True)
class EventMarker:
    """The EVENT#<id> item that makes a repeated delivery a duplicate (kept EVENT_MARKER_TTL_SECONDS)."""

    event_id: str
    event_name: str
    now_epoch: float
    status: str = MARKER_APPLIED  # MARKER_CLAIMED when work outside DynamoDB follows the write

    def item(self, room_name: str) -> dict[str, Any]:
        return {
            "PK": room_pk(room_name),
            "SK": f"{EVENT_PREFIX}{self.event_id}",
            "event": self.event_name,
            "status": self.status,
            "received_at": iso_from_epoch(self.now_epoch),
            "expiresAt": int(self.now_epoch) + EVENT_MARKER_TTL_SECONDS,
        }

    def condition(self) -> dict[str, Any]:
        """New, or released by a delivery that failed, or claimed by one that died past the lease."""
        return {
            "ConditionExpression": (
                "attribute_not_exists(PK) OR #status = :released"
                " OR (#status = :claimed AND #received < :lease_start)"
            ),
            "ExpressionAttributeNames": {"#status": "status", "#received": "received_at"},
            "ExpressionAttributeValues": {
                ":released": {"S": MARKER_RELEASED},
                ":claimed": {"S": MARKER_CLAIMED},
                ":lease_start": {"S": iso_from_epoch(self.now_epoch - CLAIM_LEASE_SECONDS)},
            },
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }


@dataclass(frozen=True)
class RoomWrite:
    """One change to a room, decided from META as it was read (`interview`, whose version is the lock)."""

    interview: InterviewItem
    marker: EventMarker | None = None
    participant: ParticipantRecord | None = None  # the participant item after the change
    participants: dict[str, ParticipantRecord] | None = None  # META's whole map after it; None: unchanged
    fields: dict[str, Any] = field(default_factory=dict)  # META attributes set with it (None: removed)

    @property
    def changes_meta(self) -> bool:
        return self.participants is not None or bool(self.fields)


class StaleRead(Exception):
    """META changed between the read a RoomWrite was decided on and its commit: decide again."""


class EventAlreadySeen(Exception):
    """The event's marker exists: applied (a duplicate), or claimed by a delivery still applying it."""

    def __init__(self, status: str | None) -> None:
        super().__init__(status or "unknown")
        self.in_flight = status == MARKER_CLAIMED


class ParticipantStore:
    """Who is in a room (PARTICIPANT# items) and the webhooks' dedupe markers; META's part of a change
    is built by the interview repository, META's one writer, and committed here with the items."""

    def __init__(self, table_name: str, dynamodb: Any, interviews: InterviewRepository | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb
        self._interviews = interviews or InterviewRepository(table_name, dynamodb)

    # -- reading ----------------------------------------------------------------------------------

    def get(self, room_name: str, identity: str) -> ParticipantRecord | None:
        response = self._dynamodb.get_item(
            TableName=self.table_name,
            Key={"PK": {"S": room_pk(room_name)}, "SK": {"S": f"{PARTICIPANT_PREFIX}{identity}"}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return ParticipantRecord.from_stored(from_attribute_values(item)) if item else None

    def room_of(self, interview: InterviewItem) -> dict[str, ParticipantRecord]:
        """The room's participants: META's map, or for a record older than the map its PARTICIPANT# items."""
        on_meta = participants_on_meta(interview)
        if on_meta is not None:
            return on_meta
        records: dict[str, ParticipantRecord] = {}
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": room_pk(interview.room_name)},
                ":prefix": {"S": PARTICIPANT_PREFIX},
            },
            "ConsistentRead": True,
        }
        while True:
            response = self._dynamodb.query(**request)
            for raw in response.get("Items", []):
                record = ParticipantRecord.from_stored(from_attribute_values(raw))
                records[record.identity] = record
            if "LastEvaluatedKey" not in response:
                return records
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # -- the agent's own participant --------------------------------------------------------------

    def apply(self, room_name: str, change: ParticipantChange, expires_at: int) -> AppliedChange | None:
        """Merge `change` into the room's record of the participant (META's map and its item); the
        participant before and after, or None when nothing changed (or the room has no interview)."""
        store = self._interviews
        for _ in range(MAX_WRITE_ATTEMPTS):
            interview = store.get_interview(room_name)
            if interview is None:
                return None
            room = self.room_of(interview)
            current = room.get(change.identity)
            merged = merge(current, change, room_name, expires_at or interview.expires_at)
            if merged is None:
                return None
            try:
                self.commit(
                    RoomWrite(
                        interview=interview,
                        participant=merged,
                        participants={**room, merged.identity: merged},
                    )
                )
            except StaleRead:
                continue  # another write came first: merge into what it wrote
            return AppliedChange(before=current, after=merged)
        raise ServiceUnavailable(
            f"participant {change.identity} kept changing under concurrent webhooks; retry"
        )

    # -- committing one change --------------------------------------------------------------------

    def commit(self, write: RoomWrite) -> None:
        """Write the marker, the participant item and META's change all or none.

        StaleRead when META moved on since `write.interview` was read; EventAlreadySeen when the marker
        exists (nothing else is written then). One item goes as a plain conditional write, several as one
        TransactWriteItems."""
        room_name = write.interview.room_name
        operations: list[tuple[str, dict[str, Any]]] = []
        if write.marker is not None:
            operations.append(
                (
                    "Put",
                    {"Item": to_attribute_values(write.marker.item(room_name)), **write.marker.condition()},
                )
            )
        if write.participant is not None:
            operations.append(("Put", {"Item": to_attribute_values(write.participant.to_item())}))
        if write.changes_meta:
            operations.append(("Update", self._meta_update(write)))
        if not operations:
            return
        if len(operations) == 1:
            self._write_one(*operations[0], marker=write.marker is not None and operations[0][0] == "Put")
            return
        try:
            self._dynamodb.transact_write_items(
                TransactItems=[{kind: {"TableName": self.table_name, **op}} for kind, op in operations]
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            if write.marker is not None and reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                raise EventAlreadySeen(_marker_status(reasons[0].get("Item"))) from None
            raise StaleRead(str(error)) from None  # META's condition, or a conflicting transaction

    def _write_one(self, kind: str, op: dict[str, Any], *, marker: bool) -> None:
        try:
            if kind == "Put":
                self._dynamodb.put_item(TableName=self.table_name, **op)
            else:
                self._dynamodb.update_item(TableName=self.table_name, **op)
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            if marker:
                raise EventAlreadySeen(_marker_status(error.response.get("Item"))) from None
            raise StaleRead(str(error)) from None

    def _meta_update(self, write: RoomWrite) -> dict[str, Any]:
        """META's part of the write, built by the interview repository (META's one writer)."""
        updates = dict(write.fields)
        if write.participants is not None:
            updates[PARTICIPANTS_ATTRIBUTE] = {
                identity: record.to_map_entry() for identity, record in sorted(write.participants.items())
            }
        return self._interviews.versioned_update(write.interview, updates)

    # -- dedupe markers ---------------------------------------------------------------------------

    def claim_event(self, room_name: str, event_id: str, event_name: str, now_epoch: float) -> bool:
        """Record that this webhook is being applied; False when an earlier delivery applied it.

        ServiceUnavailable while an earlier delivery is still applying it (LiveKit retries: by then it is
        applied, or its claim has expired). A claim older than CLAIM_LEASE_SECONDS was abandoned by a
        delivery that failed and could not release it: it is claimed again."""
        marker = EventMarker(event_id, event_name, now_epoch, status=MARKER_CLAIMED)
        try:
            self._write_one(
                "Put",
                {"Item": to_attribute_values(marker.item(room_name)), **marker.condition()},
                marker=True,
            )
        except EventAlreadySeen as seen:
            if seen.in_flight:
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


def _marker_status(item: Any) -> str | None:
    """The status of the marker that refused a write (DynamoDB returns it with the refusal)."""
    if not isinstance(item, dict):
        return None
    status = item.get("status")
    return status.get("S") if isinstance(status, dict) else None
