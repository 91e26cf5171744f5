"""The simulated LiveKit room over its signalling WebSocket: the agent's SimRoomTransport and a candidate
client in one room, with the webhooks the room emits, against the real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from interviewer.ports import CHAT_TOPIC, CONTROL_TOPIC, INTERVIEW_TOPIC, TRANSCRIPTION_TOPIC, RoomEvent
from interviewer.transports import presence
from interviewer.transports.sim_protocol import Data, ParticipantJoined, RoomClosed, ServerFrame
from interviewer.transports.sim_room import SimRoomClient, SimRoomTransport
from livekit import api
from livekit.protocol.webhook import WebhookEvent

from local.livekit_sim import SimulatedLiveKit
from local.livekit_sim.server import BackgroundAiohttpServer
from local.livekit_sim.signalling import SignallingHub, build_simulated_livekit_app
from tests.conftest import TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET

ROOM = "sim-room-1"
AGENT = "interview-agent-abc123"
CANDIDATE = "candidate-cand-1"


@dataclass
class Room:
    sim: SimulatedLiveKit
    url: str
    events: list[WebhookEvent]
    hub: SignallingHub

    def event_names(self) -> list[str]:
        return [event.event for event in self.events]


@dataclass(frozen=True)
class AgentSettings:
    livekit_url: str
    room_name: str = ROOM
    agent_identity: str = AGENT
    candidate_identity: str = CANDIDATE
    livekit_api_key: str = TEST_LIVEKIT_KEY
    livekit_api_secret: str = TEST_LIVEKIT_SECRET


@pytest.fixture
def room() -> Iterator[Room]:
    sim = SimulatedLiveKit()
    events: list[WebhookEvent] = []
    sim.add_event_sink(events.append)
    app, hub = build_simulated_livekit_app(sim, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
    with BackgroundAiohttpServer(app) as server:
        sim.create_room(ROOM)
        yield Room(sim=sim, url=server.url.replace("http://", "ws://"), events=events, hub=hub)


@pytest.fixture(autouse=True)
def short_leave_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    """The agent reports a leave only if the candidate is not back within this (a reconnect is no leave)."""
    monkeypatch.setattr(presence, "LEAVE_DEBOUNCE_SECONDS", 0.3)


def candidate_token(identity: str = CANDIDATE, room: str = ROOM, secret: str = TEST_LIVEKIT_SECRET) -> str:
    grants = api.VideoGrants(
        room_join=True, room=room, can_publish=True, can_publish_data=True, can_subscribe=True
    )
    return (
        api.AccessToken(TEST_LIVEKIT_KEY, secret)
        .with_identity(identity)
        .with_name("Ada")
        .with_grants(grants)
        .with_ttl(timedelta(minutes=5))
        .to_jwt()
    )


class Recorder:
    def __init__(self) -> None:
        self.frames: list[ServerFrame] = []
        self.changed = asyncio.Event()

    def __call__(self, frame: ServerFrame) -> None:
        self.frames.append(frame)
        self.changed.set()

    async def wait_for(self, predicate: object, within: float = 3.0) -> ServerFrame:
        async def find() -> ServerFrame:
            while True:
                for frame in self.frames:
                    if predicate(frame):  # type: ignore[operator]
                        return frame
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(find(), within)


@pytest.fixture
async def agent(room: Room) -> AsyncIterator[tuple[SimRoomTransport, list[RoomEvent]]]:
    transport = SimRoomTransport(AgentSettings(livekit_url=room.url))
    events: list[RoomEvent] = []
    transport.on_room_event(events.append)
    await transport.connect()
    yield transport, events
    await transport.close()


async def until(predicate: object, within: float = 3.0) -> None:
    """Poll a condition another thread makes true (the server runs on its own loop)."""

    async def poll() -> None:
        while not predicate():  # type: ignore[operator]  # noqa: ASYNC110 - set by another thread's loop
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), within)


async def test_agent_joins_as_an_agent_and_the_room_reports_it(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    # Given the agent connected with the token it minted for itself
    # Then the room holds it as an agent participant and LiveKit's participant_joined was emitted
    infos = room.sim.participant_infos(ROOM)
    assert [info.identity for info in infos] == [AGENT]
    assert infos[0].kind == infos[0].Kind.AGENT
    assert "participant_joined" in room.event_names()


async def test_candidate_chat_becomes_the_agents_utterance(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    transport, events = agent
    candidate = SimRoomClient(room.url, candidate_token())
    seen = Recorder()
    candidate.on_frame(seen)

    # Given the candidate joins
    await candidate.connect()
    assert await transport.wait_for_candidate(timeout=2.0) is True
    await until(lambda: any(event.kind == "candidate_joined" for event in events))

    # When they type an answer in the chat
    await candidate.publish_data(
        {"message": "I led the migration to Postgres.", "timestamp": 1_700_000_000_000}, topic=CHAT_TOPIC
    )

    # Then the agent hears it as one utterance, timed on the agent's clock
    utterance = await transport.listen(timeout=2.0)
    assert utterance is not None
    assert utterance.text == "I led the migration to Postgres."
    assert utterance.started_at <= utterance.ended_at
    # And chat from anyone else is not the candidate speaking
    await transport.publish({"message": "echo"}, topic=CHAT_TOPIC)
    assert await transport.listen(timeout=0.1) is None
    await candidate.leave()


async def test_say_publishes_captions_and_state_is_an_attribute(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    transport, _ = agent
    candidate = SimRoomClient(room.url, candidate_token())
    seen = Recorder()
    candidate.on_frame(seen)
    await candidate.connect()

    # When the agent speaks and says it is listening
    await transport.say("Tell me about a project you led.")
    await transport.set_agent_state("listening")

    # Then the candidate gets the live caption on lk.transcription from the agent (nothing on the interview
    # topic: the conductor sends those messages) and sees the agent's lk.agent.state attribute
    caption = await seen.wait_for(lambda f: isinstance(f, Data) and f.topic == TRANSCRIPTION_TOPIC)
    assert isinstance(caption, Data)
    assert caption.sender == AGENT
    assert caption.payload["text"] == "Tell me about a project you led."
    assert caption.payload["final"] is True
    assert not any(isinstance(f, Data) and f.topic == INTERVIEW_TOPIC for f in seen.frames)
    await until(lambda: candidate.participants[AGENT].attributes.get("lk.agent.state") == "listening")
    assert room.sim.rooms[ROOM].participants[AGENT].attributes == {"lk.agent.state": "listening"}
    await candidate.leave()


async def test_silence_is_none_and_a_missing_candidate_times_out(
    agent: tuple[SimRoomTransport, list[RoomEvent]],
) -> None:
    transport, _ = agent
    # Given nobody else in the room, Then waiting and listening both end on their timeouts
    assert await transport.wait_for_candidate(timeout=0.05) is False
    assert await transport.listen(timeout=0.05) is None


async def test_a_dropped_connection_is_an_aborted_leave(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    transport, events = agent
    candidate = SimRoomClient(room.url, candidate_token())
    await candidate.connect()
    await until(lambda: any(event.kind == "candidate_joined" for event in events))

    # When the candidate's connection drops without a goodbye
    await candidate.drop()

    # Then the agent hears the candidate left (aborted) and LiveKit's participant_connection_aborted was sent
    await until(lambda: any(event.kind == "candidate_left" for event in events))
    left = next(event for event in events if event.kind == "candidate_left")
    assert left.identity == CANDIDATE
    assert left.reason == "aborted"
    assert "participant_connection_aborted" in room.event_names()
    assert await transport.wait_for_candidate(timeout=0.05) is False


async def test_rejoining_replaces_the_old_connection(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    transport, events = agent
    first = SimRoomClient(room.url, candidate_token())
    await first.connect()

    # When the same identity joins again (a page reload)
    second = SimRoomClient(room.url, candidate_token())
    await second.connect()

    # Then the first connection is closed as a duplicate identity (as LiveKit does), the room holds one
    # candidate, and for the agent the candidate never left (back at once: no pause, no "welcome back")
    await asyncio.wait_for(first.closed.wait(), 3)
    assert first.close_reason == "duplicate_identity"
    assert sorted(info.identity for info in room.sim.participant_infos(ROOM)) == sorted([AGENT, CANDIDATE])
    assert room.event_names().count("participant_joined") == 3
    await asyncio.sleep(presence.LEAVE_DEBOUNCE_SECONDS + 0.2)
    assert [e.kind for e in events] == ["candidate_joined"]
    assert await transport.wait_for_candidate(timeout=1.0) is True
    await second.leave()


async def test_deleting_the_room_closes_it_for_everyone(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    _, events = agent
    # When the backend deletes the room (RoomService.DeleteRoom)
    room.sim.delete_room(ROOM)

    # Then the agent is told the room closed, and LiveKit's room_finished was emitted
    await until(lambda: any(event.kind == "room_closed" for event in events))
    assert next(e for e in events if e.kind == "room_closed").reason == "room_deleted"
    assert room.event_names()[-1] == "room_finished"


async def test_end_request_from_the_backend_only(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    _, events = agent
    candidate = SimRoomClient(room.url, candidate_token())
    await candidate.connect()

    # Given the candidate sends something on the control topic, Then it is not an end request
    await candidate.publish_data({"type": "end_interview"}, topic=CONTROL_TOPIC)
    # When the backend sends one through the server API (no sender)
    room.sim.send_data(
        ROOM, b'{"type": "end_interview", "reason": "ended by the recruiter"}', topic=CONTROL_TOPIC
    )

    # Then the agent gets exactly one end_requested, with the reason
    await until(lambda: any(event.kind == "end_requested" for event in events))
    requested = [event for event in events if event.kind == "end_requested"]
    assert len(requested) == 1
    assert requested[0].reason == "ended by the recruiter"
    await candidate.leave()


async def test_data_goes_only_to_its_destinations(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    candidate, observer = (
        SimRoomClient(room.url, candidate_token()),
        SimRoomClient(room.url, candidate_token("observer-1")),
    )
    to_candidate, to_observer = Recorder(), Recorder()
    candidate.on_frame(to_candidate)
    observer.on_frame(to_observer)
    await candidate.connect()
    await observer.connect()

    # When the observer sends a message addressed to the candidate only
    await observer.publish_data("psst", topic="notes", destination_identities=[CANDIDATE])

    # Then the candidate receives it (as text, from the observer) and the agent does not
    note = await to_candidate.wait_for(lambda f: isinstance(f, Data) and f.topic == "notes")
    assert isinstance(note, Data)
    assert note.payload == "psst"
    assert note.sender == "observer-1"
    assert not any(isinstance(f, Data) and f.topic == "notes" for f in to_observer.frames)
    assert isinstance(
        await to_candidate.wait_for(lambda f: isinstance(f, ParticipantJoined)), ParticipantJoined
    )
    await candidate.leave()
    await observer.leave()


@pytest.mark.parametrize(
    ("token", "why"),
    [
        (candidate_token(secret="not-the-servers-secret-0123456789abcdef"), "wrong secret"),
        ("not-a-jwt", "garbage"),
        (
            api.AccessToken(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
            .with_identity("x")
            .with_ttl(timedelta(minutes=1))
            .to_jwt(),
            "no room grant",
        ),
    ],
)
async def test_a_bad_token_cannot_join(room: Room, token: str, why: str) -> None:
    # When a client presents a token the server did not issue for this room
    client = SimRoomClient(room.url, token)
    # Then it cannot connect, and nobody joined the room
    with pytest.raises(ConnectionError):
        await client.connect()
    assert room.sim.participant_infos(ROOM) == [], why


async def test_the_client_sees_the_room_close_when_the_server_stops() -> None:
    sim = SimulatedLiveKit()
    app, _ = build_simulated_livekit_app(sim, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
    server = BackgroundAiohttpServer(app).start()
    client = SimRoomClient(server.url, candidate_token())
    seen = Recorder()
    client.on_frame(seen)
    await client.connect()

    # When the server shuts down
    await asyncio.get_running_loop().run_in_executor(None, server.stop)

    # Then the client is told the room closed
    closed = await seen.wait_for(lambda f: isinstance(f, RoomClosed))
    assert isinstance(closed, RoomClosed)
    assert closed.reason == "server_shutdown"
    await asyncio.wait_for(client.closed.wait(), 3)


def settings_for(room: Room, room_name: str) -> AgentSettings:
    return AgentSettings(livekit_url=room.url, room_name=room_name)


async def test_the_agent_alone_does_not_keep_the_room_open_after_the_candidate_left(room: Room) -> None:
    # Given a room with a 1 s departure timeout, the agent and the candidate in it
    room.sim.create_room("sim-room-departure", departure_timeout=1)
    transport = SimRoomTransport(settings_for(room, "sim-room-departure"))
    events: list[RoomEvent] = []
    transport.on_room_event(events.append)
    await transport.connect()
    candidate = SimRoomClient(room.url, candidate_token(room="sim-room-departure"))
    await candidate.connect()

    # When the candidate leaves and the agent stays
    await candidate.leave()

    # Then LiveKit's departure timeout closes the room anyway (an agent-kind participant keeps no room
    # open), and the agent is told
    await until(lambda: any(event.kind == "room_closed" for event in events), within=3.0)
    assert "sim-room-departure" not in room.sim.rooms
    assert room.event_names()[-1] == "room_finished"
    await transport.close()


async def test_a_room_only_the_agent_joined_closes_after_its_empty_timeout(room: Room) -> None:
    room.sim.create_room("sim-room-empty", empty_timeout=1)
    transport = SimRoomTransport(settings_for(room, "sim-room-empty"))
    events: list[RoomEvent] = []
    transport.on_room_event(events.append)
    await transport.connect()

    await until(lambda: any(event.kind == "room_closed" for event in events), within=3.0)
    assert "sim-room-empty" not in room.sim.rooms
    await transport.close()


async def test_a_full_reconnect_of_the_candidates_client_is_no_leave_for_the_agent(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    transport, events = agent
    candidate = SimRoomClient(room.url, candidate_token())
    await candidate.connect()
    await until(lambda: [e.kind for e in events] == ["candidate_joined"])

    # When the candidate's SDK does a full reconnect (LiveKit reports a leave and a join)
    room.hub.full_reconnect(ROOM, CANDIDATE)
    await until(lambda: room.event_names().count("participant_joined") == 3)
    assert room.event_names()[-2:] == ["participant_left", "participant_joined"]

    # Then the agent saw no leave, and still hears the candidate on the same connection
    await asyncio.sleep(presence.LEAVE_DEBOUNCE_SECONDS + 0.2)
    assert [e.kind for e in events] == ["candidate_joined"]
    await candidate.publish_data({"message": "Still here.", "timestamp": 1}, topic=CHAT_TOPIC)
    heard = await transport.listen(timeout=2.0)
    assert heard is not None
    assert heard.text == "Still here."
    await candidate.leave()


async def test_a_full_reconnect_of_the_agents_own_client_is_no_leave_of_the_candidate(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    transport, events = agent
    candidate = SimRoomClient(room.url, candidate_token())
    await candidate.connect()
    await until(lambda: [e.kind for e in events] == ["candidate_joined"])

    # When the agent's own SDK does a full reconnect (it sees everyone leave and join again)
    room.hub.full_reconnect(ROOM, AGENT)
    await asyncio.sleep(presence.LEAVE_DEBOUNCE_SECONDS + 0.2)

    # Then for the conductor the candidate never left
    assert [e.kind for e in events] == ["candidate_joined"]
    assert await transport.wait_for_candidate(timeout=0.01)
    await candidate.leave()


async def test_a_second_agent_with_the_same_identity_replaces_the_first(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    _, events = agent

    # When another agent joins with this interview's identity
    second = SimRoomTransport(AgentSettings(livekit_url=room.url))
    await second.connect()

    # Then the first is told it was replaced (it leaves without recording), not that the room closed
    await until(lambda: any(event.kind in {"agent_replaced", "room_closed"} for event in events))
    assert [(e.kind, e.reason) for e in events] == [("agent_replaced", "duplicate_identity")]
    await second.close()


async def test_a_candidate_with_a_frontend_minted_identity_is_the_candidate(
    room: Room, agent: tuple[SimRoomTransport, list[RoomEvent]]
) -> None:
    transport, events = agent

    # When someone joins with an identity the frontend chose (not the recorded one), and another agent
    other_agent = SimRoomClient(room.url, agent_token_for("some-other-agent"))
    await other_agent.connect()
    candidate = SimRoomClient(room.url, candidate_token(identity="candidate-cand-1-from-the-app"))
    await candidate.connect()

    # Then the ordinary participant is the candidate, and their chat is heard
    await until(lambda: [e.kind for e in events] == ["candidate_joined"])
    assert events[0].identity == "candidate-cand-1-from-the-app"
    await candidate.publish_data({"message": "Hello.", "timestamp": 1}, topic=CHAT_TOPIC)
    heard = await transport.listen(timeout=2.0)
    assert heard is not None
    assert heard.text == "Hello."
    await candidate.leave()
    await other_agent.leave()


def agent_token_for(identity: str) -> str:
    grants = api.VideoGrants(room_join=True, room=ROOM, can_publish=True, can_publish_data=True, agent=True)
    return (
        api.AccessToken(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
        .with_identity(identity)
        .with_kind("agent")
        .with_grants(grants)
        .with_ttl(timedelta(minutes=5))
        .to_jwt()
    )
