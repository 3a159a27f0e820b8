"""The index directory: generations, the pointer to the live one, and locks.

Layout of an index directory::

    CURRENT             "gen-000007 12": the live generation and a change counter
    gen-000007/         a complete Whoosh index (+ meta.json, checksums.json: see checksums.py)
    gen-000006/         the previous generation, kept for readers still on it
    .build-1a2b3c/      a rebuild in progress (never read; removed if stale)
    journal.jsonl       writes made through the API (see journal.py)
    write.lock          held by whoever changes the live generation
    rebuild.lock        held by a running full rebuild

A rebuild writes a fresh ``.build-*`` folder, fsyncs it, renames it to the next
``gen-*`` name and only then replaces ``CURRENT`` (write to a temporary file,
fsync, ``os.replace``): a reader sees the old generation or the new one, never
half of one, and a rebuild killed at any point leaves ``CURRENT`` untouched.
Incremental writes commit inside the live generation and then rewrite
``CURRENT`` with a higher counter, so a reader learns of any change from one
``stat()`` of that file.

Locks are ``fcntl.flock`` locks on files: the kernel releases them when a
process dies, so a killed writer never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import pickle
import re
import shutil
import struct
import time
import uuid
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from whoosh.filedb.filetables import FileFormatError
from whoosh.index import IndexError as WhooshIndexError

from .checksums import record
from .errors import IndexBusyError, IndexDamagedError, IndexMissingError, QueryError

_GEN = re.compile(r"^gen-(\d{6,})$")
CURRENT = "CURRENT"
#: A temporary pointer file older than this is a leftover of a killed writer.
STALE_SECONDS = 60
META = "meta.json"


@dataclass(frozen=True)
class Pointer:
    """What ``CURRENT`` says: the live generation and how many commits it has seen."""

    generation: str
    counter: int


class IndexDir:
    """One index directory (see the module docstring for its layout)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
            # SearchEngine(5), rebuild(None, ...): name the argument, not a TypeError from pathlib
            raise QueryError(f"the index path must be a str or os.PathLike, got {type(path).__name__}",
                             param="index")
        self.path = Path(path)

    # -- reading the pointer -------------------------------------------------

    @property
    def current_file(self) -> Path:
        return self.path / CURRENT

    def exists(self) -> bool:
        """An index is here: a pointer, or a generation whose pointer was lost (see pointer())."""
        return self.current_file.is_file() or bool(self.generations())

    def pointer(self) -> Pointer:
        try:
            text = self.current_file.read_text(encoding="ascii", errors="replace").split()
        except FileNotFoundError:
            text = []
        except NotADirectoryError:  # --index names a file (or a path under one)
            raise IndexMissingError(f"no index at {self.path}: that path is a file, or under one") from None
        except IsADirectoryError:
            raise self._pointer_not_a_file() from None
        if text and _GEN.match(text[0]) and (self.path / text[0]).is_dir():
            return Pointer(text[0], int(text[1]) if len(text) > 1 and text[1].isdigit() else 0)
        # CURRENT lost, or cut short by a crash (or by a rebuild killed between naming its first
        # generation and writing the pointer): the newest complete generation is the live one (a
        # generation folder only gets its gen-* name once it is fully written). Starting an empty
        # index there instead let the next write hide every document, and the next rebuilds delete them.
        gens = self.generations()
        if gens:
            return Pointer(gens[-1], 0)
        if not self.current_file.exists():
            raise IndexMissingError(f"no index at {self.path} (build one with `searchsvc index`)")
        raise IndexMissingError(f"{self.current_file} is damaged and no generation is left: {' '.join(text)[:60]!r}")

    def _pointer_not_a_file(self) -> IndexDamagedError:
        return IndexDamagedError(f"{self.current_file} is a directory, not the index's pointer file: remove it "
                                 "and the newest generation is served")

    def stamp(self) -> bytes | None:
        """What ``CURRENT`` says, byte for byte: it changes with every rebuild and commit.

        Reading ~20 bytes costs a few microseconds; a stat() fingerprint could miss a
        commit (an inode reused within one coarse file-time tick, the same length).
        """
        # os.open/os.read: it runs before every query, and a buffered file object costs 3.8 µs
        # against 1.1 µs for the two system calls (timeit, 2026-12-07)
        try:
            fd = os.open(self.current_file, os.O_RDONLY)
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            return os.read(fd, 64)
        except IsADirectoryError:
            raise self._pointer_not_a_file() from None
        finally:
            os.close(fd)

    def generation_path(self, name: str) -> Path:
        return self.path / name

    def generations(self) -> list[str]:
        if not self.path.is_dir():
            return []
        gens = [p.name for p in self.path.iterdir() if _GEN.match(p.name) and p.is_dir()]
        return sorted(gens, key=lambda name: int(name[4:]))  # by number: gen-1000000 after gen-999999

    def write_meta(self, build: Path, **fields: object) -> None:
        """Write a build's ``meta.json`` (what ``info`` shows), stamped with the build time."""
        # "checksums": publish records them; a generation that says so and has none lost them.
        meta = {**fields, "checksums": True, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        (build / META).write_text(json.dumps(meta), encoding="utf-8")

    def meta(self, name: str) -> dict[str, object]:
        try:
            return json.loads((self.path / name / META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    # -- changing it ---------------------------------------------------------

    def new_build_dir(self) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        build = self.path / f".build-{uuid.uuid4().hex[:12]}"
        build.mkdir()
        return build

    def publish(self, build: Path, synced: Mapping[str, tuple[int, int]] | None = None) -> str:
        """Turn a finished build folder into the live generation. Caller holds the write lock.

        ``synced``: files of the build already fsync'd by their writer, with their (size, CRC-32)."""
        record(build, durable=False, known=synced)  # fsync_tree makes it durable with the rest
        fsync_tree(build, skip=frozenset(synced or ()))
        gens = self.generations()
        number = int(_GEN.match(gens[-1]).group(1)) + 1 if gens else 1  # type: ignore[union-attr]
        name = f"gen-{number:06d}"
        os.rename(build, self.path / name)
        fsync_dir(self.path)
        self.write_pointer(Pointer(name, 0))
        return name

    def bump(self) -> None:
        """Tell readers the live generation changed (after an incremental commit).

        Only a notification: losing it in a crash loses nothing (readers would see
        the commit at the next change), so it skips the fsyncs a switch needs.
        """
        p = self.pointer()
        self.write_pointer(Pointer(p.generation, p.counter + 1), durable=False)

    def write_pointer(self, pointer: Pointer, durable: bool = True) -> None:
        tmp = self.path / f".{CURRENT}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(f"{pointer.generation} {pointer.counter}\n")
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, self.current_file)
        if durable:
            fsync_dir(self.path)

    def clean(self, keep: int = 2) -> list[str]:
        """Remove generations beyond the newest ``keep`` (live one included) and stale builds.

        Call it while holding the rebuild lock: no other build can be in progress then.
        """
        removed = []
        live = self.pointer().generation if self.exists() else None
        gens = self.generations()
        for name in gens[:-keep] if keep else gens:
            if name != live:
                shutil.rmtree(self.path / name, ignore_errors=True)
                removed.append(name)
        for stale in self._stale_builds():
            shutil.rmtree(stale, ignore_errors=True)
            removed.append(stale.name)
        self._clean_pointer_files()
        return removed

    def _stale_builds(self) -> list[Path]:
        """The ``.build-*`` folders nobody is writing. Under the rebuild lock no other rebuild
        runs, but the first write into a new index builds its empty generation in one under the
        write lock only (writer.py): removing that one failed the write. So they are listed under
        the write lock (and removed after it, which writers need not wait for); while a writer
        holds it, only those too old to be its own."""
        builds = list(self.path.glob(".build-*"))
        if not builds:
            return []
        try:
            with self.write_lock(0):
                return list(self.path.glob(".build-*"))
        except IndexBusyError:
            return [build for build in builds if _stale(build)]

    def _clean_pointer_files(self) -> None:
        """Remove temporary pointer files that a killed writer left behind.

        Pointers are only written under the write lock: if we can take it now, no
        writer is between writing its temporary pointer and renaming it, so every
        one of them is a leftover. If a writer is busy, only files too old to be
        its own are removed.
        """
        leftovers = list(self.path.glob(f".{CURRENT}.*.tmp"))
        if not leftovers:
            return
        try:
            with self.write_lock(0):
                for tmp in leftovers:
                    with contextlib.suppress(OSError):
                        tmp.unlink()
                return
        except IndexBusyError:
            pass
        for tmp in leftovers:
            if _stale(tmp):
                with contextlib.suppress(OSError):
                    tmp.unlink()

    # -- locks ---------------------------------------------------------------

    def write_lock(self, timeout: float, *, read_only: bool = False) -> contextlib.AbstractContextManager[None]:
        """``read_only``: for a caller that writes nothing and keeps writers out while it reads
        (``check``), which a read-only copy of an index must not stop (see :func:`file_lock`)."""
        return file_lock(self.path / "write.lock", timeout, "another writer is changing the index", read_only)

    def rebuild_lock(self) -> contextlib.AbstractContextManager[None]:
        return file_lock(self.path / "rebuild.lock", 0, "another full rebuild is running")


def _stale(path: Path) -> bool:
    """Written to more than :data:`STALE_SECONDS` ago (a leftover, not a writer's own); a path
    gone meanwhile is not."""
    try:
        return time.time() - path.stat().st_mtime > STALE_SECONDS
    except OSError:
        return False


#: What opening a file to write raises where it may only be read: a read-only mount, another
#: user's files.
READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


@contextlib.contextmanager
def file_lock(path: Path, timeout: float, busy_message: str, read_only: bool = False) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path``; IndexBusyError after ``timeout`` seconds.

    ``read_only``: where ``path`` cannot be opened to write, lock it through a read-only
    descriptor (flock needs no more), and where it cannot be opened at all (a read-only copy
    made without it), hold nothing: no writer of that copy can have taken it either.
    """
    fd = _lock_descriptor(path, read_only)
    if fd is None:
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    held = f"held for more than {timeout:g}s" if timeout > 0 else "held"
                    raise IndexBusyError(f"{busy_message} ({path.name} {held}); try again") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _lock_descriptor(path: Path, read_only: bool) -> int | None:
    """A descriptor of the lock file, made if missing; see :func:`file_lock` for ``read_only``."""
    if not read_only:  # a reader makes no folder: its index is there (or it fails as missing)
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        if not read_only or e.errno not in READ_ONLY:
            raise
    try:
        return os.open(path, os.O_RDONLY)
    except OSError as e:
        if e.errno not in (errno.ENOENT, *READ_ONLY):
            raise
        return None


class CorruptSegmentError(ValueError):
    """A segment file holds what its format cannot (garbled or truncated): the index is damaged."""


#: What opening an index's files raises when one is missing or damaged (truncated, overwritten)
#: rather than being replaced by a commit: Whoosh's own errors ("Index was created on different
#: architecture" for a garbled table of contents, "Unknown file header"), and a read past an end.
#: Not other OSErrors: too many open files or no memory say nothing about the files.
#: Not a plain ValueError either: our own code raising one while a view warms up is a bug to report,
#: not damage to retry for half a second and then blame on the files.
#: Decoding on-disk bytes raises these when the bytes are garbled (an adversarial review overwrote
#: column, stored-field and postings bytes in place: zlib.error, UnpicklingError, UnicodeDecodeError,
#: OverflowError came out of the readers as 500s); our own code does not raise them on good files.
GARBLED: tuple[type[Exception], ...] = (zlib.error, pickle.UnpicklingError, UnicodeDecodeError, OverflowError)
UNREADABLE: tuple[type[Exception], ...] = (WhooshIndexError, FileFormatError, FileNotFoundError,
                                           CorruptSegmentError, EOFError, struct.error, *GARBLED)
#: The part of those that only damage raises (never a bug of ours, nor a bad argument).
DAMAGED: tuple[type[Exception], ...] = (WhooshIndexError, FileFormatError, CorruptSegmentError, *GARBLED)


def damage(e: BaseException | None) -> str:
    """What an :data:`UNREADABLE` error says about the files, in an operator's words."""
    if isinstance(e, FileNotFoundError):
        return f"missing file {e.filename}" if e.filename else "a file is missing"
    if isinstance(e, WhooshIndexError):  # EmptyIndexError included: no table of contents
        return f"no readable table of contents: {e}"
    return f"{type(e).__name__}: {e}" if e is not None else "unknown"


def damaged(path: Path, e: BaseException | None, outcome: str = "") -> IndexDamagedError:
    """The error for an index whose files cannot be read, said once for readers and writers."""
    return IndexDamagedError(f"the index at {path} cannot be read ({damage(e)}); {outcome}"
                             "rebuild it (searchsvc index)")


def disk_problem(e: OSError, path: Path) -> str:
    """What went wrong writing under ``path``, in words an operator can act on."""
    if e.errno == errno.ENOSPC:
        return f"disk full while writing the index under {path}"
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write under {path} ({e.strerror})"
    return f"writing under {path} failed: {e}"


def folder_bytes(folder: Path) -> int:
    """Bytes of the files in ``folder``; files a commit removes meanwhile (or the folder) count 0."""
    total = 0
    with contextlib.suppress(FileNotFoundError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file():
                    total += entry.stat().st_size
    return total


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path, skip: frozenset[str] = frozenset()) -> None:
    """fsync every file in a freshly built generation but those named in ``skip`` (fsync'd
    already), then the folder itself."""
    for path in root.rglob("*"):
        if path.is_file() and not (path.parent == root and path.name in skip):
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(root)
