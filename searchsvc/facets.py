"""Facet counts for the documents a query matched.

Counts come from the arrays an :class:`IndexView` keeps per exact-term field
((document, value) pairs), so counting is a ``bincount`` over the matched
documents, not a walk over stored fields:

* ``people``  — canonical names (case-insensitive groups), most frequent first;
* ``section`` — sections, most frequent first;
* ``years``   — year of ``published``, newest first;
* ``mentioned_years`` — the years the texts mention most, newest first: the newest
  alone would be outliers (bonds "due 2017" in 1987 wire copy), not what the
  matched articles are about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from .analysis import value_key
from .view import IndexView

#: The facets a search answers with, in this order (the OpenAPI description lists them from here).
FACETS = ("people", "section", "years", "mentioned_years")


def facet_counts(view: IndexView, mask: np.ndarray, limit: int = 10) -> dict[str, list[dict[str, Any]]]:
    return {
        "people": _pair_counts(view, "person", mask, limit),
        "section": _pair_counts(view, "section", mask, limit),
        "years": _year_counts(view.published_year[mask], limit),
        "mentioned_years": _mentioned_years(view, mask, limit),
    }


def _pair_counts(view: IndexView, field: str, mask: np.ndarray, limit: int) -> list[dict[str, Any]]:
    pairs = view.pairs(field, key=value_key)
    if not len(pairs.docs):
        return []
    counts = np.bincount(pairs.codes[mask[pairs.docs]], minlength=len(pairs.names))
    nonzero = np.flatnonzero(counts)
    if len(nonzero) > limit:
        # Only values that can make the top `limit` (ties with the last one included) get sorted.
        kth = np.partition(counts[nonzero], len(nonzero) - limit)[len(nonzero) - limit]
        nonzero = nonzero[counts[nonzero] >= kth]
    # Most frequent first, then by case-folded name: in NumPy, with each name's rank in that
    # order computed once per codebook (a sparse match ties hundreds of names at count 1).
    top = nonzero[np.lexsort((_name_rank(pairs.book)[nonzero], -counts[nonzero]))[:limit]].tolist()
    return [{"value": pairs.names[c], "count": int(counts[c])} for c in top]


def _name_rank(book: Any) -> np.ndarray:
    """Each code's place among the codebook's display names in case-folded order; rebuilt when
    the names change (the codebook grows or a spelling becomes the most frequent)."""
    names = book.names
    cached = book.derived.get("facet_rank")
    if cached is None or cached[0] is not names:
        folded = np.array([n.casefold() for n in names], dtype=object)
        rank = np.empty(len(names), dtype=np.int64)
        rank[np.argsort(folded, kind="stable")] = np.arange(len(names))
        cached = book.derived["facet_rank"] = (names, rank)
    return cached[1]


def _year_counts(years: np.ndarray, limit: int, most: bool = False) -> list[dict[str, Any]]:
    """The newest ``limit`` years, or with ``most`` the ``limit`` most frequent (the newer on a
    tie); newest first either way."""
    years = years[years > 0]
    if not len(years):
        return []
    values, counts = np.unique(years, return_counts=True)
    if most and len(values) > limit:
        keep = np.lexsort((-values, -counts))[:limit]
        values, counts = values[keep], counts[keep]
    order = np.argsort(-values)[:limit]
    return [{"value": f"{int(values[i]):04d}", "count": int(counts[i])} for i in order]


def _mentioned_years(view: IndexView, mask: np.ndarray, limit: int) -> list[dict[str, Any]]:
    docs, years = _document_years(view)
    if not len(docs):
        return []
    return _year_counts(years[mask[docs]], limit, most=True)


def _document_years(view: IndexView) -> tuple[np.ndarray, np.ndarray]:
    """(document, year) once per year a document mentions (however many dates of that year),
    built once per view: a query then only selects its documents' pairs."""
    cached = view.derived.get("document_years")
    if cached is None:
        docs, starts, _ = view.mentioned
        lookup = {o: dt.date.fromordinal(int(o)).year for o in np.unique(starts)}
        years = np.array([lookup[o] for o in starts], dtype=np.int64)
        unique_pairs = np.unique(docs * 100_000 + years)
        cached = view.derived["document_years"] = (unique_pairs // 100_000,
                                                      (unique_pairs % 100_000).astype(np.int32))
    return cached
