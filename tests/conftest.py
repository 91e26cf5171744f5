"""Shared fixtures: the environment a Lambda sees, moto's AWS, a fake LiveKit server, handler loading."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

# The environment every Lambda gets from template.yaml, with local values; set before any handler import.
TEST_API_KEY = "test-backend-key-0123456789"
TEST_LIVEKIT_KEY = "devkey"
TEST_LIVEKIT_SECRET = "secret-for-tests-that-is-long-enough-0123"
TABLE_NAME = "interviews-test"
BASE_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "TABLE_NAME": TABLE_NAME,
    "POWERTOOLS_SERVICE_NAME": "live-interview",
    "POWERTOOLS_METRICS_NAMESPACE": "LiveInterview",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "BACKEND_API_KEY": TEST_API_KEY,
    "LIVEKIT_API_KEY": TEST_LIVEKIT_KEY,
    "LIVEKIT_API_SECRET": TEST_LIVEKIT_SECRET,
    "LIVEKIT_URL": "ws://127.0.0.1:9",
    "AGENT_LAUNCHER": "ecs",
    "LAUNCH_BACKOFF_SECONDS": "0",
}
os.environ.update(BASE_ENV)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("OPENAI_API_KEY", None)

from interview_common import aws_clients, settings, wiring  # noqa: E402

from local.apigw_events import LocalLambdaContext, http_api_event  # noqa: E402
from local.handlers import load_handler_module  # noqa: E402
from local.livekit_sim import SimulatedLiveKit  # noqa: E402
from local.livekit_sim.room_service import build_room_service_app  # noqa: E402
from local.livekit_sim.server import BackgroundAiohttpServer  # noqa: E402
from local.template_resources import create_table  # noqa: E402


def reset_process_caches() -> None:
    """What a new Lambda container would have: fresh settings, clients and store."""
    settings.get_settings.cache_clear()
    aws_clients.client.cache_clear()
    wiring.reset()


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in BASE_ENV.items():
        monkeypatch.setenv(key, value)
    reset_process_caches()
    yield
    reset_process_caches()


@pytest.fixture
def aws() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        create_table(boto3.client("dynamodb"), TABLE_NAME)
        yield


@pytest.fixture
def ecs_cluster(aws: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A cluster and Fargate task definition in moto, wired into the launcher's environment."""
    ecs = boto3.client("ecs")
    ec2 = boto3.client("ec2")
    cluster = ecs.create_cluster(clusterName="agents")["cluster"]["clusterArn"]
    task_definition = ecs.register_task_definition(
        family="interview-agent",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="1024",
        memory="2048",
        containerDefinitions=[{"name": "agent", "image": "agent:latest", "memory": 2048, "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    monkeypatch.setenv("ECS_CLUSTER", cluster)
    monkeypatch.setenv("ECS_TASK_DEFINITION", task_definition)
    monkeypatch.setenv("ECS_SUBNETS", subnet)
    monkeypatch.setenv("ECS_SECURITY_GROUPS", group)
    reset_process_caches()
    return {"cluster": cluster, "task_definition": task_definition, "ecs": ecs}


@dataclass
class FakeLiveKit:
    sim: SimulatedLiveKit
    url: str
    requests: list[tuple[str, Any]] = field(default_factory=list)
    fail_with: int | None = None

    def calls(self, method: str) -> list[Any]:
        return [message for name, message in self.requests if name == method]


@pytest.fixture
def livekit(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLiveKit]:
    """A LiveKit server speaking Twirp on 127.0.0.1; the real livekit-api client talks to it."""
    sim = SimulatedLiveKit()
    fake = FakeLiveKit(sim=sim, url="")

    def record(method: str, message: Any) -> None:
        fake.requests.append((method, message))

    app = build_room_service_app(sim, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, on_request=record)
    with BackgroundAiohttpServer(app) as server:
        fake.url = server.url.replace("http://", "ws://")
        monkeypatch.setenv("LIVEKIT_URL", fake.url)
        reset_process_caches()
        yield fake


class Api:
    """Calls a handler with the event API Gateway would send, and decodes its answer."""

    def __init__(self, function_dir: str) -> None:
        self.module = load_handler_module(function_dir)
        self.function_dir = function_dir

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw_body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        path_parameters: dict[str, str] | None = None,
        route_key: str | None = None,
        auth: bool = True,
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        all_headers = {"content-type": "application/json"}
        if auth:
            all_headers["authorization"] = f"Bearer {TEST_API_KEY}"
        all_headers.update(headers or {})
        payload = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
        event = http_api_event(
            method,
            path,
            body=payload,
            headers=all_headers,
            query=query,
            path_parameters=path_parameters,
            route_key=route_key,
        )
        response = self.module.lambda_handler(event, LocalLambdaContext(self.function_dir))
        text = response.get("body") or "{}"
        return response["statusCode"], json.loads(text), response.get("headers", {})


@pytest.fixture
def start_api() -> Api:
    return Api("start_interview")


@pytest.fixture
def status_api() -> Api:
    return Api("agent_status")


@pytest.fixture
def table_items() -> Any:
    def scan() -> list[dict[str, Any]]:
        from interview_common.store import from_attribute_values

        items = boto3.client("dynamodb").scan(TableName=TABLE_NAME)["Items"]
        return [from_attribute_values(item) for item in items]

    return scan


@pytest.fixture
def atomic_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies each item write, condition included, atomically; moto checks and writes in two
    steps without a lock, so threads can both pass one condition. Serialize moto's item operations (for
    tests that race threads against one table, as concurrent Lambda containers would)."""
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("update_item", "put_item", "delete_item", "get_item", "query", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def serialized(*args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return __original(*args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, serialized)
