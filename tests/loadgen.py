"""A load driver for a live service: concurrent searchers and writers, a ledger of acknowledged writes.

Used by ``tests/test_load.py`` (bounded, in CI) and ``scripts/soak.py`` (minutes).
Each client is a thread with its own seeded RNG and a new connection per request
(gunicorn's sync workers close connections). Searchers send a mix of searches
(filters, sorts, facets, paging), document fetches, suggestions and health
checks; writers PUT, update, DELETE and bulk-POST documents with ids of their
own, each carrying a unique token word. Every answer is classified:

* ``ok``: the expected 2xx (or a 404 that is expected, e.g. deleting twice);
* ``retry``: 503 with a ``Retry-After`` header (documented: writer lock busy,
  query over its time limit); the client waits a little and goes on;
* ``failure``: anything else (a 5xx, a 503 without Retry-After, an unexpected
  4xx, a bad body, a refused or dropped connection, a write that was
  acknowledged but is not visible to the next search).

Writers record each acknowledged write in the ledger (``id -> token or None``
for deleted). ``verify()`` checks the ledger against the service afterwards:
each surviving document has its last token, searchable; each deleted one is
gone; older tokens of an updated document no longer find it.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

QUERIES = ["market", "oil price", "bank rates", '"oil price"', "putin", "people:putin", "xi OR trump",
           "market -oil", "pipe*", "gover*", "energy AND talks", "summit~", "section:energy", "dates:2001",
           "published:[1990 to 2000]", "*", "", "the president of the bank", "tariffs", "zzzz nothing here",
           "(oil OR gas) AND (price OR prices)", "budget^2 tax"]


@dataclass
class Outcome:
    requests: Counter = field(default_factory=Counter)        # by "METHOD route status"
    statuses: Counter = field(default_factory=Counter)        # by status (or exception name)
    failures: list[str] = field(default_factory=list)
    retries: int = 0
    latencies: list[float] = field(default_factory=list)     # seconds, every answered request
    generations: set[str] = field(default_factory=set)
    acks: list[tuple[float, str, str | None]] = field(default_factory=list)  # (time, id, token or None)
    #: Writes whose connection dropped (a worker killed mid-request): applied or not, nobody knows.
    uncertain: dict[str, set[str | None]] = field(default_factory=dict)
    read_your_writes: int = 0                                 # acknowledged puts found by the next search

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Client:
    def __init__(self, port: int, key: str, outcome: Outcome, lock: threading.Lock, timeout: float = 60) -> None:
        self.port = port
        self.auth = {"Authorization": f"Bearer {key}"}
        self.out = outcome
        self.lock = lock
        self.timeout = timeout
        self.dropped = False  # the last call got no answer at all

    def call(self, method: str, path: str, body: Any = None, route: str = "", ok: tuple[int, ...] = (200,),
             content_type: str = "application/json") -> tuple[int, Any] | None:
        """One request; returns (status, parsed JSON) when it is an expected answer, else None."""
        data = None
        headers = {}
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers = {"Content-Type": content_type, **self.auth}
        elif method in ("DELETE", "PUT", "POST"):
            headers = dict(self.auth)
        started = time.perf_counter()
        self.dropped = False
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            status = resp.status
            retry_after = resp.getheader("Retry-After")
            ctype = resp.getheader("Content-Type") or ""
        except Exception as e:  # a refused or dropped connection is a failed request
            self.dropped = True
            self._record(f"{method} {route or path}", type(e).__name__, None,
                         f"{method} {path[:80]}: {type(e).__name__}: {e}")
            return None
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        try:
            parsed = json.loads(raw) if ctype.startswith("application/json") else raw
        except ValueError:
            self._record(f"{method} {route}", status, elapsed, f"{method} {path[:80]}: {status} unparseable body")
            return None
        if status in ok:
            self._record(f"{method} {route}", status, elapsed)
            return status, parsed
        if status == 503 and retry_after:
            self._record(f"{method} {route}", status, elapsed, retry=True)
            time.sleep(min(float(retry_after), 0.25))
            return None
        self._record(f"{method} {route}", status, elapsed, f"{method} {path[:80]}: {status} {raw[:300]!r}")
        return None

    def _record(self, key: str, status: Any, elapsed: float | None, failure: str | None = None,
                retry: bool = False) -> None:
        with self.lock:
            self.out.requests[f"{key} {status}"] += 1
            self.out.statuses[status] += 1
            if elapsed is not None:
                self.out.latencies.append(elapsed)
            if failure:
                self.out.failures.append(failure)
            if retry:
                self.out.retries += 1


def searcher(client: Client, rng: random.Random, stop: threading.Event, known_ids: list[str]) -> None:
    while not stop.is_set():
        r = rng.random()
        if r < 0.70:
            params = {"q": rng.choice(QUERIES), "match": rng.choice(["all", "any"]),
                      "sort": rng.choice(["relevance", "relevance", "newest", "oldest"]),
                      "limit": rng.choice([0, 1, 10, 10, 50, 100]), "offset": rng.choice([0, 0, 0, 10, 200]),
                      "facets": rng.choice(["true", "false"])}
            if rng.random() < 0.2:
                params["people"] = rng.choice(["Vladimir Putin", "Xi Jinping", "Nobody"])
            if rng.random() < 0.2:
                params["from"], params["to"] = "1990", "2010-06"
            got = client.call("GET", "/search?" + urlencode(params), route="/search")
            if got and not ({"total", "hits", "facets", "generation"} <= set(got[1])):
                client._record("GET /search", "shape", None, f"bad search body {str(got[1])[:200]}")
            elif got:
                with client.lock:
                    client.out.generations.add(got[1]["generation"])
        elif r < 0.85:
            client.call("GET", f"/documents/{rng.choice(known_ids)}", route="/documents/{id}")
        elif r < 0.95:
            client.call("GET", "/suggest?" + urlencode({"q": rng.choice(["pu", "xi", "mar", "oi", "z"])}),
                        route="/suggest")
        else:
            got = client.call("GET", "/health", route="/health")
            if got:
                with client.lock:
                    client.out.generations.add(got[1]["generation"])


def writer(client: Client, rng: random.Random, stop: threading.Event, name: str,
           check_reads: bool = True) -> None:
    """PUT/update/DELETE/bulk-POST ids of its own; ledger entries only for acknowledged writes."""
    mine: dict[str, str | None] = {}
    n = 0

    def ack(doc_id: str, token: str | None) -> None:
        mine[doc_id] = token
        with client.lock:
            client.out.acks.append((time.monotonic(), doc_id, token))

    def unknown(doc_id: str, token: str | None) -> None:
        """No answer: the write may or may not have happened; leave the id alone from now on."""
        if client.dropped:
            mine.pop(doc_id, None)
            with client.lock:
                client.out.uncertain.setdefault(doc_id, set()).add(token)

    def token() -> str:
        nonlocal n
        n += 1
        return f"tok{name}x{n}"

    def document(tok: str) -> dict[str, Any]:
        return {"title": f"Written {tok}", "body": f"Body of {tok} about market and oil.", "section": "Load",
                "people": [], "dates": []}

    while not stop.is_set():
        r = rng.random()
        live = [i for i, t in mine.items() if t]
        if r < 0.45 or not live:  # a new document
            tok = token()
            doc_id = f"{name}-{n}"
            got = client.call("PUT", f"/documents/{doc_id}", document(tok), "/documents/{id}", ok=(201,))
            if got:
                ack(doc_id, tok)
                _read_your_write(client, tok, doc_id, check_reads)
            else:
                unknown(doc_id, tok)
        elif r < 0.70:  # replace one of mine
            doc_id, tok = rng.choice(live), token()
            got = client.call("PUT", f"/documents/{doc_id}", document(tok), "/documents/{id}", ok=(200,))
            if got:
                ack(doc_id, tok)
                _read_your_write(client, tok, doc_id, check_reads)
            else:
                unknown(doc_id, tok)
        elif r < 0.85:  # delete one of mine
            doc_id = rng.choice(live)
            if client.call("DELETE", f"/documents/{doc_id}", None, "/documents/{id}"):
                ack(doc_id, None)
            else:
                unknown(doc_id, None)
        else:  # a bulk of three new ones, as JSON Lines
            toks = [token() for _ in range(3)]
            lines = b"".join(json.dumps({"id": f"{name}-b{t}", **document(t)}).encode() + b"\n" for t in toks)
            got = client.call("POST", "/documents", lines, "/documents", content_type="application/x-ndjson")
            if got and got[1].get("written") == 3:
                for t in toks:
                    ack(f"{name}-b{t}", t)
            elif got:
                client._record("POST /documents", "partial", None, f"bulk wrote {got[1]}")
            else:
                for t in toks:
                    unknown(f"{name}-b{t}", t)


def _read_your_write(client: Client, tok: str, doc_id: str, check: bool) -> None:
    """README: 'A write is searchable as soon as it answers 2xx' (on any worker)."""
    if not check:
        return
    got = client.call("GET", "/search?" + urlencode({"q": tok, "facets": "false"}), route="/search")
    if got is None:
        return  # counted already (a retry or a failure)
    if [h["id"] for h in got[1]["hits"]] != [doc_id]:
        client._record("GET /search", "stale", None, f"acknowledged {doc_id} ({tok}) not found: {got[1]['hits']}")
    else:
        with client.lock:
            client.out.read_your_writes += 1


def run(port: int, key: str, *, clients: int, writers: int, seconds: float, seed: int, known_ids: list[str],
        until: threading.Event | None = None, enough: Callable[[Outcome], bool] | None = None,
        max_seconds: float | None = None, check_reads: bool = True) -> Outcome:
    """Run ``clients`` threads (``writers`` of them writing) for at least ``seconds``, then until ``until`` is
    set and ``enough(outcome)`` holds, for at most ``max_seconds``."""
    out = Outcome()
    lock = threading.Lock()
    stop = threading.Event()
    threads = []
    for i in range(clients):
        client = Client(port, key, out, lock)
        rng = random.Random(seed * 1000 + i)
        if i < writers:
            t = threading.Thread(target=writer, args=(client, rng, stop, f"w{seed}c{i}", check_reads),
                                 daemon=True)
        else:
            t = threading.Thread(target=searcher, args=(client, rng, stop, known_ids), daemon=True)
        threads.append(t)
    for t in threads:
        t.start()
    started = time.monotonic()
    try:
        while True:
            elapsed = time.monotonic() - started
            if elapsed >= seconds and (until is None or until.is_set()):
                with lock:
                    satisfied = enough is None or enough(out)
                if satisfied:
                    break
            if max_seconds is not None and elapsed >= max_seconds:
                break
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join()
    return out


def ledger(out: Outcome) -> dict[str, str | None]:
    """id -> last acknowledged token (None: deleted), in acknowledgement order."""
    final: dict[str, str | None] = {}
    for _, doc_id, tok in sorted(out.acks):
        final[doc_id] = tok
    return final


def verify(port: int, key: str, out: Outcome) -> list[str]:
    """Problems with acknowledged writes as the service answers now (empty: nothing lost)."""
    client = Client(port, key, Outcome(), threading.Lock())
    problems = []
    superseded: dict[str, list[str]] = {}
    for _, doc_id, tok in sorted(out.acks):
        if tok:
            superseded.setdefault(doc_id, []).append(tok)
    for doc_id, tok in ledger(out).items():
        got = client.call("GET", f"/documents/{doc_id}", route="/documents/{id}", ok=(200, 404))
        if got is None:
            problems.append(f"{doc_id}: no answer")
            continue
        status, body = got
        if doc_id in out.uncertain:  # the last acknowledged state, or one of the unanswered writes
            states = {tok} | out.uncertain[doc_id]
            now = None if status == 404 else next((t for t in states if t and t in body.get("title", "")), "?")
            if now not in states:
                problems.append(f"{doc_id}: {status} {str(body)[:80]} is none of {states}")
            continue
        if tok is None:
            if status != 404:
                problems.append(f"{doc_id}: deleted but still there")
            continue
        if status != 200 or tok not in body.get("title", ""):
            problems.append(f"{doc_id}: expected {tok}, got {status} {str(body)[:120]}")
            continue
        found = client.call("GET", "/search?" + urlencode({"q": tok, "facets": "false"}), route="/search")
        if not found or [h["id"] for h in found[1]["hits"]] != [doc_id]:
            problems.append(f"{doc_id}: {tok} not searchable")
        for old in superseded[doc_id][:-1][-2:]:  # the last two replaced versions no longer match
            stale = client.call("GET", "/search?" + urlencode({"q": old, "facets": "false"}), route="/search")
            if not stale or stale[1]["total"] != 0:
                problems.append(f"{doc_id}: replaced version {old} still found")
    return problems
