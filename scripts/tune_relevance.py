#!/usr/bin/env python3
"""Would a ranking setting really help, or does it only fit these queries? A grid, cross-validated.

    python scripts/tune_relevance.py --grid "rm3_docs=1,2,3,5 rm3_query_weight=0.5,0.8,0.9"
    python scripts/tune_relevance.py --grid "bm25_k1=0.9,1.2,1.6 bm25_b_body=0.45,0.6,0.75" --json out.json

Every combination of the grid (on top of the defaults) is evaluated on each collection
(``--data``: folders of ``corpus.jsonl``, ``queries.jsonl``, ``qrels.tsv`` as in
``../shared/data/ir``) with :mod:`searchsvc.evaluate`, ``match=any``. Two figures per
collection then say whether picking the best of them is a real gain:

* **in-sample best**: the highest mean nDCG@10 of any configuration. With dozens of
  configurations and a few dozen queries this is optimistic by construction;
* **cross-validated**: the queries are split in two at random; the configuration (the
  defaults among the candidates) that is best on one half is scored on the other, and
  the other way round, over ``--splits`` random splits. That is the gain a setting chosen
  this way can be expected to bring to queries it was not chosen on.

If the cross-validated figure is not above the defaults, the in-sample gain is noise
(2026-11-27: RM3 with 2 feedback documents reached TIME 0.6935 in-sample against 0.6791,
but 0.6778 cross-validated; see the CHANGELOG).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import statistics
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searchsvc import evaluate as ev  # noqa: E402
from searchsvc.indexer import rebuild  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ir"


def parse_grid(spec: str) -> list[dict[str, str]]:
    """``"a=1,2 b=x"`` -> every combination, as settings overrides checked against the registry."""
    axes, names = [], set()
    for item in spec.split():
        name, sep, values = item.partition("=")
        axis = [(name, v) for v in values.split(",") if v]
        if not sep or not axis:
            raise SystemExit(f"--grid: expected name=v1,v2,..., got {item!r}")
        if name in names:
            raise SystemExit(f"--grid: {name} given twice")
        names.add(name)
        axes.append(axis)
    configs = [dict(combo) for combo in itertools.product(*axes)] if axes else []
    for c in configs:
        ev.parse_overrides(",".join(f"{k}={v}" for k, v in c.items()))  # names and ranges, with a clear message
    return configs


def cross_validated(scores: Sequence[Mapping[str, float]], splits: int, seed: int) -> tuple[float, float]:
    """Mean held-out score of the configuration chosen on the other half, and of ``scores[0]``
    (the defaults) on the same held-out queries; ``scores`` are per-query values, one mapping
    per configuration. Every query is held out once per split, so the second figure is the
    defaults' plain mean. NaN for fewer than two queries or no split."""
    queries = sorted(scores[0])
    rng = random.Random(seed)
    chosen: list[float] = []
    base: list[float] = []
    half = len(queries) // 2
    for _ in range(splits if half else 0):
        rng.shuffle(queries)
        for train, test in ((queries[:half], queries[half:]), (queries[half:], queries[:half])):
            # max() keeps the first of equals: the defaults win a draw
            best = max(range(len(scores)), key=lambda i: sum(scores[i][q] for q in train))
            chosen += [scores[best][q] for q in test]
            base += [scores[0][q] for q in test]
    return (statistics.fmean(chosen), statistics.fmean(base)) if chosen else (math.nan, math.nan)


def tune(folder: Path, configs: list[dict[str, str]], splits: int, seed: int) -> dict[str, Any]:
    """Evaluate the defaults and every configuration on one collection; the in-sample and CV figures."""
    queries = ev.read_queries(folder / "queries.jsonl")
    qrels = ev.read_qrels(folder / "qrels.tsv")
    with tempfile.TemporaryDirectory(prefix="searchsvc-tune-") as tmp:
        index = Path(tmp) / "index"
        rebuild(index, [folder / "corpus.jsonl"])
        reports = [ev.evaluate(index, queries, qrels, overrides=c, label=ev.config_label(c)) for c in [{}, *configs]]
    per = [{q: v[ev.PRIMARY] for q, v in r.per_query.items()} for r in reports]
    cv, base = cross_validated(per, splits, seed)
    best = max(range(len(reports)), key=lambda i: (reports[i].mean[ev.PRIMARY], -i))
    return {"defaults": reports[0].mean[ev.PRIMARY], "in_sample_best": reports[best].mean[ev.PRIMARY],
            "in_sample_best_config": reports[best].label, "cross_validated": cv, "defaults_same_halves": base,
            "configs": [{"label": r.label, **{k: round(v, 4) for k, v in r.mean.items()}} for r in reports]}


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return n


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--grid", required=True, help='e.g. "rm3_docs=1,2,3 rm3_query_weight=0.5,0.9"')
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--collections", default="time,cacm")
    p.add_argument("--splits", type=_positive, default=20, help="random two-way splits of the queries")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", type=Path)
    a = p.parse_args(argv)
    configs = parse_grid(a.grid)
    out = {}
    for name in a.collections.split(","):
        r = out[name] = tune(a.data / name, configs, a.splits, a.seed)
        print(f"\n{name}: {len(configs)} configurations besides the defaults, nDCG@10")
        for row in sorted(r["configs"], key=lambda c: -c[ev.PRIMARY])[:5]:
            print(f"  {row[ev.PRIMARY]:.4f}  {row['label']}")
        print(f"  defaults {r['defaults']:.4f} | in-sample best {r['in_sample_best']:.4f} "
              f"({r['in_sample_best_config']}) | cross-validated {r['cross_validated']:.4f} "
              f"vs defaults {r['defaults_same_halves']:.4f} on the same halves ({a.splits} splits)")
    if a.json:
        a.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
