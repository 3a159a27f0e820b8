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
from .positions import decode_positions
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
    lengths = np.sum([view.lengths(f)[docs] for f in PROXIMITY_FIELDS], axis=0)
    norms = length_norm(lengths, sum(view.average_length(f) for f in PROXIMITY_FIELDS), b)
    return proximity_score(acc, weights, k1, np.asarray(norms, dtype=np.float64))


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
    gathering every segment's positions into one list) made a query 1.2x slower."""
    # Plain lists, made arrays once: a few small arrays per (document, word) cost more than the rest.
    rows: list[int] = []
    positions: list[int] = []
    word_ids: list[int] = []
    for seg, start, end in zip(view.segments, view.offsets[:-1], view.offsets[1:]):
        inside = np.flatnonzero((docs >= start) & (docs < end))
        if not len(inside):
            continue
        local = docs[inside] - start
        for w, i in words:
            ids, values = seg.positions(field, w)
            if not len(ids):
                continue
            at = np.searchsorted(ids, local)
            hit = np.flatnonzero((at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == local))
            for j, k in zip(inside[hit].tolist(), at[hit].tolist()):
                found = decode_positions(values[k])
                positions.extend(found)
                rows.extend([j] * len(found))
                word_ids.extend([i] * len(found))
    return (np.array(rows, dtype=np.int64), np.array(positions, dtype=np.int64),
            np.array(word_ids, dtype=np.int64))
