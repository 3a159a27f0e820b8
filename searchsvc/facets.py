"""Facet counts for the documents a query matched.

Counts come from the arrays an :class:`IndexView` keeps per exact-term field
((document, value) pairs), so counting is a ``bincount`` over the matched
documents, not a walk over stored fields:

* ``people``  — canonical names (case-insensitive groups), most frequent first;
* ``section`` — sections, most frequent first;
* ``years``   — year of ``published``, newest first;
* ``mentioned_years`` — years of the dates the texts mention, newest first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from .view import IndexView

FACETS = ("people", "section", "years", "mentioned_years")


def facet_counts(view: IndexView, mask: np.ndarray, limit: int = 10) -> dict[str, list[dict[str, Any]]]:
    return {
        "people": _pair_counts(view, "person", mask, limit),
        "section": _pair_counts(view, "section", mask, limit),
        "years": _year_counts(view.published_year[mask], limit),
        "mentioned_years": _mentioned_years(view, mask, limit),
    }


def _pair_counts(view: IndexView, field: str, mask: np.ndarray, limit: int) -> list[dict[str, Any]]:
    pairs = view.pairs(field, key=str.casefold)
    if not len(pairs.docs):
        return []
    counts = np.bincount(pairs.codes[mask[pairs.docs]], minlength=len(pairs.names))
    nonzero = np.flatnonzero(counts)
    if len(nonzero) > limit:
        # Only values that can make the top `limit` (ties with the last one included) get sorted.
        kth = np.partition(counts[nonzero], len(nonzero) - limit)[len(nonzero) - limit]
        nonzero = nonzero[counts[nonzero] >= kth]
    top = sorted(nonzero.tolist(), key=lambda c: (-counts[c], pairs.names[c].casefold()))[:limit]
    return [{"value": pairs.names[c], "count": int(counts[c])} for c in top]


def _year_counts(years: np.ndarray, limit: int) -> list[dict[str, Any]]:
    years = years[years > 0]
    if not len(years):
        return []
    values, counts = np.unique(years, return_counts=True)
    order = np.argsort(-values)[:limit]
    return [{"value": str(int(values[i])), "count": int(counts[i])} for i in order]


def _mentioned_years(view: IndexView, mask: np.ndarray, limit: int) -> list[dict[str, Any]]:
    docs, starts, _ = view.mentioned
    if not len(docs):
        return []
    keep = mask[docs]
    if not keep.any():
        return []
    cache = view.__dict__.setdefault("_start_years", {})
    if "y" not in cache:
        lookup = {o: dt.date.fromordinal(int(o)).year for o in np.unique(starts)}
        cache["y"] = np.array([lookup[o] for o in starts], dtype=np.int64)
    years = cache["y"][keep]
    # A document counts once per year however many dates of that year it mentions.
    unique_pairs = np.unique(docs[keep] * 100_000 + years)
    return _year_counts((unique_pairs % 100_000).astype(np.int32), limit)
