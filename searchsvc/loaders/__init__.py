"""Readers that turn files into :class:`~searchsvc.document.Document` records.

``iter_records(paths)`` walks files and folders (recursively, in sorted order so
rebuilds are reproducible) and picks a reader by extension or by an explicit
``format``. A folder walk passes over hidden entries, searchsvc index folders and
symlinked subfolders:

=========  ==========================  =========================================
format     extensions                  module
=========  ==========================  =========================================
text       ``.txt``                    :mod:`.seedtext` (section, title, body)
jsonl      ``.jsonl`` ``.ndjson``      :mod:`.jsonl`
reuters    ``.sgm``                    :mod:`.reuters` (Reuters-21578 SGML)
=========  ==========================  =========================================

Readers yield a Document or an :class:`~searchsvc.errors.InputError` per record,
so one bad record never hides the rest: the caller decides whether to stop
(the default rebuild) or skip and count (``--skip-bad``).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..document import DEFAULT_MAX_DOCUMENT_CHARS, Document
from ..errors import InputError, QueryError
from . import jsonl, reuters, seedtext

Record = Document | InputError
Reader = Callable[..., Iterator[Record]]

READERS: dict[str, Reader] = {
    "text": seedtext.read,
    "jsonl": jsonl.read,
    "reuters": reuters.read,
}
EXTENSIONS = {".txt": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".sgm": "reuters"}
#: Formats whose files are read in pieces, so that rebuild workers share a large file.
_SPLITTERS = {"jsonl": jsonl.split, "reuters": reuters.split}
#: Files a folder walk passes over without complaint.
IGNORED_NAMES = {seedtext.METADATA_NAME, "README", "README.md", "README.txt", "LICENSE"}
# An index folder's pointer file and generation folders (store.py); kept here, not imported, so that
# readers depend on nothing but documents and errors.
_CURRENT = "CURRENT"
_GENERATION = re.compile(r"^gen-\d{6,}$")


@dataclass(frozen=True)
class Unit:
    """A piece of input one worker reads: a whole file, or a byte range of a JSONL or Reuters file."""

    path: str
    format: str
    start: int = 0
    end: int | None = None
    first_line: int = 1
    size: int = 0
    #: What documents record as their ``source``: the path below the input's parent
    #: ("reuters21578/reut2-000.sgm"), not the server's absolute path.
    label: str = ""


def iter_records(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *, format: str | None = None,
                 max_chars: int = DEFAULT_MAX_DOCUMENT_CHARS) -> Iterator[Record]:
    """Documents (or per-record errors) from files and folders (one path or several), in a stable order."""
    for unit in plan(paths, format=format):
        if isinstance(unit, InputError):
            yield unit
        else:
            yield from read_unit(unit, max_chars)


def source_list(paths: object) -> list[str | os.PathLike[str]]:
    """The sources as a list: one path alone is a source (not its characters: "/" would walk the
    disk); anything but paths is a QueryError naming ``sources``."""
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    if not isinstance(paths, Iterable):
        raise QueryError(f"sources must be a path or a list of paths, got {type(paths).__name__}", param="sources")
    listed = list(paths)
    for raw in listed:
        if not isinstance(raw, (str, os.PathLike)):  # rebuild(ix, [records]): name it, not a TypeError
            raise QueryError(f"sources must be file or folder paths, got {type(raw).__name__}", param="sources")
    return listed


def plan(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *, format: str | None = None,
         split_bytes: int = 0) -> list[Unit | InputError]:
    """The input as units in reading order; JSONL and Reuters files larger than ``split_bytes`` are split."""
    if format is not None and format not in READERS:
        raise InputError(f"unknown format {format!r}; known: {', '.join(READERS)}")
    units: list[Unit | InputError] = []
    for raw in source_list(paths):
        path = Path(raw)
        files: list[Path | InputError]
        if path.is_dir():
            files = list(_walk(path, format))
        elif path.is_file():
            files = [path]
        elif path.exists():  # a FIFO, a device: said so, not "no such file"
            units.append(InputError("not a regular file or folder", source=str(path)))
            continue
        else:
            units.append(InputError("no such file or folder", source=str(path)))
            continue
        for file in files:
            if isinstance(file, InputError):
                units.append(file)
                continue
            fmt = format_of(file, format)
            if fmt is None:
                units.append(InputError(f"unknown file type {file.suffix or '(none)'!r}; use --format "
                                        f"({', '.join(READERS)})", source=str(file)))
                continue
            try:
                st = file.stat()
            except OSError as e:  # a dangling symlink, or a file removed since the folder was listed
                units.append(InputError(f"cannot read: {e.strerror or e}", source=str(file)))
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO or device in a folder would block or never end
                units.append(InputError("not a regular file", source=str(file)))
                continue
            size = st.st_size
            label = _label(file, path)
            if fmt in _SPLITTERS and split_bytes and size > split_bytes:
                units.extend(replace(u, label=label) for u in _SPLITTERS[fmt](str(file), size, split_bytes))
            else:
                units.append(Unit(str(file), fmt, size=size, label=label))
    return units


def read_unit(unit: Unit, max_chars: int = DEFAULT_MAX_DOCUMENT_CHARS) -> Iterator[Record]:
    path = Path(unit.path)
    try:
        label = unit.label or path.name
        if unit.format == "jsonl":
            yield from jsonl.read(path, max_chars, start=unit.start, end=unit.end, first_line=unit.first_line,
                                  label=label)
        elif unit.format == "reuters":
            yield from reuters.read(path, max_chars, label=label, start=unit.start, end=unit.end,
                                    first_line=unit.first_line)
        else:
            yield from READERS[unit.format](path, max_chars, label=label)
    except OSError as e:
        yield InputError(f"cannot read: {e.strerror or e}", source=str(path))


def _label(file: Path, root: Path) -> str:
    """The file's path below the folder that holds the input (a folder or a file)."""
    try:
        return str(file.resolve().relative_to(root.resolve().parent))
    except ValueError:
        return file.name


def format_of(path: Path, format: str | None = None) -> str | None:
    """The reader name for a file: the explicit format, else by extension."""
    return format or EXTENSIONS.get(path.suffix.lower())


def _wanted(path: Path, format: str | None) -> bool:
    # In a folder, an explicit format still only takes its own extensions (or none):
    # `--format reuters corpus/` must not read the README.txt beside the .sgm files.
    by_ext = EXTENSIONS.get(path.suffix.lower())
    return by_ext is not None if format is None else by_ext in (format, None)


def _is_index_folder(names: Iterable[str], folders: Iterable[str]) -> bool:
    """Whether a folder holding these files and subfolders is a searchsvc index (the layout store.py describes).

    An index's ``journal.jsonl`` is not articles; reading it (``searchsvc index .`` with the default
    ``./index``) made every rebuild after an API write fail.
    """
    return _CURRENT in names and any(_GENERATION.match(d) for d in folders)


def _walk(folder: Path, format: str | None) -> Iterator[Path | InputError]:
    # os.walk passes over a folder it cannot list unless told: that would drop its articles unnoticed.
    unlisted: list[OSError] = []
    # Symlinked subfolders are not followed: a link to a parent would loop.
    for root, dirs, files in os.walk(folder, onerror=unlisted.append):
        yield from _unlisted(unlisted)
        if _is_index_folder(files, dirs):
            dirs[:] = []
            if Path(root) == folder:
                yield InputError("a searchsvc index folder, not articles", source=str(folder))
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in IGNORED_NAMES:
                continue
            path = Path(root, name)
            if _wanted(path, format):
                yield path
    yield from _unlisted(unlisted)


def _unlisted(errors: list[OSError]) -> Iterator[InputError]:
    for e in errors:
        yield InputError(f"cannot read folder: {e.strerror or e}", source=str(e.filename or ""))
    errors.clear()


__all__ = ["EXTENSIONS", "READERS", "Record", "Unit", "format_of", "iter_records", "plan", "read_unit"]
