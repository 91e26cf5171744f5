"""Presence and stop supervision: is the candidate here, and has anything stopped the interview?

Every step of the conversation runs under it: `until_stopped` abandons a wait when the interview is
stopped (end request, room closed, time limit, SIGTERM, the candidate ending it); `guarded` also pauses a
step when the candidate leaves, waits up to the rejoin grace for them, and runs the step again when they
are back (its attempt number says it is a repeat).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

from interviewer.clock import Clock

T = TypeVar("T")

StopReason = Literal[
    "end_requested",
    "room_closed",
    "max_duration",
    "ended_elsewhere",
    "terminated",
    "candidate_gone",
    "candidate_ended",
    "speech_lost",
    "replaced",
]


class Interrupted(Exception):
    def __init__(self, reason: StopReason) -> None:
        super().__init__(reason)
        self.reason: StopReason = reason


class Supervision:
    def __init__(
        self,
        clock: Clock,
        *,
        rejoin_grace: float,
        wait_for_candidate: Callable[[float], Awaitable[bool]],
        on_pause: Callable[[], Awaitable[None]],
    ) -> None:
        self._clock = clock
        self._rejoin_grace = rejoin_grace
        self._wait_for_candidate = wait_for_candidate
        self._on_pause = on_pause
        self._pending: StopReason | None = None
        self._stop: asyncio.Future[StopReason] | None = None
        self.present = False
        # True once the candidate has been in the room (an interview they never joined is a no-show).
        self.ever_present = False
        self._absent = asyncio.Event()
        self._left_at = 0.0

    def start(self) -> None:
        """Bind to the running loop (a stop requested before this is kept and applies at once)."""
        self._stop = asyncio.get_running_loop().create_future()
        if self._pending:
            self._stop.set_result(self._pending)

    # -- stopping ------------------------------------------------------------------------------------

    def signal_stop(self, reason: StopReason) -> None:
        """The first reason wins; later ones are ignored."""
        if self._stop is None:
            self._pending = self._pending or reason
        elif not self._stop.done():
            self._stop.set_result(reason)

    def stopped(self) -> StopReason | None:
        return self._stop.result() if self._stop is not None and self._stop.done() else None

    async def until_stopped(self, awaitable: Awaitable[T]) -> T:
        """`awaitable`'s result, unless the interview is stopped first (Interrupted)."""
        assert self._stop is not None
        reason = self.stopped()
        task = asyncio.ensure_future(awaitable)
        if reason:
            await cancel(task)
            raise Interrupted(reason)
        waiting: set[asyncio.Future[Any]] = {task, self._stop}
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        await cancel(task)
        raise Interrupted(self._stop.result())

    # -- presence ------------------------------------------------------------------------------------

    def arrived(self) -> None:
        self.present = True
        self.ever_present = True
        self._absent.clear()

    def left(self, at: float) -> None:
        self.present = False
        self._left_at = at
        self._absent.set()

    async def guarded(self, step: Callable[[int], Awaitable[T]], resume: Callable[[], Awaitable[None]]) -> T:
        """Run a step that needs the candidate; if they leave, pause, and redo it when they are back."""
        assert self._stop is not None
        attempt = 0
        while True:
            reason = self.stopped()
            if reason:
                raise Interrupted(reason)
            if not self.present:
                await self._await_rejoin()
                await resume()
            task = asyncio.ensure_future(step(attempt))
            left = asyncio.ensure_future(self._absent.wait())
            waiting: set[asyncio.Future[Any]] = {task, left, self._stop}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            left.cancel()
            if task.done():
                return task.result()
            await cancel(task)
            attempt += 1

    async def _await_rejoin(self) -> None:
        await self._on_pause()
        remaining = self._left_at + self._rejoin_grace - self._clock.now()
        back = remaining > 0 and await self.until_stopped(self._wait_for_candidate(remaining))
        if not back:
            raise Interrupted("candidate_gone")
        self.arrived()


async def cancel(task: asyncio.Future[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
