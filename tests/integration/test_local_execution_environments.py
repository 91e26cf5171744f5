"""The local stack scales a function as Lambda does: worker processes, one invocation at a time each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from local.apigw_events import http_api_event
from local.execution_environments import EnvironmentPool


@pytest.fixture
def pool() -> Iterator[EnvironmentPool]:
    environments = EnvironmentPool("health", limit=2)
    yield environments
    environments.stop()


def health() -> dict[str, object]:
    return http_api_event("GET", "/health")


def test_concurrent_requests_start_environments_up_to_the_limit_and_share_them(pool: EnvironmentPool) -> None:
    # When eight requests arrive at once, twice
    with ThreadPoolExecutor(max_workers=8) as clients:
        first = list(clients.map(lambda _: pool.invoke(health()), range(8)))
        started_after_first_burst = pool.started
        second = list(clients.map(lambda _: pool.invoke(health()), range(8)))

    # Then every one is answered by the real handler
    for answer in first + second:
        assert answer["statusCode"] == 200
        assert json.loads(str(answer["body"])) == {"status": "ok", "service": "live-interview"}
    # And never more environments than the limit: sixteen requests, at most two cold starts
    assert 1 <= started_after_first_burst <= pool.started <= 2


def test_a_pool_needs_at_least_one_environment() -> None:
    with pytest.raises(ValueError, match="at least one"):
        EnvironmentPool("health", limit=0)
