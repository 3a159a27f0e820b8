#!/usr/bin/env python3
"""Ranking quality of searchsvc beside naive Whoosh, SQLite FTS5 and bm25s, measured in one run.

    python scripts/eval_relevance.py                      # ../shared/data/ir/{time,cacm}
    python scripts/eval_relevance.py --options            # also each ranking option, and its cost
    python scripts/eval_relevance.py --data DIR --collections mine --json out.json

Each collection is a folder with ``corpus.jsonl`` {id,title,body}, ``queries.jsonl``
{id,text} and ``qrels.tsv`` (qid, docid, grade). The three anchor systems are run
by the project's shared evaluation script (``--ir-eval``, imported by path, not
copied), exactly as it runs them; searchsvc is indexed into a temporary directory
and searched in-process with ``match=any``, 1000 results per query, under the
default settings and, with ``--options``, under each option of :data:`OPTIONS`.
All figures come from :mod:`searchsvc.evaluate` (ir-measures).

Latency is the in-process median per query, once as evaluated (1000 results, no
snippets) and once as served (10 results with snippets and facets); it is noisy
on a shared machine, so compare options measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searchsvc import evaluate as ev  # noqa: E402
from searchsvc.engine import SearchEngine  # noqa: E402
from searchsvc.indexer import rebuild  # noqa: E402
from searchsvc.settings import Settings  # noqa: E402

BASELINES = ("whoosh-naive", "fts5", "bm25s")
#: Ranking options measured with --options (each alone on top of the defaults).
OPTIONS = (
    "bm25_b_body=0.75",                       # Robertson's classic body b instead of the default 0.6
    "proximity_weight=1",                     # Büttcher et al. 2006 proximity bonus, top 100 re-ranked
    "rm3_docs=10",                            # RM3 with Anserini's parameters (10 docs, 10 terms, 0.5)
    "recency_half_life_days=30",              # recency (needs `published`; a no-op on undated corpora)
)


def load_ir_eval(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("ir_eval", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def baseline_rows(ir: ModuleType, corpus: list[dict], queries: list[dict], qrels: ev.Qrels,
                  systems: list[str]) -> list[dict[str, Any]]:
    runners = {"whoosh-naive": ir.run_whoosh, "fts5": ir.run_fts5, "bm25s": ir.run_bm25s}
    rows = []
    for name in systems:
        started = time.perf_counter()
        run = runners[name](corpus, queries)
        mean, _ = ev.measure(qrels, run, [q["id"] for q in queries])
        rows.append({"system": name, **mean, "seconds": round(time.perf_counter() - started, 1)})
    return rows


def served_p50(index: Path, queries: dict[str, str], overrides: dict[str, str]) -> float:
    """Median in-process ms per query for a page of 10 with snippets and facets (after one warm-up pass)."""
    with SearchEngine(index, Settings(overrides)) as engine:
        for text in queries.values():
            engine.search(text, match="any", limit=10)
        times = []
        for text in queries.values():
            started = time.perf_counter()
            engine.search(text, match="any", limit=10)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def project_rows(index: Path, queries: dict[str, str], qrels: ev.Qrels, configs: list[str]) -> list[dict[str, Any]]:
    rows = []
    for spec in configs:
        overrides = ev.parse_overrides(spec)
        report = ev.evaluate(index, queries, qrels, match="any", overrides=overrides, label=spec or "searchsvc")
        rows.append({"system": "searchsvc" + (f" {spec}" if spec else ""), **report.mean,
                     "p50_ms_eval": round(report.p50_ms, 2),
                     "p50_ms_served": round(served_p50(index, queries, overrides), 2),
                     "missing_judged": report.missing})
    return rows


def print_rows(collection: str, rows: list[dict[str, Any]]) -> None:
    width = max(len(r["system"]) for r in rows)
    print(f"\n{collection}: " + "  ".join(ev.MEASURE_NAMES) + "   (p50 ms: evaluated / served)")
    for r in rows:
        cost = f"  {r['p50_ms_eval']:6.2f} / {r['p50_ms_served']:5.2f}" if "p50_ms_eval" in r else ""
        print(f"  {r['system']:{width}s} " + " ".join(f"{r[m]:.4f}" for m in ev.MEASURE_NAMES) + cost)
    missing = next((r["missing_judged"] for r in rows if r.get("missing_judged")), {})
    for line in ev.missing_lines(missing):
        print("  " + line)
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ir")
    p.add_argument("--collections", default="time,cacm")
    p.add_argument("--ir-eval", type=Path, default=ROOT.parent / "shared" / "eval" / "ir_eval.py")
    p.add_argument("--baselines", default=",".join(BASELINES), help="Anchor systems ('' for none).")
    p.add_argument("--options", action="store_true", help="Also measure each ranking option.")
    p.add_argument("--json", type=Path, help="Write all figures here.")
    a = p.parse_args(argv)
    ir = load_ir_eval(a.ir_eval)
    configs = [""] + (list(OPTIONS) if a.options else [])
    results: dict[str, list[dict[str, Any]]] = {}
    for name in a.collections.split(","):
        corpus, queries, qrels = ir.load(str(a.data / name))
        rows = baseline_rows(ir, corpus, queries, qrels, [s for s in a.baselines.split(",") if s])
        work = Path(tempfile.mkdtemp(prefix=f"eval-{name}-"))
        try:
            source = work / "corpus.jsonl"
            source.write_text("".join(json.dumps(d) + "\n" for d in corpus), encoding="utf-8")
            rebuild(work / "index", [source])
            rows += project_rows(work / "index", {q["id"]: q["text"] for q in queries}, qrels, configs)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        results[name] = rows
        print_rows(name, rows)
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
