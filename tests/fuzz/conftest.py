"""The fuzz suite's world: moto's table and ECS cluster, a Twirp LiveKit fake, a few interviews to hit, and
every place a log line can land captured."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from interview_common.clock import now_iso
from interview_common.lifecycle import InterviewState
from interview_common.observability import logger

from tests.conftest import FakeLiveKit
from tests.fuzz.support import World, capture_json_logs
from tests.integration.stored_interviews import store_interview

# Rooms the strategies aim at besides random ones, so fuzzed requests also reach the use cases' writes.
KNOWN_ROOMS = {
    "fuzz-waiting": InterviewState.WAITING_FOR_CANDIDATE,
    "fuzz-live": InterviewState.IN_PROGRESS,
    "fuzz-launching": InterviewState.LAUNCHING,
    "fuzz-done": InterviewState.COMPLETED,
    "fuzz-failed": InterviewState.FAILED,
}
KNOWN_CANDIDATE = "cand-fuzz"


@pytest.fixture
def world(
    ecs_cluster: dict[str, Any],
    livekit: FakeLiveKit,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[World]:
    caplog.set_level(logging.INFO)
    for room, state in KNOWN_ROOMS.items():
        fields: dict[str, Any] = {}
        if room == "fuzz-live":  # a live agent: end-interview asks it (SendData) instead of ending it here
            fields["last_heartbeat_at"] = now_iso()
            livekit.sim.create_room(room)
        store_interview(room, candidate_id=KNOWN_CANDIDATE, state=state, **fields)
    stream, handler = capture_json_logs()
    world = World(livekit=livekit, ecs_cluster=ecs_cluster, json_logs=stream, caplog=caplog, capsys=capsys)
    world.new_log_text()  # what the set-up wrote is not the examples'
    yield world
    logging.getLogger(logger.name).removeHandler(handler)
