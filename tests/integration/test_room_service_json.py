"""The simulated LiveKit's RoomService speaks Twirp in JSON as well as protobuf, as LiveKit does: what
Node's livekit-server-sdk (the seed's /api/agent-status route) and curl send."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import httpx
from livekit import api

from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, FakeLiveKit


def admin_token() -> str:
    grants = api.VideoGrants(room_admin=True, room_create=True, room_list=True, room="")
    return (
        api.AccessToken(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
        .with_ttl(timedelta(minutes=5))
        .with_grants(grants)
        .to_jwt()
    )


def twirp(
    livekit: FakeLiveKit,
    method: str,
    body: bytes | str,
    *,
    content_type: str = "application/json",
    token: str | None = None,
) -> tuple[int, str, bytes]:
    url = livekit.url.replace("ws://", "http://") + f"/twirp/livekit.RoomService/{method}"
    response = httpx.post(
        url,
        content=body,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {token or admin_token()}"},
        timeout=5,
    )
    # The header exactly: livekit-server-sdk compares it to "application/json" before reading an error.
    return response.status_code, response.headers["content-type"], response.content


def test_a_json_list_rooms_is_answered_in_json_as_livekit_does(livekit: FakeLiveKit) -> None:
    # Given a room with the candidate in it
    livekit.sim.create_room("room-json-1", metadata='{"candidateId":"c1"}')
    livekit.sim.join("room-json-1", "candidate-c1")

    # When a Node-style client lists it with a JSON body
    status, content_type, raw = twirp(livekit, "ListRooms", json.dumps({"names": ["room-json-1"]}))

    # Then the answer is JSON, with LiveKit's field names
    assert status == 200 and content_type == "application/json"
    body = json.loads(raw)
    (room,) = body["rooms"]
    assert room["name"] == "room-json-1"
    assert room["metadata"] == '{"candidateId":"c1"}'
    assert room["num_participants"] == 1
    assert isinstance(room["creation_time"], str)  # int64 as a string, as protobuf JSON writes it


def test_camel_case_and_proto_names_are_both_read(livekit: FakeLiveKit) -> None:
    livekit.sim.create_room("room-json-2")
    livekit.sim.join("room-json-2", "candidate-c2")
    for body in ({"room": "room-json-2"}, {"room": "room-json-2", "unknownField": 1}):
        status, _, raw = twirp(livekit, "ListParticipants", json.dumps(body))
        assert status == 200
        assert [p["identity"] for p in json.loads(raw)["participants"]] == ["candidate-c2"]

    # CreateRoom: emptyTimeout (camelCase) and departure_timeout (the proto's name)
    status, _, raw = twirp(
        livekit,
        "CreateRoom",
        json.dumps({"name": "room-json-3", "emptyTimeout": 300, "departure_timeout": 20}),
    )
    assert status == 200
    assert json.loads(raw)["name"] == "room-json-3"
    assert json.loads(raw)["empty_timeout"] == 300 and json.loads(raw)["departure_timeout"] == 20


def test_send_data_reads_bytes_as_base64_and_delete_room_answers_an_empty_object(
    livekit: FakeLiveKit,
) -> None:
    livekit.sim.create_room("room-json-4")
    payload = base64.b64encode(b'{"type":"end_interview"}').decode()
    status, _, raw = twirp(
        livekit,
        "SendData",
        json.dumps(
            {"room": "room-json-4", "data": payload, "topic": "interview.control", "kind": "RELIABLE"}
        ),
    )
    assert status == 200 and json.loads(raw) == {}
    (sent,) = livekit.calls("SendData")
    assert sent.data == b'{"type":"end_interview"}' and sent.topic == "interview.control"

    status, _, raw = twirp(livekit, "DeleteRoom", json.dumps({"room": "room-json-4"}))
    assert status == 200 and json.loads(raw) == {}
    assert "room-json-4" not in livekit.sim.rooms


def test_errors_are_twirp_json_errors(livekit: FakeLiveKit) -> None:
    # An unknown room, a malformed body, a wrong token, an unknown method: Twirp's JSON error each time
    cases = [
        (twirp(livekit, "ListParticipants", json.dumps({"room": "nowhere"})), 404, "not_found"),
        (twirp(livekit, "ListRooms", "{not json"), 400, "malformed"),
        (twirp(livekit, "ListRooms", "{}", token="not-a-token"), 401, "unauthenticated"),
        (twirp(livekit, "NoSuchMethod", "{}"), 404, "bad_route"),
        (twirp(livekit, "ListRooms", "{}", content_type="text/plain"), 404, "bad_route"),
    ]
    for (status, content_type, raw), expected_status, code in cases:
        assert (status, content_type) == (expected_status, "application/json"), code
        error = json.loads(raw)
        assert error["code"] == code and error["msg"] and error["meta"] == {}


def test_protobuf_is_still_spoken(livekit: FakeLiveKit) -> None:
    from livekit.protocol import room

    livekit.sim.create_room("room-proto-1")
    request = room.ListRoomsRequest(names=["room-proto-1"]).SerializeToString()
    status, content_type, raw = twirp(livekit, "ListRooms", request, content_type="application/protobuf")
    assert status == 200 and content_type == "application/protobuf"
    assert [r.name for r in room.ListRoomsResponse.FromString(raw).rooms] == ["room-proto-1"]
