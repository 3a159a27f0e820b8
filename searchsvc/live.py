"""The live view of an index directory: :class:`LiveView` keeps the newest one open.

Before a call the engine asks :meth:`LiveView.refresh` whether ``CURRENT`` changed (a
rebuild or a commit, one small read); if so the new table of contents is opened, reusing
every segment already open, and the old view keeps serving until the new one is whole.
Opening races with writers: a commit writes its table of contents and then deletes the
segments it merged, and a rebuild removes old generations. A file gone (or a newer table
of contents, meaning files of ours may be going) starts the opening again; an index that
changes faster than it can be opened is busy, and one whose files stay missing or garbled
while nothing changes is damaged.
"""

from __future__ import annotations

import errno
import time
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError
from whoosh.reading import SegmentReader

from .errors import IndexBusyError
from .postings_cache import PostingsCache
from .schema import build_schema
from .segments import SegmentView
from .store import UNREADABLE, CorruptSegmentError, IndexDir, damage, damaged
from .suggest import warm as warm_suggestions
from .view import IndexView

#: Attempts to open the live generation when its files change underneath (see refresh).
REFRESH_ATTEMPTS = 10


class _Superseded(Exception):
    """A newer table of contents appeared while a view was being opened (see refresh)."""


#: What makes an opening start again: a file gone (EmptyIndexError: a generation being removed),
#: a newer table of contents, or a file read while it was replaced or damaged.
_RETRY = (FileNotFoundError, EmptyIndexError, _Superseded, *UNREADABLE)


def toc_check(folder: Path) -> tuple[tuple[str, ...], list[str]]:
    """What a generation's newest table of contents needs, and what is wrong with it: the name
    prefixes of that TOC and of its segments' files, and a problem for each segment that cannot
    be opened as the live view opens it (a file missing, recorded or not). Read with our schema,
    as the live view reads it: unpickling the stored one would run whatever a garbled TOC names."""
    storage = FileStorage(str(folder), readonly=True)
    toc = TOC.read(storage, "MAIN", schema=build_schema())
    problems = []
    for seg in toc.segments:
        try:
            _open_segment(storage, toc, seg).close()
        except Exception as e:  # a check reports what it finds; nothing here is the caller's bug
            problems.append(f"segment {seg.segment_id()} cannot be opened ({damage(e)})"[:300])
    return (f"_MAIN_{toc.generation}.toc", *(f"{seg.segment_id()}." for seg in toc.segments)), problems


def _check_still_listed(storage: FileStorage, toc: TOC, segids: set[str]) -> None:
    """Raise _Superseded if a segment just opened may have lost files while it was being opened.

    A Whoosh commit renames its new table of contents into place before it deletes the
    segments it merged (``clean_files``), and segment ids are never reused. So if the
    newest table of contents, read after the opening, still lists a segment, nothing of it
    was deleted during the opening; if it does not, a file may have gone before it was
    open, and Whoosh reads a missing column as an empty one (zero lengths, no dates).
    """
    latest = TOC._latest_generation(storage, "MAIN")
    if latest == toc.generation:
        return
    listed = {seg.segid for seg in TOC.read(storage, "MAIN", gen=latest, schema=toc.schema).segments} \
        if latest >= 0 else set()
    if not segids <= listed:
        raise _Superseded


class LiveView:
    """The newest view of ``store``, its open segments and their postings cache (not thread-safe:
    the engine calls it under its lock)."""

    def __init__(self, store: IndexDir) -> None:
        self.store = store
        self.cache = PostingsCache()
        self.segments: dict[tuple[str, str], SegmentView] = {}
        self.view: IndexView | None = None
        #: What ``CURRENT`` said when ``view`` was opened: part of the result cache's keys.
        self.stamp: bytes | None = None
        self._codebooks: dict[Any, Any] = {}
        #: Set by warm(): each refresh then builds everything before the view serves.
        self.warm_all = False

    def refresh(self) -> bool:
        """Open the latest generation/commit if ``CURRENT`` changed; True when it did."""
        stamps, problem = set(), None
        for attempt in range(1, REFRESH_ATTEMPTS + 1):
            try:
                return self._refresh()
            except _RETRY as e:
                problem = e
            stamps.add(self.store.stamp())  # only once something failed: no cost on the way of a query
            time.sleep(0.01 * attempt)
        if len(stamps) == 1 and not isinstance(problem, _Superseded):
            # Ten tries over half a second with no commit or rebuild in between: the files are not
            # changing, they are missing or damaged. Saying "busy" would have clients retry forever.
            raise damaged(self.store.path, problem) from problem
        raise IndexBusyError(f"the index at {self.store.path} changed {REFRESH_ATTEMPTS} times while it was "
                             "being opened; try again")

    def _refresh(self) -> bool:
        stamp = self.store.stamp()
        if stamp == self.stamp and self.view is not None:
            return False
        pointer = self.store.pointer()
        folder = str(self.store.generation_path(pointer.generation))
        storage = FileStorage(folder, readonly=True)
        toc = TOC.read(storage, "MAIN", schema=build_schema())
        segments, seen, opened = [], set(), []
        try:
            for seg in toc.segments:
                key = (folder, seg.segid)
                seen.add(key)
                sv = self.segments.get(key)
                if sv is None:
                    reader = _open_segment(storage, toc, seg)
                    try:
                        sv = SegmentView(reader, self.cache)
                    except BaseException:
                        reader.close()
                        raise
                    self.segments[key] = sv
                    opened.append(key)
                segments.append(sv)
            if opened:
                _check_still_listed(storage, toc, {key[1] for key in opened})
                if self.store.pointer().generation != pointer.generation:
                    # Two rebuilds since: this generation may be going (rmtree, file by file).
                    raise _Superseded
            if self.view is None or self.view.generation != pointer.generation:
                self._codebooks = {}  # a new generation numbers its values afresh
            view = IndexView(segments, list(toc.segments), pointer.generation, folder, self._codebooks)
            view.warm()
            if self.warm_all:  # per-segment parts are cached: after a commit only new segments cost
                warm_segments(view)
        except BaseException:
            for key in opened:  # half-read segments must not be reused by the next attempt
                self.segments.pop(key).close()
            raise
        # Only now that the new view is whole: a failure above leaves the old one serving.
        for key in [k for k in self.segments if k not in seen]:
            self.segments.pop(key).close()
        self.view = view
        self.stamp = stamp
        return True

    def close(self) -> None:
        for sv in self.segments.values():
            sv.close()
        self.segments.clear()
        self.view = None
        self.stamp = None
        self.cache.clear()


def warm_segments(view: IndexView) -> None:
    """The per-segment parts (cached by the segments, so after a commit only new ones
    cost). The view-wide id order is left to the first query that needs it: it sorts
    every id again after each commit (5 ms on Reuters-21578, far more on big indexes)."""
    for seg in view.segments:
        seg.id_array()
    warm_suggestions(view)


__all__ = ["REFRESH_ATTEMPTS", "LiveView", "warm_segments"]


def _open_segment(storage: FileStorage, toc: Any, seg: Any) -> SegmentReader:
    """Whoosh's reader of one segment. Opening seeks to where a file's trailer says its tables
    start; a truncated file gives a position before its start, and the seek fails with EINVAL:
    that is the file's damage, not an error of the system (an adversarial review got a 500)."""
    try:
        return SegmentReader(storage, toc.schema, seg, generation=toc.generation)
    except OSError as e:
        if e.errno == errno.EINVAL:
            raise CorruptSegmentError(f"segment {seg.segid}: a file is cut short ({e.strerror})") from e
        raise

