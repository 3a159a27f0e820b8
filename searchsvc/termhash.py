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
from array import array

import numpy as np
from whoosh.filedb.filetables import OrderedHashWriter

from .pickled import offsets

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
        if items:
            self.add_sorted_fixed(b"", [k for k, _ in items], [v for _, v in items])

    def add_sorted_fixed(self, prefix: bytes, keys: list[bytes], values: list[bytes] | bytes,
                         width: int = 0) -> None:
        """``add`` for every ``prefix + keys[i]``, keys increasing, in one write; the values are
        a list, or one string of ``len(keys)`` values of ``width`` bytes each."""
        if not keys:
            return
        full = [prefix + k for k in keys] if prefix else keys
        if full[0] <= self.lastkey or any(a >= b for a, b in itertools.pairwise(full)):
            raise ValueError("term keys must increase")
        key_lens = np.fromiter(map(len, full), dtype=np.int64, count=len(full))
        if isinstance(values, bytes):
            value_lens = np.full(len(keys), width, dtype=np.int64)
            value_bytes = values
        else:
            value_lens = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
            value_bytes = b"".join(values)
        records = _records(b"".join(full), key_lens, value_bytes, value_lens)
        at = self.dbfile.tell() + offsets(8 + key_lens + value_lens)[:-1]
        self.dbfile.write(records)
        self._extend_index(at)
        self._bulk.append((np.array([_md5(k) for k in full], dtype=np.int64), at))
        self.lastkey = full[-1]

    def _extend_index(self, at: np.ndarray) -> None:
        # Whoosh's GrowableArray.extend appends one position at a time in Python. Positions
        # increase, so the last one decides the array's type; then they go in at once.
        index = self.index
        last = int(at[-1])
        try:
            array(index.typecode, [last])
        except OverflowError:
            index._retype(last)
        if isinstance(index.array, array):
            index.array.frombytes(at.astype(np.dtype(index.array.typecode)).tobytes())
        else:  # past every array type: Whoosh keeps a list
            index.array.extend(at.tolist())

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


def _records(keys: bytes, key_lens: np.ndarray, values: bytes, value_lens: np.ndarray) -> bytes:
    """HashWriter's records end to end: ``!ii`` (key length, value length), the key, the value."""
    sizes = 8 + key_lens + value_lens
    start = offsets(sizes)
    out = np.empty(int(start[-1]), dtype=np.uint8)
    head = np.empty((len(sizes), 2), dtype=">i4")
    head[:, 0], head[:, 1] = key_lens, value_lens
    out[np.repeat(start[:-1], 8) + np.tile(np.arange(8), len(sizes))] = head.view(np.uint8).ravel()
    for data, lens, skip in ((keys, key_lens, 8), (values, value_lens, 8 + key_lens)):
        # each record's piece goes to its start + skip, the pieces being laid end to end in data
        lead = offsets(lens)
        out[np.arange(lead[-1]) + np.repeat(start[:-1] + skip - lead[:-1], lens)] = np.frombuffer(data, np.uint8)
    return out.tobytes()


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
