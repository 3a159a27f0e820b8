"""Scores for matched documents and the order of a result page.

``rank()`` is the relevance pipeline, each stage a formula of
:mod:`searchsvc.scoring` applied to the matched documents only:

1. BM25F over the query terms the evaluator collected (``bm25f()``);
2. optionally, for ``match=any``, RM3 pseudo-relevance feedback: a second BM25F
   pass with the expanded query, whose new words also match (:mod:`.feedback`);
3. optionally, a term-proximity bonus for the best results (:mod:`.proximity`);
4. optionally, a recency factor from each document's ``published`` date.

The options are settings (see settings.py) and off by default: each was
measured on the development collections (``scripts/eval_relevance.py``) and
none improved both. ``order()`` sorts by relevance (score, then newest, then id) or by
``published`` (newest/oldest, then score, then id), selecting just the
requested page first so a query that matches every document does not sort all
of them. The tie-breaks make rankings identical from run to run, from worker to
worker, and whatever order the documents were indexed in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from .feedback import rm3
from .matching import ScoreTerm
from .proximity import proximity, query_units
from .schema import TEXT_FIELDS
from .scoring import blended_df, field_tf, idf, length_norm, recency_factor, saturate
from .view import IndexView

SORTS = ("relevance", "newest", "oldest")
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class BM25FParams:
    """Ranking parameters, read from the settings registry by ``from_settings()`` (the
    defaults live there, documented, and only there)."""

    k1: float
    b: tuple[tuple[str, float], ...]
    weights: tuple[tuple[str, float], ...]
    #: Term-proximity bonus weight (0: off), how many best results it re-ranks, and the most
    #: distinct query words it applies to.
    proximity_weight: float
    proximity_candidates: int
    proximity_max_terms: int
    #: RM3 pseudo-relevance feedback for match=any (0 feedback documents: off).
    rm3_docs: int
    rm3_terms: int
    rm3_query_weight: float
    #: Recency: half-life in days (0: off) and the share of the score that decays.
    recency_half_life: float
    recency_weight: float

    @classmethod
    def from_settings(cls, s: Any) -> BM25FParams:
        return cls(
            k1=s.bm25_k1,
            # A list of names is no text that grows verbose: an article naming five people is not less
            # about each of them (b 0; with the title's b the headline-only stubs, one name each,
            # outranked the articles about the person for `people:volcker`).
            b=(("title", s.bm25_b_title), ("body", s.bm25_b_body), ("people", 0.0)),
            weights=(("title", s.weight_title), ("body", s.weight_body), ("people", s.weight_people)),
            proximity_weight=s.proximity_weight, proximity_candidates=s.proximity_candidates,
            proximity_max_terms=s.proximity_max_terms,
            rm3_docs=s.rm3_docs, rm3_terms=s.rm3_terms, rm3_query_weight=s.rm3_query_weight,
            recency_half_life=s.recency_half_life_days, recency_weight=s.recency_weight,
        )

    def b_of(self, field: str) -> float:
        return dict(self.b).get(field, 0.75)

    def weight_of(self, field: str) -> float:
        return dict(self.weights).get(field, 1.0)


@dataclass
class Ranked:
    """The matched documents (mask and ids, ascending) and their scores."""

    mask: np.ndarray
    docs: np.ndarray
    scores: np.ndarray


def rank(view: IndexView, terms: list[ScoreTerm], mask: np.ndarray, params: BM25FParams, *,
         sort: str = "relevance", feedback: bool = False, allowed: np.ndarray | None = None) -> Ranked:
    """Scores of the documents in ``mask``: BM25F, then the options for ``sort=relevance``
    (another sort uses scores only to break ties).

    With ``feedback`` (match=any) RM3 may widen the matches to documents with an
    expansion word; ``allowed`` (live documents passing the filters) bounds them.
    """
    docs = np.flatnonzero(mask)
    scores = bm25f(view, terms, docs, params)
    if sort != "relevance":
        return Ranked(mask, docs, scores)
    if feedback:
        expanded = rm3_expand(view, terms, docs, scores, params)
        if expanded:
            mask = mask | (terms_mask(view, expanded) & (view.live if allowed is None else allowed))
            docs = np.flatnonzero(mask)
            scores = bm25f(view, expanded, docs, params)
    scores = add_proximity(view, terms, docs, scores, params)
    scores = apply_recency(view, docs, scores, params)
    return Ranked(mask, docs, scores)


def norms(view: IndexView, field: str, b: float) -> np.ndarray:
    """Per-document length normalisation of a field, cached on the view."""
    cache = view.derived.setdefault("norms", {})
    key = (field, b)
    if key not in cache:
        cache[key] = length_norm(view.lengths(field), view.average_length(field), b).astype(np.float32)
    return cache[key]


def bm25f(view: IndexView, terms: list[ScoreTerm], docs: np.ndarray, params: BM25FParams) -> np.ndarray:
    """BM25F score of each document in ``docs`` (global ids) for the query terms.

    The expansions of one prefix, wildcard or fuzzy term (a ``group``) count as one word, as
    Lucene's ``SynonymQuery`` scores synonyms: their frequencies (each times its edit
    similarity) summed into one pseudo-frequency, saturated once, with the largest document
    frequency of the closest of them (:func:`~searchsvc.scoring.blended_df`). Scored as separate words, a
    rare misspelling outweighed the word itself, and a document holding both counted twice.
    """
    scores = np.zeros(len(docs), dtype=np.float64)
    if not len(docs) or not terms:
        return scores
    # (word or group, fields) -> (query weight, [(term, similarity)]). A group's name holds a
    # ":", which no indexed word does.
    units: dict[tuple[str, tuple[str, ...]], tuple[float, list[tuple[str, float]]]] = {}
    for t in terms:
        key = (t.group or t.term, t.fields)
        qweight, members = units.get(key, (0.0, []))
        if t.group:
            units[key] = (t.boost, [*members, (t.term, t.similarity)])
        else:
            units[key] = (qweight + t.boost, [(t.term, 1.0)])  # repeated query words weigh more
    n_docs = view.doc_count
    for (_, fields), (qweight, members) in sorted(units.items()):
        acc, df = _pseudo_frequency(view, members, fields, params)
        if df == 0:
            continue
        scores += qweight * idf(df, n_docs) * saturate(acc[docs].astype(np.float64), params.k1)
    return scores


def _pseudo_frequency(view: IndexView, members: list[tuple[str, float]], fields: tuple[str, ...],
                      params: BM25FParams) -> tuple[np.ndarray, int]:
    """BM25F's combined frequency of ``members`` in every document, and the df to score it with."""
    acc = np.zeros(view.size, dtype=np.float32)
    dfs = []
    closest = max(similarity for _, similarity in members)
    for term, similarity in members:
        present = np.zeros(view.size, dtype=bool) if len(fields) > 1 else None
        df = 0
        for f in fields:
            ids, tf = view.postings(f, term)
            if not len(ids):
                continue
            # Field weights combine the fields of an unqualified word; a term asked for in one
            # field (`people:putin`) is scored by that field alone.
            weight = (params.weight_of(f) if len(fields) > 1 else 1.0) * similarity
            acc[ids] += field_tf(tf, weight, norms(view, f, params.b_of(f))[ids])
            if present is None:
                df = len(ids)
            else:
                present[ids] = True
        if similarity == closest:
            dfs.append(int(np.count_nonzero(present)) if present is not None else df)
    return acc, blended_df(dfs)


def terms_mask(view: IndexView, terms: list[ScoreTerm]) -> np.ndarray:
    """Documents with any of ``terms`` in one of its fields."""
    mask = np.zeros(view.size, dtype=bool)
    for t in terms:
        for f in t.fields:
            mask[view.postings(f, t.term)[0]] = True
    return mask


def rm3_expand(view: IndexView, terms: list[ScoreTerm], docs: np.ndarray, scores: np.ndarray,
               params: BM25FParams) -> list[ScoreTerm]:
    """The query terms re-weighted and expanded by RM3 (see feedback.py); [] when it does not apply.

    Only a query of default-field words is expanded (a ``title:`` or phrase
    constraint says the user chose the words).
    """
    if not params.rm3_docs or not terms or not len(docs) or any(t.fields != TEXT_FIELDS for t in terms):
        return []
    if any(t.group for t in terms):  # a pattern's words are one word: feedback would split them again
        return []
    weights: dict[str, float] = defaultdict(float)
    for t in terms:
        weights[t.term] += t.boost
    top = order(view, docs, scores, "relevance", params.rm3_docs)
    expanded = rm3(view, weights, docs[top], scores[top], TEXT_FIELDS,
                   n_terms=params.rm3_terms, query_weight=params.rm3_query_weight)
    return [ScoreTerm(term, TEXT_FIELDS, w) for term, w in sorted(expanded.items())]


def add_proximity(view: IndexView, terms: list[ScoreTerm], docs: np.ndarray, scores: np.ndarray,
                  params: BM25FParams) -> np.ndarray:
    """``scores`` plus the proximity bonus (proximity.py) of the best ``proximity_candidates``,
    for queries of 2 to ``proximity_max_terms`` distinct words: names and set phrases ("Bank of
    England", "Group of Seven"), where words next to each other are the point; on long
    natural-language queries the bonus helped CACM and hurt TIME."""
    n_terms = len(query_units(terms))  # the expansions of "pipelin~" are one word
    if not params.proximity_weight or not len(docs) or not 2 <= n_terms <= params.proximity_max_terms:
        return scores
    top = _best(view, docs, scores, min(params.proximity_candidates, len(docs)))
    out = scores.copy()
    out[top] += params.proximity_weight * proximity(view, terms, docs[top], params.k1, params.b_of("body"))
    return out


def _best(view: IndexView, docs: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` best ``docs``, ties at the cut decided as :func:`order` decides them
    (else which of two equal documents got the bonus depended on the order they were added).
    Without a tie at the cut, a partition is enough: order() cost 0.2 ms a query there."""
    if k >= len(docs):
        return np.arange(len(docs))
    kth = np.partition(scores, len(docs) - k)[len(docs) - k]
    above = np.flatnonzero(scores > kth)
    at = np.flatnonzero(scores == kth)
    if len(above) + len(at) == k:
        return np.concatenate((above, at))
    return order(view, docs, scores, "relevance", k)


def apply_recency(view: IndexView, docs: np.ndarray, scores: np.ndarray, params: BM25FParams) -> np.ndarray:
    """``scores`` times the recency factor of each document's age.

    Age is counted from the newest ``published`` date in the index, not from the
    clock, so an archive ranks the same today and next year and a test is
    reproducible; a document without a date counts as old (no boost).
    """
    if not params.recency_half_life or not len(docs):
        return scores
    published = view.published
    dated = published[view.live & (published > 0)]
    if not len(dated):
        return scores
    keys = published[docs]
    age = np.where(keys > 0, (dated.max() - keys) / SECONDS_PER_DAY, np.inf)
    return scores * recency_factor(age, params.recency_half_life, params.recency_weight)


def order(view: IndexView, docs: np.ndarray, scores: np.ndarray, sort: str, end: int) -> np.ndarray:
    """Positions into ``docs`` of the first ``end`` results in ``sort`` order.

    Relevance ties go to the newer article (a news archive's reader wants the latest of equals,
    and a search with filters only, all scores 0, lists newest first); every tie left is broken by
    id. newest/oldest break their ties by score, then id. Undated articles go last among equals.
    """
    n = len(docs)
    if n == 0 or end <= 0:
        return np.zeros(0, dtype=np.int64)
    if sort == "relevance":
        primary = -scores
    else:
        primary = _newest_first(view, docs)
        if sort == "oldest":
            primary = np.where(np.isinf(primary), primary, -primary)
    candidates = np.arange(n)
    if end < n:
        # Keep everything that ties with the page's last primary key, then sort fully.
        kth = np.partition(primary, end - 1)[end - 1]
        candidates = np.flatnonzero(primary <= kth)
    second = (_newest_first(view, docs[candidates]) if sort == "relevance" else -scores[candidates])
    keys = [primary[candidates], second]
    rank = _tie_rank(view, docs[candidates], keys)
    idx = np.lexsort((rank, *reversed(keys)))
    return candidates[idx][:end]


def _newest_first(view: IndexView, docs: np.ndarray) -> np.ndarray:
    """A key that sorts ``docs`` newest first, the undated last."""
    keys = view.published[docs].astype(np.float64)
    return np.where(keys <= 0, np.inf, -keys)


#: Above this many tied candidates, rank by the index-wide id order instead of reading ids.
LOCAL_TIE_LIMIT = 2000


def _tie_rank(view: IndexView, docs: np.ndarray, keys: list[np.ndarray]) -> np.ndarray:
    """An array that orders documents by id; zeros when no two candidates tie on ``keys``."""
    if len(docs) < 2:
        return np.zeros(len(docs), dtype=np.int64)
    # Neighbours once sorted tie on every key (np.unique cost 3x as much; a record array's
    # sort 30x, on 21,000 documents)
    at = np.lexsort(keys[::-1])
    same = np.ones(len(docs) - 1, dtype=bool)
    for key in keys:
        k = key[at]
        equal = k[1:] == k[:-1]
        if k.dtype.kind == "f":
            equal |= np.isnan(k[1:]) & np.isnan(k[:-1])  # as np.unique, NaNs tie
        same &= equal
    if not same.any():
        return np.zeros(len(docs), dtype=np.int64)
    if len(docs) > LOCAL_TIE_LIMIT:
        return view.id_rank[docs]
    ids = np.array([view.doc_id(int(d)) for d in docs], dtype=object)
    rank = np.empty(len(docs), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(docs))
    return rank
