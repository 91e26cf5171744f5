"""GET /health: the API is up. Public (no bearer), touches nothing: no DynamoDB, no secret."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common.http_api import build_resolver, json_response
from interview_common.logic.health import health
from interview_common.models.api import HealthResponse
from interview_common.observability import logger, metrics, tracer

app = build_resolver(authenticate=False)


@app.get("/health")
@tracer.capture_method
def handle_health() -> Response[HealthResponse]:
    return json_response(200, health())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
