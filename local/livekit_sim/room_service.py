"""LiveKit's RoomService over Twirp, served by aiohttp from a SimulatedLiveKit.

Twirp speaks protobuf (`Content-Type: application/protobuf`, what the Python livekit-api sends) and JSON
(`application/json`, what Node's livekit-server-sdk and curl send), as LiveKit's own server does: a JSON
body is read with the protobuf JSON mapping (camelCase or the proto's own names, unknown fields
ignored), and answered in JSON with the mapping Twirp uses (the proto's field names, every field
present, 64-bit integers as strings, enums by name). Errors are Twirp's JSON errors whatever the request's
encoding: `{"code", "msg", "meta"}` with the matching HTTP status.

The real livekit-api client talks to it unchanged, so the requests our code builds are checked for real.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
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


JSON_CONTENT_TYPE = "application/json"
PROTOBUF_CONTENT_TYPE = "application/protobuf"


def _json(body: str, status: int = 200) -> web.Response:
    # Exactly `application/json`, no charset, as Twirp writes it: livekit-server-sdk compares the header
    # to that string before it reads an error's code.
    return web.Response(body=body.encode(), status=status, headers={"Content-Type": JSON_CONTENT_TYPE})


def _twirp_error(status: int, code: str, message: str) -> web.Response:
    return _json(json.dumps({"code": code, "msg": message, "meta": {}}), status=status)


class MalformedRequest(Exception):
    pass


def decode_request(message_type: type[Message], body: bytes, content_type: str) -> Message:
    """The request message from a protobuf or JSON body (MalformedRequest when it is neither)."""
    if content_type == JSON_CONTENT_TYPE:
        try:
            return json_format.Parse(body.decode("utf-8") or "{}", message_type(), ignore_unknown_fields=True)
        except (json_format.ParseError, UnicodeDecodeError) as error:
            raise MalformedRequest(f"the json request could not be decoded: {error}") from error
    try:
        return message_type.FromString(body)
    except DecodeError as error:
        raise MalformedRequest("the protobuf request could not be decoded") from error


def encode_response(result: Message, content_type: str) -> web.Response:
    """The answer in the request's encoding: JSON as Twirp writes it, or protobuf."""
    if content_type == JSON_CONTENT_TYPE:
        text = json_format.MessageToJson(
            result, preserving_proto_field_name=True, always_print_fields_with_no_presence=True, indent=None
        )
        return _json(text)
    return web.Response(body=result.SerializeToString(), content_type=PROTOBUF_CONTENT_TYPE)


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
        content_type = request.content_type  # without parameters such as charset
        if content_type not in (JSON_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE, "application/octet-stream"):
            return _twirp_error(404, "bad_route", f"unexpected Content-Type: {content_type!r}")
        try:
            message = decode_request(message_type, await request.read(), content_type)
        except MalformedRequest as error:
            return _twirp_error(400, "malformed", str(error))
        if on_request is not None:
            maybe = on_request(method, message)
            if maybe is not None:
                await maybe
        try:
            result = handler(sim, message)
        except TwirpNotFound as error:
            return _twirp_error(404, "not_found", str(error))
        return encode_response(result, content_type)

    app = web.Application()
    app.router.add_post("/twirp/livekit.RoomService/{method}", handle)
    return app
