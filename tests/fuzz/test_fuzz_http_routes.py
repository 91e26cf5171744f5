"""Hypothesis drives every HTTP route with hostile bodies, queries, path parameters and headers.

Each example goes through the real handler (Powertools resolver, validation, auth and size middlewares,
the use case, moto, the LiveKit fake). Whatever was sent: no 5xx, no stack trace, no secret in the answer,
the logs or the table, and a refused request changed nothing (see tests/fuzz/support.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import KNOWN_CANDIDATE, KNOWN_ROOMS
from tests.fuzz.support import (
    FUZZ,
    World,
    bodies,
    field_values,
    header_sets,
    header_values,
    http_event,
    invoke,
    json_values,
    path_segment,
    unique_secrets,
    valid_identifiers,
    valid_rooms,
)

# Known rooms (their use cases' writes), fresh ones (a new interview each time) and any valid name.
rooms = st.sampled_from(sorted(KNOWN_ROOMS)) | st.uuids().map(lambda u: f"room-{u.hex[:12]}") | valid_rooms
candidates = st.just(KNOWN_CANDIDATE) | valid_identifiers


@st.composite
def start_bodies(draw: st.DrawFn) -> tuple[dict[str, Any], set[str]]:
    """The seed's body with every field fuzzed, its LiveKit credentials unique to the example."""
    seed = {
        name: draw(unique_secrets(name.upper()))
        for name in ("agentToken", "livekitApiKey", "livekitApiSecret")
    }
    seed["livekitUrl"] = "wss://" + draw(unique_secrets("seed")) + ".livekit.cloud"
    body = draw(
        st.fixed_dictionaries(
            {
                "roomName": field_values(rooms),
                "candidateId": field_values(candidates),
                "jobId": field_values(valid_identifiers),
            },
            optional={
                "candidateIdentity": field_values(valid_identifiers),
                "candidateName": field_values(st.text(min_size=1, max_size=60)),
                "roleType": field_values(st.sampled_from(["backend", "frontend", "data"])),
                "language": field_values(st.sampled_from(["en", "en-US", "fr", "pt-BR"])),
                "metadata": field_values(st.dictionaries(st.text(max_size=10), json_values, max_size=4)),
                "padding": st.text(max_size=64) | st.just("€" * 6000),
            },
        )
    )
    # Sometimes the credentials go missing, or come as other types (the frontend is not ours).
    for name, value in seed.items():
        if draw(st.booleans()) or name == "livekitApiSecret":
            body[name] = value
    return body, set(seed.values())


def _call(
    world: World,
    function_dir: str,
    event: dict[str, Any],
    *,
    presented: set[str],
    may_write: bool,
) -> Any:
    before = world.snapshot()
    answer = invoke(function_dir, event)
    minted: set[str] = set()
    if answer.status < 300 and answer.is_json:
        token = answer.json().get("token")
        if isinstance(token, str):
            minted.add(token)
    world.check(answer, before, presented=presented, may_write=may_write, allowed_in_answer=minted)
    world.minted_tokens |= minted  # from now on, no other answer or log line may hold it
    return answer


def test_start_interview_survives_any_body_and_headers(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        # Given a fuzzed start-interview body (with the seed's credentials) and fuzzed headers
        body, seed_secrets = data.draw(start_bodies())
        raw = data.draw(bodies(st.just(body)))
        headers, presented = data.draw(header_sets())

        # When it is posted, Then nothing breaks, leaks, or is written unless the interview started
        answer = _call(
            world,
            "start_interview",
            http_event("POST", "/start-interview", body=raw, headers=headers),
            presented=presented | seed_secrets,
            may_write=True,
        )
        if answer.status in (200, 202):
            started = answer.json()
            assert started["roomName"] == body["roomName"] and started["state"]

    example()
    # And the examples reached every outcome: started, repeated, refused, invalid, conflicting
    assert {202, 200, 401, 409, 415, 422} <= world.statuses, world.statuses


def test_agent_status_survives_any_query_path_and_headers(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        headers, presented = data.draw(header_sets())
        if data.draw(st.booleans()):
            query = data.draw(
                st.dictionaries(
                    st.sampled_from(["room", "roomName", "x"]) | st.text(max_size=8),
                    field_values(rooms).map(str),
                    max_size=3,
                )
            )
            event = http_event("GET", "/agent-status", headers=headers, query=query or None)
        else:
            raw, value = path_segment(str(data.draw(field_values(rooms))))
            event = http_event(
                "GET",
                f"/agent-status/{raw}",
                headers=headers,
                path_parameters={"roomName": value},
                route_key="GET /agent-status/{roomName}",
            )

        answer = _call(world, "agent_status", event, presented=presented, may_write=False)

        if answer.status == 200:  # a known room's status, in the contract's shape
            status = answer.json()
            assert status["status"] == "success" and status["roomName"] in KNOWN_ROOMS
            assert 0 <= status["interviewProgress"] <= 100

    example()
    assert {200, 401, 422} <= world.statuses, world.statuses


def test_interview_status_survives_any_candidate_and_headers(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        headers, presented = data.draw(header_sets())
        raw, value = path_segment(str(data.draw(field_values(candidates))))
        event = http_event(
            "GET",
            f"/interview-status/{raw}",
            headers=headers,
            path_parameters={"candidateId": value},
            route_key="GET /interview-status/{candidateId}",
        )

        answer = _call(world, "interview_status", event, presented=presented, may_write=False)

        if answer.status == 200:
            assert answer.json()["status"] in ("active", "completed", "abandoned", "failed", "not_found")

    example()
    assert {200, 401, 422} <= world.statuses, world.statuses


def test_token_survives_any_body_and_headers(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        structured = st.fixed_dictionaries(
            {
                "room": field_values(rooms),
                "identity": field_values(candidates.map(lambda c: f"candidate-{c}")),
            },
            optional={"name": field_values(st.text(min_size=1, max_size=40)), "metadata": json_values},
        )
        raw = data.draw(bodies(structured))
        headers, presented = data.draw(header_sets())

        answer = _call(
            world,
            "issue_token",
            http_event("POST", "/token", body=raw, headers=headers),
            presented=presented,
            may_write=False,
        )

        if answer.status == 200:  # a token for a room not started yet or still open, never a finished one
            assert answer.json()["room"] != "fuzz-done"

    example()
    assert {200, 400, 401, 409, 422} <= world.statuses, world.statuses


def test_end_interview_survives_any_body_and_headers(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        structured = st.fixed_dictionaries(
            {"roomName": field_values(rooms)},
            optional={
                "candidateId": field_values(candidates),
                "reason": field_values(st.text(min_size=1, max_size=80)),
            },
        )
        raw = data.draw(bodies(structured))
        headers, presented = data.draw(header_sets())

        answer = _call(
            world,
            "end_interview",
            http_event("POST", "/end-interview", body=raw, headers=headers),
            presented=presented,
            may_write=True,
        )

        if answer.status in (200, 202):
            assert answer.json()["roomName"] in KNOWN_ROOMS

    example()
    assert {202, 401, 404, 409, 422} <= world.statuses, world.statuses


def test_interview_record_and_report_survive_any_room_and_headers(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        headers, presented = data.draw(header_sets())
        raw, value = path_segment(str(data.draw(field_values(rooms))))
        as_html = data.draw(st.booleans())
        path, route = (f"/interviews/{raw}", "GET /interviews/{roomName}")
        if as_html:
            path, route = f"{path}/report.html", f"{route}/report.html"

        answer = _call(
            world,
            "interview_record",
            http_event("GET", path, headers=headers, path_parameters={"roomName": value}, route_key=route),
            presented=presented,
            may_write=False,
        )

        if answer.status == 200 and as_html:
            assert "<script" not in answer.text.lower()
            assert any(k.lower() == "content-security-policy" for k in answer.headers)

    example()
    assert {200, 401, 404, 422} <= world.statuses, world.statuses


def test_agent_join_survives_any_body_and_headers(world: World) -> None:
    # POST /agent/join is start-interview under the seed's name, with a larger body cap (64 KiB)
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        body, seed_secrets = data.draw(start_bodies())
        body.update(
            data.draw(st.dictionaries(st.sampled_from(["job", "promptTemplate", "email"]), json_values))
        )
        raw = data.draw(bodies(st.just(body)))
        headers, presented = data.draw(header_sets())

        answer = _call(
            world,
            "start_interview",
            http_event("POST", "/agent/join", body=raw, headers=headers),
            presented=presented | seed_secrets,
            may_write=True,
        )
        if answer.status in (200, 202):
            assert answer.json()["roomName"] == body["roomName"]

    example()
    assert {202, 401, 422} <= world.statuses, world.statuses


def test_candidate_details_survive_any_body_and_headers(world: World) -> None:
    nested = st.fixed_dictionaries(
        {
            "candidate": st.dictionaries(
                st.sampled_from(["name", "skills", "email", "resumeAnalysis"]), json_values
            )
        }
    )
    structured = st.fixed_dictionaries(
        {"roomName": field_values(rooms)},
        optional={
            "candidateName": field_values(st.text(min_size=1, max_size=60)),
            "candidateSkills": field_values(st.lists(st.text(max_size=20), max_size=6)),
            "experience": field_values(st.integers(0, 40)),
            "jobTitle": field_values(st.text(max_size=60)),
            "interviewMode": field_values(st.sampled_from(["voice", "video", "text"])),
            "difficultyLevel": field_values(st.sampled_from(["easy", "medium", "hard"])),
            "details": nested,
        },
    )

    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        raw = data.draw(bodies(structured))
        headers, presented = data.draw(header_sets())
        answer = _call(
            world,
            "candidate_details",
            http_event("POST", "/agent/candidate-details", body=raw, headers=headers),
            presented=presented,
            may_write=True,
        )
        if answer.status == 200:
            assert answer.json()["status"] == "success"

    example()
    assert {200, 401, 422} <= world.statuses, world.statuses


def test_candidate_joined_survives_any_body_and_writes_nothing(world: World) -> None:
    structured = st.fixed_dictionaries(
        {},
        optional={
            "roomId": field_values(rooms),
            "roomName": field_values(rooms),
            "sessionId": json_values,
            "candidateName": json_values,
            "candidateEmail": json_values,
        },
    )

    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        raw = data.draw(bodies(structured))
        headers, presented = data.draw(header_sets())
        _call(
            world,
            "candidate_joined",
            http_event("POST", "/api/candidate-joined", body=raw, headers=headers),
            presented=presented,
            may_write=False,  # presence comes from LiveKit's signed webhooks only
        )

    example()
    assert {200, 401, 422} <= world.statuses, world.statuses


def test_decision_survives_any_room_body_and_headers(world: World) -> None:
    structured = st.fixed_dictionaries(
        {
            "reviewer": field_values(st.text(min_size=1, max_size=60)),
            "decision": field_values(st.sampled_from(["advance", "hold", "reject"])),
        },
        optional={"note": field_values(st.text(max_size=300)) | st.just("n" * 2001)},
    )

    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        raw_room, room = path_segment(str(data.draw(field_values(rooms))))
        raw = data.draw(bodies(structured))
        headers, presented = data.draw(header_sets())
        answer = _call(
            world,
            "interview_decision",
            http_event(
                "POST",
                f"/interviews/{raw_room}/decision",
                body=raw,
                headers=headers,
                path_parameters={"roomName": room},
                route_key="POST /interviews/{roomName}/decision",
            ),
            presented=presented,
            may_write=True,
        )
        if answer.status in (200, 201):  # only a finished interview takes a decision
            assert answer.json()["roomName"] in {"fuzz-done", "fuzz-failed"}

    example()
    assert {201, 401, 404, 422} <= world.statuses, world.statuses


def test_candidate_erasure_survives_any_candidate_and_headers(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        raw, value = path_segment(str(data.draw(field_values(valid_identifiers))))
        headers, presented = data.draw(header_sets())
        _call(
            world,
            "delete_candidate",
            http_event(
                "DELETE",
                f"/candidates/{raw}",
                headers=headers,
                path_parameters={"candidateId": value},
                route_key="DELETE /candidates/{candidateId}",
            ),
            presented=presented,
            may_write=True,
        )

    example()
    assert {200, 401, 422} <= world.statuses, world.statuses


def test_health_survives_any_headers_and_writes_nothing(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        headers, presented = data.draw(header_sets())
        query = data.draw(st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=2))
        _call(
            world,
            "health",
            http_event("GET", "/health", headers=headers, query=query or None),
            presented=presented,
            may_write=False,
        )

    example()
    assert world.statuses == {200}, world.statuses


HANDLERS = {
    "start_interview": "/start-interview",
    "agent_status": "/agent-status",
    "interview_status": "/interview-status/x",
    "issue_token": "/token",
    "end_interview": "/end-interview",
    "interview_record": "/interviews/x",
    "livekit_webhook": "/livekit/webhook",
    "candidate_details": "/agent/candidate-details",
    "candidate_joined": "/api/candidate-joined",
    "interview_decision": "/interviews/x/decision",
    "delete_candidate": "/candidates/x",
    "health": "/health",
}


def test_any_method_and_path_on_any_function_is_answered_cleanly(world: World) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        # Given a function, and a method/path it may or may not serve (API Gateway routes by template, but a
        # handler must not break on what reaches it anyway), with or without a CORS preflight's headers
        function_dir = data.draw(st.sampled_from(sorted(HANDLERS)))
        method = data.draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]))
        path = data.draw(
            st.sampled_from([HANDLERS[function_dir], "/", "/x/../start-interview"])
            | st.text(max_size=30).map(lambda p: "/" + quote(p))
        )
        headers, presented = data.draw(header_sets())
        if method == "OPTIONS" and data.draw(st.booleans()):
            headers.update(
                {
                    "origin": data.draw(st.sampled_from(["http://localhost:3000"]) | header_values),
                    "access-control-request-method": "POST",
                }
            )
        body = data.draw(bodies(st.just({"roomName": "fuzz-waiting"})))

        answer = _call(
            world,
            function_dir,
            http_event(method, path, body=body, headers=headers),
            presented=presented,
            may_write=method == "POST",
        )

        if method == "OPTIONS" and headers.get("origin") == "http://localhost:3000" and answer.status < 300:
            assert answer.headers.get("Access-Control-Allow-Origin") == "http://localhost:3000"

    example()
    assert {401, 404} <= world.statuses, world.statuses
