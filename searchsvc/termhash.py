"""A segment's term index, Whoosh's ``OrderedHashWriter`` file, filled for all terms at once.

The term index (``.trm``) is a CDB-like hash file (``whoosh/filedb/filetables.py``):

* records, each ``!ii`` (key length, value length), the key, the value - here a
  term's key (field number and term bytes) and its ``W3TermInfo``;
* 256 hash tables: a key's MD5 picks the table by its low byte, and the slot
  ``(hash >> 8) % slots`` with linear probing; a table has two slots per key,
  each slot ``!Iq`` (hash, record position), ``(0, 0)`` when empty;
* a directory of the tables, Whoosh's extras and the positions of all records in
  key order (the "ordered" part, for prefix and range walks).

Whoosh adds one record at a time and fills the tables slot by slot in Python,
writing each slot separately. :class:`BulkTermIndex` writes all records in one
go, and all tables: every key is probed at once, a round per step of linear
probing, where the earliest key asking for a free slot takes it
(:func:`hash_tables`). A reader needs every key to sit at or after its home
slot with no empty slot in between, which each round keeps; the keys' order
inside a table can differ from Whoosh's sequential filling, and lookups do not
depend on it.
"""

from __future__ import annotations

import hashlib
import itertools
import struct

import numpy as np
from whoosh.filedb.filetables import OrderedHashWriter

from .pickled import offsets

_LENGTHS = struct.Struct("!ii")
_SLOT = np.dtype([("hash", ">u4"), ("pos", ">i8")])
_MD5 = 0  # HashWriter's hashtype of md5_hash


def _md5(key: bytes) -> int:
    # whoosh.filedb.filetables.md5_hash: the digest's low 32 bits
    return int.from_bytes(hashlib.md5(key, usedforsecurity=False).digest()[12:], "big")


class BulkTermIndex(OrderedHashWriter):
    """Whoosh's term index writer, taking all records at once (:meth:`add_sorted`)."""

    _bulk: list[tuple[np.ndarray, np.ndarray]]
    lastkey: bytes

    @classmethod
    def adopt(cls, tindex: OrderedHashWriter) -> BulkTermIndex:
        """Turn the writer a Whoosh field writer made (header already written) into this kind."""
        if type(tindex) is not OrderedHashWriter or tindex.hashtype != _MD5:
            raise TypeError("only Whoosh's default MD5 term index is written here")
        tindex.__class__ = cls
        assert isinstance(tindex, BulkTermIndex)
        tindex._bulk = []
        return tindex

    def add_sorted(self, items: list[tuple[bytes, bytes]]) -> None:
        """``add`` for every (key, value), keys increasing, in one write."""
        if not items:
            return
        if items[0][0] <= self.lastkey or any(a[0] >= b[0] for a, b in itertools.pairwise(items)):
            raise ValueError("term keys must increase")
        sizes = np.array([8 + len(k) + len(v) for k, v in items], dtype=np.int64)
        at = self.dbfile.tell() + np.cumsum(sizes) - sizes
        self.dbfile.write(b"".join(_LENGTHS.pack(len(k), len(v)) + k + v for k, v in items))
        self.index.extend(at.tolist())
        self._bulk.append((np.array([_md5(k) for k, _ in items], dtype=np.int64), at))
        self.lastkey = items[-1][0]

    def _write_hashes(self) -> None:
        # In place of HashWriter._write_hashes: the 256 tables of every record, in one write.
        parts = self._bulk + [(np.array([h], dtype=np.int64), np.array([p], dtype=np.int64))
                              for bucket in self.buckets for h, p in bucket]  # any added by ``add``
        hashes = np.concatenate([h for h, _ in parts]) if parts else np.zeros(0, dtype=np.int64)
        positions = np.concatenate([p for _, p in parts]) if parts else np.zeros(0, dtype=np.int64)
        table, base, slots = hash_tables(hashes, positions)
        start = self.dbfile.tell()
        self.directory = list(zip((start + _SLOT.itemsize * base).tolist(), slots.tolist()))
        self.dbfile.write(table.tobytes())


def hash_tables(hashes: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All 256 tables end to end (table ``b`` holds the keys whose hash has low byte ``b``),
    and each table's first slot and number of slots (two per key)."""
    bucket = hashes & 255
    slots = 2 * np.bincount(bucket, minlength=256)
    base = offsets(slots)[:-1]
    table = np.zeros(int(slots.sum()), dtype=_SLOT)
    taken = np.zeros(len(table), dtype=bool)
    size = slots[bucket]
    home = (hashes >> 8) % np.maximum(size, 1)
    waiting = np.arange(len(hashes))  # in the order the keys were added
    step = 0
    while len(waiting):
        at = base[bucket[waiting]] + (home[waiting] + step) % size[waiting]
        free = ~taken[at]
        # among the keys asking for the same free slot, the first added takes it
        _, first = np.unique(np.where(free, at, -1), return_index=True)
        wins = np.zeros(len(waiting), dtype=bool)
        wins[first] = True
        wins &= free
        slot, key = at[wins], waiting[wins]
        table["hash"][slot] = hashes[key]
        table["pos"][slot] = positions[key]
        taken[slot] = True
        waiting = waiting[~wins]
        step += 1
    return table, base, slots
