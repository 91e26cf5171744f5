"""The pydantic models at the HTTP and table boundaries: what they accept, refuse, keep and never keep."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from interview_common.lifecycle import InterviewState
from interview_common.models.api import (
    MAX_METADATA_BYTES,
    AgentStatusResponse,
    ErrorResponse,
    StartInterviewRequest,
    TokenRequest,
)
from interview_common.models.identifiers import (
    ROOM_NAME_PATTERN,
    RoomName,
    agent_identity,
    default_candidate_identity,
)
from interview_common.models.items import InterviewItem, ParticipantItem
from pydantic import TypeAdapter, ValidationError

room_names = TypeAdapter(RoomName)
SEED_BODY = {
    "roomName": "interview-room-1",
    "candidateId": "cand-1",
    "jobId": "job-1",
    "agentToken": "eyJ.agent-token.sig",
    "livekitUrl": "wss://seed.livekit.cloud",
    "livekitApiKey": "APIkey123",
    "livekitApiSecret": "super-secret-value",
}
SECRETS = ("eyJ.agent-token.sig", "seed.livekit.cloud", "APIkey123", "super-secret-value")


# ------------------------------------------------------------------------------------------- room names


@pytest.mark.parametrize(
    "name",
    ["a", "room-1", "Interview_2026.07.01", "team:backend@acme", "key=value", "0" * 128, "x-" + "y" * 126],
)
def test_livekit_safe_room_names_are_accepted(name: str) -> None:
    assert room_names.validate_python(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        " ",
        "../x",
        "a/b",
        "a\\b",
        "..",
        ".hidden",
        "-dash-first",
        "_underscore-first",
        "x" * 129,
        "x" * 10_000,
        "room name",
        "room\tname",
        "room\n",
        "ROOM#x",
        "a%2Fb",
        "a?b=c",
        "ñandú",
        "面试",
        "room\u200b",
        "room\x00",
    ],
)
def test_unsafe_room_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        room_names.validate_python(name)


@given(st.text(max_size=200))
def test_an_accepted_room_name_is_safe_in_a_path_a_key_and_a_log_line(name: str) -> None:
    try:
        room_names.validate_python(name)
    except ValidationError:
        return
    assert 1 <= len(name) <= 128
    assert name.isascii()
    assert not set(name) & set("/\\#?%& \t\r\n\x00\"'<>")
    assert not name.startswith((".", "-", "_"))


@given(st.from_regex(re.compile(ROOM_NAME_PATTERN), fullmatch=True))
def test_every_name_matching_the_pattern_is_accepted(name: str) -> None:
    assert room_names.validate_python(name) == name


# ------------------------------------------------------------------------------------------- identities


@given(st.uuids())
def test_the_agent_identity_never_contains_candidate(interview_uuid: uuid.UUID) -> None:
    identity = agent_identity(interview_uuid.hex)
    assert identity.startswith("interview-agent-")
    assert "agent" in identity
    assert "candidate" not in identity


def test_the_default_candidate_identity_is_classified_as_candidate() -> None:
    identity = default_candidate_identity("42")
    assert identity == "candidate-42"
    assert "agent" not in identity


# ------------------------------------------------------------------------------------------- start body


def test_the_seed_body_is_accepted_and_its_credentials_are_dropped() -> None:
    request = StartInterviewRequest.model_validate(SEED_BODY)
    assert request.room_name == "interview-room-1"
    assert request.candidate_id == "cand-1"
    assert request.language == "en"
    assert request.metadata == {}
    dumped = json.dumps(request.model_dump(mode="json"))
    for secret in SECRETS:
        assert secret not in dumped
        assert secret not in repr(request)
        assert secret not in str(request)


def test_unknown_fields_are_ignored() -> None:
    request = StartInterviewRequest.model_validate({**SEED_BODY, "somethingNew": {"x": 1}})
    assert "somethingNew" not in request.model_dump(by_alias=True)


def test_snake_case_names_are_accepted_too() -> None:
    request = StartInterviewRequest.model_validate({"room_name": "r1", "candidate_id": "c1", "job_id": "j1"})
    assert request.room_name == "r1"


def test_metadata_is_capped() -> None:
    within = {"notes": "a" * (MAX_METADATA_BYTES - 20)}
    assert StartInterviewRequest.model_validate({**SEED_BODY, "metadata": within}).metadata == within
    with pytest.raises(ValidationError) as refused:
        StartInterviewRequest.model_validate({**SEED_BODY, "metadata": {"notes": "a" * MAX_METADATA_BYTES}})
    assert refused.value.errors()[0]["loc"] == ("metadata",)


@pytest.mark.parametrize("language", ["en", "de", "pt-BR", "zh-Hans", "fil"])
def test_language_tags_are_accepted(language: str) -> None:
    assert StartInterviewRequest.model_validate({**SEED_BODY, "language": language}).language == language


@pytest.mark.parametrize("language", ["", "english!", "e", "en_US_extra", "en-", "../en"])
def test_bad_language_tags_are_refused(language: str) -> None:
    with pytest.raises(ValidationError):
        StartInterviewRequest.model_validate({**SEED_BODY, "language": language})


def test_the_candidate_name_is_trimmed_and_bounded() -> None:
    assert (
        StartInterviewRequest.model_validate({**SEED_BODY, "candidateName": "  Ada  "}).candidate_name
        == "Ada"
    )
    for bad in ("", "   ", "x" * 201):
        with pytest.raises(ValidationError):
            StartInterviewRequest.model_validate({**SEED_BODY, "candidateName": bad})


def test_a_validation_error_does_not_carry_the_seed_credentials_in_its_message() -> None:
    # pydantic keeps the input on each error; the HTTP layer must use only loc/msg/type. The messages
    # themselves never quote a SecretStr value.
    with pytest.raises(ValidationError) as refused:
        StartInterviewRequest.model_validate({**SEED_BODY, "roomName": "a/b", "livekitApiSecret": 12})
    messages = " ".join(str(error["msg"]) for error in refused.value.errors())
    for secret in SECRETS:
        assert secret not in messages


# ------------------------------------------------------------------------------------------- token body


def test_token_metadata_may_be_an_object_or_a_string_within_the_cap() -> None:
    assert TokenRequest.model_validate({"room": "r1", "identity": "c1", "metadata": {"a": 1}}).metadata == {
        "a": 1
    }
    assert TokenRequest.model_validate({"room": "r1", "identity": "c1", "metadata": "x"}).metadata == "x"
    with pytest.raises(ValidationError):
        TokenRequest.model_validate(
            {"room": "r1", "identity": "c1", "metadata": "x" * (MAX_METADATA_BYTES + 1)}
        )


# ------------------------------------------------------------------------------------------- responses


def test_responses_serialise_in_camel_case() -> None:
    body = AgentStatusResponse.model_validate(
        {
            "room_name": "r1",
            "agent_connected": True,
            "candidate_connected": False,
            "participant_count": 1,
            "participants": [],
            "room_metadata": {},
            "current_question": None,
            "interview_progress": 50,
            "is_agent_speaking": False,
            "is_listening": True,
            "interview": {"state": "in_progress"},
        }
    )
    dumped = json.loads(body.model_dump_json())
    assert {"roomName", "agentConnected", "isListening", "interviewProgress"} <= set(dumped)
    assert {"heartbeatStale", "lastHeartbeatAt", "questionIndex"} <= set(dumped["interview"])


@pytest.mark.parametrize("progress", [-1, 101])
def test_progress_outside_0_100_cannot_be_answered(progress: int) -> None:
    with pytest.raises(ValidationError):
        AgentStatusResponse.model_validate(
            {
                "room_name": "r1",
                "agent_connected": True,
                "candidate_connected": False,
                "participant_count": 0,
                "participants": [],
                "room_metadata": {},
                "current_question": None,
                "interview_progress": progress,
                "is_agent_speaking": False,
                "is_listening": False,
                "interview": {"state": "in_progress"},
            }
        )


def test_the_error_body_has_the_shape_the_frontend_reads() -> None:
    body = json.loads(
        ErrorResponse.model_validate(
            {"detail": "nope", "error": {"code": "not_found", "message": "nope"}}
        ).model_dump_json()
    )
    assert body == {
        "status": "error",
        "success": False,
        "detail": "nope",
        "error": {"code": "not_found", "message": "nope", "details": []},
    }


# ------------------------------------------------------------------------------------------- table items


def make_interview(**overrides: object) -> InterviewItem:
    fields: dict[str, object] = {
        "room_name": "room-1",
        "interview_id": "abc123",
        "candidate_id": "cand-1",
        "job_id": "job-1",
        "candidate_identity": "candidate-cand-1",
        "agent_identity": "interview-agent-abc123",
        "metadata": {"score": 4.5, "tags": ["a", "b"], "nested": {"x": None}},
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z",
        "expires_at": 1_900_000_000,
    }
    fields.update(overrides)
    return InterviewItem.model_validate(fields)


def test_an_interview_item_has_the_keys_of_the_single_table_design() -> None:
    item = make_interview().to_item()
    assert item["PK"] == "ROOM#room-1"
    assert item["SK"] == "META"
    assert item["GSI1PK"] == "CANDIDATE#cand-1"
    assert item["GSI1SK"] == "2026-01-01T00:00:00.000Z"
    assert item["expiresAt"] == 1_900_000_000
    assert "expires_at" not in item
    assert item["state"] == "requested"
    # Free-form metadata is stored as JSON text, so floats never meet DynamoDB's Decimal
    assert isinstance(item["metadata"], str)
    assert None not in item.values()


def test_an_interview_item_round_trips() -> None:
    original = make_interview(state=InterviewState.IN_PROGRESS, question_index=2, question_count=5)
    assert InterviewItem.from_item(original.to_item()) == original


def test_a_participant_item_round_trips_under_its_sort_key() -> None:
    participant = ParticipantItem.model_validate(
        {
            "room_name": "room-1",
            "identity": "candidate-cand-1",
            "kind": "candidate",
            "joined_at": "2026-01-01T00:00:00.000Z",
            "expires_at": 1_900_000_000,
        }
    )
    item = participant.to_item()
    assert item["PK"] == "ROOM#room-1"
    assert item["SK"] == "PARTICIPANT#candidate-cand-1"
    assert ParticipantItem.from_item(item) == participant


def test_a_participant_kind_is_one_of_three() -> None:
    with pytest.raises(ValidationError):
        ParticipantItem.model_validate({"room_name": "r", "identity": "x", "kind": "admin", "expires_at": 1})
