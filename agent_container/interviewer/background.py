"""The conductor's background work in one place: every task named, its failure logged, all cancelled
together (the pattern of pipecat's task_manager; `asyncio.TaskGroup` would cancel the interview itself
when a heartbeat fails, which it must not)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from interview_common.observability import logger


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: dict[asyncio.Task[Any], str] = {}

    def spawn(self, name: str, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `coroutine` beside the interview; a failure is logged with `name`, never raised."""
        task = asyncio.ensure_future(coroutine)
        task.set_name(name)
        self._tasks[task] = name
        task.add_done_callback(self._finished)
        return task

    def named(self, prefix: str) -> list[asyncio.Task[Any]]:
        """The tasks whose name starts with `prefix`, finished or not (e.g. every "assess:" task)."""
        return [task for task, name in self._tasks.items() if name.startswith(prefix)]

    def cancel(self, prefix: str = "") -> None:
        """Cancel the running tasks whose name starts with `prefix` (all of them by default)."""
        for task, name in self._tasks.items():
            if name.startswith(prefix) and not task.done():
                task.cancel()

    async def close(self) -> None:
        """Cancel every task and wait until all have stopped."""
        self.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            logger.error(
                "a background task failed",
                extra={"task": self._tasks.get(task, task.get_name()), "error": f"{type(error).__name__}"},
                exc_info=error,
            )
