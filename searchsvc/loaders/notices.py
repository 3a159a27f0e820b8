"""What a rebuild says of its input without refusing it: its ``RebuildReport.warnings``.

Each check looks at the planned units (and which of them gave a record) after the build,
so that input read in a way the operator did not mean is named rather than indexed, or
dropped, without a word.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError
from . import Unit, seedtext


def input_warnings(paths: Iterable[str | os.PathLike[str]], units: list[Unit], bad: list[InputError],
                   read: set[int]) -> list[str]:
    """Every warning about the input; ``read`` holds the numbers of the units that gave a record."""
    return unread_files(units, read) + text_beside_reuters(units) + unused_metadata(paths, units, bad)


def unread_files(units: list[Unit], read: set[int]) -> list[str]:
    """Files from which not one record was read: a JSON Lines file read as Reuters SGML with
    --format reuters, a Reuters file in UTF-16 or with lower-case tags, each gave nothing without
    a word (in a folder too: only files named on their own used to be checked)."""
    found: dict[str, tuple[str, bool, int]] = {}  # path -> (the format read as, whether it gave any, bytes)
    for number, unit in enumerate(units):
        path = os.path.abspath(unit.path)
        _, gave, size = found.get(path, ("", False, 0))
        found[path] = (unit.format, gave or number in read, size + unit.size)
    return [f"{path}: it is empty" if not size else
            f"{path}: not one record was read from it as {fmt!r} (is --format right?)"
            for path, (fmt, gave, size) in found.items() if not gave]


def text_beside_reuters(units: list[Unit]) -> list[str]:
    """A folder of Reuters .sgm files whose .txt files were read as articles: Reuters-21578 ships
    lists of its categories as .txt, which became 7 junk articles ("ase", "alfonsin", ...)."""
    by_folder: dict[str, set[str]] = {}
    for unit in units:
        by_folder.setdefault(os.path.dirname(os.path.abspath(unit.path)), set()).add(unit.format)
    return [f"{folder}: its .txt files were read as articles beside its Reuters .sgm files; "
            "--format reuters reads only the .sgm" for folder, formats in by_folder.items()
            if {"reuters", "text"} <= formats]


def unused_metadata(paths: Iterable[str | os.PathLike[str]], units: list[Unit], bad: list[InputError]) -> list[str]:
    """Entries of a walked folder's metadata.json that no file of the folder has the id of: a typo
    in an id ("aa" for "a") left that article without its date. Files named on their own are left
    out: the other files of their folder are not input, so their entries are not unused."""
    named = {os.path.abspath(p) for p in paths if os.path.isfile(p)}
    ids: dict[str, set[str]] = {}  # folder -> the ids (file names without extension) of its files
    seed_folders: set[str] = set()  # only seed text files read metadata.json
    # A file that could not be read (a bad unit) still has its id: its entry is not a typo.
    for path, fmt in [(u.path, u.format) for u in units] + [(e.source, "") for e in bad if e.source]:
        path = os.path.abspath(path)
        if path not in named:
            ids.setdefault(os.path.dirname(path), set()).add(Path(path).stem)
            if fmt == "text":
                seed_folders.add(os.path.dirname(path))
    return [w for folder in sorted(seed_folders) for w in seedtext.unused_entries(Path(folder), ids[folder])]
