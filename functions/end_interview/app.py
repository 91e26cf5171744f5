"""POST /end-interview: the agent closes politely and the interview ends (idempotent: 200 once ended)."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import build_resolver, json_response
from interview_common.logic.end_interview import end_interview
from interview_common.models.api import EndInterviewRequest, EndInterviewResponse
from interview_common.observability import logger, metrics, tracer

app = build_resolver()


@app.post("/end-interview")
@tracer.capture_method
def handle_end_interview(request: EndInterviewRequest) -> Response[EndInterviewResponse]:
    services = wiring.services()
    body, ended_here = end_interview(
        request,
        settings=services.settings,
        store=services.store,
        keys=services.livekit_keys(),
        launcher=services.launcher,
    )
    # 200: ended now (no live agent), or it had already ended (alreadyEnded); 202: the agent is closing it.
    return json_response(200 if ended_here else 202, body)


# clear_state: an early answer (404) must not carry the room and interview of the request before it.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
