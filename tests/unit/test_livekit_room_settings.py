"""The room's departure timeout outlives the agent's rejoin grace, and both come from one place."""

from __future__ import annotations

import pytest
from interview_common import livekit_room_settings as room_settings
from interview_common.settings import Settings
from interviewer.config import AgentSettings
from pydantic import ValidationError

from tests.unit.agent.test_livekit_transport import ENV


def test_the_room_outlives_the_agents_rejoin_grace_by_a_margin() -> None:
    # Given the defaults the start-interview Lambda creates rooms with, and the agent's default grace
    lambdas = Settings.model_validate({"TABLE_NAME": "interviews"})
    agent = AgentSettings.from_env(ENV)

    # Then LiveKit closes an abandoned room only after the agent's grace is over, with a margin
    assert agent.rejoin_grace == room_settings.REJOIN_GRACE_SECONDS
    assert lambdas.rejoin_grace_seconds == agent.rejoin_grace
    assert lambdas.room_departure_timeout_seconds >= agent.rejoin_grace + 30
    assert lambdas.room_departure_timeout_seconds == room_settings.ROOM_DEPARTURE_TIMEOUT_SECONDS
    assert lambdas.room_empty_timeout_seconds == room_settings.ROOM_EMPTY_TIMEOUT_SECONDS


@pytest.mark.parametrize(("departure", "grace"), [("120", "120"), ("150", "120"), ("60", "30")])
def test_a_departure_timeout_the_grace_would_outlast_is_refused_at_cold_start(
    departure: str, grace: str
) -> None:
    with pytest.raises(ValidationError, match="ROOM_DEPARTURE_TIMEOUT_SECONDS"):
        Settings.model_validate(
            {"TABLE_NAME": "interviews", "ROOM_DEPARTURE_TIMEOUT_SECONDS": departure, "REJOIN_GRACE": grace}
        )


def test_a_shorter_grace_for_tests_is_covered_by_the_default_departure_timeout() -> None:
    settings = Settings.model_validate({"TABLE_NAME": "interviews", "REJOIN_GRACE": "4"})
    assert settings.room_departure_timeout_seconds == room_settings.ROOM_DEPARTURE_TIMEOUT_SECONDS
