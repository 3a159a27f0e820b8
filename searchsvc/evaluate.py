"""Relevance evaluation: how well an index ranks for judged queries (``searchsvc evaluate``).

A user brings an index, queries (JSON Lines ``{"id", "text"}``) and relevance
judgements (qrels), and gets the standard ad-hoc retrieval figures:

* nDCG@10 (Järvelin & Kekäläinen 2002, graded gains as trec_eval computes them),
* MAP as AP@1000, P@10 and R@100,

computed by ir-measures (pytrec_eval inside), never by hand, over the queries
that have at least one relevant document (trec_eval's rule). A judged query the
engine returns nothing for scores 0 on every measure instead of being left out,
so an engine cannot gain by failing on hard queries. Judged-relevant documents the
index does not hold are reported (``missing_judged``), since no ranking can find them.

``compare()`` runs the same queries under two ranking configurations (the
defaults, and the defaults with some settings overridden, e.g.
``bm25_k1=0.9,weight_title=3``) and reports both, the per-query differences and a
paired randomisation test (Smucker, Allan & Carterette, "A comparison of
statistical significance tests for IR evaluation", CIKM 2007) on nDCG@10, so a
difference of a few queries is not taken for an improvement.

Qrels may be ``qid<TAB>docid<TAB>grade`` (the project's shared form) or TREC's
``qid 0 docid grade``; any whitespace separates fields.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import InputError, QueryError, SearchsvcError
from .judgments import Qrels, judged, read_qrels, read_queries
from .settings import BY_NAME, Settings

if TYPE_CHECKING:
    from .view import IndexView

#: The measures reported, in ir-measures' names, and the one the comparison tests.
MEASURE_NAMES = ("nDCG@10", "AP@1000", "P@10", "R@100")
PRIMARY = "nDCG@10"
#: Results retrieved per query: AP@1000 needs the first 1000.
DEPTH = 1000
#: Random sign flips in the paired randomisation test (a fixed seed keeps reports reproducible).
PERMUTATIONS = 10_000

Run = dict[str, dict[str, float]]


@dataclass
class Report:
    """Figures of one ranking configuration on one query set."""

    label: str
    overrides: dict[str, str]
    mean: dict[str, float]
    per_query: dict[str, dict[str, float]]
    #: In-process milliseconds per query (search only, no snippets or facets).
    latency_ms: list[float] = field(default_factory=list)
    #: Per query, the judged-relevant document ids the index does not hold (see :func:`missing_judged`).
    missing: dict[str, list[str]] = field(default_factory=dict)
    #: The ranking itself, {query id: {doc id: score}}, scores falling with rank (see :func:`run_queries`).
    run: Run = field(default_factory=dict, repr=False)

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latency_ms) if self.latency_ms else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "overrides": self.overrides, "mean": self.mean,
                "p50_ms": round(self.p50_ms, 3), "per_query": self.per_query, "missing_judged": self.missing}


# -- inputs ------------------------------------------------------------------------


def parse_overrides(spec: str, *, param: str = "compare") -> dict[str, str]:
    """``"bm25_k1=0.9,weight_title=3"`` -> {name: value}, checked against the settings registry.

    ``param`` of an error is the option the spec came from (``--set`` and ``--compare`` share this).
    """
    out: dict[str, str] = {}
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            raise QueryError(f"expected name=value, got {item!r}", param=param)
        if name not in BY_NAME:
            raise QueryError(f"unknown setting {name!r} (see `searchsvc settings`)", param=param)
        out[name] = value.strip()
    try:
        Settings(out, environ={})  # range and type checks, with the setting's name in the message
    except QueryError as e:  # the option is what the user can find on the command line
        raise QueryError(str(e), param=param) from None
    return out


# -- measuring ---------------------------------------------------------------------


def measure(qrels: Qrels, run: Run, query_ids: Iterable[str]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Mean and per-query values of :data:`MEASURE_NAMES` over ``query_ids`` (missing runs score 0)."""
    try:
        import ir_measures
    except ImportError:  # an optional dependency: the [eval] extra
        raise SearchsvcError("relevance evaluation needs ir-measures: pip install 'searchsvc[eval]'") from None

    measures = [ir_measures.parse_measure(m) for m in MEASURE_NAMES]
    ids = list(query_ids)
    per_query = {q: dict.fromkeys(MEASURE_NAMES, 0.0) for q in ids}
    wanted = set(ids)
    sub_qrels = {q: v for q, v in qrels.items() if q in wanted}
    sub_run = {q: v for q, v in run.items() if q in wanted and v}
    for m in ir_measures.iter_calc(measures, sub_qrels, sub_run):
        per_query[m.query_id][str(m.measure)] = float(m.value)
    mean = {name: statistics.fmean(per_query[q][name] for q in ids) if ids else 0.0 for name in MEASURE_NAMES}
    return mean, per_query


def run_queries(engine: Any, queries: Mapping[str, str], *, match: str = "any",
                depth: int = DEPTH) -> tuple[Run, list[float]]:
    """Search every query as the service would (relaxing ``all``): the run, and ms per query.

    The run scores each hit by its rank, so the measures see exactly the engine's
    order (trec_eval would otherwise break score ties by document id).
    """
    run: Run = {}
    latency: list[float] = []
    for qid, text in queries.items():
        started = time.perf_counter()
        try:
            results = engine.search(text, match=match, limit=depth, facets=False, snippets=False)
            hits = results.hits
        except QueryError:
            hits = []
        latency.append((time.perf_counter() - started) * 1000)
        # trec_eval orders by score, then by document id: give ties distinct scores in our order.
        run[qid] = {h.id: float(len(hits) - i) for i, h in enumerate(hits)}
    return run, latency


def evaluate(index: str | Path, queries: Mapping[str, str], qrels: Qrels, *, match: str = "any",
             overrides: Mapping[str, str] | None = None, label: str = "defaults",
             depth: int = DEPTH) -> Report:
    """Figures of the index's ranking under the default settings plus ``overrides``."""
    from .engine import SearchEngine

    settings = Settings({"max_limit": max(depth, 1), **(overrides or {})})
    asked = judged(queries, qrels)
    with SearchEngine(index, settings) as engine:
        run, latency = run_queries(engine, asked, match=match, depth=depth)
        missing = missing_judged(engine.view(), qrels, asked)
    mean, per_query = measure(qrels, run, asked)
    return Report(label, dict(overrides or {}), mean, per_query, latency, missing, run)


def trec_run(run: Run, tag: str) -> Iterator[str]:
    """``run`` as TREC run lines, ``qid Q0 docid rank score tag``, queries in file order. The score is
    the one :func:`run_queries` gives (falling with rank), so trec_eval and ir-measures, which sort by
    score, keep searchsvc's order where its own scores tie."""
    for qid, docs in run.items():
        for rank, (doc, score) in enumerate(sorted(docs.items(), key=lambda kv: -kv[1]), 1):
            yield f"{qid} Q0 {doc} {rank} {score:g} {tag}"


def missing_judged(view: IndexView, qrels: Qrels, query_ids: Iterable[str]) -> dict[str, list[str]]:
    """Per query, the judged-relevant ids that are no live document of the index.

    Every system scores such a judgment as a miss, so a few of them cap the measures and many
    mean the ids do not match (a partial index, or qrels made for another numbering of the
    corpus: the TIME collection's judge two articles that its corpus file lacks)."""
    out: dict[str, list[str]] = {}
    for q in query_ids:
        absent = []
        for doc, grade in qrels.get(q, {}).items():
            if grade > 0:
                docnum = view.docnum_of(doc)
                if docnum is None or not view.live[docnum]:
                    absent.append(doc)
        if absent:
            out[q] = sorted(absent)
    return out


def compare(index: str | Path, queries: Mapping[str, str], qrels: Qrels, overrides: Mapping[str, str], *,
            base: Mapping[str, str] | None = None, match: str = "any",
            depth: int = DEPTH) -> tuple[Report, Report]:
    """The base configuration (defaults + ``base``) and the same with ``overrides`` on top."""
    base = dict(base or {})
    a = evaluate(index, queries, qrels, match=match, overrides=base, label=config_label(base), depth=depth)
    b = evaluate(index, queries, qrels, match=match, overrides={**base, **overrides},
                 label=config_label(overrides, ""), depth=depth)
    return a, b


def randomisation_p(a: Iterable[float], b: Iterable[float], *, permutations: int = PERMUTATIONS,
                    seed: int = 0) -> float:
    """Two-sided p-value of a paired randomisation (sign-flip) test on per-query differences."""
    import numpy as np

    d = np.asarray(list(b), dtype=np.float64) - np.asarray(list(a), dtype=np.float64)
    if not len(d) or not d.any():
        return 1.0
    observed = abs(d.mean())
    signs = np.random.default_rng(seed).choice((-1.0, 1.0), size=(permutations, len(d)))
    extreme = np.count_nonzero(np.abs((signs * d).mean(axis=1)) >= observed - 1e-12)
    return (extreme + 1) / (permutations + 1)


# -- printing ----------------------------------------------------------------------


def format_report(r: Report, *, per_query: bool = True) -> str:
    lines = [f"{r.label}: {len(r.per_query)} judged queries, p50 {r.p50_ms:.1f} ms/query",
             "  " + "  ".join(f"{m}={r.mean[m]:.4f}" for m in MEASURE_NAMES), *missing_lines(r.missing)]
    if per_query:
        lines += ["", "qid        " + "".join(f"{m:>10s}" for m in MEASURE_NAMES)]
        for q in sorted(r.per_query, key=_qid_key):
            lines.append(f"{q:10.10s} " + "".join(f"{r.per_query[q][m]:10.4f}" for m in MEASURE_NAMES))
    return "\n".join(lines)


def format_comparison(a: Report, b: Report, *, per_query: bool = True) -> str:
    width = max(len(a.label), len(b.label), 8)
    lines = [f"{'':{width}s} " + "".join(f"{m:>10s}" for m in MEASURE_NAMES) + f"{'p50 ms':>10s}"]
    for r in (a, b):
        lines.append(f"{r.label:{width}s} " + "".join(f"{r.mean[m]:10.4f}" for m in MEASURE_NAMES)
                     + f"{r.p50_ms:10.1f}")
    lines.append(f"{'B - A':{width}s} " + "".join(f"{b.mean[m] - a.mean[m]:+10.4f}" for m in MEASURE_NAMES)
                 + f"{b.p50_ms - a.p50_ms:+10.1f}")
    c = comparison(a, b)
    lines.append(f"{PRIMARY}: B better on {c['better']}, worse on {c['worse']}, equal on {c['equal']} "
                 f"queries; paired randomisation test p = {c['p']:.3f}")
    lines += missing_lines(a.missing)
    if per_query:
        qids = sorted(a.per_query, key=_qid_key)
        da = [a.per_query[q][PRIMARY] for q in qids]
        db = [b.per_query[q][PRIMARY] for q in qids]
        lines += ["", f"{'qid':10s} {'A ' + PRIMARY:>12s} {'B ' + PRIMARY:>12s} {'B - A':>8s}"]
        for q, x, y in zip(qids, da, db):
            lines.append(f"{q:10.10s} {x:12.4f} {y:12.4f} {y - x:+8.4f}")
    return "\n".join(lines)


def missing_lines(missing: Mapping[str, list[str]], shown: int = 5) -> list[str]:
    """A warning when judged-relevant documents are not in the index (a report's ``missing``),
    naming the first few."""
    if not missing:
        return []
    pairs = [f"{q}: {doc}" for q in sorted(missing, key=_qid_key) for doc in missing[q]]
    more = f", ... ({len(pairs) - shown} more)" if len(pairs) > shown else ""
    return [f"warning: {len(pairs)} judged-relevant document(s) of {len(missing)} queries are not in the "
            f"index ({'; '.join(pairs[:shown])}{more}); every system scores them as misses"]


def comparison(a: Report, b: Report) -> dict[str, Any]:
    """B against A on the primary measure, query by query: how often better, worse, equal, and the
    two-sided p-value of the paired randomisation test (also in ``evaluate --compare --json``)."""
    qids = sorted(a.per_query, key=_qid_key)
    da = [a.per_query[q][PRIMARY] for q in qids]
    db = [b.per_query[q][PRIMARY] for q in qids]
    better = sum(y > x for x, y in zip(da, db))
    worse = sum(y < x for x, y in zip(da, db))
    return {"against": a.label, "measure": PRIMARY, "better": better, "worse": worse,
            "equal": len(qids) - better - worse, "p": randomisation_p(da, db)}


def config_label(overrides: Mapping[str, str], default: str = "defaults") -> str:
    """``"k1=v1,k2=v2"`` for a configuration of setting overrides, ``default`` when there are none."""
    return ",".join(f"{k}={v}" for k, v in overrides.items()) or default


def _qid_key(q: str) -> tuple[int, int | str]:
    return (0, int(q)) if q.isdigit() else (1, q)


# -- command line (``searchsvc evaluate``; cli.py only registers it) ---------------


def add_arguments(p: Any) -> None:
    p.add_argument("--index", default=None, help="Index directory (default: setting `index`, ./index).")
    p.add_argument("--queries", required=True, metavar="FILE.jsonl", help='Queries, {"id","text"} per line.')
    p.add_argument("--qrels", required=True, metavar="FILE",
                   help="Judgements: 'qid docid grade' or TREC 'qid 0 docid grade' per line.")
    p.add_argument("--match", choices=["all", "any"], default="any",
                   help="Query mode (default any, as in standard ad-hoc evaluation; all relaxes like search).")
    p.add_argument("--set", dest="base", default="", metavar="NAME=V,...",
                   help="Settings for the evaluated configuration (A), e.g. bm25_k1=0.9.")
    p.add_argument("--compare", default=None, metavar="NAME=V,...",
                   help="Also run configuration B = A plus these settings, and show both side by side.")
    p.add_argument("--depth", type=int, default=DEPTH, help=f"Results per query (default {DEPTH}).")
    p.add_argument("--no-per-query", action="store_true", help="Only the means.")
    p.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    p.add_argument("--save-run", default=None, metavar="FILE",
                   help="Write configuration A's ranking as a TREC run file (qid Q0 docid rank score tag), "
                        "for trec_eval or ir-measures.")


def cli(args: Any) -> int:
    index = Settings({"index": args.index}).index
    base = parse_overrides(args.base, param="set")
    compare_with = None if args.compare is None else parse_overrides(args.compare)
    if args.depth < 1 or args.depth > 10_000:
        raise QueryError("depth must be from 1 to 10000", param="depth")
    queries = read_queries(args.queries)
    qrels = read_qrels(args.qrels)
    _require_judged(queries, qrels, str(args.queries), str(args.qrels))
    existed = args.save_run is not None and Path(args.save_run).exists()
    run_file = _run_file(args.save_run)  # opened first: a bad path fails before the evaluation, not after
    try:
        if compare_with is None:
            reports = [evaluate(index, queries, qrels, match=args.match, overrides=base,
                                label=config_label(base), depth=args.depth)]
        else:
            reports = list(compare(index, queries, qrels, compare_with, base=base,
                                   match=args.match, depth=args.depth))
    except BaseException:
        if run_file is not None:  # an old file stays as it was; one made for this run goes
            run_file.close()
            if not existed:
                Path(args.save_run).unlink(missing_ok=True)
        raise
    if run_file is not None:
        with run_file:
            run_file.seek(0)
            run_file.truncate()  # opened to append: a failed evaluation left an old file as it was
            run_file.writelines(line + "\n" for line in trec_run(reports[0].run, "searchsvc"))
    if args.json:
        out = [r.to_dict() for r in reports]
        if len(reports) == 2:  # B carries its comparison with A (the list of reports stays as it was)
            out[1]["comparison"] = comparison(*reports)
        print(json.dumps(out, indent=1))
    elif len(reports) == 1:
        print(format_report(reports[0], per_query=not args.no_per_query))
    else:
        print(format_comparison(*reports, per_query=not args.no_per_query))
    return 0


def _run_file(path: str | None) -> IO[str] | None:
    if path is None:
        return None
    try:
        return open(path, "a", encoding="utf-8")
    except OSError as e:  # a directory, no such folder, no permission
        raise InputError(f"cannot write the run file: {e.strerror or e}", source=path) from None


def _require_judged(queries: Mapping[str, str], qrels: Qrels, queries_source: str, qrels_source: str) -> None:
    """Refuse a query set with nothing to measure: all-zero figures would look like a real result.

    The usual cause is ids that differ in form between the two files (``1`` against ``q1``),
    so the message shows a few of each.
    """
    if judged(queries, qrels):
        return
    if not queries:
        raise InputError("no queries", source=queries_source)
    shared = [q for q in queries if q in qrels]
    if shared:
        raise InputError(f"none of the {len(shared)} queries judged in {qrels_source} has a relevant "
                         "document (grade > 0)", source=queries_source)
    raise InputError(f"no query id is judged in {qrels_source} (ids here: {_some(queries)}; "
                     f"there: {_some(qrels)})", source=queries_source)


def _some(ids: Iterable[str], n: int = 3) -> str:
    ids = list(ids)
    if not ids:
        return "none"
    return ", ".join(repr(q) for q in ids[:n]) + (", ..." if len(ids) > n else "")
