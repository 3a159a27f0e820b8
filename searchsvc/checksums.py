"""Checksums of a generation's files: recorded when they are written, verified on demand.

Whoosh writes each file of a segment once and never changes it; a commit adds
files (new segments, a new table of contents) and deletes those a merge replaced.
So a generation can vouch for its files with a manifest beside them,
``checksums.json``: name -> [size, CRC-32]. :func:`record` brings it up to date
and runs under the write lock before readers learn of a change: when a build is
published (:meth:`searchsvc.store.IndexDir.publish`) and after every incremental
commit (:mod:`searchsvc.writer`).

Damage that still decodes (a flipped bit in a posting block or a stored field, a
block of zeros from a failing disk) gives wrong answers instead of an error; only
such a record can tell. :func:`verify` compares a generation with it, as Lucene's
CheckIndex or SQLite's ``PRAGMA integrity_check`` do for theirs; ``searchsvc
check`` (:meth:`searchsvc.SearchEngine.check`) runs it on the live generation.
:func:`size_problems` is the cheap part (a stat() per file): ``/health``, ``info()``
and every write run it, so a file cut short is damage there before a query trips on it.
CRC-32 (zlib) detects every burst error up to 32 bits; recording a Reuters-21578
generation (83 MB) added 32-34 ms to its publishing (three runs, 2026-12-07).
"""

from __future__ import annotations

import errno
import json
import os
import re
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

MANIFEST = "checksums.json"
#: Not index data: Whoosh's lock file, our manifest and its temporary copies.
_NOT_DATA = ("MAIN_WRITELOCK", MANIFEST)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    """A generation's record: name -> (size, CRC-32), and the files checksummed only after the
    fact (found on disk by a later commit: they may have been damaged before), which the record
    cannot vouch for."""

    files: dict[str, tuple[int, int]]
    unverified: frozenset[str] = frozenset()


def file_checksum(path: Path | BinaryIO) -> tuple[int, int]:
    """(size, CRC-32) of a file (or of an open one, from where it stands), a megabyte at a time."""
    if isinstance(path, Path):
        with open(path, "rb") as f:
            return file_checksum(f)
    crc = size = 0
    while chunk := path.read(_CHUNK):
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    return size, crc


def synced_checksum(path: Path) -> tuple[int, int]:
    """(size, CRC-32) of a file just written, which is fsync'd as well. Each rebuild worker takes
    both for its own segment's files as it finishes, while the other still works: publishing
    took them one file after another at the rebuild's serial end (Reuters-21578: 32 ms of
    checksums and 55-61 ms of fsync in a 3.5 s rebuild, 2026-12-07)."""
    with open(path, "rb") as f:
        size_crc = file_checksum(f)
        os.fsync(f.fileno())
    return size_crc


def data_files(folder: Path) -> list[str]:
    """The names of a generation's index files, sorted."""
    return sorted(p.name for p in folder.iterdir()
                  if p.is_file() and p.name not in _NOT_DATA and not p.name.startswith("."))


def load(folder: Path) -> Manifest | None:
    """The record; None when the generation has none (built before records existed).

    Raises ValueError when the manifest itself is garbled."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data = json.loads(text)
    files = data.get("files") if isinstance(data, dict) else None
    unverified = data.get("unverified", []) if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(
            isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v) for v in files.values()) \
            or not isinstance(unverified, list) or not all(isinstance(n, str) for n in unverified):
        raise ValueError(f"{MANIFEST} is not a list of checksums")
    return Manifest({name: (v[0], v[1]) for name, v in files.items()}, frozenset(unverified))


def record(folder: Path, durable: bool = True, written: Collection[str] | None = None,
           known: Mapping[str, tuple[int, int]] | None = None) -> None:
    """Add the files written since the last record, forget the ones deleted since.

    ``known``: (size, CRC-32) of files their writer already took (:func:`synced_checksum`).
    ``written``: the files the caller just wrote (None: all of them, a new build). A file
    found unrecorded that the caller did not write (an index from before records, a crash
    between a commit and its record) is checksummed but marked unverified: it may have been
    damaged before. Files already recorded are not read again: they cannot have changed,
    and a checksum taken now from a damaged copy would hide the damage."""
    try:
        manifest = load(folder) or Manifest({})
    except ValueError:
        manifest = Manifest({})  # a garbled manifest vouches for nothing: start again from the files
    files: dict[str, tuple[int, int]] = {}
    unverified = set(manifest.unverified)
    for name in data_files(folder):
        if name in manifest.files:
            files[name] = manifest.files[name]
            continue
        files[name] = known[name] if known and name in known else file_checksum(folder / name)
        if written is not None and name not in written:
            unverified.add(name)
    tmp = folder / f".{MANIFEST}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"format": 1, "algorithm": "crc32", "files": {n: list(v) for n, v in files.items()},
                   "unverified": sorted(unverified & files.keys())}, f, separators=(",", ":"))
        if durable:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, folder / MANIFEST)


def size_problems(folder: Path) -> list[str]:
    """Recorded files whose size on disk differs from the record: a stat() each, cheap enough for
    every health check and every write (a cut or extended file; a changed byte needs verify()).
    Files gone since the record are not counted: a merge may have deleted them a moment ago."""
    try:
        manifest = load(folder)
    except ValueError:
        return [f"{MANIFEST}: unreadable"]
    problems = []
    for name, (size, _) in sorted((manifest.files if manifest else {}).items()):
        try:
            now = (folder / name).stat().st_size
        except FileNotFoundError:
            continue
        if now != size:
            problems.append(f"{name}: {now:,} bytes, {size:,} when written")
    return problems


#: More files than this are read by name, under the lock, rather than held open (file descriptors);
#: so are all of them if the process runs out of descriptors while opening them.
MAX_OPEN = 256
#: The files a Whoosh commit may delete (merged segments, an older table of contents).
_WHOOSH_FILE = re.compile(r"_?MAIN_")


@dataclass
class Snapshot:
    """A generation's record and its files, opened: taken under the write lock, read after it
    (an open file stays readable when a merge deletes it), so that writers need not wait. With
    more than :data:`MAX_OPEN` files they are only named (``by_name``): read them under the lock."""

    manifest: Manifest | None
    unreadable: str | None
    folder: Path | None = None
    opened: dict[str, BinaryIO | Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    by_name: bool = False


def snapshot(folder: Path) -> Snapshot:
    try:
        snap = Snapshot(load(folder), None, folder)
    except ValueError as e:
        return Snapshot(None, f"{MANIFEST}: unreadable ({e})", folder)
    names = data_files(folder)
    snap.by_name = len(names) > MAX_OPEN
    for name in names:
        try:
            snap.opened[name] = folder / name if snap.by_name else open(folder / name, "rb")  # noqa: SIM115
        except OSError as e:  # (the open files are closed by verify)
            if e.errno in (errno.EMFILE, errno.ENFILE):  # the process's limit, not the index's damage
                _close(snap.opened)
                snap.opened = {n: folder / n for n in names}
                snap.failed, snap.by_name = {}, True
                return snap
            snap.failed[name] = f"{name}: unreadable ({e.strerror or e})"
    return snap


def _close(opened: dict[str, BinaryIO | Path]) -> None:
    for f in opened.values():
        if not isinstance(f, Path):
            f.close()


@dataclass
class Verification:
    """What :func:`verify` found in one generation."""

    files: int = 0
    bytes: int = 0
    recorded: bool = True
    problems: list[str] = field(default_factory=list)
    #: Files written after the last record (a crash between a commit and its record);
    #: the next write records them, unverified. Not damage by themselves.
    unrecorded: list[str] = field(default_factory=list)
    #: Files recorded after the fact, which the record cannot vouch for.
    unverified: list[str] = field(default_factory=list)


def verify(snap: Snapshot, needed: tuple[str, ...] | None = None) -> Verification:
    """Read every file of a :func:`snapshot` and compare it with the record (then close it).

    ``needed``: name prefixes of the files the generation's table of contents refers
    to; a recorded segment or TOC file missing from disk is damage only if it is one of
    them (else a merge deleted it and a crash came before the record). Other files
    (``meta.json``, ``vocab.json``) are never deleted: missing, they are damage."""
    result = Verification(problems=[snap.unreadable] if snap.unreadable else [])
    manifest = snap.manifest
    if manifest is None:
        result.recorded = snap.unreadable is not None  # a garbled record is still one (and a problem)
        manifest = Manifest({})
    result.problems += snap.failed.values()
    try:
        for name in sorted(set(snap.opened) | set(manifest.files) | set(snap.failed)):
            if name in snap.failed:
                continue
            expected = manifest.files.get(name)
            if name not in snap.opened:
                if needed is None or name.startswith(needed) or not _WHOOSH_FILE.match(name):
                    result.problems.append(f"{name}: missing")
                continue
            try:
                size, crc = file_checksum(snap.opened[name])
            except OSError as e:
                result.problems.append(f"{name}: unreadable ({e.strerror or e})")
                continue
            result.files += 1
            result.bytes += size
            if expected is None:
                if result.recorded and not snap.unreadable:
                    result.unrecorded.append(name)
            elif size != expected[0]:
                result.problems.append(f"{name}: {size:,} bytes, {expected[0]:,} when written")
            elif crc != expected[1]:
                result.problems.append(f"{name}: content changed since written (CRC-32 {crc:08x}, "
                                       f"recorded {expected[1]:08x})")
            elif name in manifest.unverified:
                result.unverified.append(name)
    finally:
        _close(snap.opened)
    return result


__all__ = ["MANIFEST", "MAX_OPEN", "Manifest", "Snapshot", "Verification", "data_files", "file_checksum", "load",
           "record", "size_problems", "snapshot", "verify"]
