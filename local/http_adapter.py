"""The local HTTP API: each request becomes the API Gateway HTTP API (v2) event the deployed API would send,
and goes to the same Lambda handler, in-process.

Routes come from template.yaml's `HttpApi` events, so a route exists locally exactly when it is deployed,
and no route is implemented twice. Like Lambda, each function handles one request at a time.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from aiohttp import web
from interview_common.pseudonyms import scrub_text

from local.apigw_events import LocalLambdaContext, http_api_event
from local.execution_environments import EnvironmentPool
from local.handlers import load_handler_module
from local.template_resources import load_template

log = logging.getLogger("local.http")

# API Gateway's own limit is 10 MB; the handlers cap bodies far lower and answer 413 themselves.
MAX_REQUEST_BYTES = 1024 * 1024
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript", "+json", "+xml")
_PARAM = re.compile(r"\{([A-Za-z0-9_]+)(\+?)\}")


@dataclass(frozen=True)
class Route:
    """One `HttpApi` event of one function in template.yaml."""

    method: str
    path: str
    function_dir: str
    pattern: re.Pattern[str]

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def specificity(self) -> tuple[int, int]:
        # API Gateway prefers literal segments over parameters, and greedy parameters last.
        return (self.path.count("+}"), self.path.count("{"))

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None


def _compile(path: str) -> re.Pattern[str]:
    regex, position = "", 0
    for param in _PARAM.finditer(path):
        regex += re.escape(path[position : param.start()])
        regex += f"(?P<{param.group(1)}>.+)" if param.group(2) else f"(?P<{param.group(1)}>[^/]+)"
        position = param.end()
    return re.compile(regex + re.escape(path[position:]))


def routes_from_template(template: dict[str, Any] | None = None) -> list[Route]:
    """Every HttpApi route of every function, most specific first."""
    resources = (template or load_template())["Resources"]
    routes = []
    for resource in resources.values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource.get("Properties", {})
        function_dir = PurePosixPath(str(properties.get("CodeUri", ""))).name
        for event in properties.get("Events", {}).values():
            if event.get("Type") != "HttpApi":
                continue
            path, method = str(event["Properties"]["Path"]), str(event["Properties"]["Method"]).upper()
            routes.append(Route(method=method, path=path, function_dir=function_dir, pattern=_compile(path)))
    return sorted(routes, key=lambda route: route.specificity)


def function_for_event(
    event_pattern: Callable[[dict[str, Any]], bool], template: dict[str, Any] | None = None
) -> str | None:
    """The function directory of the first function with a non-HTTP event the predicate accepts."""
    for resource in (template or load_template())["Resources"].values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource.get("Properties", {})
        for event in properties.get("Events", {}).values():
            if event.get("Type") != "HttpApi" and event_pattern(dict(event)):
                return PurePosixPath(str(properties.get("CodeUri", ""))).name
    return None


class LambdaInvoker:
    """Calls `functions/<dir>/app.lambda_handler`, one invocation at a time per execution environment.

    In-process by default, behind one lock for all functions: Powertools keeps per-process state (the
    resolver's current event, the metrics buffer) that a Lambda container never shares between concurrent
    requests. The functions in `environments` (function dir -> most environments) are served instead by
    worker processes that scale with concurrent requests, as Lambda scales a function
    (local/execution_environments.py).
    """

    def __init__(self, environments: Mapping[str, int] | None = None) -> None:
        self._lock = threading.Lock()
        self._pools = {name: EnvironmentPool(name, limit) for name, limit in (environments or {}).items()}

    def invoke(self, function_dir: str, event: dict[str, Any]) -> dict[str, Any]:
        pool = self._pools.get(function_dir)
        if pool is not None:
            return pool.invoke(event)
        module = load_handler_module(function_dir)
        with self._lock:
            result = module.lambda_handler(event, LocalLambdaContext(function_dir))
        return dict(result)

    def environments_started(self, function_dir: str) -> int:
        """How many worker environments a pooled function has started (0 for in-process ones)."""
        pool = self._pools.get(function_dir)
        return pool.started if pool is not None else 0

    def prewarm(self) -> None:
        """Start one environment of each pooled function (once the functions' environment is set)."""
        for pool in self._pools.values():
            pool.prewarm()

    def stop(self) -> None:
        for pool in self._pools.values():
            pool.stop()


def _is_text(content_type: str) -> bool:
    lowered = content_type.lower()
    return any(marker in lowered for marker in _TEXT_TYPES)


def _event_body(raw: bytes, content_type: str) -> str | bytes | None:
    if not raw:
        return None
    if _is_text(content_type):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw
    return raw


def _not_found() -> web.Response:
    body = {
        "status": "error",
        "success": False,
        "detail": "no such route",
        "error": {"code": "route_not_found", "message": "no such route", "details": []},
    }
    return web.json_response(body, status=404)


def _web_response(result: dict[str, Any]) -> web.Response:
    status = int(result.get("statusCode", 200))
    headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers[str(key)] = ",".join(str(v) for v in values)
    for hop in ("content-length", "transfer-encoding", "connection"):
        for key in [k for k in headers if k.lower() == hop]:
            headers.pop(key)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    response = web.Response(status=status, body=body, headers=headers)
    for cookie in result.get("cookies") or []:
        response.headers.add("Set-Cookie", str(cookie))
    return response


def build_http_app(
    invoker: LambdaInvoker | None = None, routes: list[Route] | None = None
) -> web.Application:
    """The aiohttp application serving every template route through its Lambda handler."""
    known_routes = routes if routes is not None else routes_from_template()
    lambda_invoker = invoker or LambdaInvoker()

    def resolve(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in known_routes:
            if route.method in (method, "ANY"):
                params = route.match(path)
                if params is not None:
                    return route, params
        if method == "OPTIONS":  # preflight: the handler of any route on this path answers it (CORS)
            for route in known_routes:
                params = route.match(path)
                if params is not None:
                    return route, params
        return None

    async def handle(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        found = resolve(request.method, request.path)
        if found is None:
            log.info("%s %s -> 404 (no route)", request.method, scrub_text(request.path))
            return _not_found()
        route, params = found
        raw = await request.read()
        headers: dict[str, str] = {}
        for key, value in request.headers.items():  # repeated headers are joined, as API Gateway does
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        query: dict[str, str] = {}
        for key, value in request.query.items():
            query[key] = f"{query[key]},{value}" if key in query else value
        event = http_api_event(
            request.method,
            request.path,
            body=_event_body(raw, request.headers.get("Content-Type", "")),
            headers=headers,
            query=query or None,
            path_parameters=params or None,
            route_key=route.route_key if request.method == route.method else f"{request.method} {route.path}",
            source_ip=request.remote or "127.0.0.1",
        )
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(None, lambda_invoker.invoke, route.function_dir, event)
        except Exception:  # a handler that raises is a 500 from API Gateway, never a stack trace
            log.exception("%s %s: the handler raised", request.method, scrub_text(request.path))
            return web.json_response({"message": "Internal Server Error"}, status=500)
        response = _web_response(result)
        elapsed = (time.perf_counter() - started) * 1000
        # A path may hold a candidate id that is an email: logged as its pseudonym.
        log.info("%s %s -> %s (%.0f ms)", request.method, scrub_text(request.path), response.status, elapsed)
        return response

    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app
