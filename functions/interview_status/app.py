"""GET /interview-status/{candidateId}: the candidate's latest interview (GSI1)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import browser_caller, build_resolver, json_response
from interview_common.logic.room_status import interview_status
from interview_common.models.api import InterviewStatusResponse
from interview_common.models.identifiers import MAX_CANDIDATE_PATH_CHARS, candidate_id_from_path
from interview_common.observability import logger, metrics, tracer

# The backend key; a candidate token for the candidate's room (BROWSER_ACCESS); nobody (anonymous status).
app = build_resolver(public_status=True, browser_access=True)

CandidatePath = Annotated[str, Path(min_length=1, max_length=MAX_CANDIDATE_PATH_CHARS)]


@app.get("/interview-status/<candidateId>")
@tracer.capture_method
def handle_interview_status(candidateId: CandidatePath) -> Response[InterviewStatusResponse]:
    caller = browser_caller(app)
    body = interview_status(
        wiring.services().store,
        candidate_id_from_path(candidateId),
        only_room=caller.room_name if caller else None,
    )
    return json_response(200, body)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
