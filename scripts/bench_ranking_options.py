#!/usr/bin/env python3
"""What each ranking option costs per query, in-process, beside SQLite FTS5 on the same corpus.

    python scripts/bench_ranking_options.py                    # Reuters-21578 from ../shared
    python scripts/bench_ranking_options.py --index DIR        # an existing index (no FTS5 column)

The corpus is indexed into a temporary directory (and into an in-memory FTS5
table with the porter tokenizer). Each configuration -- the defaults, then each
option of ``eval_relevance.OPTIONS`` alone -- runs the queries below after one
warm-up pass, ``--repeat`` times, as the service would: a page of 10 with
snippets, with and without facets, in ``match=all`` (FTS5: AND) and
``match=any`` (FTS5: OR). The figures are medians in milliseconds; on a shared
machine compare configurations measured in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_relevance import OPTIONS  # noqa: E402

from searchsvc.engine import SearchEngine  # noqa: E402
from searchsvc.evaluate import parse_overrides  # noqa: E402
from searchsvc.indexer import rebuild  # noqa: E402
from searchsvc.loaders import iter_records  # noqa: E402
from searchsvc.settings import Settings  # noqa: E402

#: Two-to-four-word news queries (the shape of the speed benchmark's).
QUERIES = ("oil prices", "interest rates rise", "trade deficit japan", "wheat exports", "bank of england",
           "opec production cuts", "stock market", "dollar yen exchange rate", "coffee prices brazil",
           "federal reserve")


def p50(search: Callable[[str], object], queries: tuple[str, ...], repeat: int) -> float:
    for q in queries:
        search(q)
    times = []
    for _ in range(repeat):
        for q in queries:
            started = time.perf_counter()
            search(q)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def fts5_table(sources: list[str]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table d using fts5(id unindexed, title, body, tokenize='porter unicode61')")
    db.executemany("insert into d values (?, ?, ?)", ((r.id, r.title, r.body) for r in
                                                       iter_records(sources) if not isinstance(r, Exception)))
    return db


def fts5_search(db: sqlite3.Connection, op: str) -> Callable[[str], object]:
    sql = ("select id, highlight(d, 1, '<mark>', '</mark>'), snippet(d, 2, '<mark>', '</mark>', '…', 40) "
           "from d where d match ? order by bm25(d) limit 10")
    return lambda q: db.execute(sql, (f" {op} ".join(f'"{w}"' for w in q.split()),)).fetchall()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sources", nargs="*", default=[str(ROOT.parent / "shared" / "data" / "reuters21578")])
    p.add_argument("--index", type=Path, help="Use this index instead of building one (skips FTS5).")
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args(argv)
    work = None
    index = a.index
    if index is None:
        work = Path(tempfile.mkdtemp(prefix="bench-options-"))
        index = work / "index"
        rebuild(index, a.sources, skip_bad=True)
    try:
        print(f"{'configuration':32s} {'all':>7s} {'all, no facets':>15s} {'any':>7s} {'any, no facets':>15s}"
              "  (p50 ms)")
        if work is not None:
            db = fts5_table(a.sources)
            print(f"{'SQLite FTS5 (AND / OR)':32s} {p50(fts5_search(db, 'AND'), QUERIES, a.repeat):7.2f} "
                  f"{'':15s} {p50(fts5_search(db, 'OR'), QUERIES, a.repeat):7.2f}")
        for spec in ("", *OPTIONS):
            with SearchEngine(index, Settings(parse_overrides(spec), environ={})) as e:
                row = [p50(lambda q, m=m, f=f: e.search(q, match=m, limit=10, facets=f), QUERIES, a.repeat)
                       for m in ("all", "any") for f in (True, False)]
            print(f"{spec or 'defaults':32s} {row[0]:7.2f} {row[1]:15.2f} {row[2]:7.2f} {row[3]:15.2f}")
            sys.stdout.flush()
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
