"""Browser access (BROWSER_ACCESS): a candidate's page calls its own room's routes with its LiveKit token.

A valid candidate token reaches its own room's status, token refresh, candidate details and
candidate-joined, and nothing else; expired, tampered, foreign, other-room and agent tokens are a 401;
the backend key still works everywhere; with the setting off a token is a 401; answers to the browser
never carry the candidate's email.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from interview_common.credentials import LiveKitKeyPair
from interview_common.lifecycle import InterviewState
from interview_common.livekit_rooms import participant_token
from livekit import api

from tests.conftest import (
    TEST_API_KEY,
    TEST_LIVEKIT_KEY,
    TEST_LIVEKIT_SECRET,
    Api,
    FakeLiveKit,
    reset_process_caches,
)
from tests.integration.stored_interviews import read_interview, store_interview, store_participant

ROOM = "room-browser-1"
OTHER_ROOM = "room-browser-2"
EMAIL = "grace.hopper+navy@example.com"
IDENTITY = f"candidate-{EMAIL}"
KEYS = LiveKitKeyPair(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET)
FRONTEND = "http://localhost:3000"


@pytest.fixture
def browser_access(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_ACCESS", "true")
    reset_process_caches()


@pytest.fixture
def interviews(aws: None) -> None:
    """The candidate's interview in ROOM (agent and candidate connected); another one in OTHER_ROOM."""
    store_interview(
        ROOM,
        candidate_id=EMAIL,
        state=InterviewState.IN_PROGRESS,
        candidate_name="Grace Hopper",
        metadata={"email": EMAIL, "team": "compilers"},
        started_at="2026-01-01T09:00:00.000Z",
        question_index=1,
        question_count=4,
    )
    store_participant(ROOM, IDENTITY, kind="candidate", name="Grace Hopper")
    store_participant(ROOM, "interview-agent-x1", kind="agent", name="AI Interviewer")
    store_interview(OTHER_ROOM, candidate_id="someone-else@example.com", state=InterviewState.IN_PROGRESS)


def candidate_token(
    room: str = ROOM, identity: str = IDENTITY, ttl: timedelta = timedelta(minutes=10)
) -> str:
    return participant_token(KEYS, room_name=room, identity=identity, ttl=ttl)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def agent_status(token: str, room: str = ROOM) -> tuple[int, dict[str, Any]]:
    status, body, _ = Api("agent_status").call(
        "GET", "/agent-status", query={"room": room}, auth=False, headers=bearer(token)
    )
    return status, body


def interview_status(token: str, candidate_id: str = EMAIL) -> tuple[int, dict[str, Any]]:
    status, body, _ = Api("interview_status").call(
        "GET",
        f"/interview-status/{candidate_id}",
        path_parameters={"candidateId": candidate_id},
        route_key="GET /interview-status/{candidateId}",
        auth=False,
        headers=bearer(token),
    )
    return status, body


def post(function: str, path: str, body: dict[str, Any], token: str) -> tuple[int, dict[str, Any]]:
    status, answer, _ = Api(function).call("POST", path, body=body, auth=False, headers=bearer(token))
    return status, answer


# -- a valid candidate token reaches its own room's routes -------------------------------------------


def test_a_candidate_token_reads_its_rooms_status_without_names_emails_or_metadata(
    browser_access: None, interviews: None
) -> None:
    # When the candidate's page polls its room's status with the candidate's own LiveKit token
    status, body = agent_status(candidate_token())

    # Then it gets the status, and nothing personal: no email, no name, no identities, no metadata
    assert status == 200
    assert body["agentConnected"] is True and body["candidateConnected"] is True
    assert body["interviewProgress"] == 25
    assert body["roomMetadata"] == {"interviewId": body["roomMetadata"]["interviewId"]}
    assert {p["identity"] for p in body["participants"]} == {"agent", "candidate"}
    assert all(p["name"] is None for p in body["participants"])
    text = json.dumps(body)
    assert EMAIL not in text and "Grace" not in text and "compilers" not in text


def test_a_candidate_token_reads_its_own_interview_status(browser_access: None, interviews: None) -> None:
    status, body = interview_status(candidate_token())
    assert status == 200
    assert body["status"] == "active" and body["roomName"] == ROOM
    assert EMAIL not in json.dumps(body)


def test_a_candidate_token_refreshes_itself_for_the_same_room_and_identity(
    browser_access: None, interviews: None, livekit: FakeLiveKit
) -> None:
    # When the page asks for a fresh token with its current one
    status, body = post("issue_token", "/token", {"room": ROOM, "identity": IDENTITY}, candidate_token())

    # Then it gets one for the same room and identity
    assert status == 200
    claims = api.TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET).verify(body["token"])
    assert claims.identity == IDENTITY
    assert claims.video is not None and claims.video.room == ROOM and claims.video.room_join


def test_a_candidate_token_posts_its_rooms_candidate_details_and_joined_notice(
    browser_access: None, interviews: None
) -> None:
    status, body = post(
        "candidate_details",
        "/agent/candidate-details",
        {"roomName": ROOM, "candidateName": "Grace Hopper", "candidateEmail": EMAIL, "jobTitle": "Engineer"},
        candidate_token(),
    )
    assert status == 200
    assert body["context"]["jobTitle"] == "Engineer"
    assert EMAIL not in json.dumps(body)

    status, body = post(
        "candidate_joined",
        "/api/candidate-joined",
        {"roomId": ROOM, "candidateName": "Grace Hopper", "candidateEmail": EMAIL},
        candidate_token(),
    )
    assert status == 200
    assert body["acknowledged"] is True and body["interviewStatus"] == "active"
    assert EMAIL not in json.dumps(body)


# -- ... and nothing else ----------------------------------------------------------------------------


def test_a_candidate_token_cannot_read_or_change_another_room(browser_access: None, interviews: None) -> None:
    token = candidate_token()
    assert agent_status(token, room=OTHER_ROOM)[0] == 401
    assert interview_status(token, candidate_id="someone-else@example.com")[0] == 401
    assert interview_status(token, candidate_id="nobody@example.com")[0] == 401
    assert post("issue_token", "/token", {"room": OTHER_ROOM, "identity": IDENTITY}, token)[0] == 401
    assert post("candidate_details", "/agent/candidate-details", {"roomName": OTHER_ROOM}, token)[0] == 401
    assert post("candidate_joined", "/api/candidate-joined", {"roomId": OTHER_ROOM}, token)[0] == 401


def test_a_candidate_token_cannot_mint_a_token_for_another_identity(
    browser_access: None, interviews: None
) -> None:
    token = candidate_token()
    for identity in ("candidate-someone-else", "hiring-manager", "interview-agent-x1"):
        status, body = post("issue_token", "/token", {"room": ROOM, "identity": identity}, token)
        assert status in (401, 422), identity
    status, body = post("issue_token", "/token", {"room": ROOM, "identity": "hiring-manager"}, token)
    assert status == 401 and body["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("function", "method", "path", "body"),
    [
        (
            "start_interview",
            "POST",
            "/start-interview",
            {"roomName": ROOM, "candidateId": EMAIL, "jobId": "j"},
        ),
        ("end_interview", "POST", "/end-interview", {"roomName": ROOM}),
        ("interview_record", "GET", f"/interviews/{ROOM}", None),
        (
            "interview_decision",
            "POST",
            f"/interviews/{ROOM}/decision",
            {"reviewer": "x", "decision": "advance"},
        ),
        ("delete_candidate", "DELETE", f"/candidates/{EMAIL}", None),
    ],
    ids=["start", "end", "record", "decision", "erasure"],
)
def test_every_other_route_refuses_a_candidate_token(
    browser_access: None,
    interviews: None,
    table_items: Any,
    function: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    before = table_items()
    status, answer, _ = Api(function).call(
        method, path, body=body, auth=False, headers=bearer(candidate_token())
    )
    assert status == 401
    assert answer["error"]["code"] == "unauthorized"
    assert table_items() == before


# -- tokens that are not a valid candidate's ---------------------------------------------------------


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded["video"]["room"] = OTHER_ROOM  # the claims changed, the signature kept
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def _token(**grants: Any) -> str:
    kind = grants.pop("kind", None)
    identity = grants.pop("identity", IDENTITY)
    ttl = grants.pop("ttl", timedelta(minutes=10))
    secret = grants.pop("secret", TEST_LIVEKIT_SECRET)
    token = (
        api.AccessToken(TEST_LIVEKIT_KEY, secret)
        .with_identity(identity)
        .with_ttl(ttl)
        .with_grants(api.VideoGrants(**{"room_join": True, "room": ROOM, **grants}))
    )
    if kind:
        token = token.with_kind(kind)
    return token.to_jwt()


def _raw_token(video: dict[str, Any], *, expires: bool = True) -> str:
    """A token livekit-api would not mint (it checks its grants), signed with our key pair."""
    import jwt

    now = int(time.time())
    claims: dict[str, Any] = {"iss": TEST_LIVEKIT_KEY, "sub": IDENTITY, "nbf": now, "video": video}
    if expires:
        claims["exp"] = now + 600
    return jwt.encode(claims, TEST_LIVEKIT_SECRET, algorithm="HS256")


BAD_TOKENS = {
    "expired": lambda: candidate_token(ttl=timedelta(minutes=-5)),
    "tampered": lambda: _tampered(candidate_token()),
    "foreign-secret": lambda: _token(secret="another-projects-secret"),
    "agent-token": lambda: participant_token(
        KEYS, room_name=ROOM, identity="interview-agent-x1", ttl=timedelta(minutes=10), is_agent=True
    ),
    "agent-kind": lambda: _token(kind="agent", identity="someone"),
    "agent-grant": lambda: _token(agent=True, identity="someone"),
    "interviewer-identity": lambda: _token(identity="interview-agent-forged"),
    "no-room-join": lambda: _token(room_join=False),
    "no-room": lambda: _raw_token({"roomJoin": True}),
    "no-expiry": lambda: _raw_token({"roomJoin": True, "room": ROOM}, expires=False),
    "server-token": lambda: _token(room_admin=True, room_create=True),
    "egress-kind": lambda: _token(kind="egress"),
    "garbage": lambda: "not.a.token",
}


@pytest.mark.parametrize("make", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_token_that_is_not_a_valid_candidates_is_a_401_everywhere(
    browser_access: None, interviews: None, livekit: FakeLiveKit, table_items: Any, make: Any
) -> None:
    token = make()
    before = table_items()
    answers = [
        agent_status(token),
        interview_status(token),
        post("issue_token", "/token", {"room": ROOM, "identity": IDENTITY}, token),
        post("candidate_details", "/agent/candidate-details", {"roomName": ROOM, "jobTitle": "X"}, token),
        post("candidate_joined", "/api/candidate-joined", {"roomId": ROOM}, token),
    ]
    assert [status for status, _ in answers] == [401] * 5
    assert all(body["error"]["code"] == "unauthorized" for _, body in answers)
    assert table_items() == before
    assert livekit.requests == []


# -- the backend key, and the setting off -------------------------------------------------------------


def test_the_backend_key_still_works_on_these_routes_and_sees_everything(
    browser_access: None, interviews: None, livekit: FakeLiveKit
) -> None:
    status, body = agent_status(TEST_API_KEY)
    assert status == 200
    assert body["roomMetadata"]["candidateId"] == EMAIL
    assert interview_status(TEST_API_KEY)[0] == 200
    assert (
        post("issue_token", "/token", {"room": OTHER_ROOM, "identity": "observer-1"}, TEST_API_KEY)[0] == 200
    )
    assert post("candidate_joined", "/api/candidate-joined", {"roomId": OTHER_ROOM}, TEST_API_KEY)[0] == 200


def test_with_browser_access_off_a_candidate_token_is_a_401(interviews: None) -> None:
    # Given the default deployment (BROWSER_ACCESS off)
    token = candidate_token()

    # Then even a valid candidate token for its own room is refused
    assert agent_status(token)[0] == 401
    assert interview_status(token)[0] == 401
    assert post("issue_token", "/token", {"room": ROOM, "identity": IDENTITY}, token)[0] == 401
    assert post("candidate_joined", "/api/candidate-joined", {"roomId": ROOM}, token)[0] == 401
    stored = read_interview(ROOM)
    assert stored is not None and stored.state == InterviewState.IN_PROGRESS


def test_a_browser_call_from_the_frontend_origin_may_send_the_authorization_header(
    browser_access: None, interviews: None
) -> None:
    # When the browser preflights a call with Authorization, then makes it with the candidate's token
    status, _, headers = Api("agent_status").call(
        "OPTIONS",
        "/agent-status",
        auth=False,
        headers={
            "origin": FRONTEND,
            "access-control-request-method": "GET",
            "access-control-request-headers": "authorization",
        },
    )
    assert status == 204
    assert "authorization" in headers["Access-Control-Allow-Headers"].lower()
    status, _, headers = Api("agent_status").call(
        "GET",
        "/agent-status",
        query={"room": ROOM},
        auth=False,
        headers={**bearer(candidate_token()), "origin": FRONTEND},
    )
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == FRONTEND


def test_the_path_form_of_agent_status_is_scoped_to_the_tokens_room_too(
    browser_access: None, interviews: None
) -> None:
    # InterviewRoom_v2 polls GET /agent-status/{roomName}
    def by_path(room: str) -> int:
        status, _, _ = Api("agent_status").call(
            "GET",
            f"/agent-status/{room}",
            path_parameters={"roomName": room},
            route_key="GET /agent-status/{roomName}",
            auth=False,
            headers=bearer(candidate_token()),
        )
        return status

    assert by_path(ROOM) == 200
    assert by_path(OTHER_ROOM) == 401
