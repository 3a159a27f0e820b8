"""Security: keys, logs, size and depth limits, ids, the index path, inert markup, headers.

In-process tests (falcon.testing) pin the application's rules; the ``slow`` ones
repeat what only a real gunicorn can show (its logs, its header and body limits,
its percent-decoding of paths).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
import socket
from html.parser import HTMLParser
from pathlib import Path

import falcon.testing
import pytest

from searchsvc.engine import SearchEngine
from searchsvc.indexer import rebuild
from searchsvc.settings import Settings
from searchsvc.web import auth, create_app

from .conftest import CORPUS, write_jsonl
from .live import LiveServer

KEY = "k3y-0f-the-s3rvice-7f2a91"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def client(fresh_index: Path) -> falcon.testing.TestClient:
    settings = Settings({"index": str(fresh_index), "api_key": KEY, "max_body_bytes": 65536}, environ={})
    return falcon.testing.TestClient(create_app(settings))


@pytest.fixture
def readonly(built_index: Path) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(SearchEngine(built_index, Settings({}, environ={}))))


def error_of(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert set(r.json) == {"error"} and r.json["error"]["status"] == status
    return r.json["error"]


def doc_count(c: falcon.testing.TestClient) -> int:
    return c.simulate_get("/health").json["documents"]


# -- the API key ---------------------------------------------------------------------


def test_every_write_is_refused_without_a_configured_key(readonly):
    before = doc_count(readonly)
    attempts = [readonly.simulate_put("/documents/x", json={"title": "t"}),
                readonly.simulate_put("/documents/x", json={"title": "t"}, headers={"Authorization": "Bearer "}),
                readonly.simulate_put("/documents/x", json={"title": "t"}, headers={"Authorization": "Bearer x"}),
                readonly.simulate_delete("/documents/a1", headers={"Authorization": "Bearer "}),
                readonly.simulate_post("/documents", json=[{"id": "x", "title": "t"}],
                                       headers={"Authorization": "Bearer"})]
    for r in attempts:
        assert error_of(r, 403)["code"] == "forbidden"
    assert doc_count(readonly) == before
    assert readonly.simulate_get("/documents/a1").status_code == 200


WRONG = [None, "", "Bearer", "Bearer ", f"Bearer {KEY[:-1]}", f"Bearer {KEY}x", f"Bearer {KEY.upper()}",
         f"bearer {KEY[1:]}", KEY, f"Basic {KEY}", f"Basic {base64.b64encode(KEY.encode()).decode()}",
         f"Token {KEY}", f"Bearer {KEY} {KEY}", "Bearer \u00e9\u00e9", f"Bearer\t{KEY}x"]


@pytest.mark.parametrize("header", WRONG)
def test_a_wrong_key_is_one_401_that_says_nothing_about_the_key(client, header):
    headers = {} if header is None else {"Authorization": header}
    r = client.simulate_put("/documents/x", json={"title": "t"}, headers=headers)
    err = error_of(r, 401)
    # One fixed message for every way of being wrong: nothing to learn from it.
    assert err == {"status": 401, "code": "unauthorized",
                   "message": "a valid API key is required: Authorization: Bearer <key>"}
    assert r.headers["www-authenticate"] == "Bearer"
    assert KEY not in r.text and KEY[:8] not in r.text
    assert client.simulate_get("/documents/x").status_code == 404


def test_the_key_is_compared_in_constant_time_for_every_header_shape(monkeypatch: pytest.MonkeyPatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    for header in [*WRONG, f"Bearer {KEY}"]:
        req = falcon.testing.create_req(headers={} if header is None else {"Authorization": header})
        with contextlib.suppress(falcon.HTTPUnauthorized):  # for all but the last
            auth.require_key(req, KEY)
    # compare_digest ran once for each attempt, always against the configured key, even when
    # the scheme was wrong or the header missing, and on inputs of one length whatever was sent
    # (compare_digest returns early on different lengths: that would time the key's length).
    assert len(calls) == len(WRONG) + 1
    assert all(b == hashlib.sha256(KEY.encode()).digest() for _, b in calls)
    assert {len(a) for a, _ in calls} == {32}


def test_the_right_key_writes(client):
    r = client.simulate_put("/documents/k1", json={"title": "Keyed"}, headers=AUTH)
    assert r.status_code == 201
    assert client.simulate_delete("/documents/k1", headers=AUTH).status_code == 200


# -- body, depth ---------------------------------------------------------------------


def test_json_depth_is_limited_even_far_past_the_recursion_limit(client):
    before = doc_count(client)
    for depth in (33, 1000, 30_000):  # 30,000 nested arrays would blow Python's recursion
        body = b'{"title": "t", "people": ' + b"[" * depth + b"]" * depth + b"}"
        err = error_of(client.simulate_put("/documents/d", body=body,
                                           headers={**AUTH, "Content-Type": "application/json"}), 400)
        assert err["param"] == "body" and "nested" in err["message"]
    ok = b'{"title": "t", "people": ' + b"[" * 31 + b"]" * 31 + b"}"  # 32 levels with the object: allowed,
    err = error_of(client.simulate_put("/documents/d", body=ok,  # then refused as a document, by field
                                       headers={**AUTH, "Content-Type": "application/json"}), 400)
    assert err["field"] == "people" and "nested" not in err["message"]
    lines = b'{"id": "n1", "title": "Nested", "x": ' + b"[" * 5000 + b"]" * 5000 + b'}\n{"id": "n2", "title": "Fine"}\n'
    r = client.simulate_post("/documents", body=lines, headers={**AUTH, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 200 and r.json["written"] == 1 and r.json["failed"] == 1
    assert r.json["errors"][0]["line"] == 1 and "nested" in r.json["errors"][0]["message"]
    assert doc_count(client) == before + 1


def test_body_over_the_limit_is_413_whatever_the_framing(client):
    big = b'{"title": "' + b"x" * 70_000 + b'"}'
    err = error_of(client.simulate_put("/documents/b", body=big, headers={**AUTH, "Content-Type": "application/json"}),
                   413)
    assert "max_body_bytes" in err["message"]
    # No Content-Length (chunked upload): the body is read up to the limit and refused.
    req_body = falcon.testing.create_environ(method="PUT", path="/documents/b", body=big,
                                            headers={**AUTH, "Content-Type": "application/json"})
    del req_body["CONTENT_LENGTH"]
    req_body.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    status = []
    out = b"".join(client.app(req_body, lambda s, h: status.append(s)))
    assert status[0].startswith("413") and json.loads(out)["error"]["code"] == "payload_too_large"


# -- ids -------------------------------------------------------------------------------

BAD_IDS = ["..", ".", "../etc", "a/b", "a\\b", "a\x00b", "a\nb", "a b", "a%2fb", "a?b", "a#b", 'a"b', "<s>",
           "x" * 201, "\x7f", "\u0085", "a\tb", "a\u202eb", "a\u2028b", "a\u00a0b", "a\u200bb", "\ufffd", "a\ue000"]


@pytest.mark.parametrize("doc_id", BAD_IDS)
def test_bad_ids_are_refused_in_bodies(client, doc_id):
    before = doc_count(client)
    r = client.simulate_post("/documents", json=[{"id": doc_id, "title": "t"}], headers=AUTH)
    err = error_of(r, 400)
    assert err["errors"][0]["field"] == "id"
    assert doc_count(client) == before


def test_ids_in_other_scripts_are_fine(client):
    for doc_id in ("m\u00fcller-2025", "\u6587\u6863-1", "\u0434\u043e\u043a_7", "caf\u00e9.v2"):
        r = client.simulate_put(f"/documents/{doc_id}", json={"title": "Unicode id"}, headers=AUTH)
        assert r.status_code == 201, r.text
        assert client.simulate_get(f"/documents/{doc_id}").json["id"] == doc_id


def test_ids_in_paths_are_validated_after_decoding(client, fresh_index: Path):
    before = doc_count(client)
    listing = sorted(p.name for p in fresh_index.parent.iterdir())
    for raw in ["%2e%2e", "%2E%2E", ".%2e", "a%00b", "a%0Ab", "a%20b", "a%5Cb", "%3Cscript%3E", "a%25b", "%C0%AE%C0%AE",
                "a%09b", "a%7Fb", "%c2%85", "a%E2%80%AEb", "a%E2%80%A8b", "%ff%fe"]:
        for method in ("GET", "PUT", "DELETE"):
            r = client.simulate_request(method, "/documents/" + raw, json={"title": "t"}, headers=AUTH)
            assert r.status_code in (400, 404), (raw, method, r.status_code, r.text)
            assert r.json["error"]["status"] == r.status_code
            if r.status_code == 400:
                assert r.json["error"]["param"] == "id"
    assert doc_count(client) == before
    assert sorted(p.name for p in fresh_index.parent.iterdir()) == listing


# -- the index path never comes from a request -------------------------------------------


def test_no_parameter_or_header_chooses_the_index(tmp_path: Path, built_index: Path):
    other = tmp_path / "other"
    rebuild(other, [write_jsonl(tmp_path / "o.jsonl", [{"id": "o1", "title": "Other index", "body": "okapi"}])])
    c = falcon.testing.TestClient(create_app(SearchEngine(built_index, Settings({}, environ={}))))
    for params, headers in (({"q": "okapi", "index": str(other)}, {}),
                            ({"q": "okapi", "path": str(other)},
                             {"X-Index": str(other), "X-Searchsvc-Index": str(other)})):
        r = c.simulate_get("/search", params=params, headers=headers)
        assert r.status_code == 200 and r.json["total"] == 0
    assert c.simulate_get("/health", params={"index": str(other)}).json["documents"] == len(CORPUS)


# -- stored markup stays inert ---------------------------------------------------------

XSS = [
    {"id": "x1", "title": "<script>alert('t')</script> Exploit title", "body": "exploit <script>alert(1)</script> "
     "<img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">click exploit</a> <svg/onload=alert(4)> "
     "&lt;b&gt; \"quoted\" 'single' &amp; exploit <iframe src=//evil>", "section": "<b>x</b>"},
    {"id": "x2", "title": "Exploit <mark onclick=alert(5)>fake mark</mark>",
     "body": "exploit </mark><script>x</script>"},
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def assert_inert(fragment: str) -> str:
    """Only bare <mark> elements; returns the text."""
    p = _Tags()
    p.feed(fragment)
    p.close()
    assert all(tag == "mark" and not attrs for tag, attrs in p.tags), (p.tags, fragment)
    assert re.sub(r"</?mark>", "", fragment).count("<") == 0
    return "".join(p.text)


def test_stored_markup_is_inert_in_json_snippets_and_titles(client):
    r = client.simulate_post("/documents", json=XSS, headers=AUTH)
    assert r.status_code == 200 and r.json["written"] == 2
    for q in ("exploit", "script", "alert", "onerror", "javascript", "mark", '"fake mark"', "click exploit"):
        body = client.simulate_get("/search", params={"q": q}).json
        assert body["total"] >= 1, q
        for hit in body["hits"]:
            assert_inert(hit["title"])
            text = assert_inert(hit["snippet"])
            if hit["id"] == "x1" and q == "script":
                assert "<script>alert(1)</script>" in text  # shown as text, not run
    r = client.simulate_get("/documents/x1")
    assert r.headers["content-type"].startswith("application/json") and r.headers["x-content-type-options"] == "nosniff"
    assert r.json["body"].startswith("exploit <script>")  # the document itself is data, served as JSON


# -- headers ---------------------------------------------------------------------------


def test_security_headers_on_pages_errors_and_static(readonly):
    for path in ("/", "/search?limit=x", "/nowhere", "/health", "/openapi.json"):
        r = readonly.simulate_get(path)
        csp = dict(part.strip().split(" ", 1) for part in r.headers["content-security-policy"].split(";"))
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
        assert "'unsafe-inline'" not in csp.get("default-src", "")
        assert csp["frame-ancestors"] == "'none'" and csp["default-src"] == "'none'"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    page = readonly.simulate_get("/").text
    # The CSP forbids inline script: the page must not need any.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page, re.I)
    assert not re.search(r"\son[a-z]+\s*=", page, re.I) and "javascript:" not in page.lower()


# -- a real gunicorn ------------------------------------------------------------------


@pytest.fixture
def live(fresh_index: Path):
    with LiveServer(fresh_index, workers=2, api_key=KEY, max_body_bytes=1_000_000) as s:
        yield s


def raw_request(port: int, data: bytes, timeout: float = 10, half_close: bool = False) -> bytes:
    """Send raw bytes, return what comes back (the server may answer and close before reading them all).
    ``half_close``: then stop sending (a client that gives up in the middle of its body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    return b"".join(chunks)


@pytest.mark.slow
def test_no_key_is_ever_logged(live: LiveServer):
    b64 = base64.b64encode
    carriers = [
        {"Authorization": f"Bearer {KEY}"},                                  # accepted
        {"Authorization": f"Basic {b64(f'{KEY}:'.encode()).decode()}"},     # curl -u KEY:
        {"Authorization": f"Basic {b64(f'user:{KEY}'.encode()).decode()}"},
        {"Authorization": f"Basic {b64(KEY.encode()).decode()}"},
        {"Authorization": KEY}, {"Authorization": f"Bearer {KEY}x"}, {"Authorization": f"Token {KEY}"},
        {"X-Api-Key": KEY}, {"Authorization": f"Bearer {KEY}", "X-Pad": "p" * 9000},  # header too large
    ]
    statuses = []
    for headers in carriers:
        statuses.append(live.request("PUT", "/documents/logged", {"title": "t"}, headers)[0])
        statuses.append(live.request("DELETE", "/documents/nothere", None, headers)[0])
        statuses.append(live.request("GET", "/search?q=x", None, headers)[0])
    # A request that makes the app fail in the middle of a keyed write (bad JSON) and a torn request line.
    statuses.append(live.request("PUT", "/documents/logged", b"{torn", {**AUTH, "Content-Type": "application/json"})[0])
    raw_request(live.port, f"PUT /documents/x HTTP/1.1\r\nAuthorization: Bearer {KEY}\r\nContent-Length: 5\r\n\r\n{{"
                .encode())
    assert statuses.count(201) + statuses.count(200) >= 3 and statuses.count(401) >= 10 and 400 in statuses
    log = live.log_path.read_text(errors="replace")
    assert log.count('"PUT /documents/logged HTTP/1.1"') >= len(carriers) - 1  # the access log did record them
    secrets = [KEY, KEY[:12], b64(KEY.encode()).decode()[:16], b64(f"{KEY}:".encode()).decode()[:16]]
    for secret in secrets:
        assert secret not in log, f"{secret!r} found in the gunicorn log"


@pytest.mark.slow
def test_gunicorn_limits_bodies_headers_and_request_lines(live: LiveServer):
    before = live.json("GET", "/health")[1]["documents"]
    # 50 MB announced: refused from the Content-Length without reading it.
    head = (f"PUT /documents/big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {50 * 1024 * 1024}\r\n\r\n").encode()
    answer = raw_request(live.port, head + b'{"title": "' + b"x" * 65536)
    assert answer.startswith(b"HTTP/1.1 413") and b'"payload_too_large"' in answer
    # 50 MB really sent, chunked (no Content-Length): read up to the limit, then 413.
    chunk = b"x" * (1 << 20)
    chunked = (f"POST /documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n"
               "Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    chunked += b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(50)) + b"0\r\n\r\n"
    answer = raw_request(live.port, chunked, timeout=60)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # A chunked body within the limit is read, not taken for an empty one.
    doc = b'{"title": "Chunked okapi"}'
    answer = raw_request(live.port, (f"PUT /documents/chunked HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n"
                                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
                         + b"%x\r\n" % len(doc) + doc + b"\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 201"), answer[:300]
    assert live.json("GET", "/search?q=okapi")[1]["total"] == 1
    before += 1
    # Headers: too large, too many; request line too long. Refused by gunicorn before the app, as JSON.
    for headers in ({"X-Big": "h" * 9000}, {f"X-H{i}": "v" for i in range(120)}):
        status, _, raw = live.request("GET", "/search?q=x", None, headers)
        assert status == 431 and json.loads(raw)["error"]["code"] == "headers_too_large", raw[:200]
    status, _, raw = live.request("GET", "/search?q=" + "q" * 9000)
    assert status == 414 and json.loads(raw)["error"]["code"] == "request_line_too_long", raw[:200]
    assert live.json("GET", "/health")[1]["documents"] == before
    assert live.json("GET", "/search?q=putin")[1]["total"] == 2  # and the workers still answer


@pytest.mark.slow
def test_ids_decoded_by_gunicorn_are_validated(live: LiveServer, fresh_index: Path):
    before = live.json("GET", "/health")[1]["documents"]
    outside = sorted(p.name for p in fresh_index.parent.iterdir())
    statuses = []
    for raw in ["%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2e%2e", "..%2f..%2fx", "a%00b", "%00", "a%0d%0aX-Injected:%201",
                "a%5c..%5cb", "%252e%252e", "a%2fb", "%c0%ae%c0%ae", "%ff%fe", "a%e2%80%aeb"]:
        for method in ("GET", "PUT", "DELETE"):
            status, headers, data = live.request(method, "/documents/" + raw, {"title": "t"}, AUTH)
            statuses.append(status)
            assert status in (400, 404), (raw, method, status, data[:200])
            assert json.loads(data)["error"]["status"] == status and "x-injected" not in headers
    assert statuses.count(400) >= 10
    assert live.json("GET", "/health")[1]["documents"] == before
    assert sorted(p.name for p in fresh_index.parent.iterdir()) == outside  # nothing written beside the index


@pytest.mark.slow
def test_a_broken_or_cut_body_is_a_400_and_writes_nothing(live: LiveServer):
    head = f"Host: x\r\nAuthorization: Bearer {KEY}\r\n"
    two_lines = b'{"id": "cut1", "title": "Okapi"}\n{"id": "cut2", "title": "Okapi"}\n'
    third = b'{"id": "cut3", "title": "Okapi"}\n'
    requests = [
        # chunk sizes that are no hex numbers, a chunk without its CRLF, a stream that stops mid-chunk
        (f"PUT /documents/ch1 HTTP/1.1\r\n{head}Content-Type: application/json\r\n"
         "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n").encode(),
        (f"PUT /documents/ch2 HTTP/1.1\r\n{head}Content-Type: application/json\r\n"
         'Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n').encode(),
        (f"POST /documents HTTP/1.1\r\n{head}Content-Type: application/x-ndjson\r\n"
         "Transfer-Encoding: chunked\r\n\r\n").encode() + b"%x\r\n" % 1000 + two_lines,
        # Content-Length announces three records; the client sends two and stops
        (f"POST /documents HTTP/1.1\r\n{head}Content-Type: application/x-ndjson\r\n"
         f"Content-Length: {len(two_lines + third)}\r\n\r\n").encode() + two_lines,
        (f"PUT /documents/cut4 HTTP/1.1\r\n{head}Content-Type: application/json\r\n"
         "Content-Length: 40\r\n\r\n").encode() + b'{"title": "Okapi"}',
    ]
    for raw in requests:
        answer = raw_request(live.port, raw, half_close=True)
        assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
        assert b'"param":"body"' in answer.replace(b" ", b""), answer[-300:]
    assert live.json("GET", "/search?q=okapi")[1]["total"] == 0
    assert "Traceback" not in live.tracebacks()
