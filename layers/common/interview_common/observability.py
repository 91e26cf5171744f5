"""The one Logger, Tracer and Metrics every module imports (service name from POWERTOOLS_SERVICE_NAME).

The Tracer is built at the first traced call, not at import: building Powertools' Tracer imports the X-Ray
SDK and patches botocore, which costs a cold start about as much as importing boto3 again (bench/
bench_cold_import.py measures it), and most processes that import this module never trace (the agent, the
local stack, the tests). With SnapStart it is built before the snapshot instead (interview_common.snapstart).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools import Logger, Metrics

from interview_common.pseudonyms import PseudonymisingFormatter

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

F = TypeVar("F", bound=Callable[..., Any])


class DeferredTracer:
    """Powertools' Tracer with its decorators, built on the first call of a decorated function."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._tracer: Tracer | None = None
        self._building = threading.Lock()

    @property
    def built(self) -> bool:
        return self._tracer is not None

    def get(self) -> Tracer:
        """The Tracer, built now if it was not yet (thread-safe: the local stack serves from threads)."""
        if self._tracer is None:
            with self._building:
                if self._tracer is None:
                    from aws_lambda_powertools import Tracer

                    self._tracer = Tracer(**self._options)
        return self._tracer

    def capture_lambda_handler(self, handler: F) -> F:
        return self._deferred(handler, lambda tracer: tracer.capture_lambda_handler(handler))

    def capture_method(self, method: F) -> F:
        return self._deferred(method, lambda tracer: tracer.capture_method(method))

    def _deferred(self, function: F, decorate: Callable[[Tracer], Callable[..., Any]]) -> F:
        traced: list[Callable[..., Any]] = []

        @functools.wraps(function)  # keeps the signature the resolver validates parameters by
        def call(*args: Any, **kwargs: Any) -> Any:
            if not traced:
                traced.append(decorate(self.get()))
            return traced[0](*args, **kwargs)

        return call  # type: ignore[return-value]


# Every email in a log line (a candidate id, an identity, an exception's text) becomes its pseudonym.
logger = Logger(logger_formatter=PseudonymisingFormatter())
# Patch only what the Lambdas call (the AWS SDK): patching everything imports every supported HTTP and
# database client that happens to be installed (httpx, requests, sqlite3, ...) at each cold start.
tracer = DeferredTracer(patch_modules=["botocore"])
metrics = Metrics(namespace="LiveInterview")
