"""Turning confirmed mentions into canonical names.

A mention folds into the longest other mention of the same document that
contains it as a contiguous word sequence ("Putin" -> "Vladimir Putin",
"Xi" -> "Xi Jinping"); matching ignores case.  The result keeps the order in
which each person was first mentioned, in any form.
"""

from __future__ import annotations


def canonical_names(mentions: list[tuple[str, ...]]) -> list[str]:
    """Unique canonical names for ``mentions`` (token tuples in text order)."""
    distinct: dict[tuple[str, ...], tuple[str, ...]] = {}
    for m in mentions:
        distinct.setdefault(tuple(w.casefold() for w in m), m)
    longest_first = sorted(distinct, key=len, reverse=True)
    out: dict[str, None] = {}
    for m in mentions:
        key = tuple(w.casefold() for w in m)
        target = next((o for o in longest_first if len(o) > len(key) and _contains(o, key)), key)
        out.setdefault(" ".join(distinct[target]), None)
    return list(out)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))
