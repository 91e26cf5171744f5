"""In-memory text transport: the room is a list of messages and the candidate is a SimulatedCandidate.

Everything the agent sends is kept in order (`sent`), so a test can assert the exact data messages; the
candidate's actions are played on the injected clock, so with a VirtualClock a whole interview with long
silences runs in milliseconds. `request_end()` and `close_room()` play the backend's end-interview
message and the room finishing.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interview_common.room_protocol import AGENT_STATE_ATTRIBUTE

from interviewer.clock import Clock
from interviewer.ports import (
    INTERVIEW_TOPIC,
    TRANSCRIPTION_TOPIC,
    AgentState,
    RoomEvent,
    RoomEventListener,
    Utterance,
)
from interviewer.simulated_candidate import Answer, CandidateAction, Leave, SimulatedCandidate


@dataclass(frozen=True)
class SentMessage:
    topic: str
    payload: dict[str, Any]


class TextTransport:
    def __init__(
        self,
        candidate: SimulatedCandidate,
        clock: Clock,
        *,
        candidate_identity: str = "candidate",
        words_per_second: float = 0.0,
        echo: Callable[[str, str], None] | None = None,
    ) -> None:
        """`words_per_second` > 0 makes `say` take as long as speaking would (for a watchable demo);
        `echo(speaker, text)` sees every line of the conversation."""
        self.candidate = candidate
        self.clock = clock
        self.candidate_identity = candidate_identity
        self.words_per_second = words_per_second
        self.echo = echo
        self.sent: list[SentMessage] = []
        self.spoken: list[str] = []
        self.attributes: dict[str, str] = {}
        self.agent_states: list[str] = []
        self.connected = False
        self.closed = False
        self._present = asyncio.Event()
        self._utterances: asyncio.Queue[Utterance] = asyncio.Queue()
        self._listeners: list[RoomEventListener] = []
        self._tasks: set[asyncio.Task[None]] = set()

    # -- Transport ---------------------------------------------------------------------------------

    async def connect(self) -> None:
        self.connected = True
        if self.candidate.join_after is not None:
            self._spawn(self._arrive(self.candidate.join_after))

    async def wait_for_candidate(self, timeout: float) -> bool:  # noqa: ASYNC109 - the port's contract
        if self._present.is_set():
            return True
        try:
            await self.clock.wait_for(self._present.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def say(self, text: str) -> None:
        self.spoken.append(text)
        self.sent.append(SentMessage(TRANSCRIPTION_TOPIC, {"text": text, "final": True}))
        if self.echo:
            self.echo("agent", text)
        if self.words_per_second > 0:
            await self.clock.sleep(len(text.split()) / self.words_per_second)

    async def listen(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109 - the port's contract
        try:
            return await self.clock.wait_for(self._utterances.get(), timeout)
        except TimeoutError:
            return None

    async def publish(self, message: dict[str, Any], topic: str = INTERVIEW_TOPIC) -> None:
        self.sent.append(SentMessage(topic, dict(message)))
        if topic == INTERVIEW_TOPIC and self._present.is_set():
            self._play(self.candidate.on_message(message))

    async def set_agent_state(self, state: AgentState) -> None:
        self.attributes[AGENT_STATE_ATTRIBUTE] = state
        self.agent_states.append(state)

    def on_room_event(self, listener: RoomEventListener) -> None:
        self._listeners.append(listener)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- what tests (and the demo) do to the room --------------------------------------------------

    def messages(self, topic: str = INTERVIEW_TOPIC) -> list[dict[str, Any]]:
        return [message.payload for message in self.sent if message.topic == topic]

    async def request_end(self, reason: str = "end_interview") -> None:
        await self._emit(RoomEvent(kind="end_requested", reason=reason, at=self.clock.now()))

    async def close_room(self) -> None:
        self._present.clear()
        await self._emit(RoomEvent(kind="room_closed", reason="room deleted", at=self.clock.now()))

    # -- the candidate -----------------------------------------------------------------------------

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _arrive(self, after: float) -> None:
        await self.clock.sleep(after)
        self._present.set()
        await self._emit(
            RoomEvent(kind="candidate_joined", identity=self.candidate_identity, at=self.clock.now())
        )

    def _play(self, actions: list[CandidateAction]) -> None:
        for action in actions:
            if isinstance(action, Answer):
                self._spawn(self._answer(action))
            elif isinstance(action, Leave):
                self._spawn(self._leave(action))

    async def _answer(self, answer: Answer) -> None:
        started = self.clock.now()
        await self.clock.sleep(answer.after)
        if not self._present.is_set():
            return
        speaking = len(answer.text.split()) / self.words_per_second if self.words_per_second > 0 else 0.0
        await self.clock.sleep(speaking)
        if self.echo:
            self.echo("candidate", answer.text)
        await self._utterances.put(
            Utterance(text=answer.text, started_at=started + answer.after, ended_at=self.clock.now())
        )

    async def _leave(self, leave: Leave) -> None:
        self._present.clear()
        await self._emit(
            RoomEvent(
                kind="candidate_left", identity=self.candidate_identity, reason="left", at=self.clock.now()
            )
        )
        if leave.rejoin_after is not None:
            await self._arrive(leave.rejoin_after)

    async def _emit(self, event: RoomEvent) -> None:
        for listener in list(self._listeners):
            result = listener(event)
            if inspect.isawaitable(result):
                await result
