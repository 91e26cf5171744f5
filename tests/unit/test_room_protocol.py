"""The room's protocol, one module for the Lambdas and the agent: topics, the agent's identity, name and
token, and the control message the backend sends and the agent reads."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from interview_common.credentials import LiveKitKeyPair
from interview_common.logic import end_interview as end_interview_logic
from interview_common.room_protocol import (
    AGENT_DISPLAY_NAME,
    AGENT_TOKEN_TTL,
    CONTROL_TOPIC,
    EndInterviewControl,
    agent_identity,
    agent_token,
)
from interviewer import ports, recorder
from interviewer.config import AgentSettings
from interviewer.transports import livekit as livekit_transport
from interviewer.transports import sim_room
from livekit import api

KEY, SECRET = "APIroomprotocol", "s" * 40
ENV = {
    "ROOM_NAME": "room-protocol",
    "INTERVIEW_ID": "iv-42",
    "CANDIDATE_ID": "c1",
    "CANDIDATE_IDENTITY": "candidate-c1",
    "JOB_ID": "j1",
    "TABLE_NAME": "interviews",
    "LIVEKIT_URL": "wss://example.livekit.cloud",
    "LIVEKIT_API_KEY": KEY,
    "LIVEKIT_API_SECRET": SECRET,
}


def _claims(token: str) -> api.Claims:
    return api.TokenVerifier(KEY, SECRET).verify(token)


def test_both_agent_transports_join_with_the_one_protocol_token() -> None:
    # Given the agent's settings for one interview
    settings = AgentSettings.from_env(ENV)

    # When the LiveKit transport and the simulated room's transport mint the agent's token
    before = time.time()
    tokens = [livekit_transport.agent_token(settings), sim_room.agent_token(settings)]

    # Then both carry the same identity, name, kind, metadata, grants and lifetime
    for token in tokens:
        claims = _claims(token)
        assert claims.identity == agent_identity("iv-42") == "interview-agent-iv-42"
        assert "candidate" not in claims.identity
        assert claims.name == AGENT_DISPLAY_NAME == "AI Interviewer"
        assert claims.kind == "agent"
        assert json.loads(claims.metadata) == {"interviewId": "iv-42", "role": "interviewer"}
        video = claims.video
        assert video is not None and video.room == "room-protocol" and video.room_join and video.agent
        assert video.can_publish and video.can_subscribe and video.can_publish_data
        assert video.can_update_own_metadata
        assert not (video.room_create or video.room_admin or video.room_list)
        expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
        assert expiry - before <= AGENT_TOKEN_TTL.total_seconds() + 1


@pytest.mark.parametrize("identity", ["candidate-c1", "interview-agent-", "someone", ""])
def test_no_token_is_minted_for_an_identity_outside_the_interviewers_namespace(identity: str) -> None:
    # When the protocol is asked for an agent token with an identity that is not interview-agent-<id>
    # Then it refuses, saying what the identity must be
    with pytest.raises(ValueError, match="interview-agent-<interviewId>"):
        agent_token(LiveKitKeyPair(KEY, SECRET), room_name="room-protocol", identity=identity)


def test_the_end_message_the_backend_sends_is_the_one_the_agent_reads() -> None:
    # Given the end request the backend sends on the control topic (as it always has: no reason key
    # when none was given)
    sent = EndInterviewControl(requestedAt="2026-01-01T10:00:00.000Z", reason="candidate_left").payload()
    bare = EndInterviewControl(requestedAt="2026-01-01T10:00:00.000Z").payload()

    # Then it is the wire's shape, and the agent reads it back (an unknown key from a newer backend too)
    assert sent == {
        "type": "end_interview",
        "requestedAt": "2026-01-01T10:00:00.000Z",
        "reason": "candidate_left",
    }
    assert bare == {"type": "end_interview", "requestedAt": "2026-01-01T10:00:00.000Z"}
    read = EndInterviewControl.model_validate({**sent, "newerKey": 1})
    assert read.reason == "candidate_left"


def test_the_backend_and_the_agent_name_the_same_topics_and_display_name() -> None:
    # The Lambdas' end-interview use case, the agent's ports and its recorder read one protocol
    assert end_interview_logic.CONTROL_TOPIC == ports.CONTROL_TOPIC == CONTROL_TOPIC == "interview.control"
    assert ports.INTERVIEW_TOPIC == "interview"
    assert (ports.CHAT_TOPIC, ports.TRANSCRIPTION_TOPIC) == ("lk.chat", "lk.transcription")
    assert recorder.AGENT_DISPLAY_NAME == AGENT_DISPLAY_NAME
