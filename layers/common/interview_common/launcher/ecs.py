"""Fargate launcher: one RunTask per interview, idempotent by clientToken, capacity errors retried."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from interview_common.errors import LaunchFailed
from interview_common.launcher.port import LaunchRequest, LaunchResult
from interview_common.observability import logger

# RunTask reports capacity problems in failures[], not as exceptions; these are worth another try.
RETRIABLE_FAILURE_MARKERS = ("capacity", "resource:", "throttl", "agent")
RETRIABLE_ERROR_CODES = {"ThrottlingException", "ServerException", "LimitExceededException"}
MAX_CLIENT_TOKEN = 64


class EcsLauncher:
    def __init__(
        self,
        ecs: Any,
        *,
        cluster: str,
        task_definition: str,
        container_name: str,
        subnets: list[str],
        security_groups: list[str],
        assign_public_ip: bool,
        max_attempts: int = 3,
        backoff_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._ecs = ecs
        self._cluster = cluster
        self._task_definition = task_definition
        self._container_name = container_name
        self._subnets = subnets
        self._security_groups = security_groups
        self._assign_public_ip = assign_public_ip
        self._max_attempts = max_attempts
        self._backoff_seconds = backoff_seconds
        self._sleep = sleep

    def launch(self, request: LaunchRequest) -> LaunchResult:
        last_reason = "no attempt made"
        for attempt in range(1, self._max_attempts + 1):
            try:
                response = self._run_task(request)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                last_reason = f"RunTask error {code}"
                if code not in RETRIABLE_ERROR_CODES:
                    raise LaunchFailed(f"the agent could not be started: {last_reason}") from error
            else:
                tasks = response.get("tasks", [])
                if tasks:
                    return LaunchResult(task_ref=tasks[0]["taskArn"])
                failures = response.get("failures", [])
                last_reason = (
                    "; ".join(
                        f"{failure.get('reason', 'unknown')} {failure.get('detail', '')}".strip()
                        for failure in failures
                    )
                    or "RunTask started no task"
                )
                if not any(marker in last_reason.lower() for marker in RETRIABLE_FAILURE_MARKERS):
                    raise LaunchFailed(f"the agent could not be started: {last_reason}")
            logger.warning("agent launch attempt failed", extra={"attempt": attempt, "reason": last_reason})
            if attempt < self._max_attempts:
                self._sleep(self._backoff_seconds * 2 ** (attempt - 1))
        raise LaunchFailed(
            f"the agent could not be started after {self._max_attempts} attempts: {last_reason}"
        )

    def _run_task(self, request: LaunchRequest) -> dict[str, Any]:
        environment = [{"name": key, "value": value} for key, value in request.environment().items()]
        return self._ecs.run_task(
            cluster=self._cluster,
            taskDefinition=self._task_definition,
            launchType="FARGATE",
            count=1,
            # The same interview never starts two agents, even when the call is retried.
            clientToken=request.interview_id[:MAX_CLIENT_TOKEN],
            startedBy=f"interview-{request.interview_id}"[:36],
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": self._subnets,
                    "securityGroups": self._security_groups,
                    "assignPublicIp": "ENABLED" if self._assign_public_ip else "DISABLED",
                }
            },
            overrides={"containerOverrides": [{"name": self._container_name, "environment": environment}]},
            tags=[
                {"key": "interviewId", "value": request.interview_id},
                {"key": "roomName", "value": request.room_name},
            ],
            propagateTags="TASK_DEFINITION",
        )

    def stop(self, task_ref: str, reason: str) -> None:
        try:
            self._ecs.stop_task(cluster=self._cluster, task=task_ref, reason=reason[:255])
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code not in {"InvalidParameterException", "ResourceNotFoundException"}:
                raise
