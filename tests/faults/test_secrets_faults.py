"""Secrets Manager down or holding a broken secret, as in AWS (the keys come from secrets, not env).

Every route that needs a key answers a 503 the caller retries (LiveKit too, for a webhook); nothing is
written, and no secret value reaches an answer.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.constants import DEFAULT_PROVIDERS
from interview_common import aws_clients
from interview_common.settings import get_settings

from local.livekit_sim.events import room_info, webhook_event
from tests.conftest import TEST_API_KEY, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, Api
from tests.faults.injection import AwsFaults
from tests.faults.test_start_interview_faults import BODY, assert_retriable_503, metas
from tests.integration.webhook_support import WebhookClient


@dataclass(frozen=True)
class Secrets:
    faults: AwsFaults
    livekit_arn: str


@pytest.fixture
def secrets(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Secrets:
    """The keys in Secrets Manager (as template.yaml deploys them), read through a client with faults."""
    manager = boto3.client("secretsmanager")
    suffix = uuid.uuid4().hex[:8]  # Powertools caches values by name for 5 minutes: never reuse one
    livekit_arn = manager.create_secret(
        Name=f"livekit-{suffix}",
        SecretString=json.dumps({"apiKey": TEST_LIVEKIT_KEY, "apiSecret": TEST_LIVEKIT_SECRET}),
    )["ARN"]
    backend_arn = manager.create_secret(Name=f"backend-{suffix}", SecretString=TEST_API_KEY)["ARN"]
    for name in ("BACKEND_API_KEY", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("LIVEKIT_SECRET_ARN", livekit_arn)
    monkeypatch.setenv("BACKEND_API_KEY_SECRET_ARN", backend_arn)
    get_settings.cache_clear()
    client = aws_clients.client("secretsmanager")
    monkeypatch.setitem(DEFAULT_PROVIDERS, "secrets", SecretsProvider(boto3_client=client))
    return Secrets(AwsFaults(client), livekit_arn)


@pytest.mark.parametrize("outage", ["InternalServiceError", "timeout"])
def test_a_secrets_manager_outage_is_a_503_on_every_route_and_writes_nothing(
    world: dict[str, Any], secrets: Secrets, table_items: Any, outage: str
) -> None:
    # Given Secrets Manager answers 500s, or never answers, after botocore's retries
    if outage == "timeout":
        secrets.faults.time_out("GetSecretValue")
    else:
        secrets.faults.fail("GetSecretValue", outage, status=500)

    # When the frontend starts an interview, polls a status, and LiveKit posts a webhook
    answers = {
        "start": Api("start_interview").call("POST", "/start-interview", body=BODY),
        "status": Api("agent_status").call("GET", "/agent-status", query={"room": BODY["roomName"]}),
    }
    finished = webhook_event("room_finished", room=room_info(BODY["roomName"]), created_at=1_800_000_000)
    webhook_status, webhook_answer = WebhookClient().deliver(finished)

    # Then each is a 503 to retry, saying the credentials are unavailable; nothing was written or launched
    for status, body, headers in answers.values():
        assert_retriable_503(status, body, headers, "service_unavailable")
        assert "credentials are unavailable" in body["detail"]
    assert webhook_status == 503 and webhook_answer["error"]["code"] == "service_unavailable"
    assert table_items() == []
    assert world["livekit"].requests == [] and world["ecs"].attempts["RunTask"] == 0

    # When Secrets Manager recovers, Then the retried start works
    secrets.faults.heal()
    status, body, _ = Api("start_interview").call("POST", "/start-interview", body=BODY)
    assert status == 202, body
    assert metas(table_items)[0]["state"] == "launching"


def test_a_broken_livekit_secret_is_a_503_that_names_the_problem_not_the_value(
    world: dict[str, Any], secrets: Secrets, table_items: Any
) -> None:
    # Given someone pasted the LiveKit pair into its secret as broken JSON
    broken = '{"apiKey": "APIbroken", "apiSecret": "very-secret-value-9d8c7b'
    boto3.client("secretsmanager").put_secret_value(SecretId=secrets.livekit_arn, SecretString=broken)

    # When an interview is started
    status, body, headers = Api("start_interview").call("POST", "/start-interview", body=BODY)

    # Then it is a 503 saying the secret is not valid JSON, without a word of what it holds
    assert_retriable_503(status, body, headers, "service_unavailable")
    assert "not valid JSON" in body["detail"]
    assert "very-secret-value" not in json.dumps(body) and "APIbroken" not in json.dumps(body)
    assert table_items() == []
