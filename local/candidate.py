"""A simulated candidate that joins the local stack's simulated room with its candidate token and plays
a persona (interviewer/personas/*.json): late joins, thinking time, silences, leaving and coming back,
or never joining at all.

What to do is decided by the agent package's own SimulatedCandidate (the same model the text transport
plays in memory); this module only plays its actions in the room: it joins over the signalling
WebSocket, reads the agent's data messages as a frontend would, and answers by chat (`lk.chat`,
`{"message", "timestamp"}`), as a candidate typing in the seed's chat box would.

    python -m local.candidate --url ws://127.0.0.1:PORT --token <candidate token> --persona strong
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from interviewer.ports import CHAT_TOPIC, INTERVIEW_TOPIC
from interviewer.simulated_candidate import (
    Answer,
    CandidateAction,
    Leave,
    Persona,
    SimulatedCandidate,
    load_persona,
)
from interviewer.transports.sim_protocol import Data, ParticipantLeft, RoomClosed, ServerFrame
from interviewer.transports.sim_room import SimRoomClient

Outcome = Literal["completed", "room_closed", "agent_left", "never_joined", "left_for_good", "timed_out"]
# After `interview_completed` a person reads the closing words before leaving the page.
LINGER_SECONDS = 1.0


@dataclass(frozen=True)
class RoomMessage:
    """A data message the candidate received (what a frontend would see)."""

    sender: str | None
    topic: str
    payload: Any


MessageListener = Callable[[RoomMessage], None]
ActionListener = Callable[[str, str], None]  # (what, detail): "joined", "answered", "left", ...


class RoomCandidate:
    def __init__(
        self,
        livekit_url: str,
        token: str,
        persona: Persona,
        *,
        time_scale: float = 1.0,
        on_message: MessageListener | None = None,
        on_action: ActionListener | None = None,
    ) -> None:
        """`time_scale` multiplies every delay of the persona (0.05: twenty times faster, for tests)."""
        self._url = livekit_url
        self._token = token
        self.persona = persona
        self._scale = time_scale
        self._on_message = on_message
        self._on_action = on_action
        self._model = SimulatedCandidate(persona)
        self._client: SimRoomClient | None = None
        self._done: asyncio.Event = asyncio.Event()
        self._outcome: Outcome = "timed_out"
        self._leave: Leave | None = None
        self._completed = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.answers: list[str] = []

    async def run(
        self, agent_in_room: Callable[[], Awaitable[object]] | None = None, *, max_seconds: float = 3600
    ) -> Outcome:
        """Play the persona until the interview ends for this candidate; returns how it ended."""
        try:
            return await asyncio.wait_for(self._run(agent_in_room), max_seconds)
        except TimeoutError:
            return "timed_out"
        finally:
            await self._disconnect(leave=True)
            for task in list(self._tasks):
                task.cancel()

    async def _run(self, agent_in_room: Callable[[], Awaitable[object]] | None) -> Outcome:
        if self.persona.join_after is None:
            self._tell("never_joins", "the persona never joins the room")
            return "never_joined"
        if agent_in_room is not None:
            await agent_in_room()
        await self._sleep(self.persona.join_after)
        while True:
            await self._connect()
            await self._done.wait()
            leave = self._leave
            if leave is None:  # the interview is over for us
                return self._outcome
            await self._disconnect(leave=True)
            self._tell(
                "left",
                "leaves the room"
                + (
                    "" if leave.rejoin_after is None else f", back in {leave.rejoin_after * self._scale:.3g}s"
                ),
            )
            if leave.rejoin_after is None:
                return "left_for_good"
            await self._sleep(leave.rejoin_after)
            self._leave = None
            self._done = asyncio.Event()

    async def _connect(self) -> None:
        client = SimRoomClient(self._url, self._token)
        client.on_frame(self._on_frame)
        joined = await client.connect()
        self._client = client
        self._tell("joined", f"joins room {joined.room} as {joined.identity}")

    async def _disconnect(self, *, leave: bool) -> None:
        client, self._client = self._client, None
        if client is not None and client.connected:
            await (client.leave() if leave else client.drop())

    # -- the room -----------------------------------------------------------------------------------

    def _on_frame(self, frame: ServerFrame) -> None:
        if isinstance(frame, Data):
            if self._on_message is not None:
                self._on_message(RoomMessage(sender=frame.sender, topic=frame.topic, payload=frame.payload))
            if (
                frame.topic == INTERVIEW_TOPIC
                and isinstance(frame.payload, dict)
                and _from_agent(frame.sender)
            ):
                self._on_interview_message(frame.payload)
        elif isinstance(frame, RoomClosed):
            self._finish("room_closed")
        elif isinstance(frame, ParticipantLeft) and frame.participant.kind == "agent":
            self._finish("agent_left")

    def _on_interview_message(self, payload: dict[str, Any]) -> None:
        if payload.get("type") == "interview_completed":
            self._completed = True  # whatever happens next (the agent leaving first), it was completed
            self._spawn(self._linger_then_finish())
            return
        self._play(self._model.on_message(payload))

    def _play(self, actions: list[CandidateAction]) -> None:
        for action in actions:
            if isinstance(action, Answer):
                self._spawn(self._answer(action, self._client))
            elif isinstance(action, Leave):
                self._leave = action
                self._done.set()

    async def _answer(self, answer: Answer, client: SimRoomClient | None) -> None:
        await self._sleep(answer.after)
        if client is None or client is not self._client or not client.connected:
            return  # left (or lost the connection) while thinking
        message = {"id": uuid.uuid4().hex, "message": answer.text, "timestamp": int(time.time() * 1000)}
        with contextlib.suppress(ConnectionError):
            await client.publish_data(message, topic=CHAT_TOPIC)
            self.answers.append(answer.text)
            self._tell("answered", answer.text)

    async def _linger_then_finish(self) -> None:
        await self._sleep(LINGER_SECONDS)
        self._finish("completed")

    def _finish(self, outcome: Outcome) -> None:
        if not self._done.is_set():
            self._outcome = "completed" if self._completed else outcome
            self._done.set()

    # -- helpers ------------------------------------------------------------------------------------

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds * self._scale))

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _tell(self, what: str, detail: str) -> None:
        if self._on_action is not None:
            self._on_action(what, detail)


def _from_agent(sender: str | None) -> bool:
    return sender is not None and "agent" in sender  # clients classify participants this way too


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Join a simulated room as a candidate and play a persona.")
    parser.add_argument(
        "--url", required=True, help="the LiveKit URL of the local stack (ws://127.0.0.1:PORT)"
    )
    parser.add_argument("--token", required=True, help="the candidate token from POST /start-interview")
    parser.add_argument("--persona", default="strong", help="a packaged persona's name or a persona file")
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="multiply the persona's delays (0.1: faster)"
    )
    args = parser.parse_args(argv)
    candidate = RoomCandidate(
        args.url,
        args.token,
        load_persona(args.persona),
        time_scale=args.time_scale,
        on_action=lambda what, detail: print(f"[candidate] {what}: {detail}", flush=True),
    )
    outcome = asyncio.run(candidate.run())
    print(f"[candidate] done: {outcome}")
    return 0 if outcome in ("completed", "never_joined") else 1


if __name__ == "__main__":
    sys.exit(main())
