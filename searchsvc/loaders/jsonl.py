"""JSON Lines: one article object per line.

``{"id": "...", "title": "...", "body": "...", "published": "2025-05-08",
"section": "...", "people": [...], "dates": [...]}``; only ``id`` and some text
are required. Blank lines are skipped, and so is a byte order mark that opens the
file. Each line is decoded and parsed on its own, so invalid UTF-8 or broken JSON
costs only that line and the error names it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import InputError

_BOM = b"\xef\xbb\xbf"


def read(path: Path, max_chars: int, *, start: int = 0, end: int | None = None,
         first_line: int = 1, label: str | None = None) -> Iterator[Document | InputError]:
    """Records of the whole file, or of the lines in bytes [start, end)."""
    source = str(path)
    with open(path, "rb") as f:
        f.seek(start)
        pos = start
        for lineno, raw in enumerate(f, first_line):
            if end is not None and pos >= end:
                break
            if pos == 0 and raw.startswith(_BOM):  # Windows editors write one; only the file's start may have it
                pos, raw = len(raw), raw[len(_BOM):]
            else:
                pos += len(raw)
            if not raw.strip():
                continue
            yield parse_line(raw, source=source, line=lineno, max_chars=max_chars, provenance=label or path.name)


def split(path: str, size: int, chunk: int) -> list[Any]:
    """Line-aligned pieces of about ``chunk`` bytes, each knowing its first line number."""
    from . import Unit

    units = []
    with open(path, "rb") as f:
        start, line = 0, 1
        while start < size:
            f.seek(min(start + chunk, size))
            f.readline()  # finish the line the cut fell in
            end = min(f.tell(), size) if start + chunk < size else size
            f.seek(start)
            lines = f.read(end - start).count(b"\n")
            units.append(Unit(path, "jsonl", start, end, line, end - start))
            start, line = end, line + lines
    return units


def parse_line(raw: bytes | str, *, source: str, line: int, max_chars: int,
               provenance: str | None = None) -> Document | InputError:
    """One JSON Lines record -> Document, or the error that names what is wrong.

    ``provenance`` becomes the document's ``source`` unless the record names its own.
    """
    try:
        rec = decode_line(raw, source=source, line=line)
    except InputError as e:
        return e.detached()
    if not isinstance(rec, dict):
        return InputError(f"expected a JSON object, got {type(rec).__name__}", source=source, line=line)
    if provenance and "source" not in rec:
        rec["source"] = provenance
    try:
        return Document.from_record(rec, source=source, line=line, max_chars=max_chars)
    except InputError as e:
        return e.detached()


def decode_line(raw: bytes | str, *, source: str, line: int) -> Any:
    """The JSON value of one line of a JSON Lines file (articles, queries, ``extract``'s input),
    or an InputError naming the file and line: invalid UTF-8, invalid JSON, nesting past
    Python's recursion limit, a number past its 4,300-digit limit. A byte order mark may open
    line 1."""
    if isinstance(raw, bytes):
        raw = text_line(raw, source=source, line=line)
    elif line == 1:
        raw = raw.removeprefix("\ufeff")
    try:
        return json.loads(raw)
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", source=source, line=line) from None
    except json.JSONDecodeError as e:
        # The column within this line: e.colno restarts after the line's own final newline ("column 1"
        # for a record cut short), and some messages end in "at" already ("Invalid control character at").
        message = e.msg.removesuffix(" at")
        where = "the end of the line" if e.pos >= len(raw.rstrip("\r\n")) else f"column {e.pos + 1}"
        raise InputError(f"invalid JSON: {message} at {where}", source=source, line=line) from None
    except ValueError as e:  # a number of more than 4,300 digits: not a JSONDecodeError
        raise InputError(f"invalid JSON: {str(e).split(';')[0]}", source=source, line=line) from None


def text_line(raw: bytes, *, source: str, line: int) -> str:
    """One line of a UTF-8 text file (a byte order mark may open line 1), or an InputError
    naming the file, line and byte."""
    if line == 1:
        raw = raw.removeprefix(_BOM)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"not valid UTF-8 (byte {raw[e.start]:#04x} at column {e.start + 1})",
                         source=source, line=line) from None
