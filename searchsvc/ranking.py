"""Scores for matched documents and the order of a result page.

``bm25f()`` applies the formulas of :mod:`searchsvc.scoring` to the terms the
evaluator collected, for the matched documents only. ``order()`` sorts them by
relevance (score, then id) or by ``published`` (newest/oldest, then score, then
id), selecting just the requested page first so a query that matches every
document does not sort all of them. The id tie-break makes rankings identical
from run to run and from worker to worker.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .matching import ScoreTerm
from .scoring import field_tf, idf, length_norm, saturate
from .view import IndexView

SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class BM25FParams:
    k1: float = 1.2
    b: tuple[tuple[str, float], ...] = (("title", 0.5), ("body", 0.75), ("people", 0.5))
    weights: tuple[tuple[str, float], ...] = (("title", 2.5), ("body", 1.0), ("people", 1.0))

    def b_of(self, field: str) -> float:
        return dict(self.b).get(field, 0.75)

    def weight_of(self, field: str) -> float:
        return dict(self.weights).get(field, 1.0)


def norms(view: IndexView, field: str, b: float) -> np.ndarray:
    """Per-document length normalisation of a field, cached on the view."""
    cache = view.__dict__.setdefault("_norms", {})
    key = (field, b)
    if key not in cache:
        cache[key] = length_norm(view.lengths(field), view.average_length(field), b).astype(np.float32)
    return cache[key]


def bm25f(view: IndexView, terms: list[ScoreTerm], docs: np.ndarray, params: BM25FParams) -> np.ndarray:
    """BM25F score of each document in ``docs`` (global ids) for the query terms."""
    scores = np.zeros(len(docs), dtype=np.float64)
    if not len(docs) or not terms:
        return scores
    weights: dict[tuple[str, tuple[str, ...]], float] = defaultdict(float)
    for t in terms:
        weights[(t.term, t.fields)] += t.boost  # repeated query words weigh more
    n_docs = view.doc_count
    for (term, fields), qweight in sorted(weights.items()):
        acc = np.zeros(view.size, dtype=np.float32)
        present = np.zeros(view.size, dtype=bool) if len(fields) > 1 else None
        df = 0
        for f in fields:
            ids, tf = view.postings(f, term)
            if not len(ids):
                continue
            acc[ids] += field_tf(tf, params.weight_of(f), norms(view, f, params.b_of(f))[ids])
            if present is None:
                df = len(ids)
            else:
                present[ids] = True
        if present is not None:
            df = int(np.count_nonzero(present))
        if df == 0:
            continue
        scores += qweight * idf(df, n_docs) * saturate(acc[docs].astype(np.float64), params.k1)
    return scores


def order(view: IndexView, docs: np.ndarray, scores: np.ndarray, sort: str, end: int) -> np.ndarray:
    """Positions into ``docs`` of the first ``end`` results in ``sort`` order."""
    n = len(docs)
    if n == 0 or end <= 0:
        return np.zeros(0, dtype=np.int64)
    if sort == "relevance":
        primary = -scores
    else:
        keys = view.published[docs].astype(np.float64)
        # Undated documents go last in both directions.
        missing = keys <= 0
        primary = -keys if sort == "newest" else keys
        primary = np.where(missing, np.inf, primary)
    candidates = np.arange(n)
    if end < n:
        # Keep everything that ties with the page's last primary key, then sort fully.
        kth = np.partition(primary, end - 1)[end - 1]
        candidates = np.flatnonzero(primary <= kth)
    keys = [primary[candidates]] if sort == "relevance" else [primary[candidates], -scores[candidates]]
    rank = _tie_rank(view, docs[candidates], keys)
    idx = np.lexsort((rank, *reversed(keys)))
    return candidates[idx][:end]


#: Above this many tied candidates, rank by the index-wide id order instead of reading ids.
LOCAL_TIE_LIMIT = 2000


def _tie_rank(view: IndexView, docs: np.ndarray, keys: list[np.ndarray]) -> np.ndarray:
    """An array that orders documents by id; zeros when no two candidates tie on ``keys``."""
    if len(docs) < 2:
        return np.zeros(len(docs), dtype=np.int64)
    combined = np.rec.fromarrays(keys) if len(keys) > 1 else keys[0]
    _, counts = np.unique(combined, return_counts=True)
    if counts.max() == 1:
        return np.zeros(len(docs), dtype=np.int64)
    if len(docs) > LOCAL_TIE_LIMIT:
        return view.id_rank[docs]
    ids = np.array([view.doc_id(int(d)) for d in docs], dtype=object)
    rank = np.empty(len(docs), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(docs))
    return rank
