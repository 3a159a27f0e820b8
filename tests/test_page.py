"""The search page's files, without a browser: served with the right types, nothing the CSP
would block (inline code, event attributes, style attributes), nothing from other hosts, no
HTML-parsing sinks in the scripts, and a small total size.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import falcon.testing
import pytest

from searchsvc.settings import Settings
from searchsvc.web import create_app
from searchsvc.web.app import STATIC

TYPES = {".html": "text/html", ".js": "javascript", ".css": "text/css", ".svg": "image/svg+xml"}
ASSETS = sorted(p for p in STATIC.iterdir() if p.suffix in TYPES and p.name != "index.html")
SCRIPTS = [p for p in ASSETS if p.suffix == ".js"]
# Ways to turn a string into markup or code; the page builds its DOM from nodes and text only.
HTML_SINKS = re.compile(r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\b"
                        r"|createContextualFragment|DOMParser|srcdoc|setAttribute\(\s*[\"']on")
BUDGET_BYTES = 64 * 1024


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> falcon.testing.TestClient:
    # The page and its files never touch the index: no index is needed.
    index = tmp_path_factory.mktemp("noindex") / "ix"
    return falcon.testing.TestClient(create_app(Settings({"index": str(index)}, environ={})))


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_bodies: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in in ("script", "style") and data.strip():
            self.script_bodies.append(f"<{self._in}>{data.strip()[:60]}")


def parsed_page() -> PageParser:
    parser = PageParser()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    return parser


def test_page_is_html_with_the_security_headers(client):
    r = client.simulate_get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.text == (STATIC / "index.html").read_text(encoding="utf-8")
    assert r.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("asset", ASSETS, ids=lambda p: p.name)
def test_assets_are_served_with_their_content_type(client, asset: Path):
    # With nosniff, a module script or a stylesheet of the wrong type is refused by the browser.
    r = client.simulate_get(f"/static/{asset.name}")
    assert r.status_code == 200
    assert TYPES[asset.suffix] in r.headers["content-type"]
    assert r.content == asset.read_bytes()
    assert r.headers["cache-control"] == "no-cache"  # revalidated, so an upgrade never mixes versions
    again = client.simulate_get(f"/static/{asset.name}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_page_has_nothing_the_csp_blocks():
    page = parsed_page()
    assert page.script_bodies == [], "inline <script>/<style> bodies are blocked by the CSP"
    assert not [t for t, _ in page.tags if t == "style"], "a <style> element is blocked by style-src 'self'"
    for tag, attrs in page.tags:
        events = [a for a in attrs if a.lower().startswith("on")]
        assert not events, f"<{tag}> has event attributes {events}: blocked by the CSP"
        assert "style" not in attrs, f"<{tag}> has a style attribute: blocked by style-src 'self'"
        if tag == "script":
            assert attrs.get("src", "").startswith("static/") and attrs.get("type") == "module"


def test_page_loads_only_its_own_files():
    for tag, attrs in parsed_page().tags:
        for name in ("src", "href"):
            url = attrs.get(name)
            if url is None:
                continue
            assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", url, re.I), f"<{tag} {name}={url!r}> leaves the site"
            # Relative, never from the site's root: the app may be mounted under a prefix (/news/).
            assert not url.startswith("/"), f"<{tag} {name}={url!r}> is absolute: wrong under a prefix"
            if url.startswith("static/"):
                assert (STATIC / url.removeprefix("static/")).is_file(), f"{url} does not exist"
    for asset in ASSETS:
        if asset.suffix in (".js", ".css"):
            text = asset.read_text(encoding="utf-8")
            outside = re.search(r"https?://|@import|url\(\s*['\"]?(?!data:)", text)
            assert not outside, f"{asset.name} loads from elsewhere: {outside}"


def test_scripts_build_the_dom_without_parsing_html():
    for script in SCRIPTS:
        sinks = HTML_SINKS.findall(script.read_text(encoding="utf-8"))
        assert not sinks, f"{script.name} uses {sinks}"


def test_every_module_import_resolves():
    for script in SCRIPTS:
        for target in re.findall(r"""\bfrom\s+["'](\.[^"']+)["']|\bimport\s+["'](\.[^"']+)["']""",
                                 script.read_text(encoding="utf-8")):
            name = next(t for t in target if t)
            assert (script.parent / name).resolve().is_file(), f"{script.name} imports missing {name}"


def test_the_page_stays_small():
    total = sum(p.stat().st_size for p in STATIC.iterdir() if p.is_file())
    assert total < BUDGET_BYTES, f"static files are {total:,} bytes (budget {BUDGET_BYTES:,})"
