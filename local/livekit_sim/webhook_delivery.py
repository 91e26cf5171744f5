"""Deliver the simulated LiveKit's webhooks to a URL the way LiveKit does: signed, queued per room, retried.

LiveKit POSTs each event with a JWT over the body's SHA-256 (see webhooks.signed_request), keeps one
queue per room so a room's events go out in order, and retries failed deliveries a few times. This sink
does the same from background threads, so the room never waits for the receiver.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from livekit.protocol.webhook import WebhookEvent

from local.livekit_sim.webhooks import signed_request

log = logging.getLogger("local.livekit_sim.webhooks")

# LiveKit retries failed deliveries a few times with a growing pause before giving up on the event.
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF_SECONDS = 0.2
REQUEST_TIMEOUT_SECONDS = 10.0
IDLE_WORKER_SECONDS = 5.0


@dataclass(frozen=True)
class Delivery:
    """The outcome of one event: the last HTTP status (None when the receiver never answered)."""

    event: str
    event_id: str
    room: str
    status: int | None
    attempts: int

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _post(url: str, body: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")  # noqa: S310 - local URL
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


class WebhookDelivery:
    """An event sink for SimulatedLiveKit; thread-safe, never blocks the room."""

    def __init__(
        self,
        url: str,
        api_key: str,
        api_secret: str,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
        post: Callable[[str, str, dict[str, str]], int] = _post,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self._api_key = api_key
        self._api_secret = api_secret
        self._max_attempts = max_attempts
        self._backoff_seconds = backoff_seconds
        self._post = post
        self._sleep = sleep
        self._lock = threading.Lock()
        self._queues: dict[str, queue.Queue[WebhookEvent]] = {}
        self._workers: dict[str, threading.Thread] = {}
        self._pending = 0
        self._idle = threading.Condition(self._lock)
        self._stopped = False
        self.deliveries: list[Delivery] = []

    def __call__(self, event: WebhookEvent) -> None:
        room = event.room.name
        with self._lock:
            if self._stopped:
                return
            self._pending += 1
            pending = self._queues.setdefault(room, queue.Queue())
            pending.put(event)
            worker = self._workers.get(room)
            if worker is None or not worker.is_alive():
                worker = threading.Thread(
                    target=self._run, args=(room, pending), name=f"webhooks-{room}", daemon=True
                )
                self._workers[room] = worker
                worker.start()

    def _run(self, room: str, pending: queue.Queue[WebhookEvent]) -> None:
        while True:
            try:
                event = pending.get(timeout=IDLE_WORKER_SECONDS)
            except queue.Empty:
                with self._lock:
                    if (
                        pending.empty()
                    ):  # nothing arrived meanwhile: retire; the next event starts a new worker
                        self._workers.pop(room, None)
                        self._queues.pop(room, None)
                        return
                continue
            outcome = self._deliver(event)
            with self._lock:
                self.deliveries.append(outcome)
                self._pending -= 1
                self._idle.notify_all()

    def _deliver(self, event: WebhookEvent) -> Delivery:
        status: int | None = None
        attempt = 0
        for attempt in range(1, self._max_attempts + 1):
            body, headers = signed_request(
                event, self._api_key, self._api_secret
            )  # signed per attempt, as LiveKit does
            try:
                status = self._post(self.url, body, headers)
            except OSError as error:
                status = None
                log.debug("webhook %s to %s failed: %s", event.event, self.url, error)
            if status is not None and (200 <= status < 300 or (400 <= status < 500 and status != 429)):
                break  # delivered, or refused for good (a 4xx will not change on retry)
            if attempt < self._max_attempts and not self._stopped:
                self._sleep(self._backoff_seconds * 2 ** (attempt - 1))
            elif self._stopped:
                break
        if status is None or status >= 300:
            log.warning(
                "webhook %s for room %s not accepted (status %s after %d attempts)",
                event.event,
                event.room.name,
                status,
                attempt,
            )
        return Delivery(
            event=event.event, event_id=event.id, room=event.room.name, status=status, attempts=attempt
        )

    def flush(self, timeout: float) -> bool:
        """Wait until every queued event has been delivered or given up; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending > 0:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def stop(self, timeout: float = 2.0) -> bool:
        """Deliver what is queued (within `timeout`), then accept nothing more."""
        drained = self.flush(timeout)
        with self._lock:
            self._stopped = True
        return drained
