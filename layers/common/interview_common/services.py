"""What a Lambda's use cases are given: its settings, AWS clients, repositories and agent launcher.

One `Services` per process, built at the first invocation from the settings checked then (a bad
environment fails that invocation, not the hundredth) and reused while the environment is warm
(`interview_common.wiring.services`). The local stack and tests build their own with `Services.build`
(their settings, their DynamoDB client, their launcher) and install it with `wiring.use_services`, instead
of rewriting the environment and clearing caches.

Repositories are small objects over the one shared client, built on first use; modules that a function
does not use are never imported (cold start).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from interview_common.credentials import LiveKitKeyPair, livekit_key_pair
from interview_common.dal.interviews import InterviewRepository
from interview_common.errors import ServiceUnavailable
from interview_common.launcher import AgentLauncher, LaunchRequest, LaunchResult
from interview_common.settings import Settings

if TYPE_CHECKING:
    from interview_common.dal.candidate_records import CandidateRecords
    from interview_common.dal.context_store import InterviewContextStore
    from interview_common.dal.decision_log import DecisionLog
    from interview_common.dal.job_interview_index import JobInterviewIndex
    from interview_common.dal.job_profiles import JobProfileRepository
    from interview_common.dal.participants import ParticipantStore
    from interview_common.dal.room_record import RoomRecordReader


class DeferredLauncher:
    """The launcher the settings describe, built on its first launch or stop: a route that never needs
    an agent (end-interview of a room without a task) never fails for want of one. It raises
    ServiceUnavailable, as the routes always did, when no launcher is configured."""

    def __init__(self, build: Callable[[], AgentLauncher]) -> None:
        self._build = build
        self._built: AgentLauncher | None = None
        self._building = threading.Lock()

    def resolved(self) -> AgentLauncher:
        """The launcher itself, built now if it was not yet."""
        if self._built is None:
            with self._building:
                if self._built is None:
                    self._built = self._build()
        return self._built

    def launch(self, request: LaunchRequest) -> LaunchResult:
        return self.resolved().launch(request)

    def stop(self, task_ref: str, reason: str) -> None:
        self.resolved().stop(task_ref, reason)


def ecs_launcher(settings: Settings, ecs: Any) -> AgentLauncher:
    """The Fargate launcher of AGENT_LAUNCHER=ecs, or ServiceUnavailable when it is not configured."""
    from interview_common.launcher.ecs import EcsLauncher

    if settings.launcher != "ecs" or not settings.ecs_cluster or not settings.ecs_task_definition:
        raise ServiceUnavailable("no agent launcher is configured")
    return EcsLauncher(
        ecs,
        cluster=settings.ecs_cluster,
        task_definition=settings.ecs_task_definition,
        container_name=settings.ecs_container_name,
        subnets=settings.ecs_subnets,
        security_groups=settings.ecs_security_groups,
        assign_public_ip=settings.ecs_assign_public_ip,
        max_attempts=settings.launch_max_attempts,
        backoff_seconds=settings.launch_backoff_seconds,
    )


class Services:
    """One process's settings, clients, repositories and launcher; passed to the use cases."""

    def __init__(self, settings: Settings, *, dynamodb: Any, launcher: AgentLauncher) -> None:
        self.settings = settings
        self.dynamodb = dynamodb
        self.launcher = launcher

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        dynamodb: Any | None = None,
        launcher: AgentLauncher | None = None,
        client: Callable[[str], Any] | None = None,
    ) -> Services:
        """Services over the given clients; what is not given comes from `client` (default: the process's
        boto3 clients, interview_common.aws_clients). Without a launcher, the settings' ECS launcher,
        built on first use."""
        if client is None:
            from interview_common.aws_clients import client as process_client

            client = process_client
        make_client = client
        return cls(
            settings,
            dynamodb=dynamodb if dynamodb is not None else make_client("dynamodb"),
            launcher=launcher or DeferredLauncher(lambda: ecs_launcher(settings, make_client("ecs"))),
        )

    def ready_launcher(self) -> AgentLauncher:
        """The launcher, built now: for a use case that always launches (start-interview), whose
        missing launcher must be a 503 before it records anything."""
        launcher = self.launcher
        return launcher.resolved() if isinstance(launcher, DeferredLauncher) else launcher

    def livekit_keys(self) -> LiveKitKeyPair:
        """Read per request: Powertools caches the secret for 5 minutes, so a rotation is picked up."""
        return livekit_key_pair(self.settings)

    @property
    def table_name(self) -> str:
        return self.settings.table_name

    @cached_property
    def interviews(self) -> InterviewRepository:
        """The interview (META) repository: META's one writer."""
        return InterviewRepository(self.table_name, self.dynamodb)

    @property
    def store(self) -> InterviewRepository:
        """The interview repository under the name the handlers have always used."""
        return self.interviews

    @cached_property
    def contexts(self) -> InterviewContextStore:
        from interview_common.dal.context_store import InterviewContextStore

        return InterviewContextStore(self.table_name, self.dynamodb)

    @cached_property
    def profiles(self) -> JobProfileRepository:
        from interview_common.dal.job_profiles import JobProfileRepository

        return JobProfileRepository(self.table_name, self.dynamodb)

    @cached_property
    def participants(self) -> ParticipantStore:
        from interview_common.dal.participants import ParticipantStore

        return ParticipantStore(self.table_name, self.dynamodb, self.interviews)

    @cached_property
    def decisions(self) -> DecisionLog:
        from interview_common.dal.decision_log import DecisionLog

        return DecisionLog(self.table_name, self.dynamodb)

    @cached_property
    def candidate_records(self) -> CandidateRecords:
        from interview_common.dal.candidate_records import CandidateRecords

        return CandidateRecords(self.table_name, self.dynamodb)

    @cached_property
    def room_records(self) -> RoomRecordReader:
        from interview_common.dal.room_record import RoomRecordReader

        return RoomRecordReader(self.table_name, self.dynamodb)

    @cached_property
    def job_interviews(self) -> JobInterviewIndex:
        from interview_common.dal.job_interview_index import JobInterviewIndex

        return JobInterviewIndex(self.table_name, self.dynamodb)
