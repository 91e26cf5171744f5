"""Is the candidate in the room, as the conductor should see it (both room transports use it).

A full reconnect of a LiveKit client, ours or theirs, shows up as participant-disconnected then
participant-connected for the same identity within a second or two. That is no leave: a departure is
reported only when the candidate is not back within `debounce` seconds, and then with the time they
actually left (the rejoin grace counts from there). An arrival after a reported leave is a rejoin.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from interviewer.clock import Clock
from interviewer.ports import RoomEvent

# A full SDK reconnect takes the candidate out and back within ~1-2 s; a real leave is reported after this.
LEAVE_DEBOUNCE_SECONDS = 2.5


class CandidatePresence:
    def __init__(
        self, clock: Clock, emit: Callable[[RoomEvent], None], *, debounce: float | None = None
    ) -> None:
        self._clock = clock
        self._emit = emit
        self._debounce = LEAVE_DEBOUNCE_SECONDS if debounce is None else debounce
        self.present = asyncio.Event()
        self._pending_leave: asyncio.Task[None] | None = None
        self.reconnects = 0

    async def wait(self, timeout: float) -> bool:  # noqa: ASYNC109 - the Transport port's contract
        """Whether the candidate is in the room within `timeout` seconds (on the injected clock)."""
        if self.present.is_set():
            return True
        try:
            await self._clock.wait_for(self.present.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def arrived(self, identity: str) -> None:
        if self._pending_leave is not None and not self._pending_leave.done():
            self._pending_leave.cancel()
            self._pending_leave = None
            self.reconnects += 1
            return  # back within the debounce: for the conductor they never left
        if self.present.is_set():
            return
        self.present.set()
        self._emit(RoomEvent(kind="candidate_joined", identity=identity, at=self._clock.now()))

    def departed(self, identity: str, reason: str | None) -> None:
        if not self.present.is_set() or (self._pending_leave is not None and not self._pending_leave.done()):
            return
        left_at = self._clock.now()
        self._pending_leave = asyncio.ensure_future(self._report_leave(identity, reason, left_at))

    async def _report_leave(self, identity: str, reason: str | None, left_at: float) -> None:
        await self._clock.sleep(self._debounce)
        self._pending_leave = None
        self.present.clear()
        self._emit(RoomEvent(kind="candidate_left", identity=identity, reason=reason, at=left_at))

    async def aclose(self) -> None:
        if self._pending_leave is not None:
            self._pending_leave.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pending_leave
