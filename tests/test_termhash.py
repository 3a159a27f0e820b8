"""The term index written in bulk is a hash file that Whoosh's own reader looks keys up in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter, md5_hash

from searchsvc.termhash import BulkTermIndex, _md5, hash_tables


def write(tmp_path: Path, first: list[tuple[bytes, bytes]], batches: list[list[tuple[bytes, bytes]]]):
    storage = FileStorage(str(tmp_path))
    tindex = BulkTermIndex.adopt(OrderedHashWriter(storage.create_file("t.trm")))
    for key, value in first:  # Whoosh's own add still works before bulk batches
        tindex.add(key, value)
    for batch in batches:
        tindex.add_sorted(batch)
    tindex.close()
    return OrderedHashReader(storage.open_file("t.trm"), storage.file_length("t.trm"))


def items(n: int, width: int = 6) -> list[tuple[bytes, bytes]]:
    return [(b"\x00\x01" + str(i).zfill(width).encode(), f"value {i}".encode() * (i % 3 + 1)) for i in range(n)]


@pytest.mark.parametrize("n_first, batch_sizes", [(0, [1]), (0, [5000]), (3, [100, 2000]), (0, [0, 300])])
def test_every_key_is_found_in_order(tmp_path: Path, n_first: int, batch_sizes: list[int]):
    data = items(n_first + sum(batch_sizes))
    batches, at = [], n_first
    for size in batch_sizes:
        batches.append(data[at:at + size])
        at += size
    reader = write(tmp_path, data[:n_first], batches)
    assert list(reader.keys()) == [k for k, _ in data]
    for key, value in data:
        assert reader[key] == value
    assert b"\x00\x01missing" not in reader
    if len(data) > 16:
        assert reader.closest_key(data[15][0] + b"x") == data[16][0]


def test_md5_is_whooshs_hash():
    for key in (b"", b"a", b"\x00\x01oil", "é".encode()):
        assert _md5(key) == md5_hash(key)


def test_keys_that_collide_probe_past_each_other():
    # the same table (low byte) and the same home slot: each takes the next free slot
    hashes = np.array([0x100 * 3 + 7, 0x100 * 5 + 7, 0x100 * 3 + 7, 0x200 + 9], dtype=np.int64)
    table, base, slots = hash_tables(hashes, np.arange(10, 14, dtype=np.int64))
    assert len(table) == 8  # two slots per key; tables in low-byte order: table 7, then table 9
    assert (base[7], slots[7], base[9], slots[9]) == (0, 6, 6, 2)
    seven = table[:6]
    assert sorted(seven["pos"][seven["pos"] > 0].tolist()) == [10, 11, 12]
    homes = [(int(h) >> 8) % 6 for h in hashes[:3]]
    for pos, home in zip((10, 11, 12), homes):
        slot = int(np.flatnonzero(seven["pos"] == pos)[0])
        walk = [(home + k) % 6 for k in range((slot - home) % 6 + 1)]
        assert all(seven["pos"][s] > 0 for s in walk)  # no empty slot between home and the key


def test_keys_must_increase(tmp_path: Path):
    storage = FileStorage(str(tmp_path))
    tindex = BulkTermIndex.adopt(OrderedHashWriter(storage.create_file("t.trm")))
    tindex.add_sorted([(b"b", b"1")])
    for bad in ([(b"a", b"2")], [(b"c", b"1"), (b"c", b"2")]):
        with pytest.raises(ValueError):
            tindex.add_sorted(bad)
