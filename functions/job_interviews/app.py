"""GET /jobs/{jobId}/interviews (bearer): a job's interviews side by side, newest first, with a cursor;
filters ?state=completed,abandoned and ?decision=advance|hold|reject|none; ?limit=1..50."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import build_resolver
from interview_common.logic.job_interviews import (
    DEFAULT_PAGE,
    MAX_PAGE,
    list_job_interviews,
    parse_decision,
    parse_states,
)
from interview_common.models.identifiers import IDENTIFIER_PATTERN
from interview_common.models.job_interviews import JobInterviewsResponse
from interview_common.observability import logger, metrics, tracer
from interview_common.private_response import private_json_response

app = build_resolver()

JobPath = Annotated[str, Path(pattern=IDENTIFIER_PATTERN, max_length=128)]


@app.get("/jobs/<jobId>/interviews")
@tracer.capture_method
def handle_job_interviews(
    jobId: JobPath,
    state: Annotated[str | None, Query(max_length=200)] = None,
    decision: Annotated[str | None, Query(max_length=20)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
) -> Response[JobInterviewsResponse]:
    services = wiring.services()
    body = list_job_interviews(
        jobId,
        index=services.job_interviews,
        states=parse_states(state),
        decision=parse_decision(decision),
        cursor=cursor,
        limit=limit,
        public_api_url=services.settings.public_api_url,
    )
    return private_json_response(200, body)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
