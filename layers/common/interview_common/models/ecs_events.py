"""EventBridge's "ECS Task State Change" event: the fields we read, on Powertools' EventBridge envelope.

https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
Every field but the task's ARN is optional here: a state change we cannot read is ignored, not retried.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import BaseModel, ConfigDict, Field

TASK_STATE_CHANGE = "ECS Task State Change"
STOPPED = "STOPPED"


class _EcsModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class KeyValue(_EcsModel):
    name: str
    value: str = ""


class ContainerOverride(_EcsModel):
    name: str = ""
    environment: list[KeyValue] = Field(default_factory=list)


class TaskOverrides(_EcsModel):
    container_overrides: list[ContainerOverride] = Field(default_factory=list, alias="containerOverrides")


class TaskContainer(_EcsModel):
    name: str = ""
    exit_code: int | None = Field(default=None, alias="exitCode")
    reason: str | None = None
    last_status: str | None = Field(default=None, alias="lastStatus")


class EcsTaskDetail(_EcsModel):
    task_arn: str = Field(alias="taskArn")
    cluster_arn: str = Field(default="", alias="clusterArn")
    task_definition_arn: str = Field(default="", alias="taskDefinitionArn")
    last_status: str = Field(default="", alias="lastStatus")
    desired_status: str = Field(default="", alias="desiredStatus")
    stop_code: str | None = Field(default=None, alias="stopCode")
    stopped_reason: str | None = Field(default=None, alias="stoppedReason")
    started_by: str | None = Field(default=None, alias="startedBy")
    containers: list[TaskContainer] = Field(default_factory=list)
    overrides: TaskOverrides = Field(default_factory=TaskOverrides)

    def environment(self, container_name: str) -> dict[str, str]:
        """The environment RunTask overrode for our container (launcher LaunchRequest.environment())."""
        for override in self.overrides.container_overrides:
            if override.name == container_name:
                return {pair.name: pair.value for pair in override.environment}
        return {}

    def container(self, container_name: str) -> TaskContainer | None:
        return next((c for c in self.containers if c.name == container_name), None)


class EcsTaskStateChangeEvent(EventBridgeModel):
    detail: EcsTaskDetail
