"""Runtime settings, read once from the environment at cold start."""

from __future__ import annotations

import math
import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from interview_common import heartbeat
from interview_common.livekit_room_settings import (
    DEPARTURE_MARGIN_SECONDS,
    REJOIN_GRACE_SECONDS,
    ROOM_DEPARTURE_TIMEOUT_SECONDS,
    ROOM_EMPTY_TIMEOUT_SECONDS,
    departure_timeout_covers,
)


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseModel):
    """Environment of every Lambda (and of the local stack, which sets the same variables)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    aws_endpoint_url: str | None = Field(default=None, alias="AWS_ENDPOINT_URL")

    livekit_url: str = Field(default="ws://127.0.0.1:7880", alias="LIVEKIT_URL")
    # Credentials come from env in the local stack and from Secrets Manager in AWS.
    livekit_api_key: str | None = Field(default=None, alias="LIVEKIT_API_KEY", repr=False)
    livekit_api_secret: str | None = Field(default=None, alias="LIVEKIT_API_SECRET", repr=False)
    livekit_secret_arn: str | None = Field(default=None, alias="LIVEKIT_SECRET_ARN")
    backend_api_key: str | None = Field(default=None, alias="BACKEND_API_KEY", repr=False)
    backend_api_key_secret_arn: str | None = Field(default=None, alias="BACKEND_API_KEY_SECRET_ARN")

    allow_anonymous_status: bool = Field(default=False, alias="ALLOW_ANONYMOUS_STATUS")
    # A candidate's page may call its own room's routes with its LiveKit token (browser_access.py).
    browser_access: bool = Field(default=False, alias="BROWSER_ACCESS")
    public_api_url: str | None = Field(default=None, alias="PUBLIC_API_URL")
    retention_days: int = Field(default=90, alias="RETENTION_DAYS", ge=1, le=3650)
    candidate_token_ttl_seconds: int = Field(default=2 * 3600, alias="CANDIDATE_TOKEN_TTL_SECONDS", ge=60)
    # The room's timeouts and the agent's rejoin grace: interview_common.livekit_room_settings.
    room_empty_timeout_seconds: int = Field(
        default=ROOM_EMPTY_TIMEOUT_SECONDS, alias="ROOM_EMPTY_TIMEOUT_SECONDS", ge=10
    )
    room_departure_timeout_seconds: int = Field(
        default=ROOM_DEPARTURE_TIMEOUT_SECONDS, alias="ROOM_DEPARTURE_TIMEOUT_SECONDS", ge=0
    )
    rejoin_grace_seconds: float = Field(default=REJOIN_GRACE_SECONDS, alias="REJOIN_GRACE", ge=0)
    # The agent's heartbeat (interview_common.heartbeat): its interval, and the age at which the routes take
    # the agent for gone (MISSED_BEATS intervals, unless HEARTBEAT_STALE_SECONDS says otherwise).
    heartbeat_interval_seconds: float = Field(
        default=heartbeat.DEFAULT_INTERVAL_SECONDS, alias="HEARTBEAT_INTERVAL", gt=0
    )
    heartbeat_stale_seconds: int = Field(default=30, alias="HEARTBEAT_STALE_SECONDS", ge=5)
    # Each LiveKit server call gives up after this long (a Lambda answers within API Gateway's 30 s).
    livekit_timeout_seconds: float = Field(default=5.0, alias="LIVEKIT_TIMEOUT_SECONDS", gt=0, le=20)
    # A start still `requested` (or `launching` with no task recorded) this long after its last write died
    # half-way (e.g. DynamoDB refused every retry); the next start-interview for the room replaces it.
    abandoned_start_seconds: int = Field(default=300, alias="ABANDONED_START_SECONDS", ge=30)
    max_body_bytes: int = Field(default=16 * 1024, alias="MAX_BODY_BYTES", ge=1024)

    launcher: Literal["ecs", "process"] = Field(default="ecs", alias="AGENT_LAUNCHER")
    ecs_cluster: str | None = Field(default=None, alias="ECS_CLUSTER")
    ecs_task_definition: str | None = Field(default=None, alias="ECS_TASK_DEFINITION")
    ecs_container_name: str = Field(default="agent", alias="ECS_CONTAINER_NAME")
    ecs_subnets: list[str] = Field(default_factory=list, alias="ECS_SUBNETS")
    ecs_security_groups: list[str] = Field(default_factory=list, alias="ECS_SECURITY_GROUPS")
    ecs_assign_public_ip: bool = Field(default=True, alias="ECS_ASSIGN_PUBLIC_IP")
    # The warm pool (interview_common.agent_pool): 0 = off, every interview gets its own RunTask.
    agent_pool_size: int = Field(default=0, alias="AGENT_POOL_SIZE", ge=0, le=100)
    # How long start-interview waits for a claimed pool task to take the interview before a RunTask.
    agent_pool_accept_seconds: float = Field(default=5.0, alias="AGENT_POOL_ACCEPT_SECONDS", gt=0, le=20)
    launch_max_attempts: int = Field(default=3, alias="LAUNCH_MAX_ATTEMPTS", ge=1, le=6)
    launch_backoff_seconds: float = Field(default=0.5, alias="LAUNCH_BACKOFF_SECONDS", ge=0)

    @field_validator("ecs_subnets", "ecs_security_groups", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("aws_endpoint_url", "livekit_secret_arn", "backend_api_key_secret_arn", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None

    @model_validator(mode="before")
    @classmethod
    def _stale_after_missed_beats(cls, data: object) -> object:
        if isinstance(data, dict) and not (
            data.get("HEARTBEAT_STALE_SECONDS") or data.get("heartbeat_stale_seconds")
        ):
            given = data.get("HEARTBEAT_INTERVAL") or data.get("heartbeat_interval_seconds")
            interval = float(given or heartbeat.DEFAULT_INTERVAL_SECONDS)
            data = {
                **data,
                "HEARTBEAT_STALE_SECONDS": max(5, math.ceil(heartbeat.stale_after_seconds(interval))),
            }
        return data

    @model_validator(mode="after")
    def _room_outlives_the_rejoin_grace(self) -> Settings:
        if not departure_timeout_covers(self.room_departure_timeout_seconds, self.rejoin_grace_seconds):
            raise ValueError(
                f"ROOM_DEPARTURE_TIMEOUT_SECONDS ({self.room_departure_timeout_seconds}) must be at least "
                f"REJOIN_GRACE ({self.rejoin_grace_seconds:g}) + {DEPARTURE_MARGIN_SECONDS}: LiveKit would "
                "close the room while the agent still waits for the candidate to come back"
            )
        return self

    @classmethod
    def from_env(cls) -> Settings:
        return cls.model_validate(dict(os.environ))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process; parsed once and reused across warm invocations."""
    return Settings.from_env()
