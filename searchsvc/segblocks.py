"""A field's posting lists as W3 blocks, and their term infos, written for all terms at once.

The layout is that of Whoosh's ``W3PostingsWriter`` (``whoosh/codec/whoosh3.py``).
Each term's list in the postings file is::

    b"W3Bl"
    per block of up to 128 postings:
        int32, big-endian: the size of the two pickles (negated for the term's last block)
        pickle: (count, last id, max weight, compression (0), min length byte, max length byte)
        pickle: (id deltas, weights, values)

Ids are delta-coded within a block from an absolute first id; weights are None
when all are 1, one float when all are equal, else a tuple; values are the
encoded positions (:class:`pickled.PositionValues`), or None for a field without.
A term info (``W3TermInfo``: statistics, then the offset and length of the list)
goes into the term index (:mod:`termhash`).

The postings come in term byte order, so the blocks are laid out end to end in
that order: :class:`Blocks` computes every block's size from the widths of its
pieces, then writes each kind of piece (sizes, headers, ids, weights, values)
for all blocks at once. Two deliberate differences from Whoosh: block data is
a protocol 4 pickle (Whoosh's protocol 2 stores each position value as a call to
``codecs.encode``: ten times slower to write and to read, twice the size) and is
not compressed (zlib's set-up per call costs more than it saves, and every query
would pay the decompression). The block info says so; any reader loads both.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.util.numeric import _length_byte_cache

from .pickled import PositionValues, int_widths, offsets, put_const, put_floats, put_ints

BLOCK = 128
MAGIC = b"W3Bl"
_LENGTH_BYTES = np.array(_length_byte_cache, dtype=np.int64)
#: W3TermInfo's struct "!BfIBBfII", then the list's offset (long) and length (int)
_TERM_INFO = np.dtype([("flags", "u1"), ("weight", ">f4"), ("df", ">u4"), ("minlen", "u1"), ("maxlen", "u1"),
                       ("maxweight", ">f4"), ("minid", ">u4"), ("maxid", ">u4"), ("offset", ">i8"), ("length", ">i4")])


def write_field(fw: Any, key_prefix: bytes, keys: list[bytes], term_starts: np.ndarray, docs: np.ndarray,
                freqs: np.ndarray, positions: PositionValues | None, lengths: np.ndarray | None) -> None:
    """Write every posting list of one field, and their term infos, through Whoosh's field writer ``fw``.

    ``docs``/``freqs``/``positions``/``lengths`` (the document's field length) hold all
    postings of the field grouped by term, the terms in byte order; term ``keys[i]``'s
    postings start at ``term_starts[i]`` and run to the next term's start.
    """
    n = len(docs)
    if len(keys) != len(term_starts) or (len(term_starts) and (
            term_starts[0] != 0 or np.any(np.diff(term_starts) <= 0) or term_starts[-1] >= n)):
        raise ValueError("posting lists must follow each other in term order, none empty")
    term_ends = np.append(term_starts[1:], n)
    owner = np.zeros(n, dtype=np.int64)  # each posting's term, as the term's first posting
    owner[term_starts] = term_starts
    owner = np.maximum.accumulate(owner)
    starts = np.flatnonzero((np.arange(n) - owner) % BLOCK == 0)
    term_of_block = np.searchsorted(term_starts, starts, side="right") - 1
    ends = np.minimum(starts + BLOCK, term_ends[term_of_block])
    block = Blocks(starts, ends, docs, freqs, lengths, positions, first=starts == term_starts[term_of_block],
                   last=ends == term_ends[term_of_block])
    out = block.write()
    postfile = fw._postfile
    base = postfile.tell()
    postfile.write(out.tobytes())

    t = _stats(term_starts, freqs, lengths)
    first_block = np.searchsorted(starts, term_starts)
    info = np.zeros(len(keys), dtype=_TERM_INFO)
    info["weight"], info["df"], info["maxweight"] = t["sum"], term_ends - term_starts, t["maxw"]
    info["minlen"], info["maxlen"] = t["minlen"], t["maxlen"]
    info["minid"], info["maxid"] = docs[term_starts], docs[term_ends - 1]
    info["offset"] = base + block.at[first_block]
    info["length"] = block.at[np.append(first_block[1:], len(starts))] - block.at[first_block]
    fw._tindex.add_sorted_fixed(key_prefix, keys, info.tobytes(), _TERM_INFO.itemsize)


class Blocks:
    """The blocks of one field, laid out end to end (``at``: each block's offset), then written."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray, docs: np.ndarray, freqs: np.ndarray,
                 lengths: np.ndarray | None, positions: PositionValues | None, first: np.ndarray,
                 last: np.ndarray) -> None:
        self.starts, self.ends, self.first, self.last = starts, ends, first, last
        self.count = ends - starts
        self.docs, self.freqs, self.positions = docs, freqs, positions
        self.stats = _stats(starts, freqs, lengths)
        self.deltas = docs.copy()
        self.deltas[1:] -= docs[:-1]
        self.deltas[starts] = docs[starts]
        self.id_w = int_widths(self.deltas)
        self.head_ints = [self.count, docs[ends - 1], self.stats["minlen"], self.stats["maxlen"]]
        widths = [int_widths(x) for x in self.head_ints]
        # block info pickle: PROTO 2, MARK, count, last id, BINFLOAT max weight, K 0, min len, max len, TUPLE, STOP
        self.head_w = 3 + widths[0] + widths[1] + 9 + 2 + widths[2] + widths[3] + 2
        self.head_int_w = widths
        maxw, minw = self.stats["maxw"], self.stats["minw"]
        self.ones = (maxw == minw) & (maxw == 1)  # weights None
        self.tupled = maxw != minw  # a tuple of every weight; otherwise one float
        self.ids_w = np.add.reduceat(self.id_w, starts, dtype=np.int64) if len(starts) else np.zeros(0, dtype=np.int64)
        self.weights_w = np.where(self.ones, 1, np.where(self.tupled, 2 + 9 * self.count, 9))
        if positions is None:
            self.values_w = np.ones(len(starts), dtype=np.int64)
        else:
            self.values_w = 2 + np.add.reduceat(positions.widths, starts)
        # data pickle: PROTO 4, MARK, ids, TUPLE, weights, values, TUPLE3, STOP
        self.size = self.head_w + 3 + self.ids_w + 1 + self.weights_w + self.values_w + 2
        self.at = offsets(4 * first + 4 + self.size)

    def write(self) -> np.ndarray:
        out = np.empty(int(self.at[-1]), dtype=np.uint8)
        at = self.at[:-1].copy()
        put_const(out, at[self.first], MAGIC)
        at += 4 * self.first
        size = np.where(self.last, -self.size, self.size).astype(">i4").view(np.uint8).reshape(-1, 4)
        for i in range(4):
            out[at + i] = size[:, i]
        at += 4
        put_const(out, at, b"\x80\x02(")
        at += 3
        for x, w in zip(self.head_ints[:2], self.head_int_w[:2]):
            put_ints(out, at, x)
            at += w
        put_floats(out, at, self.stats["maxw"])
        put_const(out, at + 9, b"K\x00")
        at += 11
        for x, w in zip(self.head_ints[2:], self.head_int_w[2:]):
            put_ints(out, at, x)
            at += w
        put_const(out, at, b"t.\x80\x04(")
        at += 5
        put_ints(out, self._each(at, self.id_w), self.deltas)
        at += self.ids_w
        out[at] = ord("t")
        at += 1
        self._write_weights(out, at)
        at += self.weights_w
        if self.positions is None:
            out[at] = ord("N")
        else:
            out[at] = ord("(")
            self.positions.put(out, self._each(at + 1, self.positions.widths))
            out[at + self.values_w - 1] = ord("t")
        put_const(out, at + self.values_w, b"\x87.")
        return out

    def _each(self, at: np.ndarray, widths: np.ndarray) -> np.ndarray:
        """Offsets of every posting's piece of the given widths, the pieces of block ``k`` from ``at[k]``."""
        lead = offsets(widths)
        return lead[:-1] + np.repeat(at - lead[self.starts], self.count)

    def _write_weights(self, out: np.ndarray, at: np.ndarray) -> None:
        """None when every weight is 1, one float when they are equal, else a tuple of all."""
        maxw, tupled = self.stats["maxw"], self.tupled
        out[at[self.ones]] = ord("N")
        single = ~self.ones & ~tupled
        put_floats(out, at[single], maxw[single])
        out[at[tupled]] = ord("(")
        posting = np.repeat(tupled, self.count)
        put_floats(out, self._each(at + 1, np.full(len(self.docs), 9))[posting], self.freqs[posting])
        out[(at + self.weights_w - 1)[tupled]] = ord("t")


def _stats(starts: np.ndarray, freqs: np.ndarray, lengths: np.ndarray | None) -> dict[str, np.ndarray]:
    """Per group of postings (a block or a term, from each start to the next): the statistics
    Whoosh keeps. Lengths are Whoosh's one-byte codes of the shortest non-empty and the
    longest document (0 when there are none or the field keeps no lengths)."""
    if not len(starts):
        return {k: np.zeros(0, dtype=np.int64) for k in ("maxw", "minw", "sum", "minlen", "maxlen")}
    out = {"maxw": np.maximum.reduceat(freqs, starts), "minw": np.minimum.reduceat(freqs, starts),
           "sum": np.add.reduceat(freqs, starts)}
    if lengths is None:
        out["minlen"] = out["maxlen"] = np.zeros(len(starts), dtype=np.int64)
    else:
        nonzero = np.where(lengths > 0, lengths, np.iinfo(np.int64).max)
        shortest = np.minimum.reduceat(nonzero, starts)
        shortest = np.where(shortest == np.iinfo(np.int64).max, 0, shortest)
        out["minlen"] = length_bytes(shortest, none_is_zero=True)
        out["maxlen"] = length_bytes(np.maximum.reduceat(lengths, starts), none_is_zero=False)
    return out


def length_bytes(lengths: np.ndarray, *, none_is_zero: bool) -> np.ndarray:
    """Whoosh's ``length_to_byte`` for an array (a length of 0 stands for "none" where asked)."""
    codes = np.searchsorted(_LENGTH_BYTES, lengths).clip(0, 255)
    if none_is_zero:
        codes = np.where(lengths == 0, 0, codes)
    return codes
