"""Settings: the environment a Lambda (or the local stack) runs with, parsed once and validated."""

from __future__ import annotations

from typing import Any

import pytest
from interview_common.settings import Settings, get_settings
from pydantic import ValidationError

MINIMAL = {"TABLE_NAME": "interviews"}


def parse(**env: str) -> Settings:
    return Settings.model_validate({**MINIMAL, **env})


def test_defaults_need_only_the_table_name() -> None:
    settings = parse()
    assert settings.table_name == "interviews"
    assert settings.livekit_url == "ws://127.0.0.1:7880"
    assert settings.allow_anonymous_status is False
    assert settings.max_body_bytes == 16 * 1024
    assert settings.retention_days == 90
    assert settings.heartbeat_stale_seconds == 30
    assert settings.launcher == "ecs"
    assert settings.ecs_subnets == []
    assert settings.aws_endpoint_url is None


def test_the_table_name_is_required() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings.model_validate({})
    assert refused.value.errors()[0]["loc"] == ("TABLE_NAME",)


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("subnet-a,subnet-b", ["subnet-a", "subnet-b"]),
        (" subnet-a , subnet-b ,", ["subnet-a", "subnet-b"]),
        ("subnet-a", ["subnet-a"]),
        ("", []),
    ],
)
def test_comma_separated_lists_as_cloudformation_joins_them(raw: str, parsed: list[str]) -> None:
    settings = parse(ECS_SUBNETS=raw, ECS_SECURITY_GROUPS=raw)
    assert settings.ecs_subnets == parsed
    assert settings.ecs_security_groups == parsed


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("false", False), ("True", True), ("0", False)])
def test_booleans_as_cloudformation_passes_them(raw: str, value: bool) -> None:
    assert parse(ALLOW_ANONYMOUS_STATUS=raw).allow_anonymous_status is value
    assert parse(ECS_ASSIGN_PUBLIC_IP=raw).ecs_assign_public_ip is value


def test_empty_optional_values_mean_unset() -> None:
    # SAM renders an unset optional parameter as an empty string
    settings = parse(AWS_ENDPOINT_URL="", LIVEKIT_SECRET_ARN="", BACKEND_API_KEY_SECRET_ARN="")
    assert settings.aws_endpoint_url is None
    assert settings.livekit_secret_arn is None
    assert settings.backend_api_key_secret_arn is None


@pytest.mark.parametrize(
    "env",
    [
        {"RETENTION_DAYS": "0"},
        {"RETENTION_DAYS": "many"},
        {"MAX_BODY_BYTES": "10"},
        {"AGENT_LAUNCHER": "kubernetes"},
        {"LAUNCH_MAX_ATTEMPTS": "0"},
        {"CANDIDATE_TOKEN_TTL_SECONDS": "5"},
        {"ALLOW_ANONYMOUS_STATUS": "perhaps"},
        {"TABLE_NAME": "t"},
    ],
)
def test_a_wrong_value_fails_at_cold_start_naming_the_variable(env: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as refused:
        parse(**env)
    assert refused.value.errors()[0]["loc"] == (next(iter(env)),)


def test_secrets_never_appear_in_the_settings_repr() -> None:
    settings = parse(
        BACKEND_API_KEY="backend-key-value", LIVEKIT_API_KEY="lk-key", LIVEKIT_API_SECRET="lk-secret"
    )
    assert settings.backend_api_key == "backend-key-value"
    for secret in ("backend-key-value", "lk-secret"):
        assert secret not in repr(settings)
        assert secret not in str(settings)


def test_settings_are_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    monkeypatch.setenv("TABLE_NAME", "another-table")
    assert get_settings() is first
    get_settings.cache_clear()
    assert get_settings().table_name == "another-table"


def test_unrelated_environment_is_ignored() -> None:
    extra: dict[str, Any] = {"PATH": "/usr/bin", "HOME": "/root", "_HANDLER": "app.lambda_handler"}
    assert parse(**extra).table_name == "interviews"
