"""boto3 clients built once per process (reused across warm invocations), honouring AWS_ENDPOINT_URL."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

# Short timeouts: an API Gateway request has 30 s in all, and a retry is better than a hang.
_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})


# Building a client on boto3's default session is not thread-safe (boto/boto3#1592); using one is. Lambda
# never builds two at once, but the local stack and the concurrency tests serve requests from threads.
_building = threading.Lock()


@cache
def client(service: str) -> Any:
    with _building:
        return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]


def new_client(
    service: str,
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
) -> Any:
    """A client of its own session, not the process's: for who builds its own Services (the local stack,
    pointed at its moto server), whatever the process environment says. Same timeouts and retries."""
    session = boto3.session.Session(
        aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=region
    )
    return session.client(service, endpoint_url=endpoint_url, config=_CONFIG)  # type: ignore[call-overload]


# Error codes that mean "AWS is busy or briefly broken", after botocore's own retries: the caller may retry.
RETRIABLE_ERROR_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "LimitExceededException",
        "TransactionConflictException",
        "InternalServerError",
        "InternalFailure",
        "InternalServiceError",
        "ServiceUnavailable",
        "ServerException",
    }
)


def is_retriable(error: Exception) -> bool:
    """Whether an AWS call failed in a way a later retry may not: throttling, a 5xx, a timeout, no network."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        return code in RETRIABLE_ERROR_CODES or status >= 500
    return isinstance(error, BotoCoreError)  # connection errors, read timeouts, ...
