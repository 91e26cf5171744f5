"""GET /interviews/{roomName} (the whole record) and GET /interviews/{roomName}/report.html (the report
for a person to read). One strongly consistent Query of the room's partition; bearer auth."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common import wiring
from interview_common.http_api import build_resolver, json_response
from interview_common.logic.interview_record import interview_record
from interview_common.models.identifiers import ROOM_NAME_PATTERN
from interview_common.models.record import InterviewRecordResponse
from interview_common.observability import logger, metrics, tracer
from report_page import render_report_html  # shipped beside this handler, with its template

app = build_resolver()

RoomPath = Annotated[str, Path(pattern=ROOM_NAME_PATTERN, max_length=128)]
# The page holds a candidate's answers: never cached, never framed, no script or remote resource runs.
HTML_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


@app.get("/interviews/<roomName>")
@tracer.capture_method
def handle_interview_record(roomName: RoomPath) -> Response[InterviewRecordResponse]:
    services = wiring.services()
    record = interview_record(
        services.room_records, roomName, public_api_url=services.settings.public_api_url
    )
    return json_response(200, record)


@app.get("/interviews/<roomName>/report.html")
@tracer.capture_method
def handle_report_html(roomName: RoomPath) -> Response[str]:
    services = wiring.services()
    page = render_report_html(
        interview_record(services.room_records, roomName, public_api_url=services.settings.public_api_url)
    )
    return Response(status_code=200, content_type="text/html; charset=utf-8", body=page, headers=HTML_HEADERS)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
