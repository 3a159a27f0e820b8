"""Exact phrases checked with NumPy agree with the per-document walk, on Whoosh's own encoding."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.formats import Positions

from searchsvc.positions import adjacent_docs, decode_positions, in_sequence


def encoded(positions: list[int]) -> bytes:
    """What Whoosh stores for a term in one document (the real encoder, not a copy of it)."""
    return Positions().encode(positions)


def test_whoosh_encoding_round_trips():
    for plist in ([0], [3, 4, 90], list(range(0, 5000, 7)), [2 ** 31]):
        value = encoded(plist)
        assert struct.unpack(">I", value[:4])[0] == len(plist)
        assert decode_positions(value) == plist


@pytest.mark.parametrize("words, expected", [
    ([[0], [1]], True),                       # "a b" at the start
    ([[5], [4]], False),                      # wrong order
    ([[5], [7]], False),                      # a word between
    ([[1, 9], [3, 10]], True),                # the second occurrence
    ([[2], [3], [4]], True),                  # three words
    ([[2], [3], [5]], False),
    ([[0, 1], [1, 2]], True),                 # "lima lima": positions of one word twice
    ([[1], [0]], False),                      # a start before 0 is not a start
])
def test_adjacent_docs_table(words: list[list[int]], expected: bool):
    values = [[encoded(p)] for p in words]
    assert adjacent_docs(values).tolist() == [expected] == [in_sequence(words, 1)]


positions = st.lists(st.integers(0, 60), min_size=1, max_size=12, unique=True).map(sorted)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(2, 4).flatmap(lambda n: st.lists(st.lists(positions, min_size=n, max_size=n),
                                                    min_size=1, max_size=30)))
def test_adjacent_docs_agrees_with_the_walk(docs: list[list[list[int]]]):
    # docs[j][k]: positions of the k-th phrase word in candidate j
    n = len(docs[0])
    values = [[encoded(doc[k]) for doc in docs] for k in range(n)]
    expected = [in_sequence(doc, 1) for doc in docs]
    assert adjacent_docs(values).tolist() == expected


def test_adjacent_docs_with_large_positions_and_many_candidates():
    rng = np.random.default_rng(7)
    docs = []
    for _ in range(500):
        a = sorted(set(rng.integers(0, 3_000_000, 20).tolist()))
        b = sorted(set([p + 1 for p in a[:2]] + rng.integers(0, 3_000_000, 20).tolist()))
        docs.append([a, b] if rng.random() < 0.5 else [a, [p + 2 for p in a]])
    values = [[encoded(doc[k]) for doc in docs] for k in range(2)]
    assert adjacent_docs(values).tolist() == [in_sequence(doc, 1) for doc in docs]


def _reachable(plists: list[list[int]], slop: int) -> bool:
    """The definition, pair by pair (quadratic): what in_sequence's merge must agree with."""
    frontier = plists[0]
    for plist in plists[1:]:
        frontier = [p for p in plist if any(c < p <= c + slop for c in frontier)]
    return bool(frontier)


@settings(max_examples=800, derandomize=True, database=None, deadline=None)
@given(st.lists(st.lists(st.integers(0, 60), max_size=12).map(sorted), min_size=2, max_size=4),
       st.integers(2, 6))
def test_in_sequence_with_slop_is_the_pairwise_definition(plists: list[list[int]], slop: int):
    assert in_sequence(plists, slop) == _reachable(plists, slop)


def test_in_sequence_with_slop_is_linear_in_the_positions():
    # Alternating "kilo lima": the pairwise check read each frontier position for each later one
    # (quadratic: 40,000 of each took 30 s over HTTP, past every time limit); the merge reads each
    # once. Counted, not timed.
    kilo, lima = list(range(0, 8_000, 2)), list(range(1, 8_000, 2))

    class Counting(list):
        reads = 0

        def __getitem__(self, i):
            Counting.reads += 1
            return super().__getitem__(i)

        def __iter__(self):
            for x in super().__iter__():
                Counting.reads += 1
                yield x

    assert in_sequence([Counting(kilo), lima], 2)
    assert Counting.reads <= 3 * len(kilo)


def test_adjacent_docs_looks_at_the_deadline_before_each_word():
    # A 250-word phrase of common words decoded every word's positions between two looks at the
    # deadline, and overran the 2 s limit by seconds.
    calls = []
    values = [[encoded([k])] for k in range(5)]
    assert adjacent_docs(values, lambda: calls.append(1)).tolist() == [True]
    assert len(calls) == 5
