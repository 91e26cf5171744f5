"""LiveKit's RoomService over Twirp (protobuf over HTTP POST), served by aiohttp from a SimulatedLiveKit.

The real livekit-api client talks to it unchanged, so the requests our code builds are checked for real.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from google.protobuf.message import Message
from livekit import api
from livekit.protocol import models, room

from local.livekit_sim.rooms import SimulatedLiveKit

Handler = Callable[[SimulatedLiveKit, Any], Any]


def _create_room(sim: SimulatedLiveKit, request: room.CreateRoomRequest) -> models.Room:
    created = sim.create_room(
        request.name,
        metadata=request.metadata,
        empty_timeout=request.empty_timeout,
        departure_timeout=request.departure_timeout,
        max_participants=request.max_participants,
    )
    return created.info()


def _delete_room(sim: SimulatedLiveKit, request: room.DeleteRoomRequest) -> room.DeleteRoomResponse:
    if not sim.delete_room(request.room):
        raise TwirpNotFound(f"room {request.room} not found")
    return room.DeleteRoomResponse()


def _list_rooms(sim: SimulatedLiveKit, request: room.ListRoomsRequest) -> room.ListRoomsResponse:
    names = set(request.names)
    rooms = [r.info() for r in list(sim.rooms.values()) if not names or r.name in names]
    return room.ListRoomsResponse(rooms=rooms)


def _list_participants(
    sim: SimulatedLiveKit, request: room.ListParticipantsRequest
) -> room.ListParticipantsResponse:
    if request.room not in sim.rooms:
        raise TwirpNotFound(f"room {request.room} not found")
    return room.ListParticipantsResponse(participants=sim.participant_infos(request.room))


def _remove_participant(
    sim: SimulatedLiveKit, request: room.RoomParticipantIdentity
) -> room.RemoveParticipantResponse:
    if not sim.leave(request.room, request.identity):
        raise TwirpNotFound(f"participant {request.identity} not found")
    return room.RemoveParticipantResponse()


def _send_data(sim: SimulatedLiveKit, request: room.SendDataRequest) -> room.SendDataResponse:
    if request.room not in sim.rooms:
        raise TwirpNotFound(f"room {request.room} not found")
    sim.send_data(
        request.room,
        request.data,
        topic=request.topic,
        destination_identities=list(request.destination_identities),
    )
    return room.SendDataResponse()


METHODS: dict[str, tuple[type[Message], Handler]] = {
    "CreateRoom": (room.CreateRoomRequest, _create_room),
    "DeleteRoom": (room.DeleteRoomRequest, _delete_room),
    "ListRooms": (room.ListRoomsRequest, _list_rooms),
    "ListParticipants": (room.ListParticipantsRequest, _list_participants),
    "RemoveParticipant": (room.RoomParticipantIdentity, _remove_participant),
    "SendData": (room.SendDataRequest, _send_data),
}


class TwirpNotFound(Exception):
    pass


def _twirp_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "msg": message}, status=status)


def build_room_service_app(
    sim: SimulatedLiveKit,
    api_key: str,
    api_secret: str,
    *,
    on_request: Callable[[str, Any], Awaitable[None] | None] | None = None,
) -> web.Application:
    verifier = api.TokenVerifier(api_key, api_secret)

    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method not in METHODS:
            return _twirp_error(404, "bad_route", f"no method {method}")
        header = request.headers.get("Authorization", "")
        try:
            claims = verifier.verify(header.removeprefix("Bearer "))
        except Exception:
            return _twirp_error(401, "unauthenticated", "invalid token")
        if not (
            claims.video and (claims.video.room_create or claims.video.room_admin or claims.video.room_list)
        ):
            return _twirp_error(403, "permission_denied", "missing room admin grant")
        message_type, handler = METHODS[method]
        message = message_type.FromString(await request.read())
        if on_request is not None:
            maybe = on_request(method, message)
            if maybe is not None:
                await maybe
        try:
            result = handler(sim, message)
        except TwirpNotFound as error:
            return _twirp_error(404, "not_found", str(error))
        return web.Response(body=result.SerializeToString(), content_type="application/protobuf")

    app = web.Application()
    app.router.add_post("/twirp/livekit.RoomService/{method}", handle)
    return app
