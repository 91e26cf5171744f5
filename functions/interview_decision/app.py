"""POST /interviews/{roomName}/decision: a person records the hiring decision (append-only audit trail)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import build_resolver, json_response
from interview_common.logic.record_decision import record_decision
from interview_common.models.decision import DecisionRequest, DecisionResponse
from interview_common.models.identifiers import ROOM_NAME_PATTERN
from interview_common.observability import logger, metrics, tracer

app = build_resolver()

RoomPath = Annotated[str, Path(pattern=ROOM_NAME_PATTERN, max_length=128)]


@app.post("/interviews/<roomName>/decision")
@tracer.capture_method
def handle_decision(roomName: RoomPath, request: DecisionRequest) -> Response[DecisionResponse]:
    services = wiring.services()
    body = record_decision(roomName, request, store=services.store, decisions=services.decisions)
    return json_response(201, body)


# Never log_event=True: the body holds the reviewer's name and note.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
