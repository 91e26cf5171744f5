"""The InterviewRecorder on DynamoDB: the shared package's store (forward-only state), the interview log
(turns, report, job profile) and the participants store (the agent's own PARTICIPANT# item).

Writes run on one worker thread, in order, so a blocking call never stalls the event loop and a later
write never overtakes an earlier one. Progress and turn writes are queued and not waited for (the
conversation never waits on DynamoDB; a crash loses at most what is queued, the turn in flight); state
transitions, heartbeats and the report are awaited because their answer matters. (With `executor=None`
everything runs inline: tests use that with a virtual clock.) A turn is copied when it is queued, so the
write holds the turn as it was when saved.

A queued write that fails after boto3's retries (the repositories raise StorageUnavailable then) is
logged and the interview goes on (the record lags, the candidate is not cut off); only a refused or
failed state transition reaches the conductor.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, TypeVar

from interview_common.dal.interview_log import InterviewLog
from interview_common.dal.interviews import InterviewStore
from interview_common.dal.participants import PHASE_JOINED, ParticipantChange, ParticipantStore, order_key
from interview_common.errors import StorageUnavailable, TransitionRejected
from interview_common.lifecycle import TERMINAL_STATES, InterviewState
from interview_common.models.assessment import InterviewReport
from interview_common.models.items import InterviewItem
from interview_common.models.job_profile import JobProfile
from interview_common.models.turn import TurnItem
from interview_common.observability import logger
from interview_common.room_protocol import AGENT_DISPLAY_NAME

from interviewer.clock import Clock
from interviewer.ports import Progress, RecordedState

T = TypeVar("T")
# Sorts before every real webhook's order key: the agent's own item is written only when no webhook has
# been applied yet, and any webhook about the agent (joined, left) overrides it.
SELF_REPORTED_ORDER = order_key(0, PHASE_JOINED, 0, "agent-self-report")


class DynamoRecorder:
    def __init__(
        self,
        *,
        room_name: str,
        interview_id: str,
        job_id: str,
        agent_identity: str,
        store: InterviewStore,
        log: InterviewLog,
        participants: ParticipantStore,
        clock: Clock,
        executor: Executor | None = None,
    ) -> None:
        self.room_name = room_name
        self.interview_id = interview_id
        self.job_id = job_id
        self.agent_identity = agent_identity
        self._store = store
        self._log = log
        self._participants = participants
        self._clock = clock
        self._executor = executor
        self._expires_at = 0
        # The job profile version the interview started with (read from META when the agent joins).
        self._profile_version: int | None = None
        self._last = RecordedState(state=InterviewState.LAUNCHING)

    @classmethod
    def on_thread(cls, **kwargs: Any) -> DynamoRecorder:
        return cls(executor=ThreadPoolExecutor(max_workers=1, thread_name_prefix="recorder"), **kwargs)

    def _submit(self, function: Callable[..., Any], *args: Any) -> None:
        """Queue a write the conversation need not wait for (it still runs in order with the others)."""
        if self._executor is None:
            _logged(function, *args)
        else:
            self._executor.submit(_logged, function, *args)

    async def _call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._executor is None:
            return function(*args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, functools.partial(function, *args, **kwargs)
        )

    def _recorded(self, interview: InterviewItem) -> RecordedState:
        self._last = RecordedState(
            state=interview.state,
            end_requested=interview.end_requested_at is not None,
            expires_at=interview.expires_at,
        )
        return self._last

    # -- InterviewRecorder -------------------------------------------------------------------------

    async def agent_joined(self) -> RecordedState:
        interview = await self._call(self._store.get_interview, self.room_name)
        if interview is None:
            raise LookupError(f"no interview is recorded for room {self.room_name}")
        if interview.interview_id != self.interview_id:
            raise LookupError(f"room {self.room_name} holds another interview than {self.interview_id}")
        self._expires_at = interview.expires_at
        self._profile_version = interview.profile_version
        if interview.state not in TERMINAL_STATES:
            try:
                interview = await self._call(
                    self._store.transition,
                    self.room_name,
                    self.interview_id,
                    InterviewState.WAITING_FOR_CANDIDATE,
                    agent_connected=True,
                )
            except TransitionRejected:  # already waiting or in progress (a webhook was faster), or ended
                interview = await self._call(self._store.get_interview, self.room_name) or interview
            await self._write_own_participant()
        return self._recorded(interview)

    async def _write_own_participant(self) -> None:
        now = self._clock.iso()
        change = ParticipantChange(
            identity=self.agent_identity,
            kind="agent",
            name=AGENT_DISPLAY_NAME,
            order=SELF_REPORTED_ORDER,
            event_at=now,
            present=True,
            joined_at=now,
        )
        try:
            await self._call(self._participants.apply, self.room_name, change, self._expires_at)
        except Exception:  # belt and braces only: the webhooks are the source of truth
            logger.warning("could not write the agent's participant item")

    async def load_profile(self) -> JobProfile:
        profile, stored = await self._call(
            self._log.job_profile_or_default, self.job_id, self._profile_version
        )
        logger.info(
            "job profile loaded",
            extra={
                "job_id": self.job_id,
                "stored": stored,
                "version": self._profile_version,
                "rubric": profile.rubric_version,
            },
        )
        return profile

    async def transition(self, target: InterviewState, **fields: Any) -> bool:
        try:
            interview = await self._call(
                self._store.transition, self.room_name, self.interview_id, target, **fields
            )
        except TransitionRejected:
            logger.info("state change refused by the record", extra={"target": target.value})
            return False
        self._recorded(interview)
        return True

    async def progress(self, progress: Progress) -> None:
        fields = progress.model_dump()
        fields["last_heartbeat_at"] = self._clock.iso()
        self._submit(self._write_progress, fields)

    def _write_progress(self, fields: dict[str, Any]) -> None:
        try:
            self._recorded(self._store.record_progress(self.room_name, self.interview_id, **fields))
        except TransitionRejected:
            logger.info("progress refused: the interview ended elsewhere", extra={"phase": fields["phase"]})

    async def heartbeat(self) -> RecordedState:
        try:
            interview = await self._call(
                self._store.record_progress,
                self.room_name,
                self.interview_id,
                last_heartbeat_at=self._clock.iso(),
            )
        except TransitionRejected:  # the interview ended elsewhere: read how
            current = await self._call(self._store.get_interview, self.room_name)
            if current is None or current.interview_id != self.interview_id:
                return RecordedState(state=InterviewState.FAILED, expires_at=self._expires_at)
            return self._recorded(current)
        except StorageUnavailable:
            logger.warning("heartbeat write failed")
            return self._last
        return self._recorded(interview)

    async def save_turn(self, turn: TurnItem) -> None:
        self._submit(self._log.put_turn, turn.model_copy(deep=True))

    async def save_report(self, report: InterviewReport) -> None:
        await self._call(self._log.put_report, report, self._expires_at)

    async def close(self) -> None:
        if self._executor is not None:
            executor, self._executor = self._executor, None
            await asyncio.get_running_loop().run_in_executor(
                None, functools.partial(executor.shutdown, wait=True)
            )


def _logged(function: Callable[..., Any], *args: Any) -> None:
    try:
        function(*args)
    except StorageUnavailable:
        logger.warning(
            "a queued write failed; the record lags", extra={"write": getattr(function, "__name__", "?")}
        )
