"""The service under a real gunicorn (2 workers) on loopback."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

from searchsvc.indexer import rebuild

from .conftest import write_jsonl
from .live import LiveServer
from .test_security import raw_request

pytestmark = pytest.mark.slow
KEY = "live-key"
AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def server(fresh_index: Path):
    with LiveServer(fresh_index, workers=2, api_key=KEY, refresh_interval=0) as s:
        yield s


def test_search_and_errors_over_http(server: LiveServer):
    status, body = server.json("GET", "/search?q=putin&limit=1")
    assert status == 200 and body["total"] == 2 and len(body["hits"]) == 1
    status, body = server.json("GET", "/search?limit=1000")
    assert status == 400 and body["error"]["param"] == "limit"
    status, body = server.json("GET", "/search?q=" + "x" * 5000)
    assert status == 400 and body["error"]["param"] == "q"


# What gunicorn refuses before the app runs gets the app's JSON error shape, not gunicorn's HTML page.
REFUSED = [
    ("request line over 8,190 bytes", b"GET /search?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
     414, "request_line_too_long", "url"),
    ("a header over 8,190 bytes", b"GET /search?q=x HTTP/1.1\r\nHost: x\r\nX-Big: " + b"h" * 9000 + b"\r\n\r\n",
     431, "headers_too_large", "headers"),
    ("over 100 headers", b"GET /search?q=x HTTP/1.1\r\nHost: x\r\n"
     + b"".join(b"X-H%d: v\r\n" % i for i in range(120)) + b"\r\n", 431, "headers_too_large", "headers"),
    ("a malformed request line", b"GET /search?q=x\r\nHost: x\r\n\r\n", 400, "bad_request", "request"),
    ("a malformed method", b"G@T /search?q=x HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request", "method"),
    ("an unknown transfer coding", b"POST /documents HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
     400, "bad_request", "headers"),
    # gunicorn undoes the chunking of "gzip, chunked" and passes the gzip bytes on: the app refuses them
    ("a transfer coding before chunked", b"PUT /documents/gz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
     + KEY.encode() + b"\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
     b"3\r\n\x1f\x8b\x08\r\n0\r\n\r\n", 400, "bad_request", "headers"),
    # a bad header names the headers, as the README says (all said "request" before)
    ("a header without a colon", b"GET /search?q=x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
     400, "bad_request", "headers"),
    ("a header name with a space", b"GET /search?q=x HTTP/1.1\r\nHost: x\r\nX Y: v\r\n\r\n",
     400, "bad_request", "headers"),
    ("a Content-Length that is no number", b"POST /documents HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
     400, "bad_request", "headers"),
]


@pytest.mark.parametrize("what, raw, status, code, param", REFUSED, ids=[r[0] for r in REFUSED])
def test_what_gunicorn_refuses_is_the_json_error_shape(server: LiveServer, what, raw, status, code, param):
    answer = raw_request(server.port, raw)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), answer[:300]
    assert b"\r\ncontent-type: application/json\r\n" in head.lower()  # from gunicorn or from the app
    error = json.loads(body)["error"]
    assert (error["status"], error["code"], error["param"]) == (status, code, param)
    assert error["message"] and "<" not in error["message"]
    assert server.json("GET", "/search?q=putin")[1]["total"] == 2  # the worker still answers


def test_writes_need_the_key_and_are_searchable_at_once_in_every_worker(server: LiveServer):
    status, body = server.json("PUT", "/documents/live1", {"title": "Okapi sighting", "body": "An okapi."})
    assert status == 401 and body["error"]["code"] == "unauthorized"
    status, _ = server.json("PUT", "/documents/live1", {"title": "Okapi sighting", "body": "An okapi."}, AUTH)
    assert status == 201
    # Fresh connections land on either worker: all of them must see the write.
    for _ in range(20):
        assert server.json("GET", "/search?q=okapi")[1]["total"] == 1


def metric(text: str, route: str, status: int) -> float:
    m = re.search(rf'searchsvc_requests_total{{method="GET",route="{re.escape(route)}",status="{status}"}} (\S+)',
                  text)
    return float(m.group(1)) if m else 0.0


def test_metrics_count_across_workers(server: LiveServer):
    before = metric(server.request("GET", "/metrics")[2].decode(), "/search", 200)
    for _ in range(30):
        server.request("GET", "/search?q=putin")
    after = metric(server.request("GET", "/metrics")[2].decode(), "/search", 200)
    assert after - before == 30
    assert len(server.worker_pids()) == 2


def test_rebuild_while_serving_is_picked_up_without_failed_requests(server: LiveServer, tmp_path: Path):
    source = write_jsonl(tmp_path / "new.jsonl", [{"id": f"n{i}", "title": f"Narwhal {i}", "body": "narwhal"}
                                                  for i in range(50)])
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def client():
        while not stop.is_set():
            try:
                status, _, raw = server.request("GET", "/search?q=narwhal%20OR%20putin")
            except Exception as e:  # a refused or dropped connection is a failed request too
                failures.append(repr(e))
                continue
            answered[0] += 1
            if status != 200:
                failures.append(f"{status} {raw[:200]!r}")

    threads = [threading.Thread(target=client, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        rebuild(server.index, [source])
        switched = time.monotonic()
        while server.json("GET", "/search?q=narwhal")[1]["total"] != 50:
            assert time.monotonic() - switched < 1.5, "a worker still serves the old generation"
        # Both workers, several times over.
        for _ in range(10):
            assert server.json("GET", "/search?q=narwhal")[1]["total"] == 50
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == []
    assert answered[0] > 20


@pytest.mark.parametrize("max_requests", [0, 20])
def test_workers_are_replaced_after_worker_max_requests_and_not_otherwise(fresh_index: Path, max_requests: int):
    with LiveServer(fresh_index, workers=1, worker_max_requests=max_requests) as s:
        before = s.worker_pids()
        statuses = [s.request("GET", f"/search?q=putin&offset={i % 3}")[0] for i in range(60)]
        deadline = time.monotonic() + 10
        while max_requests and s.worker_pids() in (before, []) and time.monotonic() < deadline:
            time.sleep(0.05)
        after = s.worker_pids()
    assert statuses == [200] * 60  # a replacement fails no request
    # 20 plus up to 10 %: after 60 requests the first worker has been replaced
    assert (after != before) == bool(max_requests), (before, after)


def test_a_stopping_worker_may_finish_any_request_it_is_allowed_to_run(monkeypatch: pytest.MonkeyPatch):
    import runpy

    from .live import CONFIG

    monkeypatch.setenv("SEARCHSVC_REQUEST_TIMEOUT", "45")
    conf = runpy.run_path(str(CONFIG))
    # graceful_timeout was a fixed 10 s: SIGTERM killed a 17 s bulk write half-written
    assert conf["timeout"] == 45 and conf["graceful_timeout"] == 45


@pytest.mark.slow
def test_connections_that_stall_do_not_hold_the_workers(fresh_index: Path):
    """As many half-sent requests as workers used to freeze the service until gunicorn killed the
    workers (request_timeout), and each stalled client then got a 500 (an adversarial review)."""
    import socket

    with LiveServer(fresh_index, workers=2, api_key="k", client_timeout=0.5, request_timeout=6) as server:
        head = socket.create_connection(("127.0.0.1", server.port))
        head.sendall(b"GET /search?q=oil HTTP/1.1\r\nHost: x\r\n")  # the headers never end
        body = socket.create_connection(("127.0.0.1", server.port))
        body.sendall(b"PUT /documents/slow1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": \"slow1\"")
        time.sleep(0.2)  # both workers now hold one of them
        started = time.monotonic()
        status, _ = server.json("GET", "/health")
        assert status == 200 and time.monotonic() - started < 3
        head.settimeout(5)
        body.settimeout(5)
        assert head.recv(1000) == b""  # dropped, as a client that went away
        answer = body.recv(10_000).decode()
        assert answer.startswith("HTTP/1.1 400") and "the body ended after 14 of the 100 bytes" in answer
        head.close()
        body.close()
        assert server.json("GET", "/documents/slow1")[0] == 404  # nothing half-written
        log = server.log()
        assert "Traceback" not in log and "WORKER TIMEOUT" not in log and "[ERROR]" not in log, log
