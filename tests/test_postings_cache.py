"""The shared LRU of decoded posting lists: its bound holds for what entries really take."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.postings_cache import PostingsCache, entry_bytes
from searchsvc.segments import EMPTY_IDS, EMPTY_TF
from searchsvc.writer import IndexWriter

SEGMENT = ("/srv/index/gen-000001", "k3x9q2w7e5r1t8y4")


def miss(i: int) -> tuple[np.ndarray, np.ndarray]:
    return EMPTY_IDS, EMPTY_TF


def one_posting(i: int) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray([i], dtype=np.int32), np.asarray([1.0], dtype=np.float32)


def thousand_postings(i: int) -> tuple[np.ndarray, np.ndarray]:
    return np.arange(1000, dtype=np.int32) + i, np.ones(1000, dtype=np.float32)


@pytest.mark.parametrize("make", [miss, one_posting, thousand_postings])
def test_entries_are_charged_at_least_what_they_take(make):
    # Charged by payload alone, a miss cost 0 bytes and the LRU never evicted them: a service
    # searched for unique words grew without bound.
    cache = PostingsCache()
    values = [make(i) for i in range(2000)]
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for i, value in enumerate(values):
        cache.put((SEGMENT, "body", f"tok{i:06d}"), value)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    taken = sum(s.size_diff for s in after.compare_to(before, "filename"))
    taken += sum(v[0].nbytes + v[1].nbytes for v in values) if make is not miss else 0  # made before
    assert taken <= cache.bytes, (taken, cache.bytes)
    assert cache.bytes == sum(entry_bytes(v) for v in values)


@pytest.mark.parametrize("make", [miss, one_posting])
def test_the_bound_holds_for_entries_with_no_payload(make):
    budget = 100 * entry_bytes(make(0))
    cache = PostingsCache(max_bytes=budget)
    for i in range(10_000):
        cache.put((SEGMENT, "body", f"tok{i}"), make(i))
    assert len(cache) == 100 and cache.bytes <= budget
    assert cache.get((SEGMENT, "body", "tok9999")) is not None and cache.get((SEGMENT, "body", "tok0")) is None


def test_a_closed_segments_entries_go_with_it():
    cache = PostingsCache()
    other = ("/srv/index/gen-000001", "other")
    for i in range(10):
        cache.put((SEGMENT, "body", f"a{i}"), one_posting(i))
        cache.put((other, "body", f"a{i}"), one_posting(i))
    cache.drop_segment(SEGMENT)
    assert len(cache) == 10 and cache.bytes == 10 * entry_bytes(one_posting(0))
    assert cache.get((SEGMENT, "body", "a1")) is None and cache.get((other, "body", "a1")) is not None
    cache.drop_segment(SEGMENT)  # twice: nothing left to drop
    small = PostingsCache(max_bytes=3 * entry_bytes(miss(0)))
    for i in range(5):  # evictions keep the per-segment index in step
        small.put((SEGMENT, "body", f"m{i}"), miss(i))
    small.drop_segment(SEGMENT)
    assert len(small) == 0 and small.bytes == 0


def test_the_engine_keeps_no_entries_of_segments_it_closed(fresh_index: Path):
    writer = IndexWriter(fresh_index)
    with SearchEngine(fresh_index) as engine:
        for i in range(30):  # each put is a commit; Whoosh merges the small segments as they pile up
            writer.put([Document(id=f"u{i}", title=f"unique tok{i}", body="walrus")])
            assert engine.search(f"tok{i} walrus putin").total >= 1
        live = {key for key in engine._live.segments}
        cached = {key[0] for key in engine._live.cache._data}
        assert cached <= live and cached
