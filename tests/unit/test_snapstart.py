"""SnapStart hooks: a snapshot holds no credentials or secrets; each restored copy draws its own random."""

from __future__ import annotations

import random
import sys
import types
from collections.abc import Callable

import pytest
from interview_common import aws_clients, credentials, snapstart
from interview_common.observability import tracer


@pytest.fixture
def lambda_runtime(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Callable[[], None]]]:
    """Lambda's snapshot_restore_py as its Python runtime provides it: hooks are kept to be run later."""
    hooks: dict[str, list[Callable[[], None]]] = {"before": [], "after": []}
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_before_snapshot = hooks["before"].append  # type: ignore[attr-defined]
    runtime.register_after_restore = hooks["after"].append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)
    return hooks


def test_outside_lambda_nothing_is_registered() -> None:
    # Given no snapshot_restore_py (a developer's machine, the tests, the local stack)
    assert "snapshot_restore_py" not in sys.modules

    # Then prepare() registers nothing
    assert snapstart.prepare(imports=("json",)) is False


def test_before_the_snapshot_the_first_requests_imports_are_done_and_no_client_or_secret_exists(
    lambda_runtime: dict[str, list[Callable[[], None]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a function that registers its hooks, as the SnapStart handlers do at import
    secrets_read: list[str] = []
    monkeypatch.setattr(credentials, "_secret", secrets_read.append)
    aws_clients.client.cache_clear()
    sys.modules.pop("html.parser", None)
    assert snapstart.prepare(imports=("html.parser",)) is True

    # When Lambda runs the before-snapshot hook
    (before,) = lambda_runtime["before"]
    before()

    # Then the lazily imported module and the Tracer are ready, and no AWS client (credentials,
    # connections) or secret was made for the snapshot to hold
    assert "html.parser" in sys.modules
    assert tracer.built
    assert aws_clients.client.cache_info().currsize == 0
    assert secrets_read == []


def test_every_restored_copy_draws_its_own_random_numbers(
    lambda_runtime: dict[str, list[Callable[[], None]]],
) -> None:
    # Given the random state a snapshot holds, resumed twice
    snapstart.prepare()
    (after,) = lambda_runtime["after"]
    snapshot_state = random.getstate()
    draws = []
    for _ in range(2):
        random.setstate(snapshot_state)
        # When Lambda runs the after-restore hook in each copy
        after()
        draws.append([random.random() for _ in range(4)])

    # Then the two copies do not repeat each other (botocore's retry jitter draws from this state)
    assert draws[0] != draws[1]
