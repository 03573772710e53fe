"""/docs and /redoc of a real ``newsqa serve`` in Debian's Chromium with the internet cut off.

Every request the page makes to anything but the server itself is aborted (and recorded), as on an offline
machine: the pages must render from assets the app serves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect
from support import Server, running_server

pytestmark = pytest.mark.slow

RENDER_TIMEOUT = 30_000  # ms: Swagger UI and ReDoc are large scripts, on a busy 2-core machine
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
# A few operations of each router: the pages list what the app's OpenAPI schema has.
OPERATIONS = [
    ("POST", "/ask"),
    ("POST", "/ask/stream"),
    ("GET", "/documents"),
    ("POST", "/reindex"),
    ("GET", "/health"),
    ("POST", "/v1/chat/completions"),
    ("GET", "/v1/models"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_file: Path) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("server-docs"), [seed_file]) as started:
        yield started


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A tab whose requests leave only for this machine; yields it with the blocked URLs and the page errors."""
    context = browser.new_context()
    blocked: list[str] = []
    errors: list[str] = []

    def only_local(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page, blocked, errors
    finally:
        context.close()


def test_every_schema_reference_resolves(server: Server) -> None:
    """A dangling $ref is enough for ReDoc to show "Something went wrong" instead of the whole page."""
    spec = httpx.get(f"{server.url}/openapi.json", timeout=10).json()
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(spec)))
    assert refs, "the schema references no models at all"
    assert refs <= set(spec["components"]["schemas"]), refs - set(spec["components"]["schemas"])


def test_the_pages_assets_are_served_by_the_app(server: Server) -> None:
    for page in ("/docs", "/redoc"):
        html = httpx.get(f"{server.url}{page}", timeout=10).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources and all(s.startswith("/") for s in sources), (page, sources)
        for source in sources:
            r = httpx.get(f"{server.url}{source}", timeout=30)
            assert r.status_code == 200 and r.content, (page, source, r.status_code)


def test_swagger_ui_lists_the_operations_offline(
    server: Server, offline_page: tuple[Page, list[str], list[str]]
) -> None:
    page, blocked, errors = offline_page
    page.goto(f"{server.url}/docs")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=RENDER_TIMEOUT)
    listed = {
        (op.locator(".opblock-summary-method").inner_text().strip(), op.locator(".opblock-summary-path").inner_text())
        for op in operations.all()
    }
    listed = {(method, path.replace("\u200b", "").strip()) for method, path in listed}  # Swagger's break hints
    for operation in OPERATIONS:
        assert operation in listed, f"{operation} not listed; the page shows {sorted(listed)}"
    expect(page.locator(".info .title")).to_contain_text("newsqa")
    assert not blocked, f"/docs reached for the internet: {blocked}"
    assert not errors, errors


def test_redoc_renders_the_operations_offline(server: Server, offline_page: tuple[Page, list[str], list[str]]) -> None:
    page, blocked, errors = offline_page
    page.goto(f"{server.url}/redoc")
    expect(page.locator("h1").first).to_contain_text("newsqa", timeout=RENDER_TIMEOUT)
    operations = page.locator("[data-section-id^='operation/']")
    expect(operations.first).to_be_attached(timeout=RENDER_TIMEOUT)
    # ReDoc shows each operation's method and path in its right-hand panel.
    shown = " ".join(page.locator("body").inner_text().split())
    for method, path in OPERATIONS:
        assert re.search(rf"\b{method.lower()}\s*{re.escape(path)}\b", shown, re.IGNORECASE), (method, path)
    # The one exception, built into ReDoc: its "API docs by Redocly" logo, which it drops when it fails to load.
    assert set(blocked) <= {REDOC_LOGO}, f"/redoc reached for the internet: {blocked}"
    expect(page.locator(f"img[src='{REDOC_LOGO}']")).to_have_count(0)
    assert not errors, errors
