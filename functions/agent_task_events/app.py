"""EventBridge ECS Task State Change (STOPPED, our cluster): an agent that stops early fails its interview."""

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.agent_pool import AgentPool
from interview_common.logic.agent_task_events import on_task_state_change
from interview_common.models.ecs_events import EcsTaskStateChangeEvent
from interview_common.observability import logger, metrics, tracer


@logger.inject_lambda_context(clear_state=True)  # room and interview keys are per event
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_parser(model=EcsTaskStateChangeEvent)
def lambda_handler(event: EcsTaskStateChangeEvent, context: LambdaContext) -> dict:
    services = wiring.services()
    settings = services.settings
    outcome = on_task_state_change(
        event.detail,
        store=services.store,
        cluster=settings.ecs_cluster,
        task_definition=settings.ecs_task_definition,
        container_name=settings.ecs_container_name,
        # A warm-pool task's interview is on its POOL# item, not in its environment.
        pool=AgentPool(settings.table_name, services.dynamodb),
    )
    return outcome.model_dump(exclude_none=True)
