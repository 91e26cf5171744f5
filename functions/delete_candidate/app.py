"""DELETE /candidates/{candidateId}: erase every interview of a candidate and say what was removed."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import build_resolver, json_response
from interview_common.logic.delete_candidate import delete_candidate
from interview_common.models.erasure import DeleteCandidateResponse
from interview_common.models.identifiers import MAX_CANDIDATE_PATH_CHARS, candidate_id_from_path
from interview_common.observability import logger, metrics, tracer

app = build_resolver()

CandidatePath = Annotated[str, Path(min_length=1, max_length=MAX_CANDIDATE_PATH_CHARS)]


@app.delete("/candidates/<candidateId>")
@tracer.capture_method
def handle_delete_candidate(candidateId: CandidatePath) -> Response[DeleteCandidateResponse]:
    records = wiring.services().candidate_records
    return json_response(200, delete_candidate(candidate_id_from_path(candidateId), records=records))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
