"""Pickle opcodes written in bulk are what pickle itself writes (or loads the same)."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
from whoosh.formats import Positions
from whoosh.system import pack_uint

from searchsvc.pickled import PositionValues, int_widths, offsets, put_const, put_floats, put_ints

# Each boundary of save_long's choice: BININT1, BININT2, BININT, then LONG1 of 5 to 8 bytes.
INTS = [0, 1, 255, 256, 65535, 65536, 2**31 - 1, 2**31, 2**32, 2**39 - 1, 2**39, 2**47, 2**55, 2**63 - 1]


def written(widths: np.ndarray, put) -> tuple[bytes, np.ndarray]:
    at = offsets(widths)
    out = np.zeros(int(at[-1]), dtype=np.uint8)
    put(out, at[:-1])
    return out.tobytes(), at


@pytest.mark.parametrize("value", INTS)
def test_ints_are_what_pickle_writes(value: int):
    x = np.array([value, 7, value], dtype=np.int64)
    data, at = written(int_widths(x), lambda out, at: put_ints(out, at, x))
    for i, v in enumerate(x.tolist()):
        assert data[at[i]:at[i + 1]] == pickle.dumps(v, 2)[2:-1]  # without PROTO and STOP


def test_negative_ints_are_refused():
    with pytest.raises(ValueError):
        int_widths(np.array([3, -1]))


@pytest.mark.parametrize("value", [0.0, 1.0, 2.5, 1e300, -3.25])
def test_floats_are_what_pickle_writes(value: float):
    data, _ = written(np.array([9, 9]), lambda out, at: put_floats(out, at, np.array([value, value])))
    assert data == pickle.dumps(value, 2)[2:-1] * 2


def test_constants_go_at_every_offset():
    data, _ = written(np.array([3, 3, 3]), lambda out, at: put_const(out, at, b"t.("))
    assert data == b"t.(" * 3


def encode(positions: list[int]) -> bytes:
    """Whoosh's own encoding of one posting's positions (Positions.encode's value)."""
    return Positions().encode(positions)


@pytest.mark.parametrize("lists", [
    [[0]],
    [[5], [0, 1], [3, 300, 70000]],
    [list(range(999)), list(range(1000)), list(range(1001)), list(range(0, 4002, 2))],  # list batches of 1000
    [[2**31 + 5], [1, 2**40], [0, 2**33, 2**33 + 1]],  # LONG1 deltas
    [[7] for _ in range(50)] + [list(range(60))],  # items past 255 bytes: BINBYTES
])
def test_position_values_are_whooshs_encoding_as_tuple_items(lists: list[list[int]]):
    pos = np.array([p for one in lists for p in one], dtype=np.int64)
    freq = np.array([len(one) for one in lists], dtype=np.int64)
    pv = PositionValues(pos, offsets(freq)[:-1], freq)
    data, at = written(pv.widths, pv.put)
    items = pickle.loads(b"\x80\x04(" + data + b"t.")
    assert list(items) == [encode(one) for one in lists]
    for i, one in enumerate(lists):
        want = encode(one)
        prefix = b"C" + bytes([len(want)]) if len(want) < 256 else b"B" + len(want).to_bytes(4, "little")
        assert data[at[i]:at[i + 1]] == prefix + want  # byte for byte, not only equal when loaded
        assert want == pack_uint(len(one)) + pickle.dumps(list(np.diff(one, prepend=0).tolist()), 2)


def test_random_postings_match_whoosh():
    rng = random.Random(7)
    for _ in range(200):
        lists = [sorted(rng.sample(range(rng.choice([50, 400, 70_000, 2**32])), rng.choice([1, 1, 1, 2, 3, 9])))
                 for _ in range(rng.randint(1, 40))]
        pos = np.array([p for one in lists for p in one], dtype=np.int64)
        freq = np.array([len(one) for one in lists], dtype=np.int64)
        pv = PositionValues(pos, offsets(freq)[:-1], freq)
        data, _ = written(pv.widths, pv.put)
        assert list(pickle.loads(b"\x80\x04(" + data + b"t.")) == [encode(one) for one in lists]
