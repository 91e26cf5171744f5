"""What we use of a LiveKit WebhookEvent, as pydantic models of its protobuf JSON.

LiveKit posts protojson: camelCase names, int64 (createdAt, joinedAt) as strings, enums by name, fields at
their default value left out. `WebhookEvent.from_protobuf` reads the message livekit-api's WebhookReceiver
returned after it checked the signature; `model_validate_json` reads the same JSON body directly.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from interview_common.clock import iso_from_epoch

# Every event LiveKit documents (https://docs.livekit.io/home/server/webhooks/#events).
ROOM_STARTED = "room_started"
ROOM_FINISHED = "room_finished"
PARTICIPANT_JOINED = "participant_joined"
PARTICIPANT_LEFT = "participant_left"
PARTICIPANT_CONNECTION_ABORTED = "participant_connection_aborted"
TRACK_PUBLISHED = "track_published"
TRACK_UNPUBLISHED = "track_unpublished"
DOCUMENTED_EVENTS = frozenset(
    {
        ROOM_STARTED,
        ROOM_FINISHED,
        PARTICIPANT_JOINED,
        PARTICIPANT_LEFT,
        PARTICIPANT_CONNECTION_ABORTED,
        TRACK_PUBLISHED,
        TRACK_UNPUBLISHED,
        "egress_started",
        "egress_updated",
        "egress_ended",
        "ingress_started",
        "ingress_ended",
        "agent_job_started",
        "agent_job_ended",
    }
)
PARTICIPANT_EVENTS = frozenset({PARTICIPANT_JOINED, PARTICIPANT_LEFT, PARTICIPANT_CONNECTION_ABORTED})
TRACK_EVENTS = frozenset({TRACK_PUBLISHED, TRACK_UNPUBLISHED})
MAX_EPOCH_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second datetime can represent
MAX_KEY_PART_CHARS = 250


class ProtoJsonModel(BaseModel):
    """camelCase on the wire, snake_case in Python; unknown fields (LiveKit adds some often) ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class WebhookRoom(ProtoJsonModel):
    sid: str = ""
    name: str = ""
    metadata: str = ""


class WebhookParticipant(ProtoJsonModel):
    sid: str = ""
    # Part of a DynamoDB sort key (PARTICIPANT#<identity>, at most 1 KiB): 250 characters fit in any encoding.
    identity: str = Field(default="", max_length=MAX_KEY_PART_CHARS)
    name: str = ""
    # Enum names: STANDARD, INGRESS, EGRESS, SIP, AGENT, ...; absent means STANDARD (the default).
    kind: str = "STANDARD"
    # JOINING, JOINED, ACTIVE, DISCONNECTED; absent means JOINING.
    state: str = "JOINING"
    joined_at: int = Field(default=0, ge=0, le=MAX_EPOCH_SECONDS)
    joined_at_ms: int = Field(default=0, ge=0, le=MAX_EPOCH_SECONDS * 1000)

    def session_started_ms(self) -> int:
        """When this connection of the participant began; a rejoin starts a later one."""
        return self.joined_at_ms or self.joined_at * 1000


class WebhookTrack(ProtoJsonModel):
    sid: str = ""
    # TrackSource names: CAMERA, MICROPHONE, SCREEN_SHARE, SCREEN_SHARE_AUDIO, UNKNOWN (the default).
    source: str = "UNKNOWN"
    # TrackType names: AUDIO (the default), VIDEO, DATA.
    type: str = "AUDIO"
    muted: bool = False


class WebhookEvent(ProtoJsonModel):
    event: str
    id: str = Field(default="", max_length=MAX_KEY_PART_CHARS)  # EVENT#<id> is a sort key too
    # Seconds since the epoch (protojson sends it as a string). Bounded like every time we read: a time no
    # calendar can print is not a LiveKit event (400), rather than a crash when it is stored (500).
    created_at: int = Field(default=0, ge=0, le=MAX_EPOCH_SECONDS)
    room: WebhookRoom | None = None
    participant: WebhookParticipant | None = None
    track: WebhookTrack | None = None

    @classmethod
    def from_protobuf(cls, message: Any) -> WebhookEvent:
        """From livekit.protocol.webhook.WebhookEvent, through its canonical JSON mapping."""
        from google.protobuf.json_format import MessageToDict

        return cls.model_validate(MessageToDict(message))

    @property
    def room_name(self) -> str:
        return self.room.name if self.room else ""

    @property
    def created_at_iso(self) -> str:
        return iso_from_epoch(self.created_at)


class WebhookAck(BaseModel):
    """What POST /livekit/webhook answers (LiveKit only reads the status code)."""

    status: Literal["success"] = "success"
    event: str
    result: Literal["applied", "unchanged", "duplicate", "ignored", "unknown_room"]
    state: str | None = Field(default=None, description="the interview's state after the event, when known")
