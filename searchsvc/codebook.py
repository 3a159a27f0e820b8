"""Codes for the values of exact-term fields (people, section, mentioned dates) across segments.

A :class:`Codebook` numbers one field's values once for all the views that share it: each
segment's own term numbers are mapped to codes the first time a view meets the segment and the
mapping is kept on the segment, so the view after a small commit concatenates arrays instead of
walking every value again. Values equal under the book's key (case-folded names) share a code and
show their most frequent spelling. :class:`Pairs` are a view's (document, code) pairs of one field,
what facets count and filters select; :func:`one_pair_each` drops the repeats a key's grouping can
make inside one document.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .segments import SegmentView

_SERIALS = itertools.count()


class Codebook:
    """An append-only numbering of one exact field's values, shared by successive views.

    Values equal under ``key`` (case-folded names, say) share a code, shown as their
    most frequent spelling. Each segment's own term numbers are mapped to codes once
    and the mapping is kept on the segment, so the view after a small commit only
    concatenates arrays instead of walking every name of the index again.
    """

    def __init__(self, key: Any = None) -> None:
        self.key = key
        # Segments cache their mapping under this, not id(self): a codebook dropped by a refresh
        # that failed half-way (a new generation's segments already mapped into it) leaves its
        # address to the next codebook, which then took those stale codes for its own.
        self.serial = next(_SERIALS)
        self.code_of: dict[str, int] = {}
        self._spellings: list[dict[str, int]] = []
        self._names: list[str] | None = None
        #: What other modules derive from the names (facets' sort order), with the names it was for.
        self.derived: dict[str, Any] = {}

    def map_segment(self, seg: SegmentView, field: str) -> np.ndarray:
        """Local term number -> code (-1 where ``key`` rejects the value), cached on the segment."""
        cache = seg.__dict__.setdefault("_codebook_maps", {})
        ck = (field, self.serial)
        if ck not in cache:
            _, local_codes, names = seg.exact_pairs(field)
            counts = np.bincount(local_codes, minlength=len(names)).tolist()
            mapping = np.full(len(names), -1, dtype=np.int32)
            for i, name in enumerate(names):
                k = self.key(name) if self.key else name
                if k is None:
                    continue
                code = self.code_of.get(k)
                if code is None:
                    code = self.code_of[k] = len(self._spellings)
                    self._spellings.append({})
                spellings = self._spellings[code]
                spellings[name] = spellings.get(name, 0) + counts[i]
                mapping[i] = code
            self._names = None
            cache[ck] = mapping
        return cache[ck]

    @property
    def names(self) -> list[str]:
        """The display name of every code: its most frequent spelling; on a tie the one with more
        capitalised words, then the shorter (a name as names are written: "Mary Smith", not
        "mary  smith", which the greater string won before), then a fixed order."""
        if self._names is None:
            self._names = [next(iter(sp)) if len(sp) == 1 else max(sp.items(), key=_display_rank)[0]
                           for sp in self._spellings]
        return self._names

    @property
    def merged(self) -> np.ndarray:
        """Per code: whether the key grouped several spellings under it."""
        names = self.names  # rebuilt, with this, when a segment added values
        cached = self.derived.get("merged")
        if cached is None or cached[0] is not names:
            cached = self.derived["merged"] = (names, np.array([len(sp) > 1 for sp in self._spellings], dtype=bool))
        return cached[1]

    def code(self, value: str) -> int | None:
        return self.code_of.get(self.key(value) if self.key else value)


def one_pair_each(docs: np.ndarray, codes: np.ndarray, book: Codebook) -> tuple[np.ndarray, np.ndarray]:
    """The pairs without repeats: values the key groups may stand in one document ("Mary  Smith",
    "mary smith"), and a facet then counted it twice. Only codes with several spellings can
    repeat, so only their pairs are sorted (all of them cost ~6 ms a commit on Reuters)."""
    maybe = book.merged[codes]
    if not maybe.any():
        return docs, codes
    width = len(book.names) + 1
    combined = docs[maybe] * width + codes[maybe]
    unique = np.unique(combined)
    if len(unique) == len(combined):
        return docs, codes
    return (np.concatenate((docs[~maybe], unique // width)),
            np.concatenate((codes[~maybe], (unique % width).astype(codes.dtype))))


def _display_rank(spelling: tuple[str, int]) -> tuple[int, int, int, str]:
    name, count = spelling
    return count, sum(1 for w in name.split() if w[:1].isupper()), -len(name), name


@dataclass(frozen=True)
class Pairs:
    """(global document, value code) pairs of a multi-valued exact field, and their codebook."""

    docs: np.ndarray
    codes: np.ndarray
    book: Codebook

    @property
    def names(self) -> list[str]:
        return self.book.names
