"""HTTP request and response bodies, exactly as the Next.js frontend sends and reads them."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic.alias_generators import to_camel

from interview_common.models.identifiers import (
    CandidateId,
    Identifier,
    ParticipantIdentity,
    RoomName,
    ShortText,
    is_agent_identity,
)
from interview_common.models.interview_context import (
    MAX_DEPARTMENT_CHARS,
    MAX_EXPERIENCE_CHARS,
    MAX_NAME_CHARS,
    MAX_SETTING_CHARS,
    MAX_TITLE_CHARS,
    InterviewContext,
    clean_skills,
    clean_text,
)

MAX_METADATA_BYTES = 4096


class CamelModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True, defer_build=True
    )


class StartInterviewRequest(CamelModel):
    """Body of POST /start-interview as the seed's frontend sends it."""

    model_config = ConfigDict(extra="ignore", str_max_length=4096)

    room_name: RoomName
    candidate_id: CandidateId
    job_id: Identifier
    candidate_identity: ParticipantIdentity | None = None
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

    @field_validator("candidate_identity")
    @classmethod
    def _candidate_is_not_the_interviewer(cls, value: str | None) -> str | None:
        if value is not None and is_agent_identity(value):
            raise ValueError("identities starting with 'interview-agent' are reserved for the interviewer")
        return value

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
    # Once ended: why (`no_show` when the candidate never joined; end_requested, completed, ...).
    end_reason: str | None = None


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
    end_reason: str | None = None


class TokenRequest(CamelModel):
    model_config = ConfigDict(extra="ignore")

    room: RoomName
    identity: ParticipantIdentity
    name: ShortText | None = None
    metadata: dict[str, Any] | str | None = None

    @field_validator("identity")
    @classmethod
    def _not_the_interviewer(cls, value: str) -> str:
        if is_agent_identity(value):
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
    """roomName ends that room's interview; candidateId alone (the seed's end-interview route may send
    no roomName) ends the candidate's latest active interview."""

    model_config = ConfigDict(extra="ignore")

    room_name: RoomName | None = None
    candidate_id: CandidateId | None = None
    reason: ShortText | None = None

    @field_validator("room_name", mode="before")
    @classmethod
    def _empty_room_is_absent(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _names_an_interview(self) -> EndInterviewRequest:
        if self.room_name is None and self.candidate_id is None:
            raise ValueError("give roomName, or candidateId to end the candidate's active interview")
        return self


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
    # True when the interview had ended before this request (answered 200 with its state, nothing done).
    already_ended: bool = False
    end_reason: str | None = None


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    status: Literal["error"] = "error"
    success: bool = False
    detail: str
    error: ErrorDetail


# -- the seed's other routes (DESIGN.md "Deviations and additions") ---------------------------------------

# Values the seed's frontend fills in when it knows nothing; they would only make the greeting odd.
_SEED_PLACEHOLDERS = {"candidate_name": {"candidate"}, "job_title": {"position"}}
# Where the seed's other shapes carry a field: agent/join's names, and /api/send-candidate-details's
# nested candidateProfile / jobInfo objects.
_FALLBACKS: dict[str, tuple[tuple[str, ...], ...]] = {
    "candidateName": (("candidateProfile", "name"),),
    "candidateSkills": (("candidateProfile", "skills"),),
    "experience": (("candidateExperience",), ("candidateProfile", "experience")),
    "jobTitle": (("jobInfo", "jobTitle"),),
    "jobDepartment": (("department",), ("jobInfo", "department")),
}


def _lookup(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


class CandidateDetailsRequest(CamelModel):
    """Body of POST /agent/candidate-details, flat (the seed's room page and invitation form) or nested
    (its /api/send-candidate-details route). Only what InterviewContext keeps is read: the email, the
    resume analysis, projects, summary, prompts and everything else are ignored, never stored or logged.
    """

    model_config = ConfigDict(extra="ignore")

    room_name: RoomName
    candidate_name: str | None = None
    candidate_skills: str | list[str] | None = None
    experience: str | int | float | None = None
    job_title: str | None = None
    job_department: str | None = None
    interview_mode: str | None = None
    difficulty_level: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _other_seed_shapes(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name, paths in _FALLBACKS.items():
            if data.get(name) in (None, ""):
                for path in paths:
                    found = _lookup(data, path)
                    if found not in (None, ""):
                        data[name] = found
                        break
        return data

    def context(self) -> InterviewContext:
        """What is kept: each field cleaned to one line and capped; skills as a short list."""
        fields = {
            "candidate_name": clean_text(self.candidate_name, MAX_NAME_CHARS),
            "job_title": clean_text(self.job_title, MAX_TITLE_CHARS),
            "job_department": clean_text(self.job_department, MAX_DEPARTMENT_CHARS),
            "skills": clean_skills(self.candidate_skills),
            "experience": clean_text(self.experience, MAX_EXPERIENCE_CHARS),
            "interview_mode": _setting(self.interview_mode),
            "difficulty_level": _setting(self.difficulty_level),
        }
        for name, placeholders in _SEED_PLACEHOLDERS.items():
            value = fields[name]
            if isinstance(value, str) and value.casefold() in placeholders:
                fields[name] = None
        return InterviewContext.model_validate(fields)


def _setting(value: str | None) -> str | None:
    text = clean_text(value, MAX_SETTING_CHARS)
    return text.lower() if text else None


class InterviewContextView(CamelModel):
    candidate_name: str | None = None
    job_title: str | None = None
    job_department: str | None = None
    skills: list[str] = Field(default_factory=list)
    experience: str | None = None
    interview_mode: str | None = None
    difficulty_level: str | None = None


class CandidateDetailsResponse(CamelModel):
    """What the room's context holds now (after merging this post), and its interview's state if any."""

    status: Literal["success"] = "success"
    success: bool = True
    room_name: str
    context: InterviewContextView
    interview_state: str | None = None


class CandidateJoinedRequest(CamelModel):
    """Body of POST /api/candidate-joined: {sessionId, roomId, candidateName, candidateEmail}. Only the
    room is read; presence comes from LiveKit's webhooks, and the name and email are not kept."""

    model_config = ConfigDict(extra="ignore")

    room_name: RoomName = Field(validation_alias=AliasChoices("roomName", "roomId", "room_name"))


class CandidateJoinedResponse(CamelModel):
    status: Literal["success"] = "success"
    success: bool = True
    acknowledged: bool = True
    room_name: str
    interview_status: Literal["active", "completed", "abandoned", "failed", "not_found"]
    interview_id: str | None = None
    state: str | None = None


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"
    service: str
