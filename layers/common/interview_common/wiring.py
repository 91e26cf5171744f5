"""Composition root: the store and launcher a handler uses, built once per process.

The local stack runs the same handlers in-process and swaps the launcher with `use_launcher`.
"""

from __future__ import annotations

from functools import lru_cache

from interview_common.aws_clients import client
from interview_common.context_store import InterviewContextStore
from interview_common.errors import ServiceUnavailable
from interview_common.launcher import AgentLauncher
from interview_common.settings import get_settings
from interview_common.store import InterviewStore

_launcher_override: AgentLauncher | None = None


@lru_cache(maxsize=1)
def store() -> InterviewStore:
    return InterviewStore(get_settings().table_name, client("dynamodb"))


def context_store() -> InterviewContextStore:
    # Not cached itself: the client it wraps is (aws_clients.client), and the object is two attributes.
    return InterviewContextStore(get_settings().table_name, client("dynamodb"))


def use_launcher(launcher: AgentLauncher | None) -> None:
    global _launcher_override
    _launcher_override = launcher


def launcher() -> AgentLauncher:
    if _launcher_override is not None:
        return _launcher_override
    return _ecs_launcher()


@lru_cache(maxsize=1)
def _ecs_launcher() -> AgentLauncher:
    from interview_common.launcher.ecs import EcsLauncher

    settings = get_settings()
    if settings.launcher != "ecs" or not settings.ecs_cluster or not settings.ecs_task_definition:
        raise ServiceUnavailable("no agent launcher is configured")
    return EcsLauncher(
        client("ecs"),
        cluster=settings.ecs_cluster,
        task_definition=settings.ecs_task_definition,
        container_name=settings.ecs_container_name,
        subnets=settings.ecs_subnets,
        security_groups=settings.ecs_security_groups,
        assign_public_ip=settings.ecs_assign_public_ip,
        max_attempts=settings.launch_max_attempts,
        backoff_seconds=settings.launch_backoff_seconds,
    )
