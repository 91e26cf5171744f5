"""POST /jobs/{jobId}/profile/draft (bearer): a proposed profile from a job description, for a person to
edit and PUT (the OpenAI brain's when a key is configured, else the offline brain's). Saves nothing and
reads no table."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common.http_api import build_resolver
from interview_common.logic.job_profile_draft import draft_profile
from interview_common.models.identifiers import IDENTIFIER_PATTERN
from interview_common.models.job_profile_api import MAX_PROFILE_BODY_BYTES, DraftRequest, DraftResponse
from interview_common.observability import logger, metrics, tracer
from interview_common.openai_draft_writer import configured_writer
from interview_common.private_response import private_json_response

app = build_resolver(body_cap=MAX_PROFILE_BODY_BYTES)

JobPath = Annotated[str, Path(pattern=IDENTIFIER_PATTERN, max_length=128)]


@app.post("/jobs/<jobId>/profile/draft")
@tracer.capture_method
def handle_draft(jobId: JobPath, request: DraftRequest) -> Response[DraftResponse]:
    return private_json_response(200, draft_profile(jobId, request, writer=configured_writer()))


# Never log_event=True: the description is the hiring team's text.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
