"""Person names in news text (first, simple version: capitalised word pairs)."""

from __future__ import annotations

import re

_PAIR = re.compile(r"\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)+)\b")


def extract_people(text: str, title: str = "") -> list[str]:
    """Canonical names of the persons the text names, once each, in order of first mention."""
    seen: dict[str, None] = {}
    for m in _PAIR.finditer(text):
        seen.setdefault(m.group(1), None)
    return list(seen)
