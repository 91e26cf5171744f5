"""Time for the conductor and the transports, injected so that tests never sleep.

`RealClock` is wall time and asyncio's timers. `VirtualClock` is a discrete-event clock: `sleep` and
`wait_for` deadlines are kept in a heap, and whenever every task of the event loop is waiting, time jumps
to the next deadline. A whole interview with minutes of silences, a no-show timeout and a rejoin grace
period runs in milliseconds, deterministically (timestamps included).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections.abc import Awaitable
from typing import Protocol, TypeVar

from interview_common.clock import iso_from_epoch

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...

    def iso(self, at: float | None = None) -> str:
        """ISO 8601 UTC (milliseconds) of `at`, or of now."""
        ...

    async def sleep(self, seconds: float) -> None: ...

    async def wait_for(self, awaitable: Awaitable[T], timeout: float) -> T:  # noqa: ASYNC109 - the clock's own timeout
        """`awaitable`'s result, or TimeoutError after `timeout` seconds (the awaitable is cancelled)."""
        ...


class RealClock:
    def now(self) -> float:
        return time.time()

    def iso(self, at: float | None = None) -> str:
        return iso_from_epoch(self.now() if at is None else at)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))

    async def wait_for(self, awaitable: Awaitable[T], timeout: float) -> T:  # noqa: ASYNC109 - the clock's own timeout
        return await asyncio.wait_for(awaitable, timeout=max(timeout, 0.0))


# 2026-01-01T00:00:00Z: virtual timestamps are stable across runs.
VIRTUAL_EPOCH = 1_767_225_600.0


class VirtualClock:
    """Time advances only when every task is blocked; then it jumps to the earliest deadline.

    Only for code whose waiting all happens on this clock or on other tasks of the same loop (no
    threads, no sockets): that is the point of injecting it.
    """

    MAX_SETTLE_ROUNDS = 10_000

    def __init__(self, start: float = VIRTUAL_EPOCH) -> None:
        self._now = start
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._sequence = itertools.count()
        self._driver: asyncio.Task[None] | None = None

    def now(self) -> float:
        return self._now

    def iso(self, at: float | None = None) -> str:
        return iso_from_epoch(self._now if at is None else at)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._timers, (self._now + seconds, next(self._sequence), future))
        self._ensure_driver(loop)
        await future  # cancelling the sleeper cancels the future; the driver skips it

    async def wait_for(self, awaitable: Awaitable[T], timeout: float) -> T:  # noqa: ASYNC109 - the clock's own timeout
        task = asyncio.ensure_future(awaitable)
        timer = asyncio.ensure_future(self.sleep(timeout))
        try:
            await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            task.cancel()
            timer.cancel()
            raise
        if task.done():
            timer.cancel()
            return task.result()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        raise TimeoutError(f"no result within {timeout} virtual seconds")

    def _ensure_driver(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._driver is None or self._driver.done():
            self._driver = loop.create_task(self._drive(), name="virtual-clock")

    async def _drive(self) -> None:
        loop = asyncio.get_running_loop()
        while self._timers:
            await self._settle(loop)
            while self._timers and self._timers[0][2].done():  # cancelled sleepers
                heapq.heappop(self._timers)
            if not self._timers:
                return
            deadline, _, future = heapq.heappop(self._timers)
            self._now = max(self._now, deadline)
            future.set_result(None)

    async def _settle(self, loop: asyncio.AbstractEventLoop) -> None:
        """Yield until no other callback is ready: every task is waiting on a timer or on another task."""
        ready = getattr(loop, "_ready", None)
        for _ in range(self.MAX_SETTLE_ROUNDS):
            await asyncio.sleep(0)
            if ready is not None and not ready:
                # One more round: a callback may have been queued by the one that just ran.
                await asyncio.sleep(0)
                if not ready:
                    return
        # Unknown loop implementation (no _ready): the rounds above were the best effort.
