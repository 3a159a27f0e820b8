#!/usr/bin/env python3
"""Side-by-side benchmark: searchsvc vs naive Whoosh vs SQLite FTS5, in one run.

    python scripts/bench.py                                   # Reuters-21578 from ../shared
    python scripts/bench.py --corpus PATH --format jsonl --subsets 1000,all --http-seconds 5

Sections (each printed as a table, all written to --out as JSON):

1. rebuild: searchsvc's full rebuild from the files (reading, people/date extraction,
   parallel indexing) vs naive Whoosh and FTS5 indexing the already-parsed documents;
   searchsvc's cost per document on subsets (5k, 10k, all) to show how it grows;
2. in-process query latency (p50/p95/p99) over scripts/bench_queries.jsonl (words,
   phrases, people filters, date ranges; all terms; top 10 with snippets). searchsvc is
   measured without facets (what the others compute) and with them (the web default);
   no result cache anywhere;
3. HTTP under gunicorn (2 workers) with closed-loop clients at several concurrencies,
   against a trivial Falcon endpoint under the same settings (the HTTP ceiling) and one
   that only burns the CPU our queries take in-process (what the machine allows for that
   much work per request); at one client, the in-process p50 is also taken with a pause
   before each query, since a worker idles between requests and an idle core is slow to
   resume;
4. peak RSS of a serving worker, index size on disk, time to open the index;
5. single-document updates: time until searchable, and query p50 after N updates;
6. serving while a full rebuild runs on the same machine: HTTP queries with no rebuild, then
   during a rebuild of the corpus into another folder with its workers at ``rebuild_nice`` 0
   and at the default (alternating rounds), and how long the rebuild took meanwhile.

Ratios compare numbers taken in this same run, so they survive a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from bench_baselines import Fts5, NaiveWhoosh  # noqa: E402
from bench_http import Gunicorn, load  # noqa: E402

from searchsvc import (  # noqa: E402
    Document,
    IndexWriter,
    SearchEngine,
    Settings,
    iter_records,
    native,
    rebuild,
)
from searchsvc.store import folder_bytes  # noqa: E402

#: Idle time before each query of the "paused" in-process figure: at one client a worker waits
#: about this long between its requests (the other worker's turn and the round trip).
IDLE_PAUSE_S = 0.005
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "reuters21578"
QUERIES = ROOT / "scripts" / "bench_queries.jsonl"


def main() -> None:
    a = parse_args()
    work = Path(tempfile.mkdtemp(prefix="searchsvc-bench-", dir=a.workdir))
    queries = [json.loads(line) for line in a.queries.read_text(encoding="utf-8").splitlines() if line.strip()]
    report: dict[str, Any] = {"machine": machine(), "corpus": str(a.corpus), "queries": len(queries)}
    try:
        started = time.perf_counter()
        docs = read_corpus(a)
        report["read_s"] = time.perf_counter() - started
        report["documents"] = len(docs)
        report["extraction"] = native.status()
        print(f"corpus: {a.corpus} ({len(docs):,} documents), {len(queries)} queries, workdir {work}; "
              f"extraction: {report['extraction']}")
        ix = work / "searchsvc"
        report["rebuild"] = bench_rebuild(a, docs, ix, work, report["read_s"])
        report["query"] = bench_queries(a, queries, ix, work)
        if a.http_seconds > 0:
            report["http"] = bench_http(a, queries, ix)
        report["updates"] = bench_updates(a, queries, ix, docs)
        if a.http_seconds > 0 and a.rebuild_clients > 0:
            report["during_rebuild"] = bench_during_rebuild(a, queries, ix, work, report["rebuild"]["searchsvc_s"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratios(report)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(report, indent=1))
    print(f"\nwrote {a.out}")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--format", default=None, help="reader for the corpus (default: reuters for the default corpus)")
    p.add_argument("--queries", type=Path, default=QUERIES)
    p.add_argument("--subsets", default="5000,10000,all")
    p.add_argument("--rounds", type=int, default=3, help="times each query is timed")
    p.add_argument("--rebuild-rounds", type=int, default=3, help="alternating full rebuilds of ours and FTS5")
    p.add_argument("--http-seconds", type=float, default=10.0)
    p.add_argument("--concurrency", default="1,8,32")
    p.add_argument("--updates", type=int, default=1000)
    p.add_argument("--rebuild-clients", type=int, default=2,
                   help="closed-loop HTTP clients while a rebuild runs (section 6; 0: skip it)")
    p.add_argument("--skip-naive", action="store_true", help="skip naive Whoosh (slow to build)")
    p.add_argument("--workdir", default=None)
    p.add_argument("--out", default=str(ROOT / "bench-results" / "bench.json"))
    a = p.parse_args()
    if a.format is None and a.corpus == DEFAULT_CORPUS:
        a.format = "reuters"
    return a


def read_corpus(a: argparse.Namespace) -> list[Document]:
    return [r for r in iter_records([a.corpus], format=a.format) if isinstance(r, Document)]


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S")}


# -- 1. rebuild ------------------------------------------------------------------


def bench_rebuild(a: argparse.Namespace, docs: list[Document], ix: Path, work: Path, read_s: float) -> dict:
    """Every system from the corpus files to an index on disk: the baselines' time is the
    time to read the corpus (our reader, once, in one process) plus their indexing."""
    out: dict[str, Any] = {"read_s": read_s}
    # Ours and FTS5 alternate for --rebuild-rounds rounds and each keeps its median: one run
    # each swung the ratio between 3.5 and 4.3 on this machine.
    ours, theirs, reads = [], [], [read_s]
    fts = Fts5(str(work / "fts5.db"))
    for i in range(a.rebuild_rounds):
        shutil.rmtree(ix, ignore_errors=True)
        started = time.perf_counter()
        r = rebuild(ix, [a.corpus], format=a.format, skip_bad=True)
        ours.append(time.perf_counter() - started)
        if i:
            started = time.perf_counter()
            read_corpus(a)
            reads.append(time.perf_counter() - started)
        theirs.append(fts.build(docs))
    out["searchsvc_rounds_s"], out["fts5_index_rounds_s"], out["read_rounds_s"] = ours, theirs, reads
    out["searchsvc_s"] = statistics.median(ours)
    out["searchsvc_documents"] = r.documents
    out["index_bytes"] = folder_bytes(ix / r.generation)
    out["fts5_index_s"] = statistics.median(theirs)
    out["fts5_s"] = statistics.median(reads) + out["fts5_index_s"]
    out["fts5_bytes"] = os.path.getsize(work / "fts5.db")
    if not a.skip_naive:
        naive = NaiveWhoosh(str(work / "naive"))
        out["naive_index_s"] = naive.build(docs)
        out["naive_s"] = read_s + out["naive_index_s"]
        out["naive_bytes"] = folder_bytes(work / "naive")
    out["subsets"] = bench_subsets(a, docs, work)
    f = out["fts5_s"]
    print_table("1. full rebuild, corpus files to index on disk", ["system", "seconds", "÷ FTS5", "index MB"], [
        ["searchsvc (read + extract people/dates + index, all cores)", out["searchsvc_s"], out["searchsvc_s"] / f,
         out["index_bytes"] / 1e6],
        ["naive Whoosh (read + index)", out.get("naive_s"), (out.get("naive_s") or 0) / f,
         out.get("naive_bytes", 0) / 1e6],
        ["SQLite FTS5 (read + index)", f, 1.0, out["fts5_bytes"] / 1e6]])
    print(f"   medians of {a.rebuild_rounds} alternating rounds; searchsvc: "
          f"{', '.join(f'{x:.2f}' for x in ours)} s; FTS5 indexing: {', '.join(f'{x:.2f}' for x in theirs)} s; "
          f"reading the corpus alone: {', '.join(f'{x:.2f}' for x in reads)} s")
    print_table("   growth (searchsvc, JSON Lines input incl. extraction)", ["documents", "seconds", "ms/doc"],
                [[s["documents"], s["seconds"], s["ms_per_doc"]] for s in out["subsets"]])
    return out


def bench_subsets(a: argparse.Namespace, docs: list[Document], work: Path) -> list[dict[str, Any]]:
    rows = []
    for spec in a.subsets.split(","):
        n = len(docs) if spec == "all" else min(int(spec), len(docs))
        src = work / f"subset-{n}.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for d in docs[:n]:
                rec = d.to_record()
                rec.pop("people"), rec.pop("dates")  # make every subset pay for extraction
                f.write(json.dumps(rec) + "\n")
        started = time.perf_counter()
        rebuild(work / f"subset-ix-{n}", [src], skip_bad=True)
        seconds = time.perf_counter() - started
        rows.append({"documents": n, "seconds": seconds, "ms_per_doc": seconds / n * 1000})
        shutil.rmtree(work / f"subset-ix-{n}", ignore_errors=True)
    return rows


# -- 2. in-process queries -------------------------------------------------------


def ours(engine: SearchEngine, facets: bool):
    def run(q: dict[str, Any]) -> Any:
        return engine.search(q["text"], match="all", limit=10, people=q.get("people"), date_from=q.get("date_from"),
                             date_to=q.get("date_to"), facets=facets, snippets=True)
    return run


def timed(run: Any, queries: list[dict[str, Any]], rounds: int, pause_s: float = 0.0) -> dict[str, float]:
    """Latency percentiles and CPU per query; ``pause_s`` idles before each query, as a server
    worker does between requests at low concurrency (on this VM that alone slows a query)."""
    for q in queries:  # warm-up: caches and lazily built arrays, for every system alike
        run(q)
    wall, cpu = [], []
    for _ in range(rounds):
        for q in queries:
            if pause_s:
                time.sleep(pause_s)
            c, t = time.process_time(), time.perf_counter()
            run(q)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    wall.sort()
    n = len(wall)
    return {"p50_ms": wall[n // 2] * 1000, "p95_ms": wall[int(n * 0.95)] * 1000,
            "p99_ms": wall[min(n - 1, int(n * 0.99))] * 1000, "mean_ms": statistics.fmean(wall) * 1000,
            "cpu_ms_per_query": statistics.fmean(cpu) * 1000}


def bench_queries(a: argparse.Namespace, queries: list[dict[str, Any]], ix: Path, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    started = time.perf_counter()
    engine = SearchEngine(ix, Settings({"result_cache": 0}, environ={}))
    engine.search("oil", limit=10)
    out["open_s"] = time.perf_counter() - started
    out["searchsvc"] = timed(ours(engine, facets=False), queries, a.rounds)
    out["searchsvc_facets"] = timed(ours(engine, facets=True), queries, a.rounds)
    engine.close()
    fts = Fts5(str(work / "fts5.db"))
    fts.open()
    out["fts5"] = timed(fts.search, queries, a.rounds)
    fts.close()
    if not a.skip_naive:
        naive = NaiveWhoosh(str(work / "naive"))
        naive.open()
        out["naive"] = timed(naive.search, queries, max(1, a.rounds // 3))
        naive.close()
    f = out["fts5"]
    rows = [[name, r["p50_ms"], r["p95_ms"], r["p99_ms"], r["p50_ms"] / f["p50_ms"], r["p99_ms"] / f["p99_ms"]]
            for name, r in (("searchsvc (snippets)", out["searchsvc"]),
                            ("searchsvc (snippets + facets)", out["searchsvc_facets"]),
                            ("naive Whoosh", out.get("naive")), ("SQLite FTS5", f)) if r]
    print_table("2. in-process queries, top 10 with snippets",
                ["system", "p50 ms", "p95 ms", "p99 ms", "p50 ÷ FTS5", "p99 ÷ FTS5"], rows)
    print(f"   time to open the index and answer a first query: {out['open_s'] * 1000:.0f} ms")
    return out


# -- 3. HTTP ---------------------------------------------------------------------------


def search_paths(queries: list[dict[str, Any]]) -> Any:
    """``path_of(i)``: the HTTP path of the i-th request, cycling through the query set."""
    def path_of(i: int) -> str:
        q = queries[i % len(queries)]
        params = {"q": q["text"], "facets": "false"}
        params.update({k2: q[k1] for k1, k2 in (("people", "people"), ("date_from", "from"), ("date_to", "to"))
                       if q.get(k1)})
        return "/search?" + urlencode(params)
    return path_of


def bench_http(a: argparse.Namespace, queries: list[dict[str, Any]], ix: Path) -> dict:
    path_of = search_paths(queries)
    out: dict[str, Any] = {"searchsvc": [], "trivial": [], "busy": []}
    env = {"SEARCHSVC_INDEX": str(ix), "SEARCHSVC_RESULT_CACHE": "0"}
    levels = [int(c) for c in a.concurrency.split(",")]
    # The in-process figures the HTTP ones are compared with are taken again just before each
    # level (the gunicorn workers idle meanwhile): minutes apart, this machine's speed drifts.
    engine = SearchEngine(ix, Settings({"result_cache": 0}, environ={}))
    with Gunicorn("searchsvc.wsgi:app", env) as g:
        for c in levels:
            inproc_now = timed(ours(engine, facets=False), queries, 1)
            if c == 1:
                inproc_now["paused_p50_ms"] = timed(ours(engine, facets=False), queries, 1, IDLE_PAUSE_S)["p50_ms"]
            out["searchsvc"].append({**load(g.port, path_of, c, a.http_seconds), "inproc": inproc_now})
        out["worker_peak_rss_mb"] = g.peak_rss_mb()
    engine.close()
    with Gunicorn("bench_trivial_app:app", env) as g:
        for c in levels:
            out["trivial"].append(load(g.port, lambda i: "/search", c, a.http_seconds))
        for ours_ in out["searchsvc"]:
            busy_path = f"/busy?ms={ours_['inproc']['cpu_ms_per_query']:.3f}"
            out["busy"].append(load(g.port, lambda i, p=busy_path: p, ours_["concurrency"], a.http_seconds))
    rows = []
    for ours_, triv, busy in zip(out["searchsvc"], out["trivial"], out["busy"]):
        rows.append([ours_["concurrency"], ours_["rps"], ours_["p50_ms"], ours_["p99_ms"], ours_["errors"],
                     triv["rps"], triv["p50_ms"], busy["rps"], busy["p50_ms"], ours_["inproc"]["p50_ms"],
                     ours_["inproc"]["cpu_ms_per_query"]])
    print_table("3. HTTP, gunicorn 2 workers, closed loop",
                ["clients", "searchsvc req/s", "p50 ms", "p99 ms", "errors", "trivial req/s", "trivial p50 ms",
                 "same-CPU req/s", "same-CPU p50 ms", "in-process p50 ms just before", "CPU ms/query"], rows)
    print("   same-CPU: an endpoint that only burns the in-process CPU ms/query of that level, then answers")
    print(f"   peak RSS of a searchsvc worker: {out['worker_peak_rss_mb']:.0f} MB")
    return out


# -- 5. updates ------------------------------------------------------------------------


def bench_updates(a: argparse.Namespace, queries: list[dict[str, Any]], ix: Path, docs: list[Document]) -> dict:
    """Single-document puts: how soon each is searchable, and what many of them do to queries.

    The query cost after the updates is compared with a copy of the index taken before
    them, the two measured in alternating rounds so that machine noise hits both alike.
    """
    before_copy = ix.parent / "before-updates"
    shutil.copytree(ix, before_copy)
    engine = SearchEngine(ix, Settings({"result_cache": 0}, environ={}))
    writer = IndexWriter(ix)
    visible = []
    probes = min(50, a.updates)
    for i in range(a.updates):
        word = f"zqxprobe{i}"
        base = docs[i % len(docs)]
        doc = Document(id=base.id, title=base.title, body=base.body + " " + word, section=base.section,
                       published=base.published, people=base.people, dates=base.dates,
                       given=frozenset({"people", "dates"}))
        started = time.perf_counter()
        writer.put([doc], extract_missing=False)
        if i < probes:
            while engine.search(word, facets=False, snippets=False).total != 1:
                pass
            visible.append(time.perf_counter() - started)
    old = SearchEngine(before_copy, Settings({"result_cache": 0}, environ={}))
    runs: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(max(2, a.rounds)):
        for name, eng in (("before", old), ("after", engine)):
            runs[name].append(timed(ours(eng, facets=False), queries, 1)["p50_ms"])
    before, after = statistics.median(runs["before"]), statistics.median(runs["after"])
    segments = engine.info()["segments"]
    engine.close()
    old.close()
    out = {"updates": a.updates, "searchable_p50_ms": statistics.median(visible) * 1000,
           "searchable_max_ms": max(visible) * 1000, "query_p50_before_ms": before,
           "query_p50_after_ms": after, "after_over_before": after / before, "segments_after": segments}
    print_table("5. single-document updates", ["updates", "searchable p50 ms", "query p50 before",
                                                "after", "after ÷ before", "segments"],
                [[a.updates, out["searchable_p50_ms"], before, after, out["after_over_before"], segments]])
    return out


# -- 6. serving during a rebuild --------------------------------------------------------


_REBUILD = """
import json, sys
from searchsvc import rebuild
report = rebuild(sys.argv[1], [sys.argv[2]], format=sys.argv[3] or None, skip_bad=True)
print(json.dumps({"seconds": report.seconds, "documents": report.documents}))
"""


def bench_during_rebuild(a: argparse.Namespace, queries: list[dict[str, Any]], ix: Path, work: Path,
                         idle_rebuild_s: float) -> dict[str, Any]:
    """HTTP queries while another process rebuilds the corpus into another folder.

    The load starts a second after the rebuild's process and lasts 80 % of the idle rebuild
    time of section 1 less that second, so it falls inside the rebuild (which only gets
    slower with the service busy); the rest of the rebuild runs beside an idle service.
    Rounds alternate the two ``rebuild_nice`` values. The rebuild's process is in this
    script's session and gunicorn in one of its own, as when an operator starts a rebuild
    from a shell: with ``rebuild_nice`` 0 the two sessions share the CPU half and half.
    """
    default_nice = Settings(environ={}).rebuild_nice
    nices = [0, default_nice] if default_nice else [0]
    seconds = max(1.0, 0.8 * idle_rebuild_s - 1.0)
    path_of = search_paths(queries)
    env = {"SEARCHSVC_INDEX": str(ix), "SEARCHSVC_RESULT_CACHE": "0"}
    target = work / "rebuild-while-serving"
    # rebuild() in a process of its own, as an operator's script would run it; it reports the seconds
    # rebuild() took, comparable with section 1 (interpreter start-up left out).
    command = [sys.executable, "-c", _REBUILD, str(target), str(a.corpus), a.format or ""]
    runs: dict[str, list[dict[str, Any]]] = {"none": [], **{f"nice {n}": [] for n in nices}}
    with Gunicorn("searchsvc.wsgi:app", env) as g:
        for i in range(2):
            runs["none"].append(load(g.port, path_of, a.rebuild_clients, seconds))
            for nice in nices if i % 2 == 0 else reversed(nices):
                shutil.rmtree(target, ignore_errors=True)
                proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env={**os.environ, "SEARCHSVC_REBUILD_NICE": str(nice)})
                try:
                    time.sleep(1.0)
                    served = load(g.port, path_of, a.rebuild_clients, seconds)
                    served["overlap"] = proc.poll() is None  # the rebuild outlasted the load
                    stdout, stderr = proc.communicate(timeout=600)
                except BaseException:
                    proc.kill()  # its workers follow it (they die with their parent)
                    raise
                if proc.returncode:
                    raise RuntimeError(f"the rebuild during section 6 failed: {stderr.decode()[-1000:]}")
                served["rebuild_s"] = json.loads(stdout)["seconds"]
                runs[f"nice {nice}"].append(served)
    shutil.rmtree(target, ignore_errors=True)
    out: dict[str, Any] = {"clients": a.rebuild_clients, "load_seconds": seconds, "default_nice": default_nice,
                           "runs": runs}
    rows = []
    for name, results in runs.items():
        med = {k: statistics.median(r[k] for r in results) for k in ("rps", "p50_ms", "p99_ms")}
        med["errors"] = sum(r["errors"] for r in results)
        if name != "none":
            med["rebuild_s"] = statistics.median(r["rebuild_s"] for r in results)
            med["overlap"] = all(r["overlap"] for r in results)
        out[name] = med
        label = "no rebuild" if name == "none" else f"rebuild, rebuild_nice {name.split()[1]}" + (
            " (default)" if name == f"nice {default_nice}" else "")
        rows.append([label, med["rps"], med["p50_ms"], med["p99_ms"], med["errors"], med.get("rebuild_s")])
    print_table(f"6. HTTP queries while a full rebuild runs ({a.rebuild_clients} clients, gunicorn 2 workers)",
                ["", "req/s", "p50 ms", "p99 ms", "errors", "rebuild s"], rows)
    print(f"   medians of 2 alternating rounds; {seconds:.1f} s of load from 1 s after the rebuild started; "
          f"the rebuild alone took {idle_rebuild_s:.2f} s (section 1)"
          + ("" if all(out[n]["overlap"] for n in runs if n != "none") else
             "; some rebuilds ended before the load did (a small corpus): the figures mix both"))
    return out


# -- summary ---------------------------------------------------------------------------


def ratios(report: dict[str, Any]) -> None:
    r, q = report["rebuild"], report["query"]
    rows = [["full rebuild ÷ FTS5 build", r["searchsvc_s"] / r["fts5_s"], "≤ 3"],
            ["in-process p50 ÷ FTS5 p50", q["searchsvc"]["p50_ms"] / q["fts5"]["p50_ms"], "≤ 1.0"],
            ["in-process p99 ÷ FTS5 p99", q["searchsvc"]["p99_ms"] / q["fts5"]["p99_ms"], "≤ 2"]]
    subsets = r["subsets"]
    if len(subsets) > 1:
        rows.append(["rebuild ms/doc, largest ÷ smallest subset", subsets[-1]["ms_per_doc"] / subsets[0]["ms_per_doc"],
                     "≤ 1.2"])
    if "http" in report:
        h = report["http"]["searchsvc"]
        eight = next((x for x in h if x["concurrency"] == 8), None)
        one = next((x for x in h if x["concurrency"] == 1), None)
        trivial = {x["concurrency"]: x for x in report["http"]["trivial"]}
        busy = {x["concurrency"]: x for x in report["http"].get("busy", [])}
        if eight:
            cpu_s = eight["inproc"]["cpu_ms_per_query"] / 1000
            rows.append(["HTTP req/s at 8 ÷ (2 ÷ in-process CPU s/query)", eight["rps"] / (2 / cpu_s), "≥ 0.8"])
            if 8 in trivial:
                # The client, gunicorn and the kernel share the two cores with the workers: the
                # trivial endpoint's machine time per request is spent whatever the app does.
                plumbing_s = 2 / trivial[8]["rps"]
                rows.append(["  same, if the app cost nothing beyond the trivial endpoint",
                             cpu_s / (cpu_s + plumbing_s), "context"])
            if 8 in busy:
                rows.append(["  same, for an endpoint that only burns that CPU", busy[8]["rps"] / (2 / cpu_s),
                             "context"])
        if one:
            rows.append(["HTTP p50 at 1 − in-process p50 (ms)", one["p50_ms"] - one["inproc"]["p50_ms"], "≤ 1"])
            if 1 in trivial:
                rows.append(["  trivial endpoint p50 at 1 (ms)", trivial[1]["p50_ms"], "context"])
            if "paused_p50_ms" in one["inproc"]:
                idle = f"{IDLE_PAUSE_S * 1000:.0f} ms"
                rows.append([f"  in-process p50 with {idle} idle before each query − without (ms)",
                             one["inproc"]["paused_p50_ms"] - one["inproc"]["p50_ms"], "context"])
            if 1 in busy:
                rows.append(["  same-CPU endpoint p50 at 1 − its CPU ms (ms)",
                             busy[1]["p50_ms"] - one["inproc"]["cpu_ms_per_query"], "context"])
        rows.append(["worker peak RSS − index size (MB)",
                     report["http"]["worker_peak_rss_mb"] - r["index_bytes"] / 1e6, "≤ 80"])
    u = report["updates"]
    rows.append(["single update until searchable, p50 ms", u["searchable_p50_ms"], "≤ 50"])
    rows.append([f"query p50 after {u['updates']} updates ÷ before", u["after_over_before"], "≤ 1.2"])
    if "during_rebuild" in report:
        d = report["during_rebuild"]
        for name in [n for n in d["runs"] if n != "none"][::-1]:
            rows.append([f"HTTP req/s during a rebuild ÷ without, rebuild_nice {name.split()[1]}",
                         d[name]["rps"] / d["none"]["rps"], "context"])
            nice = name.split()[1]
            rows.append([f"  rebuild ÷ alone (serving for {d['load_seconds']:.1f} s of it), rebuild_nice {nice}",
                         d[name]["rebuild_s"] / r["searchsvc_s"], "context"])
    report["ratios"] = {name: value for name, value, _ in rows}
    print_table("summary (ratios within this run)", ["measure", "value", "target"], rows)


def print_table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    def fmt(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:,.2f}" if abs(v) < 1000 else f"{v:,.0f}"
        return f"{v:,}" if isinstance(v, int) else str(v)

    cells = [header] + [[fmt(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


if __name__ == "__main__":
    main()
