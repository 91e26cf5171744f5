"""Fault injection: AWS calls failing the way AWS fails them, and a LiveKit server that errs or never answers.

AwsFaults hooks botocore's `before-send` event of one client: a matching request never leaves the process
and gets the HTTP answer AWS would give (a throttling 400, a 5xx, a body with `failures[]`) or a read
timeout. Everything above that is real: botocore's retry policy runs (its backoff is set to zero by the
suite's fixture), then the code under test sees what it would see after AWS's last refusal.

LiveKitFaults puts a middleware in front of the Twirp fake: chosen RoomService methods answer a Twirp error
(5xx internal/unavailable, 404 not_found). silent_server() accepts connections and never answers, for
timeouts.
"""

from __future__ import annotations

import io
import json
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ReadTimeoutError


class _RawBody(io.BytesIO):
    """The `raw` botocore reads an HTTP body from."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


@dataclass
class _Rule:
    operation: str
    status: int
    body: dict[str, Any] | None  # None: a read timeout instead of an answer
    times: int | None  # None: every time
    matching: Callable[[str], bool] | None

    def applies(self, operation: str, request_body: str) -> bool:
        if operation != self.operation or self.times == 0:
            return False
        return self.matching is None or self.matching(request_body)


@dataclass
class AwsFaults:
    """Faults for one boto3 client; `attempts` counts every request botocore sent, per operation."""

    client: Any
    attempts: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    _rules: list[_Rule] = field(default_factory=list)

    def __post_init__(self) -> None:
        service = self.client.meta.service_model.service_id.hyphenize()
        self.client.meta.events.register_first(f"before-send.{service}", self._before_send)

    def fail(
        self,
        operation: str,
        code: str,
        *,
        status: int = 400,
        times: int | None = None,
        matching: Callable[[str], bool] | None = None,
    ) -> None:
        """Answer `operation` with AWS's JSON error `code` (e.g. a throttling 400, a 500)."""
        body = {"__type": code, "message": f"injected {code}"}
        self._rules.append(_Rule(operation, status, body, times, matching))

    def answer(self, operation: str, body: dict[str, Any], *, times: int | None = None) -> None:
        """Answer `operation` with a 200 and this body (e.g. RunTask's `failures[]`)."""
        self._rules.append(_Rule(operation, 200, body, times, None))

    def time_out(self, operation: str, *, times: int | None = None) -> None:
        self._rules.append(_Rule(operation, 0, None, times, None))

    def heal(self) -> None:
        self._rules.clear()

    def _before_send(self, request: AWSPreparedRequest, event_name: str, **_: Any) -> AWSResponse | None:
        operation = event_name.rsplit(".", 1)[-1]
        self.attempts[operation] += 1
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body or "")
        rule = next((rule for rule in self._rules if rule.applies(operation, body)), None)
        if rule is None:
            return None  # on to moto, as if AWS answered
        if rule.times is not None:
            rule.times -= 1
        self.injected[operation] += 1
        # botocore calls every before-send handler and uses the first answer: point the request somewhere
        # moto does not serve, so that the refused request is not also carried out behind our answer.
        request.url = "http://fault-injected.invalid/"
        if rule.body is None:
            raise ReadTimeoutError(endpoint_url=request.url)
        payload = json.dumps(rule.body).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected"}
        return AWSResponse(request.url, rule.status, headers, _RawBody(payload))


# -- LiveKit ------------------------------------------------------------------------------------------

TWIRP_STATUS = {"internal": 500, "unavailable": 503, "not_found": 404, "resource_exhausted": 429}


@dataclass
class LiveKitFaults:
    """Twirp errors for chosen RoomService methods, ahead of the fake's real handlers."""

    failing: dict[str, str] = field(default_factory=dict)  # method -> Twirp code
    refused: Counter[str] = field(default_factory=Counter)

    def fail(self, method: str, code: str) -> None:
        self.failing[method] = code

    def heal(self) -> None:
        self.failing.clear()

    def install(self, app: web.Application) -> None:
        @web.middleware
        async def inject(request: web.Request, handler: Any) -> web.StreamResponse:
            method = request.path.rsplit("/", 1)[-1]
            code = self.failing.get(method)
            if code is None:
                return await handler(request)
            self.refused[method] += 1
            return web.json_response({"code": code, "msg": f"injected {code}"}, status=TWIRP_STATUS[code])

        app.middlewares.append(inject)


@contextmanager
def silent_server() -> Iterator[str]:
    """A ws:// URL whose server accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"ws://127.0.0.1:{listener.getsockname()[1]}"
