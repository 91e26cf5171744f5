"""Use case: say the API is up (GET /health), for the seed's reachability checks.

Public and cheap by design: no credentials, no DynamoDB, no secret read, nothing about the deployment.
"""

from __future__ import annotations

from interview_common.models.api import HealthResponse

SERVICE = "live-interview"


def health() -> HealthResponse:
    return HealthResponse(service=SERVICE)
