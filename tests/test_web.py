"""Every endpoint, parameter error and error shape, through falcon.testing (in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import falcon.testing
import jsonschema
import pytest
from openapi_spec_validator import validate

from searchsvc.engine import SearchEngine
from searchsvc.errors import IndexDamagedError, IndexMissingError
from searchsvc.settings import Settings
from searchsvc.web import create_app, errors
from searchsvc.web.openapi import build_spec

KEY = "s3cret-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def client(fresh_index: Path) -> falcon.testing.TestClient:
    settings = Settings({"index": str(fresh_index), "api_key": KEY, "max_body_bytes": 4096, "lock_timeout": 0.2},
                        environ={})
    return falcon.testing.TestClient(create_app(settings))


@pytest.fixture
def readonly(built_index: Path) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(SearchEngine(built_index, Settings({}, environ={}))))


SPEC = build_spec(Settings({}, environ={}))


def schema(name: str) -> dict:
    return {**SPEC["components"]["schemas"][name], "components": SPEC["components"]}


def check(body: dict, name: str) -> None:
    resolver_schema = json.loads(json.dumps(schema(name)).replace("#/components", "#/components"))
    jsonschema.validate(body, resolver_schema)


def assert_error(r, status: int, code: str, param: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json
    assert set(body) == {"error"}
    err = body["error"]
    assert err["status"] == status and err["code"] == code and err["message"]
    if param:
        assert err["param"] == param
    check(body, "Error")
    assert "Traceback" not in r.text
    return err


def test_search_shape(readonly):
    r = readonly.simulate_get("/search", params={"q": "putin", "limit": "1"})
    assert r.status_code == 200
    check(r.json, "SearchResults")
    assert r.json["total"] == 2 and len(r.json["hits"]) == 1
    assert set(r.json["facets"]) == {"people", "section", "years", "mentioned_years"}
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("query, expected_ids", [
    ({"q": "putin", "people": ["Xi Jinping"]}, ["a1"]),
    ({"q": "", "section": "economy", "sort": "newest"}, ["a3", "a6"]),
    ({"q": "", "from": "2025-05-09", "to": "2025-05-31", "sort": "oldest"}, ["a4", "a2"]),
    ({"q": "", "mentions_from": "1900", "mentions_to": "1950"}, ["a4"]),
    ({"q": "zebra", "limit": "1", "offset": "1"}, ["b1"]),
    ({"q": "putin kremlin", "match": "any"}, ["a1", "a2"]),
])
def test_search_parameters(readonly, query, expected_ids):
    r = readonly.simulate_get("/search", params=query)
    assert r.status_code == 200, r.text
    assert [h["id"] for h in r.json["hits"]] == expected_ids


@pytest.mark.parametrize("query, param", [
    ({"limit": "101"}, "limit"), ({"limit": "ten"}, "limit"), ({"offset": "-1"}, "offset"),
    ({"offset": "10001"}, "offset"), ({"match": "some"}, "match"), ({"sort": "random"}, "sort"),
    ({"from": "yesterday"}, "from"), ({"to": "2025-02-30"}, "to"), ({"facets": "maybe"}, "facets"),
    ({"from": "2025-05-01junk"}, "from"), ({"to": "2025-05-08T10:00:00Z"}, "to"),
    ({"from": "１９８７"}, "from"), ({"mentions_from": "١٩٨٧"}, "mentions_from"),  # digits of other scripts
    ({"facet_limit": "0"}, "facet_limit"), ({"facet_limit": "101"}, "facet_limit"),
    ({"q": "x" * 5000}, "q"), ({"q": " ".join(f"w{i}" for i in range(300))}, "q"),
    ({"people": [f"p{i}" for i in range(21)]}, "people"),
])
def test_bad_search_parameters(readonly, query, param):
    assert_error(readonly.simulate_get("/search", params=query), 400, "invalid_parameter", param)


@pytest.mark.parametrize("query_string, param", [
    ("q=caf%E9", "q"),                       # latin-1, not UTF-8
    ("q=%C0%AE", "q"),                       # an overlong encoding
    ("q=putin&people=J%FCrgen", "people"), ("q=%EF%BF%BD&people=J%FCrgen", "people"),
    ("q=%EF%BF%BD%FF", "q"), ("q=x&people=%EF%BF%BD&people=%FF", "people"),  # a real U+FFFD beside a bad byte
    ("q=oil&q=gas", "q"), ("q=oil&limit=5&limit=6", "limit"), ("q=oil&sort=newest&sort=oldest", "sort"),
    ("q=oil&limit=1_0", "limit"), ("q=oil&limit=%201", "limit"), ("q=oil&limit=%D9%A5", "limit"),
    ("q=oil&offset=" + "9" * 5000, "offset"),
])
def test_raw_query_strings_are_read_strictly(readonly, query_string, param):
    assert_error(readonly.simulate_get("/search", query_string=query_string), 400, "invalid_parameter", param)


@pytest.mark.parametrize("query_string, total", [
    ("q=%EF%BF%BD", 0),                      # a real U+FFFD is a character like any other
    ("q=%00", 8), ("q=%01", 8), ("q=%00%1F%7F", 8),  # control characters alone: no query, every document
    ("q=putin&people=Xi%20Jinping&people=Vladimir%20Putin", 1),  # people repeats
])
def test_raw_query_strings_that_are_fine(readonly, query_string, total):
    r = readonly.simulate_get("/search", query_string=query_string)
    assert r.status_code == 200 and r.json["total"] == total, r.text


@pytest.mark.parametrize("q, named", [("a*", "'a*'"), ("p*", "'p*'"), ("???*", "'???*'"), ("p?*", "'p?*'"),
                                     ("id:a*", "'a*'")])  # a value field too (it said 'a')
def test_wildcard_expansion_cap(built_index, q, named):
    c = falcon.testing.TestClient(create_app(Settings({"index": str(built_index), "max_expansions": 3},
                                                      environ={})))
    err = assert_error(c.simulate_get("/search", params={"q": q}), 400, "invalid_parameter", "q")
    assert "max_expansions" in err["message"] and err["message"].startswith(named)  # as typed
    assert c.simulate_get("/search", params={"q": "kreml*"}).json["total"] == 1


def test_documents_get_similar_suggest_health(readonly):
    r = readonly.simulate_get("/documents/a3")
    assert r.status_code == 200 and r.json["title"] == "Trump imposes tariffs"
    check(r.json, "Document")
    assert_error(readonly.simulate_get("/documents/nope"), 404, "not_found")
    assert_error(readonly.simulate_get("/documents/a%00b"), 400, "invalid_parameter", "id")
    r = readonly.simulate_get("/documents/a1/similar", params={"limit": "2"})
    assert r.status_code == 200 and "a1" not in [h["id"] for h in r.json["hits"]]
    check(r.json, "SearchResults")
    assert_error(readonly.simulate_get("/documents/nope/similar"), 404, "not_found")
    r = readonly.simulate_get("/suggest", params={"q": "xi"})
    assert r.json["suggestions"][0] == {"text": "Xi Jinping", "kind": "person", "count": 2, "q": ""}
    check(r.json, "Suggestions")
    r = readonly.simulate_get("/health")
    assert r.json["status"] == "ok" and r.json["documents"] == 8
    assert r.json["limits"] == {"max_limit": 100, "max_offset": 10000, "max_query_chars": 4000}
    check(r.json, "Health")


@pytest.mark.parametrize("path", ["/", "/health", "/search?q=putin", "/suggest?q=pu", "/documents/a1",
                                  "/documents/a1/similar", "/documents/nothere", "/search?limit=-1", "/openapi.json",
                                  "/metrics"])
def test_head_answers_like_get_without_a_body(readonly, path):
    got, head = readonly.simulate_get(path), readonly.simulate_head(path)
    assert head.status_code == got.status_code and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize("method, path, status, code", [
    ("GET", "/nowhere", 404, "not_found"),
    ("POST", "/search", 405, "method_not_allowed"),
    ("DELETE", "/health", 405, "method_not_allowed"),
    ("GET", "/static/../../etc/passwd", 404, "not_found"),
])
def test_routing_errors_share_the_shape(readonly, method, path, status, code):
    assert_error(readonly.simulate_request(method, path), status, code)


@pytest.mark.filterwarnings("ignore::wsgiref.validate.WSGIWarning")  # the test client warns of FOO itself
@pytest.mark.parametrize("method, path, headers, status, code, param", [
    ("FOO", "/search", {}, 400, "bad_request", "method"),
    ("GET", "/static/app.js", {"Range": "bytes=99999999-"}, 416, "range_not_satisfiable", "headers"),
    ("PUT", "/documents/z", {**AUTH, "Content-Type": "application/json", "Content-Encoding": "gzip"}, 415,
     "unsupported_media_type", "body"),
])
def test_method_and_header_errors_name_what_is_wrong(client, method, path, headers, status, code, param):
    assert_error(client.simulate_request(method, path, headers=headers, body=b"\x1f\x8b\x08"), status, code, param)


@pytest.mark.parametrize("headers", [
    {"Range": "bytes=abc"}, {"Range": "bytes=0-0,5-9"},        # may be ignored: the whole file (were 400s)
    {"If-Modified-Since": "Mon, 99 Foo 2025"},                 # must be ignored when no date (was a 400)
    {"If-Modified-Since": "Mon, 99 Foo 2025", "Range": "pages=1-2"},
])
def test_static_files_ignore_headers_they_cannot_use(readonly, headers):
    whole = readonly.simulate_get("/static/app.js")
    r = readonly.simulate_get("/static/app.js", headers=headers)
    assert r.status_code == 200 and r.content == whole.content and whole.content


def test_static_files_still_answer_a_valid_range_and_a_valid_date(readonly):
    r = readonly.simulate_get("/static/app.js", headers={"Range": "bytes=0-9"})
    assert r.status_code == 206 and len(r.content) == 10
    modified = readonly.simulate_get("/static/app.js").headers["last-modified"]
    assert readonly.simulate_get("/static/app.js", headers={"If-Modified-Since": modified}).status_code == 304


def test_writes_are_forbidden_without_a_configured_key(readonly):
    for r in (readonly.simulate_put("/documents/x", json={"title": "t"}, headers=AUTH),
              readonly.simulate_delete("/documents/a1", headers=AUTH),
              readonly.simulate_post("/documents", json=[{"id": "x", "title": "t"}], headers=AUTH)):
        assert_error(r, 403, "forbidden")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY},
                                     {"Authorization": f"Basic {KEY}"}, {"Authorization": f"Bearer {KEY}x"}])
def test_wrong_or_missing_key_is_401_without_detail(client, headers):
    r = client.simulate_put("/documents/x", json={"title": "t"}, headers=headers)
    err = assert_error(r, 401, "unauthorized")
    assert KEY not in r.text and "wrong" not in err["message"]
    assert r.headers["www-authenticate"] == "Bearer"


def test_put_get_delete_cycle(client):
    r = client.simulate_put("/documents/n1", json={"title": "Quokka census", "body": "Quokkas counted."},
                            headers=AUTH)
    assert r.status_code == 201 and r.json == {"id": "n1", "result": "created"}
    check(r.json, "WriteResult")
    assert [h["id"] for h in client.simulate_get("/search", params={"q": "quokka"}).json["hits"]] == ["n1"]
    r = client.simulate_put("/documents/n1", json={"id": "n1", "title": "Quokka recount"}, headers=AUTH)
    assert r.status_code == 200 and r.json["result"] == "updated"
    assert client.simulate_get("/documents/n1").json["title"] == "Quokka recount"
    r = client.simulate_delete("/documents/n1", headers=AUTH)
    assert r.status_code == 200 and r.json["result"] == "deleted"
    assert_error(client.simulate_delete("/documents/n1", headers=AUTH), 404, "not_found")
    assert client.simulate_get("/search", params={"q": "quokka"}).json["total"] == 0


@pytest.mark.parametrize("body, param_or_field", [
    (b"{not json", "body"),
    (b"[1, 2]", "body"),
    (b'{"id": "other", "title": "t"}', "id"),
    (b'{"title": ""}', "body"),
    (b'{"title": "t", "colour": "red"}', "colour"),
    (b'{"title": "t", "published": "20000-01-01"}', "published"),
    (b'{"title": "t", "dates": ["20000"]}', "dates"),
    (b'{"title": "caf\xe9"}', "body"),
    (b'{"title": "t", "people": ' + b"[" * 40 + b"]" * 40 + b"}", "body"),
])
def test_put_rejects_bad_documents_by_name(client, body, param_or_field):
    r = client.simulate_put("/documents/x", body=body, headers={**AUTH, "Content-Type": "application/json"})
    err = assert_error(r, 400, r.json["error"]["code"])
    assert err["param"] == param_or_field  # one key names the culprit, whatever raised the error
    assert client.simulate_get("/health").json["documents"] == 8  # nothing lost, nothing added


@pytest.mark.parametrize("content_type, body", [
    ("application/json", b'{"title": "t", "n": ' + b"1" * 4400 + b"}"),
    ("application/json", b'[{"title": "t", "n": ' + b"1" * 4400 + b"}]"),
    ("application/x-ndjson", b'{"id": "a", "title": "t", "n": ' + b"1" * 4400 + b"}\n"),
])
def test_numbers_past_the_int_digit_limit_are_a_400(fresh_index: Path, content_type: str, body: bytes):
    # Python refuses to convert integers of more than 4,300 digits with a ValueError that is no
    # JSONDecodeError; it was a 500 (found by review).
    client = falcon.testing.TestClient(create_app(Settings({"index": str(fresh_index), "api_key": KEY}, environ={})))
    method = client.simulate_put if content_type == "application/json" and body[:1] == b"{" else client.simulate_post
    path = "/documents/x" if method == client.simulate_put else "/documents"
    r = method(path, body=body, headers={**AUTH, "Content-Type": content_type})
    assert r.status_code == 400 and "4300 digits" in r.text, r.text
    assert client.simulate_get("/health").json["documents"] == 8


@pytest.mark.parametrize("method, path, content_type, body", [
    ("PUT", "/documents/bom", "application/json", b'\xef\xbb\xbf{"title": "Okapi"}'),
    ("POST", "/documents", "application/json", b'\xef\xbb\xbf[{"id": "bom", "title": "Okapi"}]'),
    ("POST", "/documents", "application/x-ndjson", b'\xef\xbb\xbf{"id": "bom", "title": "Okapi"}\n'),
])
def test_a_body_may_start_with_a_byte_order_mark(client, method, path, content_type, body):
    r = client.simulate_request(method, path, body=body, headers={**AUTH, "Content-Type": content_type})
    assert r.status_code in (200, 201), r.text
    assert client.simulate_get("/documents/bom").json["title"] == "Okapi"


def test_put_with_a_null_id_takes_the_urls(client):
    r = client.simulate_put("/documents/n1", body=b'{"id": null, "title": "Okapi"}',
                            headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 201 and client.simulate_get("/documents/n1").json["title"] == "Okapi"


def test_put_takes_an_integer_id_as_post_does(client):
    r = client.simulate_put("/documents/2", body=b'{"id": 2, "title": "Okapi"}',
                            headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 201 and client.simulate_get("/documents/2").json["title"] == "Okapi"
    r = client.simulate_put("/documents/3", body=b'{"id": 2, "title": "Okapi"}',
                            headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json["error"]["param"] == "id"


@pytest.mark.parametrize("content_type, status", [
    ("text/plain", 415), ("application/x-www-form-urlencoded", 415), ("application/x-ndjson", 415),
    ("application/json; charset=utf-8", 201), ("APPLICATION/JSON", 201), (None, 201),
])
def test_put_takes_json_only(client, content_type, status):
    headers = {**AUTH, **({"Content-Type": content_type} if content_type else {})}
    r = client.simulate_put("/documents/ct", body=b'{"title": "Okapi"}', headers=headers)
    assert r.status_code == status, r.text
    if status == 415:
        assert_error(r, 415, "unsupported_media_type", "body")
        assert client.simulate_get("/documents/ct").status_code == 404


def test_body_limit_is_413(client):
    r = client.simulate_put("/documents/x", json={"title": "t", "body": "x" * 5000}, headers=AUTH)
    assert_error(r, 413, "payload_too_large", "body")


def test_bulk_json_array_and_json_lines(client):
    docs = [{"id": "m1", "title": "Moose"}, {"id": "m2", "title": ""}, {"id": "m3", "title": "Mink", "x": 1}]
    r = client.simulate_post("/documents", json=docs, headers=AUTH)
    assert r.status_code == 200, r.text
    check(r.json, "BulkResult")
    assert (r.json["written"], r.json["created"], r.json["failed"]) == (1, 1, 2)
    assert [(e["index"], e["field"]) for e in r.json["errors"]] == [(1, "body"), (2, "x")]
    lines = b'{"id": "l1", "title": "Lynx"}\n{broken\n\n{"id": "l2", "title": "Lemur"}\n'
    r = client.simulate_post("/documents", body=lines, headers={**AUTH, "Content-Type": "application/x-ndjson"})
    assert r.json["written"] == 2 and r.json["errors"][0]["line"] == 2
    assert client.simulate_get("/search", params={"q": "lynx OR lemur OR moose"}).json["total"] == 3
    r = client.simulate_post("/documents", json=[{"id": "z"}], headers=AUTH)
    err = assert_error(r, 400, "invalid_documents")
    assert err["errors"][0]["index"] == 0
    assert_error(client.simulate_post("/documents", body=b"x", headers={**AUTH, "Content-Type": "text/csv"}),
                 415, "unsupported_media_type")


def test_bulk_document_count_is_capped(fresh_index):
    c = falcon.testing.TestClient(create_app(Settings({"index": str(fresh_index), "api_key": KEY,
                                                       "max_bulk_documents": 2}, environ={})))
    r = c.simulate_post("/documents", json=[{"id": f"k{i}", "title": "t"} for i in range(3)], headers=AUTH)
    err = assert_error(r, 413, "payload_too_large")
    assert "max_bulk_documents" in err["message"]
    assert c.simulate_get("/health").json["documents"] == 8


@pytest.mark.parametrize("content_type, body", [
    ("application/x-ndjson", b"\n".join(b'{"id": "k%d", "title": "t"}' % i for i in range(50))),
    ("application/json", b"[" + b",".join(b'{"id": "k%d", "title": "t"}' % i for i in range(50)) + b"]"),
])
def test_bulk_documents_are_counted_before_they_are_read(fresh_index, monkeypatch, content_type, body):
    # 8 million tiny records were all parsed (30 s, a worker timeout: a 500) before the count said 413.
    from searchsvc.document import Document

    read = []  # every record becomes a Document (or its error) through from_record
    original_record = Document.from_record.__func__
    monkeypatch.setattr(Document, "from_record", classmethod(lambda cls, *a, **k: read.append(1)
                                                             or original_record(cls, *a, **k)))
    c = falcon.testing.TestClient(create_app(Settings({"index": str(fresh_index), "api_key": KEY,
                                                       "max_bulk_documents": 2}, environ={})))
    r = c.simulate_post("/documents", body=body, headers={**AUTH, "Content-Type": content_type})
    assert "max_bulk_documents" in assert_error(r, 413, "payload_too_large")["message"]
    assert len(read) <= 2


def test_busy_writer_is_503_with_retry_after(client, fresh_index):
    from searchsvc.store import IndexDir

    with IndexDir(fresh_index).write_lock(1):  # another writer holds the lock past lock_timeout
        r = client.simulate_put("/documents/x", json={"title": "t"}, headers=AUTH)
    err = assert_error(r, 503, "index_busy")
    assert r.headers["retry-after"] == "1" and err["retry_after"] == 1


def test_a_damaged_index_is_503_index_damaged_for_searches_and_health(client, fresh_index):
    from searchsvc.store import IndexDir

    for toc in (fresh_index / IndexDir(fresh_index).pointer().generation).glob("*.toc"):
        toc.write_bytes(b"garbage" * 10)
    IndexDir(fresh_index).bump()  # as a commit would: the serving engine opens the index again
    for path in ("/search?q=putin", "/health"):
        err = assert_error(client.simulate_get(path), 503, "index_damaged")
        assert "rebuild it" in err["message"] and "retry_after" not in err  # retrying will not help


def test_metrics_count_requests(readonly):
    readonly.simulate_get("/search", params={"q": "putin"})
    readonly.simulate_get("/search", params={"limit": "x"})
    readonly.simulate_get("/static/app.js")
    readonly.simulate_get("/nowhere")
    text = readonly.simulate_get("/metrics").text
    assert 'searchsvc_requests_total{method="GET",route="/search",status="200"} 1.0' in text
    assert 'searchsvc_requests_total{method="GET",route="/search",status="400"} 1.0' in text
    # the page's files are one route (they were "<unmatched>", with the 404s)
    assert 'searchsvc_requests_total{method="GET",route="/static/{file}",status="200"} 1.0' in text
    assert 'searchsvc_requests_total{method="GET",route="<unmatched>",status="404"} 1.0' in text
    assert "searchsvc_index_documents 8.0" in text
    assert "searchsvc_request_duration_seconds_bucket" in text


@pytest.mark.filterwarnings("ignore:Unknown REQUEST_METHOD")  # wsgiref's validator in falcon.testing
def test_made_up_methods_share_one_metrics_label(readonly):
    for method in ("FOOBAR", "ZZZZQ", "X1"):
        readonly.simulate_request(method, "/search")
    text = readonly.simulate_get("/metrics").text
    assert 'method="OTHER",route="/search",status="400"} 3.0' in text
    assert "FOOBAR" not in text and "ZZZZQ" not in text


def test_openapi_is_valid_and_covers_every_route(readonly):
    spec = readonly.simulate_get("/openapi.json").json
    validate(spec)
    routes = {"/search", "/suggest", "/documents", "/documents/{doc_id}", "/documents/{doc_id}/similar",
              "/health", "/metrics", "/openapi.json", "/"}
    assert set(spec["paths"]) == routes
    app_routes = {r.uri_template for r in _routes(readonly.app._router._roots)}
    assert app_routes - {"/static"} == routes
    # Paths resolve against where the description is served: under a prefix too (/news/openapi.json).
    assert spec["servers"] == [{"url": "."}]


def _routes(nodes):
    for node in nodes:
        if node.resource is not None:
            yield node
        yield from _routes(node.children)


def test_page_and_security_headers(readonly):
    r = readonly.simulate_get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"


def test_cors_is_off_by_default_and_configurable(built_index):
    off = falcon.testing.TestClient(create_app(Settings({"index": str(built_index)}, environ={})))
    r = off.simulate_get("/health", headers={"Origin": "https://news.example"})
    assert "access-control-allow-origin" not in r.headers
    on = falcon.testing.TestClient(create_app(Settings({"index": str(built_index),
                                                        "cors_origins": "https://news.example"}, environ={})))
    r = on.simulate_get("/health", headers={"Origin": "https://news.example"})
    assert r.headers["access-control-allow-origin"] == "https://news.example"
    r = on.simulate_get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("origins, path, vary", [
    ("https://news.example", "/health", "Origin"),  # the answer depends on the origin: caches must know
    ("https://news.example", "/static/app.js", "Origin"),
    ("https://news.example,https://b.example", "/", "Origin"),
    ("*", "/health", None),  # the same answer for every origin
    ("", "/health", None),
])
def test_cors_answers_that_depend_on_the_origin_say_so(built_index, origins, path, vary):
    c = falcon.testing.TestClient(create_app(Settings({"index": str(built_index), "cors_origins": origins},
                                                      environ={})))
    for origin in ("https://news.example", None):
        r = c.simulate_get(path, headers={"Origin": origin} if origin else {})
        assert r.headers.get("vary") == vary, (origin, r.headers)


def test_missing_index_is_503(tmp_path, caplog):
    c = falcon.testing.TestClient(create_app(Settings({"index": str(tmp_path / "none")}, environ={})))
    for r in (c.simulate_get("/search", params={"q": "x"}), c.simulate_get("/health")):
        error = assert_error(r, 503, "index_missing")
        assert error["retry_after"] == 10 and r.headers["retry-after"] == "10"
        # The client learns what is wrong, not where the index lies on the server's disk; the log has it.
        assert error["message"] == "no index at <index> (build one with `searchsvc index`)"
        assert str(tmp_path) not in r.text
    assert f"no index at {tmp_path / 'none'}" in caplog.text


@pytest.mark.parametrize("index, message, shown", [
    ("/srv/news/index", "the index at /srv/news/index is damaged (x)", "the index at <index> is damaged (x)"),
    ("/srv/news/index", "/srv/news/index/CURRENT is damaged", "<index>/CURRENT is damaged"),
    ("index", "no index at index (build one with `searchsvc index`)",  # relative: nothing to hide, and
     "no index at index (build one with `searchsvc index`)"),     # the word stays a word
    ("/srv/news/index", "limit must be an integer", "limit must be an integer"),
    ("data/news-index", "no index at data/news-index (build one)", "no index at <index> (build one)"),
])
def test_library_errors_hide_the_index_path(index: str, message: str, shown: str):
    resp = falcon.Response()
    req = falcon.testing.create_req(path="/search")
    errors.library_error_handler(index)(req, resp, IndexDamagedError(message), {})
    assert json.loads(resp.data)["error"]["message"] == shown


def test_unexpected_errors_are_500_without_traceback(readonly, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(readonly.app.engine, "search", boom)
    err = assert_error(readonly.simulate_get("/search"), 500, "internal_error")
    assert "secret" not in err["message"]


@pytest.mark.parametrize("error, logged", [
    (IndexMissingError("no index yet"), False),  # expected while an index is first built
    (RuntimeError("a bug of ours"), True),       # not hidden: the gauges go, the log says why
])
def test_index_gauges_skip_a_missing_index_and_log_anything_else(caplog, error: Exception, logged: bool):
    from searchsvc.web.metrics import _IndexCollector

    def info():
        raise error

    assert list(_IndexCollector(info).collect()) == []
    assert ("reading the live index for /metrics failed" in caplog.text) is logged


@pytest.mark.parametrize("key", ["caf\udcff", "clé", "two words"])  # not UTF-8 (as os.environ has it), not ASCII
def test_a_key_no_client_could_send_stops_the_service_not_the_cli(fresh_index: Path, key: str):
    from searchsvc.errors import QueryError

    settings = Settings({"index": str(fresh_index)}, environ={"SEARCHSVC_API_KEY": key})  # no error here
    assert SearchEngine(fresh_index, settings).search("putin").total  # nor for a search
    with pytest.raises(QueryError, match="printable ASCII") as exc:
        create_app(settings)  # every write was a 500 (or a 401 for ever)
    assert exc.value.param == "api_key" and key not in str(exc.value)
