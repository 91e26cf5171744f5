"""DynamoDB item shapes of the single table. Separate from the API models so the API can change freely."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interview_common.lifecycle import InterviewState


def room_pk(room_name: str) -> str:
    return f"ROOM#{room_name}"


META_SK = "META"
REPORT_SK = "REPORT"
PARTICIPANT_PREFIX = "PARTICIPANT#"
TURN_PREFIX = "TURN#"
EVENT_PREFIX = "EVENT#"


def candidate_gsi_pk(candidate_id: str) -> str:
    return f"CANDIDATE#{candidate_id}"


def job_pk(job_id: str) -> str:
    return f"JOB#{job_id}"


class TableItem(BaseModel):
    model_config = ConfigDict(extra="ignore", use_enum_values=False)

    def to_item(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class InterviewItem(TableItem):
    """`ROOM#<roomName>` / `META`: one interview hosted in one room."""

    room_name: str
    interview_id: str
    candidate_id: str
    job_id: str
    candidate_identity: str
    agent_identity: str
    candidate_name: str | None = None
    role_type: str | None = None
    language: str = "en"
    metadata: dict[str, Any] = Field(default_factory=dict)
    state: InterviewState = InterviewState.REQUESTED
    phase: str | None = None
    error: str | None = None
    task_arn: str | None = None
    agent_connected: bool = False
    candidate_connected: bool = False
    current_question: str | None = None
    question_index: int = 0
    question_count: int = 0
    is_agent_speaking: bool = False
    is_listening: bool = False
    created_at: str
    updated_at: str
    started_at: str | None = None
    ended_at: str | None = None
    last_heartbeat_at: str | None = None
    last_event_at: str | None = None
    # POST /end-interview: when it was asked (the agent checks it with each heartbeat) and how it ended.
    end_requested_at: str | None = None
    end_reason: str | None = None
    # When LiveKit said the room closed (room_finished): presence flags stay false from then on.
    room_finished_at: str | None = None
    # Who is in the room (identity -> registers, participants.ParticipantRecord.to_map_entry), kept by the
    # webhooks with each change so that a status poll is one GetItem. None on records written before the
    # map existed: their PARTICIPANT# items say who is there.
    participants: dict[str, dict[str, Any]] | None = None
    # The job profile version the interview started with (job_profiles: 0 = the built-in default;
    # None = not recorded, for interviews started before versions: the agent reads the job's current one).
    profile_version: int | None = None
    version: int = 1
    expires_at: int

    @property
    def candidate_ever_joined(self) -> bool:
        """Whether the candidate ever joined: their first join sets `started_at` and `in_progress` (webhook
        or agent); a question asked counts too, for records written before that was reliable."""
        return (
            self.started_at is not None or self.state == InterviewState.IN_PROGRESS or self.question_index > 0
        )

    def to_item(self) -> dict[str, Any]:
        item = super().to_item()
        # Metadata is free-form JSON: stored as a string so floats never meet DynamoDB's Decimal.
        item["metadata"] = json.dumps(self.metadata, separators=(",", ":"), sort_keys=True)
        item.update(
            PK=room_pk(self.room_name),
            SK=META_SK,
            GSI1PK=candidate_gsi_pk(self.candidate_id),
            GSI1SK=self.created_at,
            expiresAt=self.expires_at,
        )
        item.pop("expires_at", None)
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> InterviewItem:
        data = dict(item)
        data["expires_at"] = int(data.pop("expiresAt", 0))
        if isinstance(data.get("metadata"), str):
            data["metadata"] = json.loads(data["metadata"])
        return cls.model_validate(data)


ParticipantKind = Literal["agent", "candidate", "other"]


class ParticipantItem(TableItem):
    """`ROOM#<roomName>` / `PARTICIPANT#<identity>`: who is (or was) in the room."""

    room_name: str
    identity: str
    kind: ParticipantKind
    name: str | None = None
    state: Literal["joined", "left"] = "joined"
    joined_at: str | None = None
    left_at: str | None = None
    microphone_on: bool = False
    camera_on: bool = False
    # createdAt of the last webhook applied, so an older event never overwrites a newer one.
    last_event_at: str | None = None
    expires_at: int

    def to_item(self) -> dict[str, Any]:
        item = super().to_item()
        item.update(
            PK=room_pk(self.room_name), SK=f"{PARTICIPANT_PREFIX}{self.identity}", expiresAt=self.expires_at
        )
        item.pop("expires_at", None)
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ParticipantItem:
        data = dict(item)
        data["expires_at"] = int(data.pop("expiresAt", 0))
        return cls.model_validate(data)
