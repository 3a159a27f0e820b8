"""The benchmark script runs end to end on a tiny corpus, so it cannot rot (no timing asserts)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import falcon.testing
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_runs_on_a_tiny_corpus(tmp_path: Path, corpus_file: Path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--corpus", str(corpus_file), "--format", "jsonl",
         "--subsets", "5,all", "--rounds", "1", "--rebuild-rounds", "2", "--http-seconds", "1",
         "--concurrency", "1,8", "--updates", "5", "--workdir", str(tmp_path), "--out", str(out)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["documents"] == report["rebuild"]["searchsvc_documents"] > 0
    assert len(report["rebuild"]["searchsvc_rounds_s"]) == len(report["rebuild"]["fts5_index_rounds_s"]) == 2
    assert {"searchsvc", "searchsvc_facets", "fts5", "naive"} <= set(report["query"])
    levels = report["http"]["searchsvc"]
    assert [x["concurrency"] for x in levels] == [1, 8] and all(x["errors"] == 0 and x["rps"] > 0 for x in levels)
    assert all(x["inproc"]["cpu_ms_per_query"] > 0 for x in levels)
    for ceiling in ("trivial", "busy"):  # the two reference endpoints ran at the same levels, error-free
        assert [(x["concurrency"], x["errors"]) for x in report["http"][ceiling]] == [(1, 0), (8, 0)], ceiling
    assert report["updates"]["updates"] == 5
    # Served with no rebuild, and during one at each rebuild_nice (on this tiny corpus the rebuild runs
    # in-process, so no worker is niced: this checks the plumbing, not the effect).
    during = report["during_rebuild"]
    assert [n for n in during["runs"]] == ["none", "nice 0", "nice 10"]
    assert all(r["errors"] == 0 and r["rps"] > 0 for rs in during["runs"].values() for r in rs)
    assert all(r["rebuild_s"] > 0 for n in ("nice 0", "nice 10") for r in during["runs"][n])
    for name in ("full rebuild ÷ FTS5 build", "in-process p50 ÷ FTS5 p50", "HTTP p50 at 1 − in-process p50 (ms)",
                 "  same-CPU endpoint p50 at 1 − its CPU ms (ms)",
                 "  in-process p50 with 5 ms idle before each query − without (ms)",
                 "  same, for an endpoint that only burns that CPU",
                 "single update until searchable, p50 ms", "HTTP req/s during a rebuild ÷ without, rebuild_nice 10",
                 "HTTP req/s during a rebuild ÷ without, rebuild_nice 0"):
        assert name in report["ratios"], name
    assert "summary (ratios within this run)" in done.stdout


@pytest.mark.parametrize(("query", "low_ms", "high_ms"), [
    ("ms=15", 15.0, 900.0),
    ("ms=120", 120.0, 900.0),
    ("ms=5000", 1000.0, 4000.0),  # capped at one second a request
    ("ms=-3", None, None),
    ("ms=x", None, None),
])
def test_same_cpu_endpoint_spends_what_it_is_asked(monkeypatch: pytest.MonkeyPatch, query: str,
                                                   low_ms: float | None, high_ms: float | None):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    from bench_trivial_app import app

    start = time.process_time()
    got = falcon.testing.TestClient(app).simulate_get("/busy", query_string=query)
    spent_ms = (time.process_time() - start) * 1000
    if low_ms is None:
        assert got.status_code == 400
    else:
        assert got.status_code == 200 and got.json == {"ok": True, "hits": []}
        assert low_ms <= spent_ms < high_ms
