"""GET /review (and its assets): the hiring team's page is served without a key, holds none, and carries
the headers a page showing candidates' answers needs (CSP, nosniff, no framing, caching)."""

from __future__ import annotations

import re

import pytest

from local.apigw_events import LocalLambdaContext, http_api_event
from tests.conftest import TEST_API_KEY, Api


@pytest.fixture
def page_api() -> Api:
    return Api("review_page")


def fetch(
    api: Api, path: str, headers: dict[str, str] | None = None, query: dict[str, str] | None = None
) -> dict:
    asset = path.removeprefix("/review/") if path.startswith("/review/") else None
    event = http_api_event(
        "GET",
        path,
        headers=headers or {},
        query=query,
        path_parameters={"asset": asset} if asset else None,
        route_key="GET /review/{asset}" if asset else "GET /review",
    )
    return api.module.lambda_handler(event, LocalLambdaContext("review_page"))


def test_the_page_is_served_without_a_key_and_holds_none(page_api: Api) -> None:
    # When a person opens /review with no Authorization header
    response = fetch(page_api, "/review")
    # Then they get the page, which names no key and asks for one with a labelled field
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith("text/html")
    page = response["body"]
    assert TEST_API_KEY not in page
    assert '<label for="api-key">' in page and 'id="api-key"' in page and 'type="password"' in page
    assert '<script type="module"' in page
    # no inline script or style: the CSP forbids them
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "style=" not in page


def test_the_page_headers_lock_it_down(page_api: Api) -> None:
    headers = fetch(page_api, "/review")["headers"]
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-cache" and headers["ETag"]
    assert "Access-Control-Allow-Origin" not in headers


def test_assets_named_with_their_version_are_cached_and_others_revalidated(page_api: Api) -> None:
    page = fetch(page_api, "/review")["body"]
    version = re.search(r"/review/app\.js\?v=([0-9a-f]+)", page).group(1)  # type: ignore[union-attr]
    versioned = fetch(page_api, "/review/app.js", query={"v": version})
    assert versioned["statusCode"] == 200
    assert versioned["headers"]["Content-Type"].startswith("text/javascript")
    assert "immutable" in versioned["headers"]["Cache-Control"]
    plain = fetch(page_api, "/review/api.js")
    assert plain["statusCode"] == 200 and plain["headers"]["Cache-Control"] == "no-cache"
    assert "Bearer" in plain["body"] and "sessionStorage" in plain["body"]
    # a revalidation with the same ETag is a 304 with no body
    again = fetch(page_api, "/review/api.js", headers={"if-none-match": plain["headers"]["ETag"]})
    assert again["statusCode"] == 304 and not again.get("body")


@pytest.mark.parametrize("asset", ["nothing.js", "..%2Fapp.py", "app.py", ".env"])
def test_only_the_pages_own_files_are_served(page_api: Api, asset: str) -> None:
    response = fetch(page_api, f"/review/{asset}")
    assert response["statusCode"] == 404


def test_the_page_sets_every_api_value_as_text_never_as_markup(page_api: Api) -> None:
    script = fetch(page_api, "/review/app.js")["body"]
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script
