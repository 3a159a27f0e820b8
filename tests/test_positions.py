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
