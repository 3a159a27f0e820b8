"""The benchmark script runs end to end on a tiny corpus, so it cannot rot (no timing asserts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    assert report["updates"]["updates"] == 5
    for name in ("full rebuild ÷ FTS5 build", "in-process p50 ÷ FTS5 p50", "HTTP p50 at 1 − in-process p50 (ms)",
                 "single update until searchable, p50 ms"):
        assert name in report["ratios"], name
    assert "summary (ratios within this run)" in done.stdout
