"""GET /agent-status?room= and GET /agent-status/{roomName}: one strongly consistent GetItem of META."""

import time
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import build_resolver, is_authenticated, json_response, require_room_access
from interview_common.logic.room_status import agent_status
from interview_common.models.api import AgentStatusResponse
from interview_common.models.identifiers import ROOM_NAME_PATTERN
from interview_common.observability import logger, metrics, tracer

# The backend key; a candidate token for this room (BROWSER_ACCESS); nobody (ALLOW_ANONYMOUS_STATUS).
app = build_resolver(public_status=True, browser_access=True)

RoomQuery = Annotated[str, Query(pattern=ROOM_NAME_PATTERN, max_length=128)]
RoomPath = Annotated[str, Path(pattern=ROOM_NAME_PATTERN, max_length=128)]


def _status(room_name: str) -> Response[AgentStatusResponse]:
    require_room_access(app, room_name)
    services = wiring.services()
    body = agent_status(
        services.store,
        room_name,
        include_personal=is_authenticated(app),
        now_epoch=time.time(),
        stale_after_seconds=services.settings.heartbeat_stale_seconds,
    )
    return json_response(200, body)


@app.get("/agent-status")
@tracer.capture_method
def handle_agent_status(room: RoomQuery) -> Response[AgentStatusResponse]:
    return _status(room)


@app.get("/agent-status/<roomName>")
@tracer.capture_method
def handle_agent_status_by_path(roomName: RoomPath) -> Response[AgentStatusResponse]:
    return _status(roomName)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
