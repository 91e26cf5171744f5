"""POST /livekit/webhook: LiveKit's signed webhooks keep each interview's participants and state true.

No bearer auth: LiveKit signs each request instead (Authorization holds a JWT whose sha256 claim covers
the body). The route declares no body model on purpose: LiveKit sends `application/webhook+json`, which
Powertools' validation would refuse, and the signature must be checked over the exact raw body anyway.
Neither the Authorization header nor the body is ever logged (log_event stays off).
"""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import snapstart, wiring
from interview_common.http_api import build_resolver, json_response
from interview_common.logic.webhooks import WebhookPorts, handle_event, receive, request_body
from interview_common.models.webhook import WebhookAck
from interview_common.observability import logger, metrics, tracer

app = build_resolver(authenticate=False)

# SnapStart: the snapshot holds what this function's first request would import (interview_common.snapstart).
snapstart.prepare(imports=("livekit.api", "google.protobuf.json_format"))


@app.post("/livekit/webhook")
@tracer.capture_method
def handle_livekit_webhook() -> Response[WebhookAck]:
    services = wiring.services()
    request = app.current_event
    body = request_body(request.body, bool(request.is_base64_encoded))
    event = receive(body, request.headers.get("authorization"), services.livekit_keys())
    ports = WebhookPorts(store=services.store, participants=services.participants, launcher=services.launcher)
    return json_response(200, handle_event(event, ports))


# clear_state: the room and interview keys a webhook appends must not label the next one's lines.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
