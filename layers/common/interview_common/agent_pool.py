"""The warm pool: agent tasks started ahead of time, each waiting for one interview (opt-in, AgentPoolSize).

One home for the pool's items, on both sides (start-interview and the waiting agent):

    PK = AGENT_POOL, SK = POOL#<taskId>   (one partition: start-interview finds idle tasks in one Query)
    state: idle -> assigned -> serving     (or assigned -> revoked, when the task did not take it in time)

- An idle task beats `heartbeat_epoch` every heartbeat interval; a claim is one conditional write
  (state idle AND heartbeat fresh -> assigned, with the interview's LaunchRequest fields), so of many
  concurrent starts exactly one gets a task, and a task whose beats stopped is never claimed.
- The task polls its item; on an assignment it accepts it (assigned -> serving, conditional), serves that
  one interview and exits, removing its item; the ECS service starts its replacement.
- The claimer waits `accept_seconds` for the accept. If none came it revokes the assignment (assigned ->
  revoked, conditional): the revoke and the accept are exclusive, so an interview is never served by two
  tasks; after a revoke the interview gets a RunTask launch (PooledLauncher).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal, Protocol, runtime_checkable

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict

from interview_common.launcher.port import AgentLauncher, LaunchRequest, LaunchResult
from interview_common.observability import logger

POOL_PK = "AGENT_POOL"
POOL_SK_PREFIX = "POOL#"
# How long an item outlives its task's last beat (TTL) when the task died without removing it.
RECORD_SECONDS = 24 * 3600
DEFAULT_ACCEPT_SECONDS = 5.0
DEFAULT_POLL_SECONDS = 0.5

PoolState = Literal["idle", "assigned", "serving", "revoked"]


def task_id_of(task_ref: str) -> str:
    """ECS's task id: the last segment of the task ARN (a plain id is its own id)."""
    return task_ref.rsplit("/", 1)[-1]


def pool_sk(task_id: str) -> str:
    return f"{POOL_SK_PREFIX}{task_id}"


class PoolTask(BaseModel):
    """One pool task's item, as stored."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    task_ref: str
    state: PoolState
    heartbeat_epoch: float
    assignment: LaunchRequest | None = None


def _is_conditional_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in {
        "ConditionalCheckFailedException",
        "TransactionCanceledException",
    }


def _assignment_values(request: LaunchRequest) -> dict[str, Any]:
    return {f":{name}": {"S": value} for name, value in request.model_dump().items()}


class AgentPool:
    """The pool's items in the interviews table."""

    def __init__(self, table_name: str, dynamodb: Any, *, clock: Callable[[], float] = time.time) -> None:
        self._table = table_name
        self._dynamodb = dynamodb
        self._clock = clock

    # -- the waiting task's side ------------------------------------------------------------------

    def register(self, task_ref: str) -> None:
        """Put (or refresh) this task's item as idle, beating now."""
        now = self._clock()
        self._dynamodb.put_item(
            TableName=self._table,
            Item={
                "PK": {"S": POOL_PK},
                "SK": {"S": pool_sk(task_id_of(task_ref))},
                "task_id": {"S": task_id_of(task_ref)},
                "task_ref": {"S": task_ref},
                "state": {"S": "idle"},
                "heartbeat_epoch": {"N": repr(now)},
                "expires_at": {"N": str(int(now + RECORD_SECONDS))},
            },
        )

    def beat(self, task_id: str) -> bool:
        """Refresh an idle task's heartbeat; False when it is no longer idle (claimed meanwhile)."""
        now = self._clock()
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key=self._key(task_id),
                UpdateExpression="SET heartbeat_epoch = :now, expires_at = :exp",
                ConditionExpression="#s = :idle",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={
                    ":now": {"N": repr(now)},
                    ":exp": {"N": str(int(now + RECORD_SECONDS))},
                    ":idle": {"S": "idle"},
                },
            )
        except ClientError as error:
            if _is_conditional_failure(error):
                return False
            raise
        return True

    def accept(self, task_id: str, interview_id: str) -> bool:
        """Take the assignment (assigned -> serving); False when it was revoked or is another's."""
        return self._move(task_id, interview_id, "assigned", "serving")

    def finish(self, task_id: str) -> None:
        """The task is leaving (stopped while idle, revoked, or its interview over): its item goes, so
        nothing can claim it and the pool's partition holds only live tasks. A task that crashes leaves
        its item behind (idle: its beat goes stale and it is never claimed; serving: the task-stopped
        event reads its interview from it); TTL removes those."""
        self._dynamodb.delete_item(TableName=self._table, Key=self._key(task_id))

    # -- start-interview's side -------------------------------------------------------------------

    def idle_tasks(self) -> list[PoolTask]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "FilterExpression": "#s = :idle",
            "ExpressionAttributeNames": {"#s": "state"},
            "ExpressionAttributeValues": {
                ":pk": {"S": POOL_PK},
                ":prefix": {"S": POOL_SK_PREFIX},
                ":idle": {"S": "idle"},
            },
            "ConsistentRead": True,
        }
        tasks: list[PoolTask] = []
        while True:
            response = self._dynamodb.query(**request)
            tasks.extend(_task_from_item(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return tasks
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def claim(self, request: LaunchRequest, *, stale_after: float) -> PoolTask | None:
        """Assign the interview to one idle task whose heartbeat is fresh; None when there is none."""
        fresh_since = self._clock() - stale_after
        candidates = sorted(self.idle_tasks(), key=lambda task: -task.heartbeat_epoch)
        for task in candidates:
            if task.heartbeat_epoch < fresh_since:
                continue
            try:
                self._dynamodb.update_item(
                    TableName=self._table,
                    Key=self._key(task.task_id),
                    UpdateExpression=(
                        "SET #s = :assigned, interview_id = :interview_id, room_name = :room_name, "
                        "candidate_id = :candidate_id, candidate_identity = :candidate_identity, "
                        "job_id = :job_id, agent_identity = :agent_identity, assigned_epoch = :now"
                    ),
                    ConditionExpression="#s = :idle AND heartbeat_epoch >= :fresh",
                    ExpressionAttributeNames={"#s": "state"},
                    ExpressionAttributeValues={
                        ":assigned": {"S": "assigned"},
                        ":idle": {"S": "idle"},
                        ":fresh": {"N": repr(fresh_since)},
                        ":now": {"N": repr(self._clock())},
                        **_assignment_values(request),
                    },
                )
            except ClientError as error:
                if _is_conditional_failure(error):
                    continue  # another start took it, or it stopped beating: try the next
                raise
            return task.model_copy(update={"state": "assigned", "assignment": request})
        return None

    def revoke(self, task_id: str, interview_id: str) -> bool:
        """Take back an assignment the task has not accepted; False when it accepted first."""
        return self._move(task_id, interview_id, "assigned", "revoked")

    def get(self, task_id: str) -> PoolTask | None:
        item = self._dynamodb.get_item(
            TableName=self._table, Key=self._key(task_id), ConsistentRead=True
        ).get("Item")
        return _task_from_item(item) if item else None

    # -- internals --------------------------------------------------------------------------------

    def _key(self, task_id: str) -> dict[str, Any]:
        return {"PK": {"S": POOL_PK}, "SK": {"S": pool_sk(task_id)}}

    def _move(self, task_id: str, interview_id: str, from_state: str, to_state: str) -> bool:
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key=self._key(task_id),
                UpdateExpression="SET #s = :to",
                ConditionExpression="#s = :from AND interview_id = :iid",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={
                    ":to": {"S": to_state},
                    ":from": {"S": from_state},
                    ":iid": {"S": interview_id},
                },
            )
        except ClientError as error:
            if _is_conditional_failure(error):
                return False
            raise
        return True


def _task_from_item(item: dict[str, Any]) -> PoolTask:
    assignment = None
    if "interview_id" in item:
        assignment = LaunchRequest(
            **{name: item[name]["S"] for name in LaunchRequest.model_fields if name in item}
        )
    return PoolTask(
        task_id=item["task_id"]["S"],
        task_ref=item["task_ref"]["S"],
        state=item["state"]["S"],
        heartbeat_epoch=float(item["heartbeat_epoch"]["N"]),
        assignment=assignment,
    )


@runtime_checkable
class AssignmentObserver(Protocol):
    """A fallback launcher that also runs the pool's tasks (the local process launcher) and wants to know
    which interview a pool task now serves."""

    def assigned(self, task_ref: str, request: LaunchRequest) -> None: ...


def with_warm_pool(launcher: AgentLauncher, settings: Any, dynamodb: Any) -> AgentLauncher:
    """`launcher` behind the warm pool when AGENT_POOL_SIZE > 0; `launcher` itself otherwise."""
    if settings.agent_pool_size <= 0:
        return launcher
    return PooledLauncher(
        AgentPool(settings.table_name, dynamodb),
        launcher,
        stale_after=float(settings.heartbeat_stale_seconds),
        accept_seconds=settings.agent_pool_accept_seconds,
    )


class PooledLauncher:
    """AgentLauncher: a warm pool task when one is idle and takes the interview in time, else `fallback`
    (RunTask in AWS, a new process locally)."""

    def __init__(
        self,
        pool: AgentPool,
        fallback: AgentLauncher,
        *,
        stale_after: float,
        accept_seconds: float = DEFAULT_ACCEPT_SECONDS,
        poll_seconds: float = 0.1,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pool = pool
        self._fallback = fallback
        self._stale_after = stale_after
        self._accept_seconds = accept_seconds
        self._poll_seconds = poll_seconds
        self._sleep = sleep
        self._monotonic = monotonic

    def launch(self, request: LaunchRequest) -> LaunchResult:
        try:
            claimed = self._pool.claim(request, stale_after=self._stale_after)
        except ClientError as error:  # the pool is a speed-up: its failure never stops an interview
            logger.warning(
                "warm pool unavailable; launching a task",
                extra={"code": error.response.get("Error", {}).get("Code")},
            )
            claimed = None
        if claimed is None:
            logger.info("no idle pool task; launching a task")
            return self._fallback.launch(request)
        if self._accepted(claimed.task_id, request.interview_id):
            if isinstance(self._fallback, AssignmentObserver):
                self._fallback.assigned(claimed.task_ref, request)
            logger.info("interview handed to a pool task", extra={"task": claimed.task_ref})
            return LaunchResult(task_ref=claimed.task_ref)
        logger.warning("pool task did not take the interview in time; launching a task instead")
        return self._fallback.launch(request)

    def stop(self, task_ref: str, reason: str) -> None:
        self._fallback.stop(task_ref, reason)

    def _accepted(self, task_id: str, interview_id: str) -> bool:
        """Wait for the accept; on time-out revoke, unless the task accepted in the same instant."""
        deadline = self._monotonic() + self._accept_seconds
        while True:
            task = self._pool.get(task_id)
            if task is None or task.assignment is None or task.assignment.interview_id != interview_id:
                return False  # the task left (its item is gone or was replaced)
            if task.state == "serving":
                return True
            if task.state != "assigned" or self._monotonic() >= deadline:
                break
            self._sleep(self._poll_seconds)
        if self._pool.revoke(task_id, interview_id):
            return False
        task = self._pool.get(task_id)
        return (
            task is not None
            and task.state == "serving"
            and task.assignment is not None
            and task.assignment.interview_id == interview_id
        )
