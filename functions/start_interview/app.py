"""POST /start-interview: record the interview, create the room, launch the agent (idempotent per room).

POST /agent/join is the same use case under the name the seed's agent-join route calls; its body carries
start-interview's fields among many others (job, prompt template, ...), which are ignored, so it may be
larger than the general body cap.
"""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import snapstart, wiring
from interview_common.agent_pool import with_warm_pool
from interview_common.http_api import LARGE_BODY_BYTES, build_resolver, json_response
from interview_common.logic.start_interview import start_interview
from interview_common.models.api import StartInterviewRequest, StartInterviewResponse
from interview_common.observability import logger, metrics, tracer
from interview_common.room_protocol import AGENT_DISPLAY_NAME

app = build_resolver(body_caps={"/agent/join": LARGE_BODY_BYTES})

# SnapStart: the snapshot holds what this function's first request would import (interview_common.snapstart).
snapstart.prepare(imports=("livekit.api", "interview_common.launcher.ecs"))


@app.post("/start-interview")
@app.post("/agent/join")
@tracer.capture_method
def handle_start_interview(request: StartInterviewRequest) -> Response[StartInterviewResponse]:
    services = wiring.services()
    settings = services.settings
    outcome = start_interview(
        request,
        settings=settings,
        store=services.store,
        # Every start launches: no launcher configured is a 503 before anything is recorded.
        # AGENT_POOL_SIZE > 0: an idle warm-pool task first, this launcher when none takes it.
        launcher=with_warm_pool(services.ready_launcher(), settings, services.dynamodb),
        keys=services.livekit_keys(),
        profiles=services.profiles,
    )
    interview = outcome.interview
    body = StartInterviewResponse(
        interview_id=interview.interview_id,
        room_name=interview.room_name,
        state=interview.state.value,
        candidate_id=interview.candidate_id,
        job_id=interview.job_id,
        candidate_identity=interview.candidate_identity,
        agent_identity=interview.agent_identity,
        agent_name=AGENT_DISPLAY_NAME,
        token=outcome.candidate_token,
        url=settings.livekit_url,
        status_url=f"/agent-status?room={interview.room_name}",
        created=outcome.created,
    )
    return json_response(202 if outcome.created else 200, body)


# Never log_event=True: the seed's frontend sends LiveKit credentials in this body.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
