"""Readers that turn files into :class:`~searchsvc.document.Document` records.

``iter_records(paths)`` walks files and folders (recursively, in sorted order so
rebuilds are reproducible) and picks a reader by extension or by an explicit
``format``. A file named on its own is read as that format whatever its name; a
folder walk reads files of the format's extensions and files with none (without a
format: the extensions below), and passes over other files, hidden entries,
searchsvc index folders and symlinked subfolders:

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
        for file in _files(path, format):
            units.extend([file] if isinstance(file, InputError) else _units(file, path, format, split_bytes))
    return units


def _files(path: Path, format: str | None) -> list[Path | InputError]:
    """The files a source stands for: itself, or those a folder walk finds."""
    try:
        if path.is_dir():
            return list(_walk(path, format))
        if path.is_file():
            return [path]
        exists = path.exists()
    except OSError as e:  # EACCES from a folder above it that may not be searched: is_dir() raises it
        return [cannot_read(e, path)]
    # A FIFO, a device: said so, not "no such file"
    return [InputError("not a regular file or folder" if exists else "no such file or folder", source=str(path))]


def _units(file: Path, root: Path, format: str | None, split_bytes: int) -> list[Unit | InputError]:
    """One file as units (several for a large JSONL or Reuters file), or the error that keeps it out."""
    fmt = format_of(file, format)
    if fmt is None:
        return [InputError(f"unknown file type {file.suffix or '(none)'!r}; use --format ({', '.join(READERS)})",
                           source=str(file))]
    try:
        st = file.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device in a folder would block or never end
            return [InputError("not a regular file", source=str(file))]
        label = _label(file, root)
        if fmt in _SPLITTERS and split_bytes and st.st_size > split_bytes:
            return [replace(u, label=label) for u in _SPLITTERS[fmt](str(file), st.st_size, split_bytes)]
    except OSError as e:
        # Removed since the folder was listed (or a dangling symlink), or unreadable: splitting opens
        # it here, outside the readers, and a PermissionError stopped even a --skip-bad rebuild.
        return [cannot_read(e, file)]
    return [Unit(str(file), fmt, size=st.st_size, label=label)]


def cannot_read(e: OSError, path: Path) -> InputError:
    """A file or folder the system refused, as a bad input that --skip-bad skips and counts."""
    return InputError(f"cannot read: {e.strerror or e}", source=str(path))


def read_unit(unit: Unit, max_chars: int = DEFAULT_MAX_DOCUMENT_CHARS) -> Iterator[Record]:
    path = Path(unit.path)
    try:
        label = unit.label or _text(path.name)
        if unit.format == "jsonl":
            yield from jsonl.read(path, max_chars, start=unit.start, end=unit.end, first_line=unit.first_line,
                                  label=label)
        elif unit.format == "reuters":
            yield from reuters.read(path, max_chars, label=label, start=unit.start, end=unit.end,
                                    first_line=unit.first_line)
        else:
            yield from READERS[unit.format](path, max_chars, label=label)
    except OSError as e:
        yield cannot_read(e, path)


def _label(file: Path, root: Path) -> str:
    """The file's path below the folder that holds the input (a folder or a file)."""
    try:
        return _text(str(file.resolve().relative_to(root.resolve().parent)))
    except ValueError:
        return _text(file.name)


def _text(name: str) -> str:
    """A file name as text, bytes that are not UTF-8 as U+FFFD: Python keeps them as lone surrogates,
    which no document field may hold, so every record below a folder named in Latin-1 was refused."""
    return os.fsencode(name).decode("utf-8", "replace")


def format_of(path: Path, format: str | None = None) -> str | None:
    """The reader name for a file: the explicit format, else by extension."""
    return format or EXTENSIONS.get(path.suffix.lower())


def _wanted(path: Path, format: str | None) -> bool:
    """Whether a folder walk reads this file: one of a reader's extensions, or with an explicit format,
    one of that format's extensions or none at all.

    An extension names a type, and one no reader has (.csv, .json, lewis.dtd) is not articles:
    read as the given format, a notes.csv became an article and a settings.json a bad record.
    Another reader's extension is not the format's either: `--format reuters reuters21578/` must
    not read the .txt lists of categories beside the .sgm files. Only a file without an
    extension says nothing of its type, and --format is how to say it.
    """
    by_ext = EXTENSIONS.get(path.suffix.lower())
    if format is None:
        return by_ext is not None
    return by_ext == format or not path.suffix


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
