"""Use case: an agent's Fargate task stopped. If its interview had not ended, the interview failed.

The interview is found through the environment RunTask gave the container (INTERVIEW_ID, ROOM_NAME from
LaunchRequest.environment()); ECS state-change events carry the overrides but not the task's tags.
A task that stops after its interview reached completed, abandoned or failed changes nothing: the
transition to `failed` is forward-only and refused there.

Before the candidate ever joined, a task that exits cleanly (exit code 0: the agent ended its wait but
its own write of the end was lost) or whose end was requested ends the interview as a no-show:
`abandoned`, end reason `no_show`. A crash (any other exit) is still `failed`: the interview could not
be held, which a no-show would hide.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from interview_common.agent_pool import AgentPool, task_id_of
from interview_common.dal.interviews import InterviewStore
from interview_common.errors import TransitionRejected
from interview_common.lifecycle import END_REASON_NO_SHOW, TERMINAL_STATES, InterviewState
from interview_common.models.ecs_events import STOPPED, EcsTaskDetail
from interview_common.models.items import InterviewItem
from interview_common.observability import logger, metrics

MAX_ERROR_LENGTH = 500


class TaskEventOutcome(BaseModel):
    result: Literal["failed", "abandoned", "unchanged", "ignored"]
    room_name: str | None = None
    state: str | None = None


def task_family(task_definition: str) -> str:
    """`family` of `arn:aws:ecs:…:task-definition/family:3`, `family:3` or `family`."""
    return task_definition.rsplit("/", 1)[-1].split(":", 1)[0]


def is_our_task(detail: EcsTaskDetail, *, cluster: str | None, task_definition: str | None) -> bool:
    """Our cluster (configured by name or ARN) and, when configured, our task definition's family."""
    if not cluster or cluster not in (detail.cluster_arn, detail.cluster_arn.rsplit("/", 1)[-1]):
        return False
    return not task_definition or task_family(detail.task_definition_arn) == task_family(task_definition)


def stop_description(detail: EcsTaskDetail, container_name: str) -> str:
    container = detail.container(container_name)
    exit_code = container.exit_code if container else None
    why = (
        detail.stopped_reason
        or (container.reason if container else None)
        or detail.stop_code
        or "unknown reason"
    )
    text = f"the agent's task stopped before the interview ended: {why}"
    if detail.stop_code:
        text += f" [{detail.stop_code}]"
    text += f" (exit code {exit_code})" if exit_code is not None else " (no exit code)"
    return text[:MAX_ERROR_LENGTH]


def on_task_state_change(
    detail: EcsTaskDetail,
    *,
    store: InterviewStore,
    cluster: str | None,
    task_definition: str | None,
    container_name: str,
    pool: AgentPool | None = None,
) -> TaskEventOutcome:
    if detail.last_status != STOPPED or not is_our_task(
        detail, cluster=cluster, task_definition=task_definition
    ):
        logger.info("task state change is not one of our stopped agents", extra={"task": detail.task_arn})
        return TaskEventOutcome(result="ignored")
    environment = detail.environment(container_name)
    room_name, interview_id = environment.get("ROOM_NAME"), environment.get("INTERVIEW_ID")
    if (not room_name or not interview_id) and pool is not None:
        room_name, interview_id = _pool_assignment(pool, detail.task_arn)
    if not room_name or not interview_id:
        logger.warning(
            "stopped agent task has no interview in its environment", extra={"task": detail.task_arn}
        )
        return TaskEventOutcome(result="ignored")
    logger.append_keys(room_name=room_name, interview_id=interview_id)
    interview = store.get_interview(room_name)
    if interview is None or interview.interview_id != interview_id:
        logger.info("stopped agent's interview is gone or replaced", extra={"task": detail.task_arn})
        return TaskEventOutcome(result="ignored", room_name=room_name)
    if interview.task_arn and interview.task_arn != detail.task_arn:
        logger.info("a task other than the interview's agent stopped", extra={"task": detail.task_arn})
        return TaskEventOutcome(result="ignored", room_name=room_name, state=interview.state.value)
    if interview.state in TERMINAL_STATES:
        return TaskEventOutcome(result="unchanged", room_name=room_name, state=interview.state.value)
    if not interview.candidate_ever_joined and (
        interview.end_requested_at is not None or _exit_code(detail, container_name) == 0
    ):
        return _no_show(store, interview, stop_description(detail, container_name))
    reason = stop_description(detail, container_name)
    try:
        failed = store.transition(room_name, interview_id, InterviewState.FAILED, error=reason)
    except TransitionRejected:  # it ended between our read and our write
        current = store.get_interview(room_name) or interview
        return TaskEventOutcome(result="unchanged", room_name=room_name, state=current.state.value)
    logger.warning(
        "interview failed: its agent stopped", extra={"reason": reason, "previous": interview.state.value}
    )
    metrics.add_metric(name="AgentTaskStoppedEarly", unit="Count", value=1)
    return TaskEventOutcome(result="failed", room_name=room_name, state=failed.state.value)


def _pool_assignment(pool: AgentPool, task_arn: str) -> tuple[str | None, str | None]:
    """A warm-pool task has no interview in its environment: the one it took is on its POOL# item.
    An assignment it never accepted (revoked) is not its interview."""
    task = pool.get(task_id_of(task_arn))
    if task is None or task.assignment is None or task.state != "serving":
        return None, None
    return task.assignment.room_name, task.assignment.interview_id


def _exit_code(detail: EcsTaskDetail, container_name: str) -> int | None:
    container = detail.container(container_name)
    return container.exit_code if container else None


def _no_show(store: InterviewStore, interview: InterviewItem, reason: str) -> TaskEventOutcome:
    room_name = interview.room_name
    try:
        ended = store.transition(
            room_name,
            interview.interview_id,
            InterviewState.ABANDONED,
            phase="ended",
            end_reason=END_REASON_NO_SHOW,
            error=reason,
            agent_connected=False,
        )
    except TransitionRejected:  # it ended between our read and our write
        current = store.get_interview(room_name) or interview
        return TaskEventOutcome(result="unchanged", room_name=room_name, state=current.state.value)
    logger.info("interview abandoned: its agent stopped before the candidate joined")
    metrics.add_metric(name="InterviewNoShow", unit="Count", value=1)
    return TaskEventOutcome(result="abandoned", room_name=room_name, state=ended.state.value)
