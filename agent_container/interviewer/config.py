"""The agent's configuration, from the environment the task definition (or the local launcher) gives it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from interview_common.heartbeat import DEFAULT_INTERVAL_SECONDS
from interview_common.livekit_room_settings import REJOIN_GRACE_SECONDS
from interview_common.models.identifiers import agent_identity as agent_identity_for
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

# OpenAI's speech-to-text models for a finished segment of audio (the agent's STT is non-streaming, cut by
# the VAD). Realtime-only models are refused: they need the realtime API's session.
OPENAI_STT_MODELS = ("gpt-4o-mini-transcribe", "gpt-4o-transcribe", "whisper-1")
REALTIME_ONLY_STT_PREFIXES = ("gpt-realtime", "gpt-live-transcribe")


def _unset_if_blank(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in {"", "none", "null"}:
        return None
    return value


class AgentSettings(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    # -- which interview (LaunchRequest.environment()) ---------------------------------------------
    room_name: str = Field(alias="ROOM_NAME", min_length=1)
    interview_id: str = Field(alias="INTERVIEW_ID", min_length=1)
    agent_identity: str = Field(default="", alias="AGENT_IDENTITY")
    candidate_identity: str = Field(alias="CANDIDATE_IDENTITY", min_length=1)
    candidate_id: str = Field(alias="CANDIDATE_ID", min_length=1)
    job_id: str = Field(alias="JOB_ID", min_length=1)

    # -- where its record lives --------------------------------------------------------------------
    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    aws_endpoint_url: str | None = Field(default=None, alias="AWS_ENDPOINT_URL")
    public_api_url: str | None = Field(default=None, alias="PUBLIC_API_URL")

    # -- the room ----------------------------------------------------------------------------------
    transport: Literal["livekit", "sim", "text"] = Field(default="livekit", alias="AGENT_TRANSPORT")
    livekit_url: str = Field(default="ws://127.0.0.1:7880", alias="LIVEKIT_URL")
    # Values (ECS injects them from Secrets Manager); never logged.
    livekit_api_key: SecretStr | None = Field(default=None, alias="LIVEKIT_API_KEY")
    livekit_api_secret: SecretStr | None = Field(default=None, alias="LIVEKIT_API_SECRET")
    # The simulated candidate of the text transport: a persona file path, or a packaged persona's name.
    persona: str = Field(default="strong", alias="AGENT_PERSONA")
    # AGENT_VOICE=loopback: the sim/text transport's candidate speaks and is heard through the local
    # voice path (interviewer.speech.loopback; needs the `voice` extra); the conversation is saved as
    # a WAV file at AGENT_VOICE_RECORDING when set.
    voice: Literal["off", "loopback"] = Field(default="off", alias="AGENT_VOICE")
    voice_recording: Path | None = Field(default=None, alias="AGENT_VOICE_RECORDING")

    # -- the brain and speech ----------------------------------------------------------------------
    brain: Literal["auto", "openai", "offline"] = Field(default="auto", alias="AGENT_BRAIN")
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_model: str = Field(default="gpt-4o-mini", alias="OPENAI_MODEL")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    openai_timeout: float = Field(default=20.0, alias="OPENAI_TIMEOUT", gt=0, le=120)
    openai_max_retries: int = Field(default=2, alias="OPENAI_MAX_RETRIES", ge=0, le=5)
    stt_model: str = Field(default="gpt-4o-mini-transcribe", alias="OPENAI_STT_MODEL")
    tts_model: str = Field(default="gpt-4o-mini-tts", alias="OPENAI_TTS_MODEL")
    tts_voice: str = Field(default="ash", alias="OPENAI_TTS_VOICE")
    language: str = Field(default="en", alias="INTERVIEW_LANGUAGE")

    # -- timing (seconds) --------------------------------------------------------------------------
    no_show_timeout: float = Field(default=300.0, alias="NO_SHOW_TIMEOUT", gt=0)
    silence_timeout: float = Field(default=25.0, alias="SILENCE_TIMEOUT", gt=0)
    # The room's departure timeout must outlive it (interview_common.livekit_room_settings).
    rejoin_grace: float = Field(default=float(REJOIN_GRACE_SECONDS), alias="REJOIN_GRACE", ge=0)
    max_duration: float = Field(default=45 * 60.0, alias="MAX_DURATION", gt=0)
    max_follow_ups: int = Field(default=1, alias="MAX_FOLLOW_UPS", ge=0, le=3)
    # One DynamoDB write each; the routes take the agent for gone after 3 missed (interview_common.heartbeat).
    heartbeat_interval: float = Field(default=DEFAULT_INTERVAL_SECONDS, alias="HEARTBEAT_INTERVAL", gt=0)
    assessment_wait: float = Field(default=90.0, alias="ASSESSMENT_WAIT", gt=0)

    # -- the warm pool (interviewer.pool_wait reads these before an interview is assigned) -----------
    # > 0 with no INTERVIEW_ID: a pool task that waits for an assignment (the template's AgentPoolSize).
    pool_size: int = Field(default=0, alias="AGENT_POOL_SIZE", ge=0)
    pool_poll_seconds: float = Field(default=0.5, alias="AGENT_POOL_POLL_SECONDS", gt=0, le=10)

    @field_validator(
        "openai_api_key",
        "livekit_api_key",
        "livekit_api_secret",
        "openai_base_url",
        "aws_endpoint_url",
        "public_api_url",
        "voice_recording",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return _unset_if_blank(value)

    @model_validator(mode="after")
    def _speech_to_text_model(self) -> AgentSettings:
        model = self.stt_model
        if model.startswith(REALTIME_ONLY_STT_PREFIXES):
            raise ValueError(
                f"OPENAI_STT_MODEL={model} is served only by OpenAI's realtime API, which the agent does not "
                f"use (it needs a worker job's HTTP session); use one of {', '.join(OPENAI_STT_MODELS)}"
            )
        # An OpenAI-compatible server (OPENAI_BASE_URL) names its own models; OpenAI's are these.
        if self.openai_base_url is None and model not in OPENAI_STT_MODELS:
            raise ValueError(f"OPENAI_STT_MODEL must be one of {', '.join(OPENAI_STT_MODELS)} (got {model})")
        return self

    @model_validator(mode="after")
    def _identity(self) -> AgentSettings:
        expected = agent_identity_for(self.interview_id)
        if not self.agent_identity:
            object.__setattr__(self, "agent_identity", expected)
        elif self.agent_identity != expected:
            raise ValueError(f"AGENT_IDENTITY must be {expected} (interview-agent-<INTERVIEW_ID>)")
        if self.brain == "openai" and self.openai_api_key is None:
            raise ValueError("AGENT_BRAIN=openai needs OPENAI_API_KEY")
        return self

    @property
    def use_openai(self) -> bool:
        """OpenAI brain when a key is set (or forced), offline otherwise."""
        if self.brain == "offline":
            return False
        return self.openai_api_key is not None

    @property
    def report_url(self) -> str:
        path = f"/interviews/{self.room_name}/report.html"
        return f"{self.public_api_url.rstrip('/')}{path}" if self.public_api_url else path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: str) -> AgentSettings:
        values = dict(os.environ if environ is None else environ)
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls.model_validate(values)
