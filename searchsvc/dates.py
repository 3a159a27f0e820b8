"""Calendar dates mentioned in news text (first, simple version: ISO dates and years)."""

from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"\b(1[89]\d\d|20\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")


def extract_dates(text: str, published: dt.date | None = None, title: str = "") -> list[str]:
    """Dates as YYYY, YYYY-MM or YYYY-MM-DD strings, once each, sorted."""
    return sorted({"-".join(m.groups()) for m in _ISO.finditer(text)})
