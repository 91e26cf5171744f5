"""GET /review and GET /review/{asset}: the hiring team's review page, a small static web app.

The page holds no key and reads nothing: the person enters the backend key once (kept in the tab's
sessionStorage) and the page calls the API from the same origin with it as the Bearer header. Headers:
a strict CSP (scripts, styles and calls from this origin only; no inline script or style; never framed),
nosniff, no referrer; the page itself is revalidated on every load (ETag), and the assets it names with
their content hash are cached for a year (a new deploy names new hashes).
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from interview_common.http_api import build_resolver, error_response
from interview_common.observability import logger, metrics, tracer

STATIC = Path(__file__).resolve().parent / "static"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
PAGE_CACHE = "no-cache"  # always revalidated (ETag): a deploy shows at once
VERSIONED_ASSET_CACHE = "public, max-age=31536000, immutable"
ASSET_VERSION_MARK = "{{asset_version}}"


@dataclass(frozen=True)
class StaticFile:
    body: str
    content_type: str
    etag: str


def _load() -> tuple[dict[str, StaticFile], str]:
    files: dict[str, StaticFile] = {}
    assets = sorted(
        p for p in STATIC.iterdir() if p.is_file() and p.suffix in CONTENT_TYPES and p.name != "index.html"
    )
    digest = hashlib.sha256()
    for path in assets:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    version = digest.hexdigest()[:16]
    for path in [*assets, STATIC / "index.html"]:
        body = path.read_text(encoding="utf-8").replace(ASSET_VERSION_MARK, version)
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
        files[path.name] = StaticFile(body=body, content_type=CONTENT_TYPES[path.suffix], etag=etag)
    return files, version


FILES, ASSET_VERSION = _load()  # read once per cold start

app = build_resolver(authenticate=False)


def _serve(name: str) -> Response[str]:
    static = FILES.get(name)
    if static is None:
        return error_response(404, "not_found", "no such file on the review page")
    versioned = name != "index.html" and app.current_event.get_query_string_value("v") == ASSET_VERSION
    headers = {
        **SECURITY_HEADERS,
        "ETag": static.etag,
        "Cache-Control": VERSIONED_ASSET_CACHE if versioned else PAGE_CACHE,
    }
    if app.current_event.headers.get("if-none-match") == static.etag:
        return Response(status_code=304, headers=headers, body="")
    return Response(status_code=200, content_type=static.content_type, body=static.body, headers=headers)


@app.get("/review")
@tracer.capture_method
def handle_review_page() -> Response[str]:
    return _serve("index.html")


@app.get("/review/<asset>")
@tracer.capture_method
def handle_review_asset(asset: str) -> Response[str]:
    return _serve(asset)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
