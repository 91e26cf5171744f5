"""The agent's heartbeat: one interval for the agent and the routes, stale after three missed beats."""

from __future__ import annotations

import pytest
from interview_common.clock import iso_from_epoch
from interview_common.heartbeat import DEFAULT_INTERVAL_SECONDS, MISSED_BEATS, is_fresh
from interview_common.settings import Settings
from interviewer.config import AgentSettings
from pydantic import ValidationError

NOW = 1_760_000_000.0


def settings(**environment: str) -> Settings:
    return Settings.model_validate({"TABLE_NAME": "interviews", **environment})


def test_by_default_the_agent_beats_every_10_s_and_is_stale_after_3_missed_beats() -> None:
    assert (DEFAULT_INTERVAL_SECONDS, MISSED_BEATS) == (10.0, 3)
    agent = AgentSettings.model_validate(
        {
            "ROOM_NAME": "room-1",
            "INTERVIEW_ID": "0123456789abcdef",
            "CANDIDATE_IDENTITY": "candidate-1",
            "CANDIDATE_ID": "1",
            "JOB_ID": "job-1",
            "TABLE_NAME": "interviews",
        }
    )
    assert agent.heartbeat_interval == 10.0
    configured = settings()
    assert (configured.heartbeat_interval_seconds, configured.heartbeat_stale_seconds) == (10.0, 30)


def test_the_routes_staleness_follows_the_deployments_interval() -> None:
    # Given a deployment whose agent beats every 20 s, Then the routes wait for 3 missed beats: 60 s
    assert settings(HEARTBEAT_INTERVAL="20").heartbeat_stale_seconds == 60
    # And an explicit threshold still wins (older environments set it)
    assert settings(HEARTBEAT_INTERVAL="20", HEARTBEAT_STALE_SECONDS="45").heartbeat_stale_seconds == 45
    # And a very short interval (the local stack's) never makes the routes call a live agent stale at once
    assert settings(HEARTBEAT_INTERVAL="0.5").heartbeat_stale_seconds == 5


@pytest.mark.parametrize("interval", ["0", "-1", "often"])
def test_an_interval_that_is_not_a_positive_number_is_refused(interval: str) -> None:
    with pytest.raises(ValidationError):
        settings(HEARTBEAT_INTERVAL=interval)


def test_a_beat_is_fresh_until_three_intervals_have_passed() -> None:
    beat = iso_from_epoch(NOW - 29)
    assert is_fresh(beat, NOW, 30)
    assert not is_fresh(iso_from_epoch(NOW - 31), NOW, 30)
    assert not is_fresh(None, NOW, 30)  # never beat
