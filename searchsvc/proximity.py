"""Term proximity: documents where the query's words occur near each other rank higher.

The bonus is Büttcher, Clarke & Lushman's ("Term proximity scoring for ad-hoc
retrieval on very large text collections", SIGIR 2006), a BM25TP-style score
(Rasolofo & Savoy, ECIR 2003) added to BM25F; the formulas are
:func:`~searchsvc.scoring.neighbour_accumulators` and
:func:`~searchsvc.scoring.proximity_score`, with the query terms' idf as their
weights and BM25's ``k1`` and body ``b`` for saturation and length.

This module gathers what they need: the positions of the query's words in the
title and the body of the ``candidates`` best documents of the BM25F ranking
(the re-ranking keeps the cost independent of how many documents match). Title
and body are walked separately, so a title word is not "near" the first body
word, and their accumulators added.
"""

from __future__ import annotations

import numpy as np

from .matching import ScoreTerm
from .positions import flat_positions
from .scoring import idf, length_norm, neighbour_accumulators, proximity_score
from .view import IndexView

#: Fields whose word positions count (people names are a list, not running text).
PROXIMITY_FIELDS = ("title", "body")


def proximity(view: IndexView, terms: list[ScoreTerm], docs: np.ndarray, k1: float, b: float) -> np.ndarray:
    """The proximity bonus of each document in ``docs`` (global ids) for the query ``terms``."""
    units = query_units([t for t in terms if set(t.fields) & set(PROXIMITY_FIELDS)])
    if len(units) < 2 or not len(docs):
        return np.zeros(len(docs), dtype=np.float64)
    n = view.doc_count
    words = [(w, i) for i, members in enumerate(units) for w in members]
    # df 1+: a finite idf; a group's is its most frequent member's
    weights = np.array([idf(max([view.df(w, PROXIMITY_FIELDS) for w in members] + [1]), n) for members in units])
    acc = np.zeros((len(docs), len(units)))
    for field in PROXIMITY_FIELDS:
        acc += neighbour_accumulators(*_occurrences(view, field, words, docs), weights, len(docs))
    return proximity_score(acc, weights, k1, np.asarray(_norms(view, b)[docs], dtype=np.float64))


def _norms(view: IndexView, b: float) -> np.ndarray:
    """Length normalisation of title and body together, for every document; cached on the view
    (computed per query, the lengths' concatenation cost a tenth of the bonus)."""
    cache = view.derived.setdefault("proximity_norms", {})
    if b not in cache:
        lengths = np.sum([view.lengths(f) for f in PROXIMITY_FIELDS], axis=0)
        cache[b] = length_norm(lengths, sum(view.average_length(f) for f in PROXIMITY_FIELDS), b)
    return cache[b]


def query_units(terms: list[ScoreTerm]) -> list[list[str]]:
    """The query's words as proximity sees them: each plain word, and the expansions of each
    fuzzy, prefix or wildcard term together (one word to the query: two of them side by side
    are not two query words near each other). A word in two units (``oil oil*``) stays in the
    first, so that no word is ever near itself."""
    units: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for t in terms:
        name = t.group or t.term
        if owner.setdefault(t.term, name) != name:
            continue
        members = units.setdefault(name, [])
        if t.term not in members:
            members.append(t.term)
    return [units[name] for name in sorted(units)]


def _occurrences(view: IndexView, field: str, words: list[tuple[str, int]],
                 docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every occurrence of a query word in ``field`` of ``docs``: (row in ``docs``, position, the
    index of the word's unit; ``words`` pairs each term with it).

    Segment by segment, and only in the segments that hold one of ``docs``: after many small
    commits most segments hold none, and asking each of them for the words' positions (or
    gathering every segment's positions into one list) made a query 1.2x slower. The encoded
    positions of every (document, word) found are then decoded in one pass
    (:func:`~searchsvc.positions.flat_positions`): a Python loop over each one's positions was
    a third of the bonus's cost."""
    rows: list[np.ndarray] = []
    word_ids: list[np.ndarray] = []
    values: list[bytes] = []
    by_id = np.argsort(docs, kind="stable")
    ordered = docs[by_id]
    bounds = np.searchsorted(ordered, view.offsets).tolist()  # each segment's slice of `ordered`
    for seg, start, lo, hi in zip(view.segments, view.offsets[:-1], bounds[:-1], bounds[1:]):
        if lo == hi:
            continue
        local = ordered[lo:hi] - start
        for w, i in words:
            ids, encoded = seg.positions(field, w)
            if not len(ids):
                continue
            at = ids.searchsorted(local)
            np.minimum(at, len(ids) - 1, out=at)
            hit = ids[at] == local
            if not hit.any():
                continue
            rows.append(by_id[lo:hi][hit])
            word_ids.append(np.full(int(hit.sum()), i, dtype=np.int64))
            values.extend(map(encoded.__getitem__, at[hit].tolist()))
    if not values:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    owner, positions = flat_positions(values)  # owner: the index in `values` of each position
    return (np.concatenate(rows).astype(np.int64)[owner], positions,
            np.concatenate(word_ids)[owner])
