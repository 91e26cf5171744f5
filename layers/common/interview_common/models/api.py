"""HTTP request and response bodies, exactly as the Next.js frontend sends and reads them."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic.alias_generators import to_camel

from interview_common.models.identifiers import AGENT_IDENTITY_PREFIX, Identifier, RoomName, ShortText

MAX_METADATA_BYTES = 4096


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


class StartInterviewRequest(CamelModel):
    """Body of POST /start-interview as the seed's frontend sends it."""

    model_config = ConfigDict(extra="ignore", str_max_length=4096)

    room_name: RoomName
    candidate_id: Identifier
    job_id: Identifier
    candidate_identity: Identifier | None = None
    candidate_name: ShortText | None = None
    role_type: ShortText | None = None
    language: str = Field(default="en", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
    metadata: dict[str, Any] = Field(default_factory=dict)
    # Accepted for compatibility with the seed's frontend and ignored: the backend owns its LiveKit
    # credentials and mints the agent's token itself. SecretStr keeps them out of every repr and log.
    agent_token: SecretStr | None = Field(default=None, exclude=True)
    livekit_url: SecretStr | None = Field(default=None, exclude=True)
    livekit_api_key: SecretStr | None = Field(default=None, exclude=True)
    livekit_api_secret: SecretStr | None = Field(default=None, exclude=True)

    @field_validator("metadata")
    @classmethod
    def _metadata_is_small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, separators=(",", ":"))) > MAX_METADATA_BYTES:
            raise ValueError(f"metadata must serialise to at most {MAX_METADATA_BYTES} bytes of JSON")
        return value


class InterviewSummary(CamelModel):
    state: str
    phase: str | None = None
    question_index: int = 0
    question_count: int = 0
    started_at: str | None = None
    updated_at: str | None = None
    last_heartbeat_at: str | None = None
    heartbeat_stale: bool = False
    error: str | None = None


class StartInterviewResponse(CamelModel):
    status: Literal["success"] = "success"
    success: bool = True
    interview_id: str
    room_name: str
    state: str
    candidate_id: str
    job_id: str
    candidate_identity: str
    agent_identity: str
    agent_name: str
    token: str
    url: str
    status_url: str
    created: bool


class ParticipantView(BaseModel):
    identity: str
    name: str | None = None
    kind: Literal["agent", "candidate", "other"]
    isAgent: bool
    isCandidate: bool
    state: str
    joinedAt: str | None = None


class AgentStatusResponse(CamelModel):
    status: Literal["success"] = "success"
    room_name: str
    agent_connected: bool
    candidate_connected: bool
    participant_count: int
    participants: list[ParticipantView]
    room_metadata: dict[str, Any]
    current_question: str | None
    interview_progress: int = Field(ge=0, le=100)
    is_agent_speaking: bool
    is_listening: bool
    interview: InterviewSummary


class InterviewStatusResponse(CamelModel):
    status: Literal["active", "completed", "abandoned", "failed", "not_found"]
    room_name: str | None = None
    interview_id: str | None = None
    agent_connected: bool = False
    current_question: str | None = None
    interview_progress: int = 0
    state: str | None = None


class TokenRequest(CamelModel):
    model_config = ConfigDict(extra="ignore")

    room: RoomName
    identity: Identifier
    name: ShortText | None = None
    metadata: dict[str, Any] | str | None = None

    @field_validator("identity")
    @classmethod
    def _not_the_interviewer(cls, value: str) -> str:
        if value.startswith(AGENT_IDENTITY_PREFIX.rstrip("-")):
            raise ValueError("identities starting with 'interview-agent' are reserved for the interviewer")
        return value

    @field_validator("metadata")
    @classmethod
    def _metadata_is_small(cls, value: dict[str, Any] | str | None) -> dict[str, Any] | str | None:
        encoded = value if isinstance(value, str) else json.dumps(value)
        if value is not None and len(encoded) > MAX_METADATA_BYTES:
            raise ValueError(f"metadata must be at most {MAX_METADATA_BYTES} bytes")
        return value


class TokenResponse(CamelModel):
    url: str
    token: str
    identity: str
    room: str


class EndInterviewRequest(CamelModel):
    model_config = ConfigDict(extra="ignore")

    room_name: RoomName
    candidate_id: Identifier | None = None
    reason: ShortText | None = None


class EndInterviewResponse(CamelModel):
    """202: the agent was asked to close (it ends the interview); 200: ended here (no live agent)."""

    status: Literal["success"] = "success"
    success: bool = True
    room_name: str
    interview_id: str
    state: str
    end_requested_at: str
    ended_by: Literal["agent", "backend"]
    # True when RoomService.SendData reached the room; otherwise the agent sees the request on its heartbeat.
    delivered: bool


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    status: Literal["error"] = "error"
    success: bool = False
    detail: str
    error: ErrorDetail
