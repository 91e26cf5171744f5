"""Answers that hold the hiring team's data (profiles, candidates' names and levels): never kept by a
browser or proxy cache (`Cache-Control: no-store`), like the review page's own calls ask."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

NO_STORE = {"Cache-Control": "no-store"}


def private_json_response[M: BaseModel](status_code: int, model: M) -> Response[M]:
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=model,
        headers=dict(NO_STORE),
    )
