"""The simulated room's signalling: participants join a SimulatedLiveKit room over a WebSocket.

`GET /sim/rtc?access_token=<LiveKit JWT>` (protocol: interviewer.transports.sim_protocol). The token is
verified with the server's key pair exactly as LiveKit would; the participant is then in the room, so
the room emits participant_joined (and its webhook), receives data packets relayed to it, and leaves with
participant_left, or participant_connection_aborted when its connection drops.

The hub also plays LiveKit's room timeouts (both from CreateRoom), where agent-kind participants do not
keep a room open: a room no ordinary participant joined closes `empty_timeout` after it started, and a
room whose last ordinary participant left closes `departure_timeout` after that, agents still in it or not.

For tests, `full_reconnect(room, identity)` plays a participant's SDK doing a full reconnect (the others
see it leave and join again, it sees them all leave and join again), and a second connection with an
identity already in the room replaces the first, whose client is told `duplicate_identity` (LiveKit's
DisconnectReason.DUPLICATE_IDENTITY).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from interviewer.transports.sim_protocol import (
    SIM_RTC_PATH,
    AttributesChanged,
    Data,
    Error,
    Joined,
    Leave,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantView,
    PublishData,
    RoomClosed,
    SetAttributes,
    client_frame,
)
from livekit import api
from livekit.protocol import models
from livekit.protocol.webhook import WebhookEvent
from pydantic import BaseModel, ValidationError

from local.livekit_sim.rooms import SimulatedLiveKit

log = logging.getLogger("local.livekit_sim")
MAX_FRAME_BYTES = 64 * 1024  # LiveKit's reliable data packets are limited to ~15 KiB; be generous


def _view(info: models.ParticipantInfo) -> ParticipantView:
    is_agent = info.kind == models.ParticipantInfo.Kind.AGENT
    return ParticipantView(
        identity=info.identity,
        name=info.name,
        kind="agent" if is_agent else "standard",
        attributes=dict(info.attributes),
    )


@dataclass
class _Connection:
    room: str
    identity: str
    sid: str
    ws: web.WebSocketResponse
    outbox: asyncio.Queue[BaseModel | None] = field(default_factory=asyncio.Queue)
    # Set once the server has taken this participant out of the room (leave, replaced, removed, room closed).
    gone: bool = False


class SignallingHub:
    """Connects WebSocket participants to a SimulatedLiveKit; install it on the Twirp app with `install`."""

    def __init__(self, sim: SimulatedLiveKit, api_key: str, api_secret: str) -> None:
        self.sim = sim
        self._verifier = api.TokenVerifier(api_key, api_secret)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connections: dict[str, dict[str, _Connection]] = {}  # room -> participant sid -> connection
        sim.add_event_sink(self._on_room_event)

    def install(self, app: web.Application) -> web.Application:
        app.router.add_get(SIM_RTC_PATH, self._handle)
        app.on_startup.append(self._capture_loop)
        app.on_shutdown.append(self._close_all)
        return app

    # -- lifecycle ----------------------------------------------------------------------------------

    async def _capture_loop(self, _: web.Application) -> None:
        self._loop = asyncio.get_running_loop()

    async def _close_all(self, _: web.Application) -> None:
        for connections in list(self._connections.values()):
            for connection in list(connections.values()):
                self._send(connection, RoomClosed(reason="server_shutdown"))
                self._finish(connection)

    def full_reconnect(self, room_name: str, identity: str) -> None:
        """A participant's SDK does a full reconnect (call on the hub's loop, or from another thread).

        As in LiveKit: the room sees the participant leave and join again with a new sid (webhooks
        included) while its connection carries on, and the reconnecting client sees every other
        participant leave and join again."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._full_reconnect, room_name, identity)

    def _full_reconnect(self, room_name: str, identity: str) -> None:
        connections = self._connections.get(room_name, {})
        connection = next((c for c in connections.values() if c.identity == identity and not c.gone), None)
        room = self.sim.rooms.get(room_name)
        if connection is None or room is None or identity not in room.participants:
            raise LookupError(f"{identity} is not connected to {room_name}")
        old = room.participants[identity]
        others = [_view(info) for info in self.sim.participant_infos(room_name) if info.identity != identity]
        self.sim.leave(room_name, identity, aborted=False)
        new = self.sim.join(
            room_name,
            identity,
            name=old.name,
            agent=old.kind == models.ParticipantInfo.Kind.AGENT,
            metadata=old.metadata,
        )
        del connections[connection.sid]
        connection.sid = new.sid
        connections[new.sid] = connection
        self.sim.subscribe(room_name, identity, lambda message: self._relay(connection, message))
        for view in others:
            self._send(connection, ParticipantLeft(participant=view, reason="reconnecting"))
        for view in others:
            self._send(connection, ParticipantJoined(participant=view))

    def connection_count(self, room_name: str | None = None) -> int:
        if room_name is not None:
            return len(self._connections.get(room_name, {}))
        return sum(len(connections) for connections in self._connections.values())

    # -- one participant ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token = request.query.get("access_token") or request.headers.get("Authorization", "").removeprefix(
            "Bearer "
        )
        try:
            claims = self._verifier.verify(token)
        except Exception:
            return web.json_response({"code": "unauthenticated", "msg": "invalid token"}, status=401)
        grant = claims.video
        if grant is None or not grant.room_join or not grant.room or not claims.identity:
            return web.json_response(
                {"code": "permission_denied", "msg": "the token cannot join a room"}, status=403
            )

        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_FRAME_BYTES)
        await ws.prepare(request)
        is_agent = claims.kind == "agent" or bool(grant.agent)
        participant = self.sim.join(
            grant.room,
            claims.identity,
            name=claims.name or claims.identity,
            agent=is_agent,
            metadata=claims.metadata,
        )
        connection = _Connection(room=grant.room, identity=claims.identity, sid=participant.sid, ws=ws)
        self._connections.setdefault(grant.room, {})[participant.sid] = connection
        self.sim.subscribe(grant.room, claims.identity, lambda message: self._relay(connection, message))
        others = [
            _view(info) for info in self.sim.participant_infos(grant.room) if info.sid != participant.sid
        ]
        self._send(connection, Joined(room=grant.room, identity=claims.identity, participants=others))
        log.info("%s joined room %s over signalling", claims.identity, grant.room)

        writer = asyncio.create_task(self._write(connection))
        try:
            await self._read(
                connection,
                can_publish_data=bool(grant.can_publish_data),
                can_update=bool(grant.can_update_own_metadata),
            )
        finally:
            if not connection.gone:  # the socket dropped without `leave`
                self._leave(connection, aborted=True)
            self._finish(connection)
            await writer
        return ws

    async def _read(self, connection: _Connection, *, can_publish_data: bool, can_update: bool) -> None:
        async for message in connection.ws:
            if message.type != WSMsgType.TEXT:
                if message.type == WSMsgType.ERROR:
                    return
                continue
            try:
                frame = client_frame.validate_json(message.data)
            except ValidationError as error:
                self._send(connection, Error(message=f"bad frame: {error.errors()[0]['msg']}"))
                continue
            if isinstance(frame, Leave):
                self._leave(connection, aborted=False)
                return
            if isinstance(frame, PublishData):
                if not can_publish_data:
                    self._send(connection, Error(message="the token does not allow publishing data"))
                    continue
                payload = (
                    frame.payload.encode()
                    if isinstance(frame.payload, str)
                    else json.dumps(frame.payload).encode()
                )
                self.sim.send_data(
                    connection.room,
                    payload,
                    topic=frame.topic,
                    sender=connection.identity,
                    destination_identities=frame.destination_identities or None,
                )
            elif isinstance(frame, SetAttributes):
                if not can_update:
                    self._send(connection, Error(message="the token does not allow updating attributes"))
                    continue
                self.sim.set_attributes(connection.room, connection.identity, frame.attributes)
                changed = AttributesChanged(identity=connection.identity, attributes=frame.attributes)
                for other in list(self._connections.get(connection.room, {}).values()):
                    if other is not connection:
                        self._send(other, changed)

    async def _write(self, connection: _Connection) -> None:
        while True:
            frame = await connection.outbox.get()
            if frame is None or connection.ws.closed:
                break
            try:
                await connection.ws.send_str(frame.model_dump_json())
            except (ConnectionError, RuntimeError):
                break
        if not connection.ws.closed:
            await connection.ws.close()

    def _leave(self, connection: _Connection, *, aborted: bool) -> None:
        connection.gone = True
        room = self.sim.rooms.get(connection.room)
        current = room.participants.get(connection.identity) if room else None
        if current is not None and current.sid == connection.sid:  # not already replaced by a rejoin
            self.sim.leave(connection.room, connection.identity, aborted=aborted)

    def _finish(self, connection: _Connection) -> None:
        connection.gone = True
        connections = self._connections.get(connection.room, {})
        if connections.get(connection.sid) is connection:
            del connections[connection.sid]
        if not connections:
            self._connections.pop(connection.room, None)
        connection.outbox.put_nowait(None)

    # -- what the room tells its participants -------------------------------------------------------

    def _send(self, connection: _Connection, frame: BaseModel) -> None:
        """Queue a frame for a connection; safe from any thread."""
        if self._loop is None:
            return
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        if on_loop:  # keeps frames in order with _finish's end-of-stream marker
            connection.outbox.put_nowait(frame)
        else:
            self._loop.call_soon_threadsafe(connection.outbox.put_nowait, frame)

    def _relay(self, connection: _Connection, message: dict[str, Any]) -> None:
        self._send(
            connection,
            Data(
                topic=message.get("topic") or "", sender=message.get("sender"), payload=message.get("payload")
            ),
        )

    def _on_room_event(self, event: WebhookEvent) -> None:
        """SimulatedLiveKit's event sink (any thread): tell the room's connections, run the room timeouts."""
        if self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._apply_room_event, event)

    def _apply_room_event(self, event: WebhookEvent) -> None:
        room_name = event.room.name
        connections = list(self._connections.get(room_name, {}).values())
        if event.event == "room_started":
            self._schedule_close(
                room_name, event.room.sid, max(event.room.empty_timeout, 1), only_if_never_joined=True
            )
            return
        if event.event == "room_finished":
            for connection in connections:
                self._send(connection, RoomClosed(reason="room_deleted"))
                self._finish(connection)
            return
        if event.event not in ("participant_joined", "participant_left", "participant_connection_aborted"):
            return
        view = _view(event.participant)
        for connection in connections:
            if connection.sid == event.participant.sid:
                if event.event != "participant_joined" and not connection.gone:
                    # Removed by the server: RemoveParticipant, a rejoin with its identity, the room deleted.
                    reason = "room_deleted" if room_name not in self.sim.rooms else "removed"
                    room_now = self.sim.rooms.get(room_name)
                    if room_now is not None and event.participant.identity in room_now.participants:
                        reason = "duplicate_identity"  # a newer connection holds the identity now
                    self._send(connection, RoomClosed(reason=reason))
                    self._finish(connection)
            elif connection.identity == event.participant.identity:
                continue  # its own earlier connection (replaced, or a full reconnect): not news to it
            elif event.event == "participant_joined":
                self._send(connection, ParticipantJoined(participant=view))
            else:
                reason = "aborted" if event.event == "participant_connection_aborted" else "left"
                self._send(connection, ParticipantLeft(participant=view, reason=reason))
        room = self.sim.rooms.get(room_name)
        left_ordinary = event.participant.kind != models.ParticipantInfo.Kind.AGENT
        if (
            event.event != "participant_joined"
            and left_ordinary
            and room is not None
            and not room.ordinary_participants()
        ):
            self._schedule_close(
                room_name, room.sid, max(room.departure_timeout, 0), only_if_never_joined=False
            )

    def _schedule_close(
        self, room_name: str, room_sid: str, delay: float, *, only_if_never_joined: bool
    ) -> None:
        assert self._loop is not None

        def close_if_still_empty() -> None:
            room = self.sim.rooms.get(room_name)
            if room is None or room.sid != room_sid or room.ordinary_participants():
                return
            if only_if_never_joined and room.first_ordinary_join_at is not None:
                return
            left_at = room.last_ordinary_left_at
            if not only_if_never_joined and left_at is not None and time.time() - left_at < delay - 0.05:
                return  # someone came and went since: the close that leave scheduled decides
            log.info(
                "room %s closed after its %s timeout",
                room_name,
                "empty" if only_if_never_joined else "departure",
            )
            self.sim.delete_room(room_name)

        self._loop.call_later(delay, close_if_still_empty)


def build_simulated_livekit_app(
    sim: SimulatedLiveKit, api_key: str, api_secret: str
) -> tuple[web.Application, SignallingHub]:
    """Twirp RoomService and the signalling WebSocket on one application, as on one LiveKit server."""
    from local.livekit_sim.room_service import build_room_service_app

    hub = SignallingHub(sim, api_key, api_secret)
    return hub.install(build_room_service_app(sim, api_key, api_secret)), hub
