"""The seed text format: line 1 the section, line 2 the title, then the body.

The body keeps one paragraph per line. A body whose paragraphs are set apart by
blank lines is taken to be hard-wrapped prose: within a paragraph, a line of at
least ``WRAPPED_LINE_CHARS`` characters that does not end a sentence goes on with the next one (people
extraction reads a line break as the end of a name: "Chairman Paul" / "Volcker
said" gave "Paul"). The id is the file name without its
extension. Such files carry no date; a ``metadata.json`` beside them may give
each id a ``published`` date (and a ``section`` that overrides line 1)::

    {"000_7de0834fd2ad6f33": {"published": "2025-05-08"}}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import InputError, echoed_id

METADATA_NAME = "metadata.json"
#: What a metadata.json entry may give a document.
METADATA_FIELDS = ("published", "section", "people", "dates")
#: In a hard-wrapped body, a line this long was wrapped (the last line of a paragraph, a
#: heading or a short list item is shorter).
WRAPPED_LINE_CHARS = 40
_SENTENCE_ENDS = (".", "!", "?", ":", '"', "\u201d", "\u2019", ")")


def read(path: Path, max_chars: int, label: str | None = None) -> Iterator[Document | InputError]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        yield InputError(f"not valid UTF-8 (byte {raw[e.start]:#04x} at offset {e.start})",
                         source=str(path), line=line)
        return
    # Lines end at \n (\r\n, \r) only: str.splitlines() also breaks at U+2028, U+0085 and form
    # feeds, which cut a title in two ("Ti\u2028tle" gave the title "Ti").
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2:
        yield InputError("expected a section line and a title line (then the body, if any)", source=str(path),
                         line=max(len(lines), 1))
        return
    record: dict[str, Any] = {
        "id": path.stem,
        "section": lines[0].strip(),
        "title": lines[1].strip(),
        "body": _body(lines[2:]),
        "source": label or path.name,
    }
    meta = _metadata(path.parent)
    if isinstance(meta, InputError):
        yield meta
        return
    extra = meta.get(path.stem, {})
    meta_path = path.parent / METADATA_NAME
    unknown = sorted(k for k in extra if k not in METADATA_FIELDS)
    if unknown:  # a misspelt "publishd" was ignored without a word
        yield InputError(f"unknown field(s) {', '.join(repr(k[:40]) for k in unknown[:10])}; allowed: "
                         f"{', '.join(METADATA_FIELDS)}", source=str(meta_path), line=_line_of(meta_path, path.stem),
                         record_id=path.stem, field=unknown[0][:40])
        return
    # null is "not given", as in a JSON Lines record: {"section": null} emptied the section of line 1.
    record.update((k, v) for k, v in extra.items() if v is not None)
    try:
        yield Document.from_record(record, source=str(path), line=1, max_chars=max_chars)
    except InputError as e:
        if e.field in extra:  # the bad value came from metadata.json: name that file and line
            e = InputError(e.message, source=str(meta_path), line=_line_of(meta_path, path.stem),
                           record_id=e.record_id, field=e.field)
        yield e.detached()


def unused_entries(folder: Path, ids: set[str]) -> list[str]:
    """Warnings for the entries of the folder's metadata.json that are none of ``ids`` (the ids of
    the folder's files): a misspelt id gave its article no date, without a word. A metadata.json
    that cannot be read is each of its articles' error already."""
    meta = _metadata(folder)
    if isinstance(meta, InputError):
        return []
    path = folder / METADATA_NAME
    return [f"{_where(path, doc_id)}: entry {echoed_id(doc_id)!r} matches no file of {folder}; not used"
            for doc_id in meta if doc_id not in ids]


def _where(meta_path: Path, doc_id: str) -> str:
    line = _line_of(meta_path, doc_id)
    return f"{meta_path}:{line}" if line else str(meta_path)


def _line_of(meta_path: Path, doc_id: str) -> int | None:
    """The line of metadata.json where ``doc_id``'s entry starts (only asked for an error)."""
    try:
        st = meta_path.stat()
    except OSError:
        return None
    return _entry_lines(meta_path, st.st_ino, st.st_mtime_ns, st.st_size).get(doc_id)


#: An entry of metadata.json: a key whose value is an object (the fields inside have none).
_ENTRY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*\{')


@lru_cache(maxsize=8)
def _entry_lines(path: Path, inode: int, mtime_ns: int, size: int) -> dict[str, int]:
    """id -> line of its entry, for the whole file in one pass (searching it again for each bad
    entry made a systematic mistake over 20,000 files take 30 s instead of 0.6)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, ValueError):
        return {}
    lines: dict[str, int] = {}
    line, at = 1, 0
    for m in _ENTRY.finditer(text):
        line += text.count("\n", at, m.start())
        at = m.start()
        try:
            lines.setdefault(json.loads(f'"{m.group(1)}"'), line)
        except ValueError:
            continue
    return lines


def _body(lines: list[str]) -> str:
    """The body, one paragraph per line (see the module docstring)."""
    lines = [line.strip() for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    if "" not in lines:  # one paragraph per line, as the format has it
        return "\n".join(lines)
    out: list[str] = []
    wrapped = False
    for line in lines:
        if line and wrapped:
            out[-1] += " " + line
        elif line:
            out.append(line)
        # A line ending a sentence is left as it is: a paragraph of its own in a body that has one
        # blank line somewhere (before a sign-off) must not be joined to the next.
        wrapped = len(line) >= WRAPPED_LINE_CHARS and not line.endswith(_SENTENCE_ENDS)
    return "\n".join(out)


def _metadata(folder: Path) -> dict[str, dict[str, Any]] | InputError:
    path = folder / METADATA_NAME
    try:
        st = path.stat()
    except OSError:
        return {}
    # Keyed by the file's identity too: a process that rebuilds again after the file was
    # edited must read the new dates.
    return _metadata_at(path, st.st_ino, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _metadata_at(path: Path, inode: int, mtime_ns: int, size: int) -> dict[str, dict[str, Any]] | InputError:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))  # a leading BOM, as the .txt files allow
    except (OSError, ValueError) as e:
        return InputError(f"cannot read metadata: {e}", source=str(path))
    except RecursionError:
        return InputError("cannot read metadata: nested too deeply", source=str(path))
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return InputError('expected {"<id>": {"published": "YYYY-MM-DD"}, ...}', source=str(path))
    return data
