"""The simulated LiveKit room's signalling protocol: JSON frames over one WebSocket per participant.

The local stack's simulated LiveKit serves it at `GET /sim/rtc?access_token=<LiveKit JWT>` on the same host
as its Twirp RoomService (the LIVEKIT_URL clients are given). The token is an ordinary LiveKit participant
token: the room comes from its video grant, the identity from `sub`, agents from `kind`.

client -> server: publish_data{topic, payload, destination_identities}, set_attributes{attributes}, leave
server -> client: joined{room, identity, participants}, data{topic, sender, payload},
                  participant_joined{participant}, participant_left{participant, reason},
                  attributes_changed{identity, attributes}, room_closed{reason}, error{message}

`payload` is the data packet's bytes as JSON when they parse, else as text. A connection that drops
without `leave` is reported as participant_connection_aborted, like a client that lost its network.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

SIM_RTC_PATH = "/sim/rtc"


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParticipantView(_Frame):
    identity: str
    name: str = ""
    kind: Literal["agent", "standard"] = "standard"
    attributes: dict[str, str] = Field(default_factory=dict)


# -- client -> server ---------------------------------------------------------------------------


class PublishData(_Frame):
    type: Literal["publish_data"] = "publish_data"
    topic: str = Field(default="", max_length=256)
    payload: Any
    destination_identities: list[str] = Field(default_factory=list)


class SetAttributes(_Frame):
    type: Literal["set_attributes"] = "set_attributes"
    attributes: dict[str, str]


class Leave(_Frame):
    type: Literal["leave"] = "leave"


ClientFrame = Annotated[PublishData | SetAttributes | Leave, Field(discriminator="type")]
client_frame = TypeAdapter[ClientFrame](ClientFrame)


# -- server -> client ---------------------------------------------------------------------------


class Joined(_Frame):
    type: Literal["joined"] = "joined"
    room: str
    identity: str
    participants: list[ParticipantView]


class Data(_Frame):
    type: Literal["data"] = "data"
    topic: str = ""
    sender: str | None = None
    payload: Any = None


class ParticipantJoined(_Frame):
    type: Literal["participant_joined"] = "participant_joined"
    participant: ParticipantView


class ParticipantLeft(_Frame):
    type: Literal["participant_left"] = "participant_left"
    participant: ParticipantView
    reason: Literal["left", "aborted", "removed"] = "left"


class AttributesChanged(_Frame):
    type: Literal["attributes_changed"] = "attributes_changed"
    identity: str
    attributes: dict[str, str]


class RoomClosed(_Frame):
    type: Literal["room_closed"] = "room_closed"
    reason: str


class Error(_Frame):
    type: Literal["error"] = "error"
    message: str


ServerFrame = Annotated[
    Joined | Data | ParticipantJoined | ParticipantLeft | AttributesChanged | RoomClosed | Error,
    Field(discriminator="type"),
]
server_frame = TypeAdapter[ServerFrame](ServerFrame)


def rtc_url(livekit_url: str) -> str:
    """The signalling WebSocket URL for a LIVEKIT_URL (ws://host:port, http:// accepted too)."""
    base = livekit_url.rstrip("/")
    for plain, secure in (("http://", "ws://"), ("https://", "wss://")):
        if base.startswith(plain):
            base = secure + base.removeprefix(plain)
    return base + SIM_RTC_PATH
