"""The agent in the local stack's simulated LiveKit room (AGENT_TRANSPORT=sim): text instead of voice.

It joins over the simulated server's signalling WebSocket (sim_protocol) with an agent token it mints
for itself, exactly as the LiveKit transport joins a real room. In text mode the candidate speaks by
chat: data on `lk.chat` as `{"message": text, "timestamp": ms}`. The agent's speech is published as a
live caption on `lk.transcription` (the conductor itself sends the interview topic's `transcript`
messages), and its state is the `lk.agent.state` attribute, as LiveKit agents keep it. Who the candidate
is follows the same rule as in a LiveKit room (transports.candidate_rule): the recorded identity, else the
first ordinary participant that is not an agent. Data messages are capped and split as LiveKit needs
(transports.data_packets).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import aiohttp
from interview_common import room_protocol
from interview_common.credentials import LiveKitKeyPair
from interview_common.observability import logger
from interview_common.room_protocol import AGENT_STATE_ATTRIBUTE
from pydantic import SecretStr, ValidationError

from interviewer.clock import Clock, RealClock
from interviewer.ports import (
    CHAT_TOPIC,
    CONTROL_TOPIC,
    INTERVIEW_TOPIC,
    TRANSCRIPTION_TOPIC,
    AgentState,
    RoomEvent,
    RoomEventListener,
    Utterance,
)
from interviewer.transports.candidate_rule import CandidateRule
from interviewer.transports.data_packets import MessageTooLarge, packets
from interviewer.transports.presence import CandidatePresence
from interviewer.transports.sim_protocol import (
    AttributesChanged,
    Data,
    Joined,
    Leave,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantView,
    PublishData,
    RoomClosed,
    ServerFrame,
    SetAttributes,
    rtc_url,
    server_frame,
)

CONNECT_TIMEOUT_SECONDS = 10.0
DUPLICATE_IDENTITY = "duplicate_identity"  # the room_closed reason when a newer connection took the identity

FrameListener = Callable[[ServerFrame], Awaitable[None] | None]


class SimRoomClient:
    """One participant's connection to a simulated room (the agent's transport and the local candidate)."""

    def __init__(
        self, livekit_url: str, token: str, *, connect_timeout: float = CONNECT_TIMEOUT_SECONDS
    ) -> None:
        self._connect_timeout = connect_timeout
        self._url = rtc_url(livekit_url)
        self._token = token
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._listeners: list[FrameListener] = []
        self.room = ""
        self.identity = ""
        self.participants: dict[str, ParticipantView] = {}
        self.closed = asyncio.Event()
        self.close_reason: str | None = None

    def on_frame(self, listener: FrameListener) -> None:
        self._listeners.append(listener)

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed and not self.closed.is_set()

    async def connect(self) -> Joined:
        timeout = self._connect_timeout
        self._session = aiohttp.ClientSession()
        try:
            self._ws = await self._session.ws_connect(
                self._url,
                params={"access_token": self._token},
                timeout=aiohttp.ClientWSTimeout(ws_close=timeout),
            )
            first = await self._ws.receive(timeout=timeout)
        except (aiohttp.ClientError, TimeoutError) as error:
            await self._session.close()
            raise ConnectionError(f"could not join the simulated room at {self._url}: {error}") from error
        if first.type != aiohttp.WSMsgType.TEXT:
            await self._session.close()
            raise ConnectionError("the simulated room closed the connection before the join completed")
        joined = server_frame.validate_json(first.data)
        if not isinstance(joined, Joined):
            await self._session.close()
            raise ConnectionError(f"the simulated room answered {joined.type} instead of joined")
        self.room, self.identity = joined.room, joined.identity
        self.participants = {p.identity: p for p in joined.participants}
        self._reader = asyncio.create_task(self._read())
        return joined

    async def publish_data(
        self, payload: Any, *, topic: str = "", destination_identities: list[str] | None = None
    ) -> None:
        frame = PublishData(topic=topic, payload=payload, destination_identities=destination_identities or [])
        await self._send(frame.model_dump_json())

    async def set_attributes(self, attributes: dict[str, str]) -> None:
        await self._send(SetAttributes(attributes=attributes).model_dump_json())

    async def leave(self) -> None:
        """Leave the room as a client that hangs up (participant_left)."""
        if self.connected:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._send(Leave().model_dump_json())
        await self._shutdown("left")

    async def drop(self) -> None:
        """Lose the connection without saying goodbye (participant_connection_aborted)."""
        await self._shutdown("dropped")

    async def _send(self, text: str) -> None:
        if not self.connected or self._ws is None:
            raise ConnectionError(
                f"not connected to the simulated room ({self.close_reason or 'never joined'})"
            )
        await self._ws.send_str(text)

    async def _read(self) -> None:
        assert self._ws is not None
        reason = "connection_lost"
        try:
            async for message in self._ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    frame = server_frame.validate_json(message.data)
                except ValidationError:
                    continue
                self._track(frame)
                if isinstance(frame, RoomClosed):
                    reason = frame.reason
                await self._dispatch(frame)
                if isinstance(frame, RoomClosed):
                    break
        finally:
            unexpected = self.close_reason is None and reason == "connection_lost"
            if self.close_reason is None:
                self.close_reason = reason
            self.closed.set()
            if unexpected:  # the server went away without closing the room: for us, the room is gone
                await self._dispatch(RoomClosed(reason=reason))

    def _track(self, frame: ServerFrame) -> None:
        if isinstance(frame, ParticipantJoined):
            self.participants[frame.participant.identity] = frame.participant
        elif isinstance(frame, ParticipantLeft):
            self.participants.pop(frame.participant.identity, None)
        elif isinstance(frame, AttributesChanged) and frame.identity in self.participants:
            known = self.participants[frame.identity]
            self.participants[frame.identity] = known.model_copy(
                update={"attributes": {**known.attributes, **frame.attributes}}
            )

    async def _dispatch(self, frame: ServerFrame) -> None:
        for listener in list(self._listeners):
            outcome = listener(frame)
            if inspect.isawaitable(outcome):
                await outcome

    async def _shutdown(self, reason: str) -> None:
        if self.close_reason is None:
            self.close_reason = reason
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._reader is not None and self._reader is not asyncio.current_task():
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self.closed.set()


class SimRoomSettings(Protocol):
    """What the transport reads from the agent's settings (interviewer.config.AgentSettings)."""

    @property
    def livekit_url(self) -> str: ...
    @property
    def livekit_api_key(self) -> SecretStr | str | None: ...
    @property
    def livekit_api_secret(self) -> SecretStr | str | None: ...
    @property
    def room_name(self) -> str: ...
    @property
    def agent_identity(self) -> str: ...
    @property
    def candidate_identity(self) -> str: ...


def _reveal(value: SecretStr | str | None, name: str) -> str:
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if not text:
        raise ValueError(f"{name} is required to join the room")
    return text


def agent_token(settings: SimRoomSettings) -> str:
    """The agent's own token, as the LiveKit transport mints it (interview_common.room_protocol)."""
    keys = LiveKitKeyPair(
        _reveal(settings.livekit_api_key, "LIVEKIT_API_KEY"),
        _reveal(settings.livekit_api_secret, "LIVEKIT_API_SECRET"),
    )
    return room_protocol.agent_token(keys, room_name=settings.room_name, identity=settings.agent_identity)


def chat_text(payload: Any) -> tuple[str, float | None] | None:
    """The text of an `lk.chat` message (`{"message", "timestamp"}`) and its time in seconds."""
    if isinstance(payload, dict) and isinstance(payload.get("message"), str):
        stamp = payload.get("timestamp")
        return payload["message"], float(stamp) / 1000 if isinstance(stamp, int | float) else None
    if isinstance(payload, str):
        return payload, None
    return None


class SimRoomTransport:
    """Transport (interviewer.ports) over the simulated room; the candidate types instead of speaking."""

    def __init__(
        self, settings: SimRoomSettings, *, clock: Clock | None = None, words_per_second: float = 0.0
    ) -> None:
        """`words_per_second` > 0 makes `say` take as long as speaking would (a watchable demo)."""
        self._settings = settings
        self._clock: Clock = clock or RealClock()
        self._words_per_second = words_per_second
        self._client = SimRoomClient(settings.livekit_url, agent_token(settings))
        self._presence = CandidatePresence(self._clock, self._emit)
        self._rule = CandidateRule(settings.candidate_identity)
        self._candidate: str | None = None
        self._utterances: asyncio.Queue[Utterance] = asyncio.Queue()
        self._listeners: list[RoomEventListener] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    # -- Transport ----------------------------------------------------------------------------------

    async def connect(self) -> None:
        self._client.on_frame(self._on_frame)
        joined = await self._client.connect()
        for participant in joined.participants:
            if self._is_candidate(participant):
                self._candidate = participant.identity
                self._presence.present.set()

    async def wait_for_candidate(self, timeout: float) -> bool:  # noqa: ASYNC109 - the Transport port
        return await self._presence.wait(timeout)

    async def say(self, text: str) -> None:
        segment = "SG_" + uuid.uuid4().hex[:12]
        await self.publish(
            {
                "text": text,
                "final": True,
                "segment_id": segment,
                "participant_identity": self._settings.agent_identity,
            },
            topic=TRANSCRIPTION_TOPIC,
        )
        if self._words_per_second > 0:
            await self._clock.sleep(len(text.split()) / self._words_per_second)

    async def listen(self, timeout: float) -> Utterance | None:  # noqa: ASYNC109 - the Transport port
        try:
            return await self._clock.wait_for(self._utterances.get(), timeout)
        except TimeoutError:
            return None

    async def publish(self, message: dict[str, Any], topic: str = INTERVIEW_TOPIC) -> None:
        if self._closed:
            return
        try:
            payloads = packets(message)
        except MessageTooLarge as error:
            logger.error("a data message is too large to send", extra={"topic": topic, "reason": str(error)})
            return
        for payload in payloads:
            try:
                await self._client.publish_data(json.loads(payload), topic=topic)
            except ConnectionError:
                return  # the room is gone; room_closed has told the conductor

    async def set_agent_state(self, state: AgentState) -> None:
        if self._closed:
            return
        with contextlib.suppress(ConnectionError):
            await self._client.set_attributes({AGENT_STATE_ATTRIBUTE: state})

    def on_room_event(self, listener: RoomEventListener) -> None:
        self._listeners.append(listener)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._presence.aclose()
        await self._client.leave()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # -- what the room says -------------------------------------------------------------------------

    @property
    def candidate_identity(self) -> str | None:
        return self._candidate

    def _is_candidate(self, participant: ParticipantView) -> bool:
        return self._rule.is_candidate(
            participant.identity, is_agent=participant.kind == "agent", current=self._candidate
        )

    def _on_frame(self, frame: ServerFrame) -> None:
        if isinstance(frame, ParticipantJoined) and self._is_candidate(frame.participant):
            self._candidate = frame.participant.identity
            self._presence.arrived(frame.participant.identity)
        elif isinstance(frame, ParticipantLeft) and frame.participant.identity == self._candidate:
            self._presence.departed(frame.participant.identity, frame.reason)
        elif isinstance(frame, RoomClosed):
            # Another agent connected with this identity: it holds the interview now (not a room close).
            kind = "agent_replaced" if frame.reason == DUPLICATE_IDENTITY else "room_closed"
            self._emit(RoomEvent(kind=kind, reason=frame.reason, at=self._clock.now()))
        elif isinstance(frame, Data):
            self._on_data(frame)

    def _on_data(self, frame: Data) -> None:
        if frame.topic == CHAT_TOPIC and frame.sender is not None and frame.sender == self._candidate:
            said = chat_text(frame.payload)
            if said is not None and said[0].strip():
                received = self._clock.now()
                self._utterances.put_nowait(
                    Utterance(text=said[0].strip(), started_at=received, ended_at=received)
                )
        elif frame.topic == CONTROL_TOPIC and frame.sender is None:  # only the backend (RoomService.SendData)
            payload = frame.payload if isinstance(frame.payload, dict) else {"value": frame.payload}
            reason = payload.get("reason") if isinstance(payload.get("reason"), str) else None
            self._emit(
                RoomEvent(kind="end_requested", reason=reason, at=self._clock.now(), data=_jsonable(payload))
            )

    def _emit(self, event: RoomEvent) -> None:
        for listener in list(self._listeners):
            outcome = listener(event)
            if inspect.isawaitable(outcome):
                task = asyncio.ensure_future(outcome)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(json.dumps(payload, default=str)))
