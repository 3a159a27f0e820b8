"""JSON Lines: one article object per line.

``{"id": "...", "title": "...", "body": "...", "published": "2025-05-08",
"section": "...", "people": [...], "dates": [...]}``; only ``id`` and some text
are required. Blank lines are skipped. Each line is decoded and parsed on its
own, so invalid UTF-8 or broken JSON costs only that line and the error names it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..document import Document
from ..errors import InputError


def read(path: Path, max_chars: int) -> Iterator[Document | InputError]:
    source = str(path)
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            yield parse_line(raw, source=source, line=lineno, max_chars=max_chars)


def parse_line(raw: bytes | str, *, source: str, line: int, max_chars: int) -> Document | InputError:
    """One JSON Lines record -> Document, or the error that names what is wrong."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            return InputError(f"not valid UTF-8 (byte {raw[e.start]:#04x} at column {e.start + 1})",
                              source=source, line=line)
    try:
        rec = json.loads(raw)
    except RecursionError:
        return InputError("JSON nested too deeply", source=source, line=line)
    except json.JSONDecodeError as e:
        return InputError(f"invalid JSON: {e.msg} at column {e.colno}", source=source, line=line)
    if not isinstance(rec, dict):
        return InputError(f"expected a JSON object, got {type(rec).__name__}", source=source, line=line)
    try:
        return Document.from_record(rec, source=source, line=line, max_chars=max_chars)
    except InputError as e:
        return e
