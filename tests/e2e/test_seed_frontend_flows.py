"""The seed frontend's real flows against `make dev` (python -m local.dev), over HTTP.

What the published Next.js app does that the other e2e tests do not: its server routes call LiveKit's
RoomService from Node (Twirp in JSON), its /interview page joins with an identity minted by /token (not
the one recorded at start), its room page calls the backend from the browser with the candidate's own
token, its candidate id is an email, and it ends the interview again when the page closes.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from interviewer.simulated_candidate import load_persona
from livekit import api

from local.candidate import RoomCandidate
from tests.e2e.stack_process import StackProcess

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": "Bearer dev-backend-key"}
DEV_KEY, DEV_SECRET = "devkey", "secret"  # the local stack's LiveKit key pair (LiveKit's dev pair)
FAST = 0.02
ENDED = {"completed", "abandoned", "failed"}


@pytest.fixture(scope="module")
def stack() -> Iterator[StackProcess]:
    running = StackProcess().start()
    yield running
    running.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def twirp_url(livekit_url: str, method: str) -> str:
    host = livekit_url.replace("ws://", "http://").replace("wss://", "https://").rstrip("/")
    return f"{host}/twirp/livekit.RoomService/{method}"


def server_token() -> str:
    """What livekit-server-sdk's RoomServiceClient signs for its calls (roomAdmin, roomList)."""
    grants = api.VideoGrants(room_admin=True, room_list=True, room_create=True)
    return api.AccessToken(DEV_KEY, DEV_SECRET).with_ttl(timedelta(minutes=10)).with_grants(grants).to_jwt()


async def poll(client: httpx.AsyncClient, room: str, until: Any, within: float) -> dict[str, Any]:
    deadline = time.monotonic() + within
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = await client.get("/agent-status", params={"room": room}, headers=AUTH)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if until(body):
            return body
        await asyncio.sleep(0.3)
    raise AssertionError(f"status never reached the condition; last: {body}")


async def test_a_node_style_json_twirp_call_to_the_simulated_room_service_answers_as_livekit_would(
    stack: StackProcess,
) -> None:
    room = "e2e-seed-twirp"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as client:
        # Given an interview whose agent is in the room
        started = await client.post(
            "/start-interview", json={"roomName": room, "candidateId": "c-twirp", "jobId": "j"}, headers=AUTH
        )
        assert started.status_code == 202, started.text
        body = started.json()
        await poll(client, room, lambda s: s["agentConnected"], within=30)

        # When the seed's /api/agent-status route asks LiveKit for the room's participants, as
        # livekit-server-sdk does: JSON body, camelCase, Content-Type application/json
        listed = await client.post(
            twirp_url(body["url"], "ListParticipants"),
            content=json.dumps({"room": room}),
            headers={"Content-Type": "application/json", **bearer(server_token())},
        )

        # Then the answer is JSON with LiveKit's fields, the agent among the participants
        assert listed.status_code == 200, listed.text
        assert listed.headers["content-type"].startswith("application/json")
        identities = [p["identity"] for p in listed.json()["participants"]]
        assert body["agentIdentity"] in identities

        # And ListRooms and a JSON error answer as LiveKit's do
        rooms = await client.post(
            twirp_url(body["url"], "ListRooms"),
            content=json.dumps({"names": [room]}),
            headers={"Content-Type": "application/json", **bearer(server_token())},
        )
        assert [r["name"] for r in rooms.json()["rooms"]] == [room]
        missing = await client.post(
            twirp_url(body["url"], "ListParticipants"),
            content=json.dumps({"room": "no-such-room"}),
            headers={"Content-Type": "application/json", **bearer(server_token())},
        )
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"

        # And the interview is ended (the candidate never came): a no-show, then again: 200, its state
        ended = await client.post("/end-interview", json={"roomName": room}, headers=AUTH)
        assert ended.status_code in (200, 202), ended.text
        done = await poll(client, room, lambda s: s["interview"]["state"] in ENDED, within=30)
        assert done["interview"]["state"] == "abandoned" and done["interviewProgress"] == 0
        again = await client.post("/end-interview", json={"roomName": room}, headers=AUTH)
        assert again.status_code == 200 and again.json()["alreadyEnded"] is True


async def test_a_candidate_joining_with_an_identity_the_frontend_minted_is_interviewed_to_completion(
    stack: StackProcess,
) -> None:
    room = "e2e-seed-minted"
    email = "grace.hopper+e2e@example.com"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as client:
        # Given an interview started for an email candidate id (identity recorded: candidate-<email>)
        started = await client.post(
            "/start-interview",
            json={"roomName": room, "candidateId": email, "jobId": "job-e2e"},
            headers=AUTH,
        )
        assert started.status_code == 202, started.text
        body = started.json()
        assert body["candidateIdentity"] == f"candidate-{email}"
        await poll(client, room, lambda s: s["agentConnected"], within=30)

        # When the frontend mints its own token for the candidate, with another identity, through /token
        minted_identity = "candidate-web-7f3a"
        minted = await client.post("/token", json={"room": room, "identity": minted_identity}, headers=AUTH)
        assert minted.status_code == 200, minted.text
        token = minted.json()["token"]

        # And the candidate's page, holding only that token, polls its room's status from the browser
        browser = await client.get("/agent-status", params={"room": room}, headers=bearer(token))
        assert browser.status_code == 200, browser.text
        assert email not in browser.text

        # And joins with it
        candidate = RoomCandidate(minted.json()["url"], token, load_persona("strong"), time_scale=FAST)
        playing = asyncio.create_task(candidate.run(max_seconds=90))

        # Then that participant is the one interviewed, to the end
        joined = await poll(client, room, lambda s: s["candidateConnected"], within=30)
        assert joined["interview"]["state"] == "in_progress"
        done = await poll(client, room, lambda s: s["interview"]["state"] in ENDED, within=120)
        assert done["interview"]["state"] == "completed", done
        assert done["interviewProgress"] == 100
        assert await asyncio.wait_for(playing, 30) == "completed"
        record = (await client.get(f"/interviews/{room}", headers=AUTH)).json()
        assert len(record["turns"]) == done["interview"]["questionCount"] >= 1
        assert record["report"]["questions_answered"] == done["interview"]["questionCount"]

        # And the stack's own log never wrote the email
        assert email not in stack.output()
        # (the page's token is the candidate's: it is refused on the recruiter's routes)
        refused = await client.get(f"/interviews/{room}", headers=bearer(token))
        assert refused.status_code == 401
