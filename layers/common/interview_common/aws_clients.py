"""boto3 clients built once per process (reused across warm invocations), honouring AWS_ENDPOINT_URL."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

# Short timeouts: an API Gateway request has 30 s in all, and a retry is better than a hang.
_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})


@lru_cache(maxsize=None)
def client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)  # type: ignore[call-overload]
