"""Pickle opcodes written straight into a byte array, for many values at once.

A W3 posting block is pickles (see :mod:`segblocks`), and each value of a
positional field is Whoosh's ``Positions.encode``: a 4-byte count and
``pickle.dumps(position deltas, 2)``. Calling ``pickle.dumps`` per posting and
per block, with the Python loop around it, was most of a segment's ``finish``.
Here the opcodes that CPython's pickler writes (``Modules/_pickle.c``:
``save_long``, ``save_float``, ``save_bytes``, ``batch_list_exact``; the opcode
table is in ``Lib/pickletools.py``) are put into a NumPy byte array at offsets
the caller has laid out, one array operation per byte of an opcode:

* :func:`int_widths` / :func:`put_ints` - ints as BININT1/BININT2/BININT/LONG1,
  the opcode ``save_long`` picks by size;
* :func:`put_floats` - BINFLOAT; :func:`put_const` - fixed bytes;
* :class:`PositionValues` - every posting's ``Positions.encode`` value, byte for
  byte, wrapped as the SHORT_BINBYTES/BINBYTES item it is inside a block's tuple.

Pickles assembled from these pieces have no memo or framing, which
``pickle.loads`` does not need: they load to what ``pickle.dumps`` of the same
objects loads to (``tests/test_pickled.py`` compares).
"""

from __future__ import annotations

import numpy as np

_K, _M, _J, _LONG1 = 0x4B, 0x4D, 0x4A, 0x8A  # BININT1, BININT2, BININT, LONG1
_MARK, _APPEND, _APPENDS, _STOP = 0x28, 0x61, 0x65, 0x2E  # ( a e .
_BINFLOAT = 0x47
_SHORT_BINBYTES, _BINBYTES = 0x43, 0x42
#: PROTO 2, EMPTY_LIST, BINPUT 0: how ``pickle.dumps(a_list, 2)`` starts
_LIST_HEAD = b"\x80\x02]q\x00"
#: ``batch_list_exact`` writes a list of more than one item in MARK ... APPENDS batches of this many
_BATCH = 1000


def offsets(widths: np.ndarray) -> np.ndarray:
    """Start offsets of strings of these widths laid end to end, and the total at the end."""
    out = np.zeros(len(widths) + 1, dtype=np.int64)
    np.cumsum(widths, out=out[1:])
    return out


def _long1_bytes(x: np.ndarray) -> np.ndarray:
    """LONG1's byte count for ints past BININT: the fewest that keep the sign bit 0."""
    n = np.full(len(x), 4, dtype=np.int64)
    for k in range(4, 8):
        n += (x >> (8 * k - 1)) > 0
    return n


def int_widths(x: np.ndarray) -> np.ndarray:
    """Bytes that pickle takes for each non-negative int (opcode included)."""
    if len(x) and int(x.min()) < 0:
        raise ValueError("only non-negative ints are encoded here")
    w = np.full(len(x), 2, dtype=np.int8)
    w[x > 0xFF] = 3
    w[x > 0xFFFF] = 5
    huge = x > 0x7FFFFFFF
    if huge.any():
        w[huge] = 2 + _long1_bytes(x[huge])
    return w


def put_ints(out: np.ndarray, at: np.ndarray, x: np.ndarray) -> None:
    """Write each int of ``x`` at ``out[at[i]:]`` as pickle does (widths: :func:`int_widths`)."""
    x = np.asarray(x, dtype=np.int64)
    out[at] = _K  # most ints here are small (BININT1): the few others are indexed and fixed below
    out[at + 1] = x.astype(np.uint8)  # the low byte (a LONG1's length byte is written below)
    wide = np.flatnonzero(x > 0xFF)
    if not len(wide):
        return
    xw, aw = x[wide], at[wide]
    out[aw] = np.where(xw <= 0xFFFF, _M, np.where(xw > 0x7FFFFFFF, _LONG1, _J))
    out[aw + 2] = (xw >> 8).astype(np.uint8)
    four = (xw > 0xFFFF) & (xw <= 0x7FFFFFFF)
    for i in (2, 3):
        out[aw[four] + 1 + i] = (xw[four] >> (8 * i)).astype(np.uint8)
    huge = np.flatnonzero(xw > 0x7FFFFFFF)
    if len(huge):  # LONG1: a length byte, then that many little-endian bytes
        xh, ah = xw[huge], aw[huge]
        n = _long1_bytes(xh)
        out[ah + 1] = n
        for i in range(8):
            has = n > i
            out[ah[has] + 2 + i] = (xh[has] >> (8 * i)).astype(np.uint8)


def put_floats(out: np.ndarray, at: np.ndarray, x: np.ndarray) -> None:
    """Write each value as BINFLOAT ('G' and a big-endian double): 9 bytes each."""
    out[at] = _BINFLOAT
    be = np.asarray(x, dtype=">f8").view(np.uint8).reshape(-1, 8)
    for i in range(8):
        out[at + 1 + i] = be[:, i]


def put_const(out: np.ndarray, at: np.ndarray, text: bytes) -> None:
    """Write the same bytes at every offset."""
    for i, byte in enumerate(text):
        out[at + i] = byte


class PositionValues:
    """Every posting's ``Positions.encode`` value, as an item of a pickled tuple.

    ``pos`` holds all postings' positions (ascending within a posting), posting
    ``i`` being ``pos[post_start[i]:post_start[i] + freq[i]]``. Its value is a
    4-byte big-endian count and the protocol 2 pickle of the position deltas,
    here after SHORT_BINBYTES or BINBYTES and its length. ``widths`` gives the
    bytes of each posting's item; :meth:`put` writes them.
    """

    def __init__(self, pos: np.ndarray, post_start: np.ndarray, freq: np.ndarray) -> None:
        self.post_start, self.freq = post_start, freq
        k = np.arange(len(pos), dtype=np.int64) - np.repeat(post_start, freq)  # index within its posting
        f = np.repeat(freq, freq)
        self.deltas = pos.astype(np.int64, copy=True)
        self.deltas[1:] -= pos[:-1]
        self.deltas[post_start] = pos[post_start]
        # Per position: [MARK] int [APPEND | APPENDS] [STOP], as batch_list_exact writes a list
        many = f > 1
        self.last = k == f - 1
        if int(freq.max(initial=0)) > _BATCH:  # a list past one batch (rare): the modulo for all
            self.opens = many & (k % _BATCH == 0)
            self.closes = ~many | (k % _BATCH == _BATCH - 1) | self.last
        else:
            self.opens = many & (k == 0)
            self.closes = ~many | self.last
        self.appends = many[self.closes]
        self.int_w = int_widths(self.deltas)
        item_w = self.opens + self.int_w + self.closes + self.last
        self.item_at = offsets(item_w)  # within all items, laid end to end
        self.size = 4 + len(_LIST_HEAD) + np.diff(self.item_at[np.append(post_start, len(pos))])
        self.short = self.size < 256
        self.head_w = np.where(self.short, 2, 5) + 4 + len(_LIST_HEAD)
        self.widths = self.head_w + self.size - 4 - len(_LIST_HEAD)

    def put(self, out: np.ndarray, at: np.ndarray) -> None:
        """Write posting ``i``'s item at ``out[at[i]:]``."""
        short = self.short
        out[at] = np.where(short, _SHORT_BINBYTES, _BINBYTES)
        le = self.size.astype("<u4").view(np.uint8).reshape(-1, 4)
        out[at + 1] = le[:, 0]
        for i in (1, 2, 3):
            out[at[~short] + 1 + i] = le[~short, i]
        count = self.freq.astype(">u4").view(np.uint8).reshape(-1, 4)
        body = at + np.where(short, 2, 5)
        for i in range(4):
            out[body + i] = count[:, i]
        put_const(out, body + 4, _LIST_HEAD)
        # Items: each posting's run starts right after its head; one offset array walks each item.
        shift = at + self.head_w - self.item_at[self.post_start]
        item = self.item_at[:-1] + np.repeat(shift, self.freq)
        out[item[self.opens]] = _MARK
        item += self.opens
        put_ints(out, item, self.deltas)
        item += self.int_w
        out[item[self.closes]] = np.where(self.appends, _APPENDS, _APPEND)
        item += self.closes
        out[item[self.last]] = _STOP
