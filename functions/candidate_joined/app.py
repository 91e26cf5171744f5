"""POST /api/candidate-joined: acknowledge the seed's notice; presence itself comes from LiveKit webhooks."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import build_resolver, json_response, require_room_access
from interview_common.logic.candidate_joined import acknowledge_candidate_joined
from interview_common.models.api import CandidateJoinedRequest, CandidateJoinedResponse
from interview_common.observability import logger, metrics, tracer

# The backend key, or (BROWSER_ACCESS) a candidate token for that room.
app = build_resolver(browser_access=True)


@app.post("/api/candidate-joined")
@tracer.capture_method
def handle_candidate_joined(request: CandidateJoinedRequest) -> Response[CandidateJoinedResponse]:
    require_room_access(app, request.room_name)
    return json_response(200, acknowledge_candidate_joined(request, store=wiring.services().store))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
