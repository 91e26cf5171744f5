"""A job's interview profile (bearer): PUT saves a new version, GET reads it (the built-in default, marked
so, when the job has none), GET .../versions lists the versions, DELETE retires it."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.dal.job_profiles import JobProfileRepository
from interview_common.http_api import build_resolver
from interview_common.logic.job_profile import (
    list_versions,
    parse_profile_body,
    read_profile,
    retire_profile,
    save_profile,
)
from interview_common.models.identifiers import IDENTIFIER_PATTERN
from interview_common.models.job_profile_api import (
    MAX_PROFILE_BODY_BYTES,
    ProfileResponse,
    ProfileVersionsResponse,
)
from interview_common.observability import logger, metrics, tracer
from interview_common.private_response import private_json_response

app = build_resolver(body_cap=MAX_PROFILE_BODY_BYTES)

JobPath = Annotated[str, Path(pattern=IDENTIFIER_PATTERN, max_length=128)]


def _profiles() -> JobProfileRepository:
    return wiring.services().profiles


@app.put("/jobs/<jobId>/profile")
@tracer.capture_method
def handle_put_profile(jobId: JobPath) -> Response[ProfileResponse]:
    request = parse_profile_body(app.current_event.decoded_body, jobId)
    return private_json_response(200, save_profile(jobId, request, profiles=_profiles()))


@app.get("/jobs/<jobId>/profile")
@tracer.capture_method
def handle_get_profile(
    jobId: JobPath, version: Annotated[int | None, Query(ge=1, le=999_999)] = None
) -> Response[ProfileResponse]:
    return private_json_response(200, read_profile(jobId, profiles=_profiles(), version=version))


@app.get("/jobs/<jobId>/profile/versions")
@tracer.capture_method
def handle_list_versions(
    jobId: JobPath, cursor: Annotated[str | None, Query(max_length=200)] = None
) -> Response[ProfileVersionsResponse]:
    return private_json_response(200, list_versions(jobId, profiles=_profiles(), cursor=cursor))


@app.delete("/jobs/<jobId>/profile")
@tracer.capture_method
def handle_retire_profile(jobId: JobPath) -> Response[ProfileResponse]:
    return private_json_response(200, retire_profile(jobId, profiles=_profiles()))


# Never log_event=True: the body is the hiring team's questions and rubric.
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
