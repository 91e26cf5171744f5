"""What every HTTP handler shares: the resolver, CORS, bearer auth, body size cap and error bodies.

Errors always have the shape the frontend reads (`detail`) plus a structured `error`; they never carry
a stack trace, a submitted value or a secret.
"""

from __future__ import annotations

import base64
import hmac
import os
from collections.abc import Callable, Mapping
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from interview_common import wiring
from interview_common.aws_clients import is_retriable
from interview_common.browser_access import BrowserCaller, looks_like_token, verify_candidate_token
from interview_common.credentials import backend_api_key, livekit_key_pair
from interview_common.errors import DomainError, PayloadTooLarge, Unauthorized
from interview_common.models.api import ErrorDetail, ErrorResponse
from interview_common.observability import logger

AUTHENTICATED_CONTEXT_KEY = "authenticated"
BROWSER_CALLER_CONTEXT_KEY = "browser_caller"
RETRY_AFTER_SECONDS = 2
# Larger bodies some of the seed's routes send (its whole candidate record, prompt templates included).
LARGE_BODY_BYTES = 64 * 1024

Middleware = Callable[[APIGatewayHttpResolver, NextMiddleware], Response]


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = ErrorResponse(detail=message, error=ErrorDetail(code=code, message=message, details=details or []))
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(),
        headers=headers,
    )


def json_response[M: BaseModel](status_code: int, model: M) -> Response[M]:
    """The route's model with a status code; Powertools validates and serialises it (by alias)."""
    return Response(status_code=status_code, content_type=content_types.APPLICATION_JSON, body=model)


def _validation_details(errors: Any) -> tuple[bool, list[dict[str, Any]]]:
    """Field errors without the submitted values (they may hold credentials)."""
    bad_json = False
    details = []
    for error in errors:
        if error.get("type") == "json_invalid":
            bad_json = True
        location = [str(part) for part in error.get("loc", ())]
        details.append(
            {
                "field": ".".join(location),
                "message": str(error.get("msg", "invalid")),
                "type": error.get("type"),
            }
        )
    return bad_json, details


def _cors() -> CORSConfig:
    origins = [
        origin.strip() for origin in os.environ.get("ALLOWED_ORIGINS", "").split(",") if origin.strip()
    ]
    first, extra = (origins[0], origins[1:]) if origins else ("http://localhost:3000", [])
    return CORSConfig(
        allow_origin=first,
        extra_origins=extra,
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )


def _require_body_cap(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response:
    _check_body_size(app, wiring.settings().max_body_bytes)
    return next_middleware(app)


def _check_body_size(app: APIGatewayHttpResolver, limit: int) -> None:
    # Bytes, not characters, and after base64 decoding: the cap is on what the caller sent. Not
    # decoded as UTF-8 here: a body that is not text is the route's to refuse (400), not a crash (500).
    event = app.current_event
    body = event.body or ""
    size = len(base64.b64decode(body)) if event.is_base64_encoded else len(body.encode())
    if size > limit:
        raise PayloadTooLarge(f"the request body must be at most {limit} bytes")


def _route_body_caps(caps: Mapping[str, int], default: int | None = None) -> Middleware:
    """The body cap, raised for the paths in `caps`, or for every path to `default` (never below the
    general MAX_BODY_BYTES)."""

    def _require_route_body_cap(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response:
        general = wiring.settings().max_body_bytes
        _check_body_size(app, max(caps.get(app.current_event.path, default or general), general))
        return next_middleware(app)

    return _require_route_body_cap


def _bearer(app: APIGatewayHttpResolver) -> str | None:
    header = app.current_event.headers.get("authorization") or app.current_event.headers.get("Authorization")
    if not header:
        return None
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <BACKEND_API_KEY>'")
    return credential.strip()


def _is_valid_key(presented: str) -> bool:
    expected = backend_api_key(wiring.settings())
    return hmac.compare_digest(presented.encode(), expected.encode())


def _is_preflight(app: APIGatewayHttpResolver) -> bool:
    """A CORS preflight carries no credentials by design; the resolver answers it with the CORS headers."""
    return app.current_event.http_method.upper() == "OPTIONS"


def _authenticate(app: APIGatewayHttpResolver, *, browser: bool, anonymous: bool) -> None:
    """Who is calling: the backend (its API key), a candidate's browser (its LiveKit token, on the routes
    that allow it when BROWSER_ACCESS is on), or nobody (status routes, when ALLOW_ANONYMOUS_STATUS is on).
    Anything else is a 401."""
    settings = wiring.settings()
    presented = _bearer(app)
    if presented is None:
        if anonymous and settings.allow_anonymous_status:
            app.append_context(**{AUTHENTICATED_CONTEXT_KEY: False, BROWSER_CALLER_CONTEXT_KEY: None})
            return
        raise Unauthorized("a valid bearer token is required")
    if _is_valid_key(presented):
        app.append_context(**{AUTHENTICATED_CONTEXT_KEY: True, BROWSER_CALLER_CONTEXT_KEY: None})
        return
    if browser and settings.browser_access and looks_like_token(presented):
        caller = verify_candidate_token(presented, livekit_key_pair(settings))
        app.append_context(**{AUTHENTICATED_CONTEXT_KEY: False, BROWSER_CALLER_CONTEXT_KEY: caller})
        return
    raise Unauthorized("a valid bearer token is required")


def _auth(*, browser: bool, anonymous: bool) -> Middleware:
    def _require_auth(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response:
        if not _is_preflight(app):
            _authenticate(app, browser=browser, anonymous=anonymous)
        return next_middleware(app)

    return _require_auth


# The backend's key on every route; the routes below add what their callers may also present.
require_api_key = _auth(browser=False, anonymous=False)
# Status routes: anonymous callers are let in when the deployment allows it (they see less).
api_key_unless_public_status = _auth(browser=False, anonymous=True)


def is_authenticated(app: APIGatewayHttpResolver) -> bool:
    """Whether the backend itself is calling (its API key): only it sees names, emails and metadata."""
    return bool(app.context.get(AUTHENTICATED_CONTEXT_KEY, False))


def browser_caller(app: APIGatewayHttpResolver) -> BrowserCaller | None:
    """The candidate's browser calling with its LiveKit token, if that is who calls."""
    caller = app.context.get(BROWSER_CALLER_CONTEXT_KEY)
    return caller if isinstance(caller, BrowserCaller) else None


def require_room_access(app: APIGatewayHttpResolver, room_name: str) -> None:
    """A browser caller may only ask about the room its token is for (401 otherwise)."""
    caller = browser_caller(app)
    if caller is not None:
        caller.require_room(room_name)


def build_resolver(
    *,
    authenticate: bool = True,
    public_status: bool = False,
    body_caps: Mapping[str, int] | None = None,
    body_cap: int | None = None,
    browser_access: bool = False,
) -> APIGatewayHttpResolver:
    """A resolver with validation, CORS, the body cap, auth and the error mapping every route shares.

    `browser_access`: the routes also take a candidate's LiveKit token when the deployment's
    BROWSER_ACCESS is on (browser_access.py); each such route checks the token's room with
    `require_room_access` (and its identity where it names one).

    `body_caps` raises the body cap for some paths (bytes by path), `body_cap` for every route of the
    resolver (paths with parameters), for routes whose callers legitimately send more than MAX_BODY_BYTES.
    """
    app = APIGatewayHttpResolver(cors=_cors(), enable_validation=True, strip_prefixes=None)
    middlewares: list[Middleware] = [
        _route_body_caps(body_caps or {}, body_cap) if body_caps or body_cap else _require_body_cap
    ]
    if public_status or browser_access:
        middlewares.append(_auth(browser=browser_access, anonymous=public_status))
    elif authenticate:
        middlewares.append(require_api_key)
    app.use(middlewares=middlewares)

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response:
        if error.status_code >= 500:
            logger.warning("request refused", extra={"code": error.code, "reason": error.message})
        # A 503 (launch failed, LiveKit or a secret unavailable) is worth retrying: say when.
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)} if error.status_code == 503 else None
        return error_response(error.status_code, error.code, error.message, error.details, headers=retry)

    def _refused_by_checks() -> Response | None:
        """The 413/401 answer when the request fails the middlewares' checks (validation ran first)."""
        try:
            for middleware in middlewares:
                middleware(app, cast(NextMiddleware, _checks_only))
        except DomainError as refused:
            return _domain_error(refused)
        return None

    @app.exception_handler(RequestValidationError)
    def _validation_error(error: RequestValidationError) -> Response:
        # Powertools validates the request before any middleware runs: an oversized or unauthenticated
        # request is refused as such (413, 401) before anything is said about its content.
        refused = _refused_by_checks()
        if refused is not None:
            return refused
        bad_json, details = _validation_details(error.errors())
        if bad_json:
            return error_response(400, "bad_json", "the request body is not valid JSON")
        return error_response(
            422, "validation_error", "the request is not valid: " + _summary(details), details
        )

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported_content_type(_: RequestUnsupportedContentType) -> Response:
        # A body sent as text/plain, XML, ...: refused for what it is (after the same 413/401 checks).
        refused = _refused_by_checks()
        return refused or error_response(
            415, "unsupported_media_type", "the request body must be sent as application/json"
        )

    @app.exception_handler(UnicodeDecodeError)
    def _not_utf8(_: UnicodeDecodeError) -> Response:
        # Powertools decodes a base64 body as UTF-8 before validating it: non-UTF-8 bytes are bad JSON.
        refused = _refused_by_checks()
        return refused or error_response(400, "bad_json", "the request body is not valid UTF-8 JSON")

    @app.not_found
    def _not_found(_: NotFoundError) -> Response:
        return error_response(404, "route_not_found", "no such route")

    @app.exception_handler(ClientError)
    @app.exception_handler(BotoCoreError)
    def _aws_error(error: Exception) -> Response:
        # DynamoDB, ECS or Secrets Manager still throttled or unreachable after botocore's retries: a 503
        # the client (or LiveKit, for a webhook) retries. Anything else from AWS is our bug: a 500.
        if not is_retriable(error):
            return _unexpected(error)
        reason = error.response.get("Error", {}).get("Code") if isinstance(error, ClientError) else None
        logger.warning("AWS is busy or unreachable", extra={"reason": reason or type(error).__name__})
        return error_response(
            503,
            "service_unavailable",
            "the service is busy right now; retry shortly",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unexpected error")
        return error_response(500, "internal_error", "an internal error occurred; it has been logged")

    return app


def _checks_only(app: APIGatewayHttpResolver) -> Response:
    """The end of a middleware chain run only for its checks (the request is refused either way)."""
    return Response(status_code=204)


def _summary(details: list[dict[str, Any]]) -> str:
    return "; ".join(f"{detail['field']}: {detail['message']}" for detail in details[:5])
