"""Credentials in AWS come from Secrets Manager (as template.yaml creates them); locally from env."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from interview_common.credentials import backend_api_key, livekit_key_pair
from interview_common.errors import ServiceUnavailable
from interview_common.settings import Settings

from tests.conftest import TABLE_NAME


def settings(**env: str) -> Settings:
    return Settings.model_validate({"TABLE_NAME": TABLE_NAME, **env})


def secret(value: str) -> str:
    return str(boto3.client("secretsmanager").create_secret(Name="s", SecretString=value)["ARN"])


def test_env_values_win_locally(aws: None) -> None:
    keys = livekit_key_pair(settings(LIVEKIT_API_KEY="devkey", LIVEKIT_API_SECRET="secret"))
    assert (keys.api_key, keys.api_secret) == ("devkey", "secret")
    assert backend_api_key(settings(BACKEND_API_KEY="dev-backend-key")) == "dev-backend-key"


def test_the_livekit_pair_is_read_from_its_json_secret(aws: None) -> None:
    arn = secret(json.dumps({"apiKey": "APIprod", "apiSecret": "prod-secret"}))
    keys = livekit_key_pair(settings(LIVEKIT_SECRET_ARN=arn))
    assert (keys.api_key, keys.api_secret) == ("APIprod", "prod-secret")


@pytest.mark.parametrize(
    "value", ['{"apiKey": "only-key"}', "not json at all", '{"apiKey": "", "apiSecret": "x"}']
)
def test_a_malformed_livekit_secret_is_a_503_that_says_what_shape_is_expected(aws: None, value: str) -> None:
    arn = secret(value)
    with pytest.raises(ServiceUnavailable, match="apiKey and apiSecret") as refused:
        livekit_key_pair(settings(LIVEKIT_SECRET_ARN=arn))
    assert "only-key" not in refused.value.message


@pytest.mark.parametrize(
    ("value", "key"), [("generated-key-48-chars", "generated-key-48-chars"), ('{"apiKey": "k1"}', "k1")]
)
def test_the_backend_key_is_read_from_its_secret(aws: None, value: str, key: str) -> None:
    assert backend_api_key(settings(BACKEND_API_KEY_SECRET_ARN=secret(value))) == key


def test_a_missing_secret_is_a_503_not_a_crash(aws: None) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf"
    with pytest.raises(ServiceUnavailable, match="retry"):
        livekit_key_pair(settings(LIVEKIT_SECRET_ARN=arn))


def test_nothing_configured_is_a_503(aws: None) -> None:
    with pytest.raises(ServiceUnavailable, match="not configured"):
        livekit_key_pair(settings())
    with pytest.raises(ServiceUnavailable, match="not configured"):
        backend_api_key(settings())


def test_the_routes_authenticate_against_the_secret_in_aws(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a deployment with the key only in Secrets Manager (no BACKEND_API_KEY env)
    from tests.conftest import Api, reset_process_caches

    arn = secret("key-from-secrets-manager")
    monkeypatch.delenv("BACKEND_API_KEY")
    monkeypatch.setenv("BACKEND_API_KEY_SECRET_ARN", arn)
    reset_process_caches()
    status_api = Api("agent_status")

    def ask(key: str) -> Any:
        return status_api.call(
            "GET",
            "/agent-status",
            query={"room": "r1"},
            auth=False,
            headers={"authorization": f"Bearer {key}"},
        )[0]

    # Then the secret's value is the key (404: authenticated, room unknown) and the old env key is not
    assert ask("key-from-secrets-manager") == 404
    assert ask("test-backend-key-0123456789") == 401
