"""Word positions: decoding Whoosh's stored positions and checking phrases against them.

Whoosh keeps, per (term, document), a 4-byte count and a pickled list of position
deltas. A phrase query first intersects its words' posting lists (matching.py);
the documents left need a positional check:

* :func:`adjacent_docs` (an exact phrase, the common case) decodes the
  candidates' positions in one pass per word and checks every document at once
  with NumPy: a word at position ``p`` that is the ``k``-th of the phrase votes
  for a phrase starting at ``p - k``; a start voted for by every word is a match.
  On Reuters-21578, ``"net loss"`` checks some 2,400 documents.
* :func:`in_sequence` (a phrase with slop, ``"a b"~3``) walks one document's lists.

:func:`phrase_docs` puts them together for one field of an index view.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Sequence
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .view import IndexView

#: Candidates of an exact phrase checked between two looks at the deadline.
PHRASE_CHUNK = 4096


def decode_positions(value: bytes) -> list[int]:
    """Positions of one (term, document) from Whoosh's Positions format: a 4-byte count, then
    a pickled list of deltas (written without pickle's final STOP by some Whoosh versions)."""
    out, pos = [], 0
    for d in _deltas(value):
        pos += d
        out.append(pos)
    return out


def _deltas(value: bytes) -> list[int]:
    return pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")


def in_sequence(plists: list[list[int]], slop: int) -> bool:
    """True when some position of each list follows one of the previous list's, at most ``slop`` later.

    Every reachable position is carried forward (not only the first that fits): with
    "kilo lima lima xray mike" and ``"kilo lima mike"~2`` the second "lima" is the one
    that lets "mike" fit, as in Whoosh's own phrase matcher.
    """
    if slop == 1:
        later = [set(p) for p in plists[1:]]
        return any(all(start + k in later[k - 1] for k in range(1, len(plists))) for start in plists[0])
    frontier = plists[0]
    for plist in plists[1:]:
        # One merge of two ascending lists: the nearest reachable position before p decides. The
        # check of every pair was quadratic: "kilo lima"~2 on a 400 KB document took 30 s.
        reached, i, n = [], 0, len(frontier)
        for p in plist:
            while i < n and frontier[i] < p:
                i += 1
            if i and frontier[i - 1] >= p - slop:
                reached.append(p)
        frontier = reached
        if not frontier:
            return False
    return True


def phrase_docs(view: IndexView, fieldname: str, words: list[str], slop: int, check: Callable[[], None]) -> np.ndarray:
    """The documents (ascending) whose ``fieldname`` holds ``words`` in order, each within ``slop``
    positions of the one before (1: an exact phrase); ``check`` raises to stop (a deadline)."""
    lists = [view.postings(fieldname, w)[0] for w in words]
    cand = min(lists, key=len)
    for ids in lists:
        cand = np.intersect1d(cand, ids, assume_unique=True)
        if not len(cand):
            return cand
    positions = []
    for w in words:  # a long phrase's words are read one look at the deadline apart
        check()
        positions.append(view.positions(fieldname, w))
    index = [np.searchsorted(ids, cand) for ids, _ in positions]
    if slop == 1:
        keep = np.zeros(len(cand), dtype=bool)
        for lo in range(0, len(cand), PHRASE_CHUNK):
            check()
            hi = lo + PHRASE_CHUNK
            keep[lo:hi] = adjacent_docs([[vals[i] for i in idx[lo:hi]] for (_, vals), idx in zip(positions, index)],
                                        check)
        return cand[keep]
    found = []
    for j, doc in enumerate(cand):
        if j % 256 == 0:
            check()
        plists = [decode_positions(vals[idx[j]]) for (_, vals), idx in zip(positions, index)]
        if in_sequence(plists, slop):
            found.append(doc)
    return np.array(found, dtype=np.int64)


def adjacent_docs(values: Sequence[Sequence[bytes]], check: Callable[[], None] = lambda: None) -> np.ndarray:
    """Which candidates hold the words one right after another (an exact phrase).

    ``values[k][j]`` is the encoded positions of the phrase's ``k``-th word in the
    ``j``-th candidate document; the result is a boolean mask over the candidates,
    the same as :func:`in_sequence` with ``slop`` 1 for each of them. ``check`` is called before
    each word (it raises to stop: a query's deadline; a phrase may have hundreds of words).
    """
    n = len(values[0])
    flat = []
    for per_doc in values:
        check()
        flat.append(flat_positions(per_doc))
    # A key packs (candidate, phrase start) into one int64: candidate * stride + start.
    stride = max((int(pos.max()) for _, pos in flat if len(pos)), default=0) + 1
    common = None
    for k, (doc, pos) in enumerate(flat):
        start = pos - k
        ok = start >= 0
        # Sorted already: candidates in order, positions ascending within each.
        keys = doc[ok] * stride + start[ok]
        common = keys if common is None else sorted_intersection(common, keys)
    mask = np.zeros(n, dtype=bool)
    if common is not None:
        mask[common // stride] = True
    return mask


def sorted_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values of sorted ``a`` that sorted ``b`` holds (a binary search each, no re-sorting)."""
    if not len(a) or not len(b):
        return a[:0]
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return a[b[at] == a]


def flat_positions(per_doc: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(candidate number, absolute position) of every stored position, as two arrays."""
    lists = [_deltas(v) for v in per_doc]
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    total = int(lengths.sum())
    running = np.cumsum(np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=total))
    # Deltas restart at each document: subtract the running sum reached before it.
    ends = np.cumsum(lengths)
    before = np.zeros(len(lists), dtype=np.int64)
    before[1:] = np.where(ends[:-1] > 0, running[np.maximum(ends[:-1] - 1, 0)] if total else 0, 0)
    doc = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
    return doc, running - np.repeat(before, lengths)
