"""In-memory LiveKit: rooms and participants, data messages between them, and the webhooks they cause.

As in LiveKit, agent-kind participants are dependent: they never keep a room open. A room's `ordinary`
participants are the others; its timeouts count from their comings and goings (signalling.SignallingHub).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from livekit.protocol import models
from livekit.protocol.webhook import WebhookEvent

DataListener = Callable[[dict[str, Any]], None]
EventSink = Callable[[WebhookEvent], None]


@dataclass
class SimParticipant:
    identity: str
    name: str
    kind: int
    sid: str = field(default_factory=lambda: "PA_" + uuid.uuid4().hex[:12])
    joined_at: float = field(default_factory=time.time)
    attributes: dict[str, str] = field(default_factory=dict)
    metadata: str = ""
    listeners: list[DataListener] = field(default_factory=list)

    def info(self) -> models.ParticipantInfo:
        return models.ParticipantInfo(
            sid=self.sid,
            identity=self.identity,
            name=self.name,
            state=models.ParticipantInfo.State.ACTIVE,
            joined_at=int(self.joined_at),
            joined_at_ms=int(self.joined_at * 1000),
            kind=self.kind,  # type: ignore[arg-type]
            attributes=self.attributes,
            metadata=self.metadata,
        )


@dataclass
class SimRoom:
    name: str
    metadata: str = ""
    empty_timeout: int = 300
    departure_timeout: int = 20
    max_participants: int = 0
    sid: str = field(default_factory=lambda: "RM_" + uuid.uuid4().hex[:12])
    created_at: float = field(default_factory=time.time)
    participants: dict[str, SimParticipant] = field(default_factory=dict)
    data_log: list[dict[str, Any]] = field(default_factory=list)
    # When an ordinary (non-agent) participant first joined and last left; None until it happens.
    first_ordinary_join_at: float | None = None
    last_ordinary_left_at: float | None = None

    def ordinary_participants(self) -> list[SimParticipant]:
        return [p for p in self.participants.values() if p.kind != models.ParticipantInfo.Kind.AGENT]

    def info(self) -> models.Room:
        return models.Room(
            sid=self.sid,
            name=self.name,
            empty_timeout=self.empty_timeout,
            departure_timeout=self.departure_timeout,
            max_participants=self.max_participants,
            creation_time=int(self.created_at),
            creation_time_ms=int(self.created_at * 1000),
            metadata=self.metadata,
            num_participants=len(self.participants),
        )


class SimulatedLiveKit:
    """Thread-safe; every change that LiveKit reports by webhook is handed to the event sinks."""

    def __init__(self) -> None:
        self.rooms: dict[str, SimRoom] = {}
        self._lock = threading.RLock()
        self._sinks: list[EventSink] = []

    def add_event_sink(self, sink: EventSink) -> None:
        self._sinks.append(sink)

    # -- rooms --------------------------------------------------------------------------------------

    def create_room(
        self,
        name: str,
        *,
        metadata: str = "",
        empty_timeout: int = 300,
        departure_timeout: int = 20,
        max_participants: int = 0,
    ) -> SimRoom:
        with self._lock:
            room = self.rooms.get(name)
            if room is None:
                room = SimRoom(name, metadata, empty_timeout, departure_timeout, max_participants)
                self.rooms[name] = room
                self._emit("room_started", room)
            elif metadata:
                room.metadata = metadata
            return room

    def delete_room(self, name: str) -> bool:
        with self._lock:
            room = self.rooms.pop(name, None)
            if room is None:
                return False
            for participant in list(room.participants.values()):
                self._emit("participant_left", room, participant)
            room.participants.clear()
            self._emit("room_finished", room)
            return True

    # -- participants -------------------------------------------------------------------------------

    def join(
        self, room_name: str, identity: str, *, name: str = "", agent: bool = False, metadata: str = ""
    ) -> SimParticipant:
        kind = models.ParticipantInfo.Kind.AGENT if agent else models.ParticipantInfo.Kind.STANDARD
        with self._lock:
            room = self.rooms.get(room_name) or self.create_room(room_name)
            existing = room.participants.get(identity)
            if existing is not None:  # LiveKit replaces a duplicate identity: the old one leaves first
                self.leave(room_name, identity)
            participant = SimParticipant(
                identity=identity, name=name or identity, kind=kind, metadata=metadata
            )
            room.participants[identity] = participant
            if not agent and room.first_ordinary_join_at is None:
                room.first_ordinary_join_at = participant.joined_at
            self._emit("participant_joined", room, participant)
            return participant

    def leave(self, room_name: str, identity: str, *, aborted: bool = False) -> bool:
        with self._lock:
            room = self.rooms.get(room_name)
            if room is None or identity not in room.participants:
                return False
            participant = room.participants.pop(identity)
            if participant.kind != models.ParticipantInfo.Kind.AGENT:
                room.last_ordinary_left_at = time.time()
            self._emit("participant_connection_aborted" if aborted else "participant_left", room, participant)
            return True

    def set_attributes(self, room_name: str, identity: str, attributes: dict[str, str]) -> None:
        with self._lock:
            room = self.rooms.get(room_name)
            if room and identity in room.participants:
                room.participants[identity].attributes.update(attributes)

    def subscribe(self, room_name: str, identity: str, listener: DataListener) -> None:
        with self._lock:
            self.rooms[room_name].participants[identity].listeners.append(listener)

    def send_data(
        self,
        room_name: str,
        payload: bytes,
        *,
        topic: str = "",
        sender: str | None = None,
        destination_identities: list[str] | None = None,
    ) -> int:
        """Relay a data packet to the room's other participants; returns how many received it."""
        with self._lock:
            room = self.rooms.get(room_name)
            if room is None:
                return 0
            try:
                decoded: Any = json.loads(payload)
            except ValueError:
                decoded = payload.decode(errors="replace")
            message = {"topic": topic, "sender": sender, "payload": decoded}
            room.data_log.append(message)
            receivers = [
                p
                for p in room.participants.values()
                if p.identity != sender
                and (not destination_identities or p.identity in destination_identities)
            ]
            listeners = [listener for p in receivers for listener in p.listeners]
        for listener in listeners:
            listener(message)
        return len(receivers)

    def participant_infos(self, room_name: str) -> list[models.ParticipantInfo]:
        with self._lock:
            room = self.rooms.get(room_name)
            return [p.info() for p in room.participants.values()] if room else []

    # -- webhooks -----------------------------------------------------------------------------------

    def _emit(self, event_name: str, room: SimRoom, participant: SimParticipant | None = None) -> None:
        event = WebhookEvent(
            event=event_name,
            room=room.info(),
            id="EV_" + uuid.uuid4().hex[:12],
            created_at=int(time.time()),
        )
        if participant is not None:
            event.participant.CopyFrom(participant.info())
        for sink in self._sinks:
            sink(event)
