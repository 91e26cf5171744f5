"""The faults suite's world: moto's AWS with faults injectable per client, and a LiveKit fake that can err."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.retries.standard import ExponentialBackoff
from interview_common import aws_clients

from local.livekit_sim import SimulatedLiveKit
from local.livekit_sim.room_service import build_room_service_app
from local.livekit_sim.server import BackgroundAiohttpServer
from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, FakeLiveKit, reset_process_caches
from tests.faults.injection import AwsFaults, LiveKitFaults


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries still happen (and are counted), without their exponential sleeps."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture
def livekit_faults(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeLiveKit, LiveKitFaults]]:
    """The Twirp LiveKit fake of tests/conftest.py, with a fault middleware in front of it."""
    sim = SimulatedLiveKit()
    fake = FakeLiveKit(sim=sim, url="")
    faults = LiveKitFaults()

    def record(method: str, message: Any) -> None:
        fake.requests.append((method, message))

    app = build_room_service_app(sim, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, on_request=record)
    faults.install(app)
    with BackgroundAiohttpServer(app) as server:
        fake.url = server.url.replace("http://", "ws://")
        monkeypatch.setenv("LIVEKIT_URL", fake.url)
        reset_process_caches()
        yield fake, faults


@pytest.fixture
def world(ecs_cluster: dict[str, Any], livekit_faults: tuple[FakeLiveKit, LiveKitFaults]) -> dict[str, Any]:
    """Everything a handler talks to, each with its faults; built last, on the handlers' own clients."""
    livekit, lk_faults = livekit_faults
    return {
        "cluster": ecs_cluster["cluster"],
        "dynamodb": AwsFaults(aws_clients.client("dynamodb")),
        "ecs": AwsFaults(aws_clients.client("ecs")),
        "livekit": livekit,
        "livekit_faults": lk_faults,
    }
