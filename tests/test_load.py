"""Load and concurrency against a real gunicorn (2 workers, loopback), bounded in time.

* 32 concurrent clients for a fixed time while two full rebuilds (the CLI, in
  other processes) swap the generation and writers add, replace and delete
  documents: no failed request except documented 503s with Retry-After; every
  acknowledged write is searchable at once and afterwards, including those
  acknowledged while a rebuild ran, and none is lost by the next rebuild.
* A worker killed with SIGKILL in the middle of a write is replaced by gunicorn
  while the other keeps answering; the write is all or nothing, and the next
  write needs no clean-up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from searchsvc.engine import SearchEngine
from searchsvc.indexer import rebuild

from . import loadgen
from .corpus import write_corpus
from .live import ROOT, LiveServer

pytestmark = pytest.mark.slow
KEY = "load-key"
DOCS = 3000


@pytest.fixture(scope="module")
def load_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("load") / "news.jsonl", DOCS, seed=11)


def rebuild_cli(index: Path, corpus: Path) -> str:
    r = subprocess.run([sys.executable, "-m", "searchsvc", "index", "--quiet", "--index", str(index), str(corpus)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_32_clients_while_two_rebuilds_swap_the_generation_and_writes_land(tmp_path: Path, load_corpus: Path):
    ix = tmp_path / "ix"
    rebuild(ix, [load_corpus])
    known = [f"syn{i}" for i in range(0, DOCS, 7)]
    windows: list[tuple[float, float]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    with LiveServer(ix, workers=2, api_key=KEY) as server:
        def rebuilds() -> None:
            try:
                for _ in range(2):
                    time.sleep(3)
                    started = time.monotonic()
                    rebuild_cli(ix, load_corpus)
                    windows.append((started, time.monotonic()))
            except BaseException as e:
                errors.append(e)
            finally:
                done.set()

        t = threading.Thread(target=rebuilds, daemon=True)
        t.start()
        # At least 20 s and both rebuilds; longer if a slow machine has not yet reached the minimums below.
        out = loadgen.run(server.port, KEY, clients=32, writers=6, seconds=20, seed=1, known_ids=known,
                          until=done, enough=lambda o: o.total >= 1000 and len(o.acks) >= 100, max_seconds=180)
        t.join()
        assert not errors
        assert len(windows) == 2, "the two rebuilds did not finish within the run"

        # Zero failed requests: only documented 503s with Retry-After besides the expected answers.
        assert out.failures == [], f"{len(out.failures)} failures, first: {out.failures[:5]}\n{server.tracebacks()}"
        assert set(out.statuses) <= {200, 201, 503}, out.statuses
        assert out.total >= 1000, out.statuses
        assert out.statuses[200] >= 0.9 * out.total
        # Both switches were seen by the clients: three generations served.
        assert len(out.generations) == 3, out.generations
        # Writes were acknowledged, read back at once, and some of them while a rebuild ran.
        acks = out.acks
        assert len(acks) >= 100 and out.read_your_writes >= 50
        during = [a for a in acks if any(s <= a[0] <= e for s, e in windows)]
        assert len(during) >= 10, f"only {len(during)} writes landed during the rebuilds"
        assert any(tok is None for _, _, tok in acks)  # deletes too

        # Every acknowledged write, as the service answers after the run ...
        assert loadgen.verify(server.port, KEY, out) == []
        # ... and after one more rebuild (the journal is re-applied; nothing lost).
        rebuild_cli(ix, load_corpus)
        assert loadgen.verify(server.port, KEY, out) == []

    final = loadgen.ledger(out)
    with SearchEngine(ix) as e:  # the index itself, opened afresh
        assert e.info()["documents"] == DOCS + sum(1 for tok in final.values() if tok)
    print(f"\nload: {out.total} requests {dict(out.statuses)}, {len(acks)} writes acknowledged "
          f"({len(during)} during rebuilds), p50 {out.percentile(50) * 1000:.0f} ms, "
          f"p99 {out.percentile(99) * 1000:.0f} ms")


def _open_files(pid: int) -> list[str]:
    try:
        return [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return []


def test_a_worker_killed_mid_write_is_replaced_and_the_other_keeps_answering(tmp_path: Path, load_corpus: Path):
    ix = tmp_path / "ix"
    rebuild(ix, [load_corpus])
    bulk = [{"id": f"bulk{i}", "title": f"Bulk okapi {i}", "body": "An okapi was seen near the market. " * 20}
            for i in range(4000)]
    body = b"".join(json.dumps(d).encode() + b"\n" for d in bulk)
    # One bulk big enough to be caught mid-commit: the per-request cap is raised to let it in.
    with LiveServer(ix, workers=2, api_key=KEY, lock_timeout=30, max_bulk_documents=len(bulk)) as server:
        workers = server.worker_pids()
        assert len(workers) == 2
        search = loadgen.Outcome()
        lock, stop = threading.Lock(), threading.Event()
        client = loadgen.Client(server.port, KEY, search, lock)

        def searching() -> None:
            while not stop.is_set():
                client.call("GET", "/search?q=market&limit=5", route="/search")
                time.sleep(0.02)

        bulk_result: list[object] = []

        def posting() -> None:
            try:
                bulk_result.append(server.request("POST", "/documents", body, {
                    "Authorization": f"Bearer {KEY}", "Content-Type": "application/x-ndjson"}, timeout=120))
            except Exception as e:
                bulk_result.append(e)

        # Daemon threads: a failed assertion below must not leave the test process unable to exit.
        searchers = [threading.Thread(target=searching, daemon=True) for _ in range(3)]
        for t in searchers:
            t.start()
        poster = threading.Thread(target=posting, daemon=True)
        poster.start()
        # The worker that holds the index write lock is in the middle of committing the bulk.
        lock_path = str(ix / "write.lock")
        victim = None
        deadline = time.monotonic() + 60
        while victim is None and time.monotonic() < deadline and poster.is_alive():
            victim = next((p for p in workers if lock_path in _open_files(p)), None)
            time.sleep(0.01)
        assert victim is not None, f"no worker was seen holding the write lock; the bulk answered {bulk_result}"
        os.kill(victim, signal.SIGKILL)
        poster.join(60)
        assert isinstance(bulk_result[0], Exception), bulk_result  # the killed request itself fails
        # gunicorn replaces the worker; searching goes on meanwhile.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = server.worker_pids()
            if len(now) == 2 and victim not in now:
                break
            time.sleep(0.1)
        assert len(now) == 2 and victim not in now, now
        time.sleep(1)
        stop.set()
        for t in searchers:
            t.join()
        assert search.failures == [], search.failures[:5]
        assert search.statuses[200] >= 20
        # All or nothing, and writes go on without clean-up (the kernel released the lock).
        found = server.json("GET", "/search?q=okapi&limit=0&facets=false")[1]["total"]
        assert found in (0, len(bulk)), found
        status, _ = server.json("PUT", "/documents/after-kill", {"title": "After the kill"},
                                {"Authorization": f"Bearer {KEY}"})
        assert status == 201
        for _ in range(10):  # both workers, the new one included
            assert server.json("GET", "/search?q=after%20kill")[1]["total"] == 1
    # A rebuild re-applies the journal: the killed bulk is all there or all absent, never half.
    rebuild(ix, [load_corpus])
    with SearchEngine(ix) as e:
        assert e.search("okapi", limit=0).total in (0, len(bulk))
        assert e.search("after kill").total == 1


def _commit_loop(ix: Path, seconds: float, results) -> None:
    from searchsvc.document import Document
    from searchsvc.writer import IndexWriter

    w = IndexWriter(ix)
    n, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        n += 1
        w.put([Document.from_record({"id": f"r{n % 40}", "title": f"Race {n}", "body": f"market okapi {n}",
                                     "people": [], "dates": []})])
    results.put(("writes", n, {}))


def _search_loop(ix: Path, seconds: float, results) -> None:
    errors: dict[str, int] = {}
    n, end = 0, time.monotonic() + seconds
    with SearchEngine(ix) as e:
        while time.monotonic() < end:
            n += 1
            try:
                r = e.search("market okapi", limit=5, sort=("relevance", "newest")[n % 2])
                assert r.total >= 1
                if n % 2 == 0:  # scored with real field lengths
                    assert all(h.score > 0 for h in r.hits)
                e.info()
            except Exception as ex:
                key = f"{type(ex).__name__}: {str(ex)[:120]}"
                errors[key] = errors.get(key, 0) + 1
    results.put(("searches", n, errors))


def test_searches_never_fail_while_another_process_commits_in_a_loop(tmp_path: Path):
    """Each commit removes the previous table of contents and merged segments under the readers."""
    import multiprocessing

    ix = tmp_path / "ix"
    rebuild(ix, [write_corpus(tmp_path / "c.jsonl", 300, seed=3)])
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    procs = [ctx.Process(target=_commit_loop, args=(ix, 8, results))]
    procs += [ctx.Process(target=_search_loop, args=(ix, 8, results)) for _ in range(2)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    writes = sum(n for kind, n, _ in got if kind == "writes")
    searches = sum(n for kind, n, _ in got if kind == "searches")
    errors = [e for _, _, e in got if e]
    assert errors == []
    assert writes >= 50 and searches >= 500, (writes, searches)
