"""Domain errors; the HTTP layer maps each one to a status code in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadRequest(DomainError):
    status_code = 400
    code = "bad_request"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidInput(DomainError):
    """A value the request models could not check (e.g. a percent-encoded path segment), refused as 422."""

    status_code = 422
    code = "validation_error"


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"


class LaunchFailed(DomainError):
    """The agent could not be started; the client may retry the same call."""

    status_code = 503
    code = "launch_failed"


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "service_unavailable"


class TransitionRejected(Exception):
    """A state change that would move an interview backwards (or is stale) was refused."""


class StorageUnavailable(ServiceUnavailable):
    """DynamoDB refused or failed a read or write after boto3's retries; raised by the repositories
    (interview_common.dal) in place of botocore's errors, so the use cases never see botocore."""

    def __init__(self, message: str, aws_code: str | None = None) -> None:
        super().__init__(message)
        self.aws_code = aws_code
