"""POST /agent/candidate-details: keep a minimal interview context for the room's agent.

The seed sends the candidate's whole record (resume analysis included), so this route takes bodies up to
LARGE_BODY_BYTES; only a few short fields are kept (see logic/candidate_details.py). Never log the event.
"""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import LARGE_BODY_BYTES, build_resolver, json_response, require_room_access
from interview_common.logic.candidate_details import keep_candidate_details
from interview_common.models.api import CandidateDetailsRequest, CandidateDetailsResponse
from interview_common.observability import logger, metrics, tracer

# The backend key, or (BROWSER_ACCESS) a candidate token for the room posted about.
app = build_resolver(body_caps={"/agent/candidate-details": LARGE_BODY_BYTES}, browser_access=True)


@app.post("/agent/candidate-details")
@tracer.capture_method
def handle_candidate_details(request: CandidateDetailsRequest) -> Response[CandidateDetailsResponse]:
    require_room_access(app, request.room_name)
    services = wiring.services()
    body = keep_candidate_details(
        request, settings=services.settings, store=services.store, contexts=services.contexts
    )
    return json_response(200, body)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
