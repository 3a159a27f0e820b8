"""A consistent snapshot of the live index as global arrays.

An :class:`IndexView` is one generation at one commit: the list of segments
its table of contents names, each with that commit's deletions. Documents are
numbered globally (segment offset + local number). The view exposes posting
lists as global ``(doc ids, term frequencies)`` arrays with deleted documents
dropped, and the per-document arrays that matching, scoring, sorting and facets
need: live mask, field lengths, ``published`` keys, the rank of each id (for
tie-breaking) and the (document, value) pairs of the exact-term fields (people,
section, mentioned dates).

Segments are immutable and shared between successive views (the engine keeps
them by segment id), so everything per segment is computed once; a view only
concatenates. A refresh after a one-document commit costs little.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any

import numpy as np
from whoosh import query as wq

from .analysis import value_key
from .codebook import Codebook, Pairs, one_pair_each
from .document import Document, date_bounds
from .fuzzy import fuzzy_index
from .positions import sorted_intersection
from .schema import build_schema, document_from_stored, published_key
from .segments import EMPTY_TF, SegmentView

#: Bytes of global posting lists kept per view (each a concatenation across segments).
POSTINGS_MEMO_BYTES = 32 << 20


class IndexView:
    def __init__(self, segments: list[SegmentView], toc_segments: list[Any], generation: str,
                 path: str = "", codebooks: dict[Any, Codebook] | None = None) -> None:
        self.segments = segments
        self.codebooks = {} if codebooks is None else codebooks
        self._toc_segments = toc_segments
        self.generation = generation
        self.path = path
        self.offsets = np.cumsum([0] + [s.size for s in segments]).astype(np.int64)
        self.size = int(self.offsets[-1])  # documents including deleted ones
        self._starts: list[int] = self.offsets[:-1].tolist()
        self._memo: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._memo_bytes = 0
        #: What other modules compute once per view, by name: facets' document years, ranking's
        #: length norms, feedback's document frequencies. A view never changes, so neither do they.
        self.derived: dict[str, Any] = {}

    def warm(self) -> None:
        """Build what most queries need now, so no query's time limit pays for it.

        Per-segment parts are cached by the segments, so after a small commit only
        the new segment costs anything.
        """
        self.live  # noqa: B018  (cached properties: touching them builds them)
        for field in ("title", "body", "people"):
            self.lengths(field)
        self.published  # noqa: B018
        self.published_year  # noqa: B018
        self.mentioned  # noqa: B018
        for field in ("person", "section"):
            self.pairs(field, key=value_key)

    # -- documents -----------------------------------------------------------

    @cached_property
    def live(self) -> np.ndarray:
        parts = [s.live(t) for s, t in zip(self.segments, self._toc_segments)]
        if all(p is None for p in parts):
            return np.ones(self.size, dtype=bool)
        return np.concatenate([np.ones(s.size, bool) if p is None else p for s, p in zip(self.segments, parts)])

    @cached_property
    def doc_count(self) -> int:
        return int(self.live.sum())

    @cached_property
    def _all_live(self) -> bool:
        return bool(self.live.all())

    def locate(self, docnum: int) -> tuple[SegmentView, int]:
        # bisect over a list: a NumPy call per hit cost more than the search itself
        i = bisect_right(self._starts, docnum) - 1
        return self.segments[i], docnum - self._starts[i]

    def stored(self, docnum: int) -> dict[str, Any]:
        seg, local = self.locate(docnum)
        return seg.stored(local)

    def document(self, docnum: int) -> Document:
        return document_from_stored(self.stored(docnum))

    def docnum_of(self, doc_id: str) -> int | None:
        ids, _ = self.postings("id", doc_id)
        return int(ids[-1]) if len(ids) else None

    def doc_id(self, docnum: int) -> str:
        seg, local = self.locate(docnum)
        return seg.doc_id(local)

    @cached_property
    def id_rank(self) -> np.ndarray:
        """Position of each document's id in sorted id order (ties in ranking break by id)."""
        parts = [seg.id_array() for seg in self.segments]
        if any(p.dtype == object for p in parts):  # one segment with very long ids: compare as str
            parts = [p if p.dtype == object else np.char.decode(p, "utf-8").astype(object) for p in parts]
        ids = np.concatenate(parts) if parts else np.zeros(0, dtype="S1")
        order = np.argsort(ids, kind="stable")
        rank = np.empty(self.size, dtype=np.int64)
        rank[order] = np.arange(self.size)
        return rank

    # -- postings ------------------------------------------------------------

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Global (ids, tf) of a term's live postings, ids ascending (recent ones memoised)."""
        memo = self._memo
        key = (field, term)
        hit = memo.get(key)
        if hit is not None:
            memo.move_to_end(key)
            return hit
        result = self._postings(field, term)
        memo[key] = result
        self._memo_bytes += result[0].nbytes + result[1].nbytes
        while self._memo_bytes > POSTINGS_MEMO_BYTES and len(memo) > 1:
            _, (ids, tf) = memo.popitem(last=False)
            self._memo_bytes -= ids.nbytes + tf.nbytes
        return result

    def _postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        id_parts, tf_parts = [], []
        for seg, off in zip(self.segments, self.offsets):
            ids, tf = seg.postings(field, term)
            if len(ids):
                id_parts.append(ids.astype(np.int64) + off)
                tf_parts.append(tf)
        if not id_parts:
            return np.zeros(0, np.int64), EMPTY_TF
        ids = np.concatenate(id_parts) if len(id_parts) > 1 else id_parts[0]
        tf = np.concatenate(tf_parts) if len(tf_parts) > 1 else tf_parts[0]
        if not self._all_live:
            keep = self.live[ids]
            ids, tf = ids[keep], tf[keep]
        return ids, tf

    def df(self, term: str, fields: Sequence[str] = ("title", "body")) -> int:
        """Live documents with ``term`` in any of ``fields`` (BM25F's document frequency)."""
        if len(fields) == 1:
            return len(self.postings(fields[0], term)[0])
        lists = [self.postings(f, term)[0] for f in fields]
        nonempty = [ids for ids in lists if len(ids)]
        if len(nonempty) <= 1:
            return len(nonempty[0]) if nonempty else 0
        if len(nonempty) == 2:
            # Posting lists are sorted and unique: |a ∪ b| = |a| + |b| - |a ∩ b|, by binary search
            # (np.unique sorted the concatenation: most of did-you-mean's cost for common words).
            a, b = sorted(nonempty, key=len)
            return len(a) + len(b) - len(sorted_intersection(a, b))
        return len(np.unique(np.concatenate(nonempty)))

    def positions(self, field: str, term: str) -> tuple[np.ndarray, list[bytes]]:
        """Global ids (deleted included) and encoded positions of a term, for phrase checks."""
        id_parts, values = [], []
        for seg, off in zip(self.segments, self.offsets):
            ids, vals = seg.positions(field, term)
            if len(ids):
                id_parts.append(ids.astype(np.int64) + off)
                values.extend(vals)
        return (np.concatenate(id_parts) if id_parts else np.zeros(0, np.int64)), values

    def field_terms(self, field: str) -> list[str]:
        """Distinct terms of a field over all segments, sorted."""
        seen: set[str] = set()
        for seg in self.segments:
            seen.update(seg.field_terms(field))
        return sorted(seen)

    def expand(self, query: Any, check: Callable[[], None] = lambda: None,
               limit: int | None = None) -> list[tuple[str, str]]:
        """The (field, term) pairs a Whoosh multi-term query (prefix, wildcard, fuzzy, range) covers.

        A field that is not indexed (``published`` is only a column) has no terms.
        A fuzzy term's neighbours come from the segment's :class:`~searchsvc.fuzzy.FuzzyIndex`
        (optimal-string-alignment distance: a transposition is one edit).
        ``check`` is called before each segment; it raises to stop (a query deadline). With ``limit``, the
        expansion stops as soon as it has more than ``limit`` pairs.
        """
        if query.fieldname not in _INDEXED:
            return []
        out: dict[tuple[str, str], None] = {}
        for seg in self.segments:
            check()
            if isinstance(query, wq.FuzzyTerm):
                found: Iterable[tuple[str, Any]] = (
                    (query.fieldname, t) for t in sorted(fuzzy_index(seg, query.fieldname).candidates(
                        query.text, query.maxdist, min(query.prefixlength, len(query.text)))))
            else:
                found = query.expanded_terms(seg.reader)
            for fieldname, text in found:
                t = text.decode("utf-8") if isinstance(text, bytes) else text
                out[(fieldname, t)] = None
                if limit is not None and len(out) > limit:
                    return list(out)
        return list(out)

    # -- columns -------------------------------------------------------------

    def lengths(self, field: str) -> np.ndarray:
        return self._cat(lambda s: s.lengths(field), np.float32)

    @cached_property
    def published(self) -> np.ndarray:
        return self._cat(lambda s: s.published(), np.int64)

    def average_length(self, field: str) -> float:
        count = self.doc_count
        if not count:
            return 1.0
        total = float(self.lengths(field)[self.live].sum())
        return max(total / count, 1.0)

    def _cat(self, get: Any, dtype: Any) -> np.ndarray:
        parts = [get(s) for s in self.segments]
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)

    # -- exact-term fields (filters and facets) -----------------------------

    def pairs(self, field: str, key: Any = None) -> Pairs:
        """Every (document, value code) of an exact-term field; ``key`` groups values (e.g. casefold)."""
        cache = self.__dict__.setdefault("_pairs", {})
        ck = (field, key)
        if ck not in cache:
            book = self.codebooks.get(ck)
            if book is None:
                book = self.codebooks[ck] = Codebook(key)
            docs, codes = [], []
            for seg, off in zip(self.segments, self.offsets):
                local_docs, local_codes, _ = seg.exact_pairs(field)
                mapped = book.map_segment(seg, field)[local_codes]
                keep = mapped >= 0
                docs.append(local_docs[keep].astype(np.int64) + off)
                codes.append(mapped[keep])
            all_docs = np.concatenate(docs) if docs else np.zeros(0, np.int64)
            all_codes = np.concatenate(codes) if codes else np.zeros(0, np.int32)
            if key is not None and len(all_docs):
                all_docs, all_codes = one_pair_each(all_docs, all_codes, book)
            cache[ck] = Pairs(all_docs, all_codes, book)
        return cache[ck]

    @cached_property
    def published_year(self) -> np.ndarray:
        """Year of ``published`` per document (0 when none)."""
        keys = self.published
        years = np.zeros(self.size, dtype=np.int32)
        has = keys > 0
        if has.any():
            ordinals = keys[has] // 86400
            uniq, inverse = np.unique(ordinals, return_inverse=True)
            years[has] = np.array([dt.date.fromordinal(int(o)).year for o in uniq], dtype=np.int32)[inverse]
        return years

    @cached_property
    def mentioned(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(doc, first day, last day) per mentioned date, as proleptic ordinals."""
        pairs = self.pairs("dates", key=_valid_date_value)
        if not len(pairs.docs):
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        bounds = _bounds_table(pairs.book)
        return pairs.docs, bounds[pairs.codes, 0], bounds[pairs.codes, 1]

    def date_mask(self, fieldname: str, first: int, last: int) -> np.ndarray:
        """Documents whose ``published`` day, or one of whose mentioned dates (``fieldname``
        ``dates``), lies in [first, last] (proleptic ordinals)."""
        mask = np.zeros(self.size, dtype=bool)
        if first > last:
            return mask
        if fieldname == "published":
            keys = self.published
            lo = published_key(dt.datetime.combine(dt.date.fromordinal(max(first, 1)), dt.time()))
            hi = (min(last, dt.date.max.toordinal()) + 1) * 86400 - 1
            return (keys >= lo) & (keys <= hi)
        docs, starts, ends = self.mentioned
        inside = (starts >= first) & (ends <= last)
        mask[docs[inside]] = True
        return mask


#: Fields with terms (``published`` is a column: no terms to expand).
_INDEXED = frozenset(name for name, fieldtype in build_schema().items() if fieldtype.indexed)


def _bounds_table(book: Codebook) -> np.ndarray:
    """(first, last) ordinal per code of the dates codebook, extended as it grows."""
    table = book.derived.get("bounds")
    names = book.names
    if table is None or len(table) < len(names):
        done = 0 if table is None else len(table)
        extra = np.array([date_bounds(v) for v in names[done:]], dtype=np.int64).reshape(-1, 2)
        table = extra if table is None else np.concatenate([table, extra])
        book.derived["bounds"] = table
    return table


def _valid_date_value(value: str) -> str | None:
    try:
        date_bounds(value)
    except ValueError:
        return None
    return value
