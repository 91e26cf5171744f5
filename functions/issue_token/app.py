"""POST /token: a candidate token for an existing interview's room."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import browser_caller, build_resolver, json_response
from interview_common.logic.issue_token import issue_token
from interview_common.models.api import TokenRequest, TokenResponse
from interview_common.observability import logger, metrics, tracer

# The backend key, or (BROWSER_ACCESS) the candidate's own token, refreshed for its room and identity only.
app = build_resolver(browser_access=True)


@app.post("/token")
@tracer.capture_method
def handle_token(request: TokenRequest) -> Response[TokenResponse]:
    caller = browser_caller(app)
    if caller is not None:
        caller.require_room(request.room)
        caller.require_identity(request.identity)
    services = wiring.services()
    body = issue_token(
        request, settings=services.settings, store=services.store, keys=services.livekit_keys()
    )
    return json_response(200, body)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
