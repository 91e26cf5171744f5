"""The simulated LiveKit's webhook delivery: signed as LiveKit signs, in order per room, retried."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from livekit import api

from local.livekit_sim import SimulatedLiveKit
from local.livekit_sim.server import BackgroundAiohttpServer
from local.livekit_sim.webhook_delivery import WebhookDelivery
from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET


@dataclass
class Receiver:
    url: str = ""
    received: list[tuple[str, str]] = field(default_factory=list)  # (room, event)
    failures_left: int = 0
    status_when_failing: int = 503
    content_types: list[str] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    verifier = api.WebhookReceiver(api.TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET))

    async def hook(request: web.Request) -> web.Response:
        body = await request.text()
        if state.failures_left > 0:
            state.failures_left -= 1
            return web.Response(status=state.status_when_failing)
        event = verifier.receive(body, request.headers["Authorization"])  # raises on a bad signature
        state.received.append((event.room.name, event.event))
        state.content_types.append(request.headers["Content-Type"])
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/livekit/webhook", hook)
    with BackgroundAiohttpServer(app) as server:
        state.url = server.url + "/livekit/webhook"
        yield state


def delivery_to(receiver: Receiver, **options: object) -> WebhookDelivery:
    return WebhookDelivery(
        receiver.url, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, sleep=lambda _: None, **options
    )  # type: ignore[arg-type]


def test_room_events_arrive_signed_and_in_order(receiver: Receiver) -> None:
    sim = SimulatedLiveKit()
    delivery = delivery_to(receiver)
    sim.add_event_sink(delivery)

    # When a room lives a whole life
    sim.create_room("r1")
    sim.join("r1", "interview-agent-1", agent=True)
    sim.join("r1", "candidate-1")
    sim.leave("r1", "candidate-1", aborted=True)
    sim.delete_room("r1")
    assert delivery.stop(timeout=5)

    # Then the receiver verified every signature (LiveKit's own WebhookReceiver) and got them in order
    assert receiver.received == [
        ("r1", "room_started"),
        ("r1", "participant_joined"),
        ("r1", "participant_joined"),
        ("r1", "participant_connection_aborted"),
        ("r1", "participant_left"),
        ("r1", "room_finished"),
    ]
    assert set(receiver.content_types) == {"application/webhook+json"}
    assert all(d.delivered and d.attempts == 1 for d in delivery.deliveries)


def test_a_failing_receiver_is_retried_until_it_accepts(receiver: Receiver) -> None:
    receiver.failures_left = 2
    delivery = delivery_to(receiver, max_attempts=4)

    sim = SimulatedLiveKit()
    sim.add_event_sink(delivery)
    sim.create_room("r2")
    sim.join("r2", "candidate-2")
    assert delivery.stop(timeout=5)

    # Then the first event took three attempts, the order held, and nothing was lost
    assert receiver.received == [("r2", "room_started"), ("r2", "participant_joined")]
    assert [d.attempts for d in delivery.deliveries] == [3, 1]


def test_a_refusal_is_not_retried_and_a_dead_receiver_is_given_up(receiver: Receiver) -> None:
    receiver.failures_left, receiver.status_when_failing = 1, 401
    delivery = delivery_to(receiver, max_attempts=3)
    sim = SimulatedLiveKit()
    sim.add_event_sink(delivery)
    sim.create_room("r3")
    assert delivery.stop(timeout=5)
    # A 401 will not change on retry: one attempt, reported as not delivered
    assert [(d.status, d.attempts, d.delivered) for d in delivery.deliveries] == [(401, 1, False)]

    # And with nobody listening at all, the event is given up after the attempts, without raising
    dead = WebhookDelivery(
        "http://127.0.0.1:9/livekit/webhook",
        TEST_LIVEKIT_KEY,
        TEST_LIVEKIT_SECRET,
        max_attempts=2,
        sleep=lambda _: None,
    )
    sim.add_event_sink(dead)
    sim.join("r3", "candidate-3")
    assert dead.stop(timeout=5)
    assert [(d.status, d.attempts) for d in dead.deliveries] == [(None, 2)]
