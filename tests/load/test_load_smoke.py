"""A short, bounded form of bench/bench_load.py in `make test`: 10 concurrent interviews for 5 s against the
local stack on 127.0.0.1, each starting, sending its LiveKit webhooks (signed) and polling GET /agent-status
every second. No timing assertion: every answer must be the right status with a well-formed body."""

from __future__ import annotations

import asyncio

import pytest

from bench.bench_load import run_load, stack_options
from local.stack import LocalStack

INTERVIEWS = 10


@pytest.mark.e2e
def test_ten_concurrent_interviews_polling_and_sending_webhooks_get_only_well_formed_answers() -> None:
    # Given the local stack
    with LocalStack(stack_options()) as stack:
        # When 10 interviews start at once, send their webhooks and poll their status for 5 s
        report = asyncio.run(run_load(stack.api_url, INTERVIEWS, seconds=5, poll_every=1.0))

    # Then every request got the right status and a body the API's models accept
    assert report.problems == []
    assert report.errors == 0
    # And the load was what it says: every start, every webhook, and the polls
    assert len(report.of("start")) == INTERVIEWS
    assert len(report.of("webhook")) == INTERVIEWS * 5
    assert len(report.of("status")) >= INTERVIEWS * 2
