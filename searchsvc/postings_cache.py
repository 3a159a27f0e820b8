"""The decoded posting lists every segment of a worker shares: an LRU bounded in bytes.

A search decodes each term's posting list into NumPy arrays
(:mod:`searchsvc.segments`); keeping them makes the next query with that term
cheap. The bound must hold for what the entries really take, not only for their
arrays' payload: a term a segment does not have is cached too (as two shared
empty arrays, so a repeated miss skips the term-table lookup), and a posting
list of one document holds 8 bytes of payload. Counted by payload alone, a
service whose writers add unique words (ids, tokens, names) and whose readers
search for them kept millions of such entries: gunicorn workers grew from 50 to
650 MB in a three-minute soak (``scripts/soak.py``, 2026-12-07). So every entry
is charged what it costs in Python objects as well (measured with tracemalloc:
~280 bytes for a miss, ~515 for a one-posting list, against 0 and 8 counted).

A segment's entries go when the segment is closed (merged away by a commit, or
its generation replaced by a rebuild), not when the LRU reaches them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

#: Python objects around one entry: the key tuple and its strings, the value tuple, the
#: LRU's and the size table's slots.
ENTRY_BYTES = 300
#: A NumPy array object apart from its data.
ARRAY_BYTES = 112


def entry_bytes(value: tuple[Any, Any], extra: int = 0) -> int:
    """What one cached ``(ids, values)`` pair takes: payload, array objects and the entry."""
    return ENTRY_BYTES + extra + sum(getattr(part, "nbytes", 0) + ARRAY_BYTES for part in value)


class PostingsCache:
    """LRU of decoded posting lists keyed ``(segment key, ...)``, bounded by :func:`entry_bytes`."""

    def __init__(self, max_bytes: int = 64 << 20) -> None:
        self.max_bytes = max_bytes
        self._data: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()
        self._sizes: dict[Any, int] = {}
        self._by_segment: dict[Any, set[Any]] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._data)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: Any) -> tuple[Any, Any] | None:
        hit = self._data.get(key)
        if hit is not None:
            self._data.move_to_end(key)
        return hit

    def put(self, key: Any, value: tuple[Any, Any], extra: int = 0) -> None:
        """Keep ``value`` under ``key``, whose first item is the segment's key."""
        size = entry_bytes(value, extra)
        if size > self.max_bytes or key in self._data:
            return
        self._data[key] = value
        self._sizes[key] = size
        self._by_segment.setdefault(key[0], set()).add(key)
        self._bytes += size
        while self._bytes > self.max_bytes:
            old, _ = self._data.popitem(last=False)
            self._forget(old)

    def drop_segment(self, segment_key: Any) -> None:
        """Forget every entry of a segment that is being closed."""
        for key in self._by_segment.pop(segment_key, ()):
            del self._data[key]
            self._bytes -= self._sizes.pop(key)

    def clear(self) -> None:
        self._data.clear()
        self._sizes.clear()
        self._by_segment.clear()
        self._bytes = 0

    def _forget(self, key: Any) -> None:
        self._bytes -= self._sizes.pop(key)
        keys = self._by_segment.get(key[0])
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_segment[key[0]]
