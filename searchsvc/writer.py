"""Incremental writes: put and delete documents by id in the live generation.

:class:`IndexWriter` is what ``searchsvc add``/``delete``, ``PUT``/``DELETE
/documents`` and embedding apps call. Each call is one commit:

1. take the index directory's write lock (a full rebuild takes it to read the journal
   when it starts and to publish);
2. open the live generation and let Whoosh's own writer stage the changes (it
   merges small segments as they pile up, which keeps queries fast after many
   single updates);
3. append the changes to the journal *before* committing them, so that a full
   rebuild running meanwhile re-applies them (:mod:`searchsvc.journal`), and
   take them back out if the commit fails;
4. record the checksums of the files the commit wrote (:mod:`searchsvc.checksums`);
5. bump the pointer's counter, which is how every serving worker learns of the
   change (:mod:`searchsvc.store`).

Missing people and dates are extracted first (:func:`searchsvc.extract.enrich`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from .arguments import check_flag
from .checksums import data_files, record, size_problems
from .document import Document, id_problem
from .errors import IndexDamagedError, IndexMissingError, IndexWriteError, QueryError
from .extract import enrich
from .journal import KEPT, Journal
from .schema import SCHEMA_VERSION, build_schema, whoosh_fields
from .settings import Settings, settings_or_defaults
from .store import DAMAGED, UNREADABLE, IndexDir, damaged, disk_problem

log = logging.getLogger(__name__)


def apply_changes(ix: whoosh_index.Index, changes: dict[str, Document | None], timeout: float = 0.0) -> None:
    """Commit puts/deletes by id in one Whoosh write (a rebuild uses it for the API writes that
    arrived while it ran)."""
    writer = ix.writer(timeout=timeout, compound=False)
    try:
        _stage(writer, changes)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _stage(writer: Any, changes: dict[str, Document | None]) -> None:
    for doc_id, doc in changes.items():
        if doc is None:
            writer.delete_by_term("id", doc_id)
        else:
            writer.update_document(**whoosh_fields(doc))


@dataclass(frozen=True)
class WriteResult:
    """What an incremental write did: ids written, and which of them already existed."""

    ids: tuple[str, ...]
    existed: frozenset[str]

    @property
    def created(self) -> int:
        return len(self.ids) - len(self.existed)


class IndexWriter:
    """Incremental put/delete by id on the live generation, one writer at a time."""

    def __init__(self, index_path: str | Path | None = None, settings: Settings | None = None) -> None:
        """Write to the index at ``index_path``; without one, at the ``index`` setting."""
        self.settings = settings_or_defaults(settings)
        self.store = IndexDir(index_path if index_path is not None else self.settings.index)
        self.journal = Journal(self.store.path)

    def put(self, docs: list[Document], *, extract_missing: bool = True) -> WriteResult:
        """Add or replace documents (the last one wins for a repeated id).

        Each is checked first (:meth:`Document.validated`): one bad document raises its
        :class:`InputError` and nothing is written.
        """
        docs = [_document(d).validated(self.settings.max_document_chars) for d in _listed(docs, "docs")]
        check_flag("extract_missing", extract_missing)
        if extract_missing:
            docs = [enrich(d) for d in docs]
        return self._commit({d.id: d for d in docs})

    def delete(self, ids: list[str]) -> WriteResult:
        """Delete documents by id; ``existed`` tells which were there (only those are journalled:
        a delete of an id the index does not have must not hide a later source document).
        Deleting from an index that does not exist raises :class:`IndexMissingError`."""
        ids = _listed(ids, "ids")
        for doc_id in ids:
            problem = id_problem(doc_id)
            if problem:
                raise QueryError(f"id {repr(doc_id)[:80]}: {problem}", param="ids")
        if ids and not self.store.exists():
            raise IndexMissingError(f"no index at {self.store.path}: nothing to delete")
        return self._commit(dict.fromkeys(ids))

    def _commit(self, changes: dict[str, Document | None]) -> WriteResult:
        if not changes:
            return WriteResult((), frozenset())
        applied = False
        try:
            with self.store.write_lock(self.settings.lock_timeout):
                if not self.store.exists():
                    self._create_empty()
                ix = self._open()
                folder = Path(ix.storage.folder)
                cut = size_problems(folder)
                if cut:  # a write into it would be acknowledged, and then never found
                    raise IndexDamagedError(f"the index at {self.store.path} is damaged ({'; '.join(cut[:3])}); "
                                            "nothing was written; rebuild it (searchsvc index)")
                before = set(data_files(folder))
                writer = ix.writer(timeout=0, compound=False)
                try:
                    searcher = writer.searcher()  # the writer's own view, shared with update_document
                    existed = frozenset(i for i in changes if searcher.document_number(id=i) is not None)
                    todo = {i: d for i, d in changes.items() if d is not None or i in existed}
                    if not todo:
                        writer.cancel()
                        return WriteResult(tuple(changes), existed)
                    entries = [{"op": "put", "doc": d.to_record()} if d is not None else {"op": "delete", "id": i}
                               for i, d in todo.items()]
                    start = self.journal.append(entries)  # durable before it is applied (see journal.py)
                    toc_before = ix.latest_generation()
                    try:
                        _stage(writer, todo)
                        writer.commit()
                    except BaseException as e:
                        # Not applied: nor may a later rebuild apply it from the journal. Unless the
                        # commit's table of contents went live before the error (an interrupt landing
                        # in Whoosh's clean-up after the rename): then the journal keeps it, as the index does.
                        if _latest_toc(ix) in (toc_before, None):
                            self.journal.undo(start, e)
                        raise
                except BaseException:
                    if not writer.is_closed:
                        try:
                            writer.cancel()
                        except Exception:  # the first error is the one to report
                            # A commit that failed half-way (a file too large, a full disk) has closed
                            # some of its files, and Whoosh's cancel then fails on them ("I/O operation
                            # on closed file"), or a full disk fails it again: that must not hide the
                            # first error (the caller got a traceback, HTTP a 500, instead of "cannot
                            # write ...; not applied"), nor keep Whoosh's write lock, which cancel
                            # releases only after closing the segment (every later write: LockError).
                            log.debug("cancelling the failed write also failed", exc_info=True)
                            _release(writer)
                    raise
                applied = True
                record(folder, written=set(data_files(folder)) - before)
                self.store.bump()
        except DAMAGED as e:  # a segment's files, read by the writer's searcher or its merge
            raise damaged(self.store.path, e, f"nothing was written{_kept(e)}; ") from e
        except OSError as e:
            outcome = ("the write was committed, but readers may not see it before the next write" if applied
                       else f"the write was not applied{_kept(e)}")
            raise IndexWriteError(f"{disk_problem(e, self.store.path)}; {outcome}", applied=applied) from e
        return WriteResult(tuple(changes), existed)

    def _open(self) -> whoosh_index.Index:
        """The live generation, under the write lock: nothing else changes it meanwhile, so a
        file that cannot be read is damage, not a race."""
        folder = self.store.generation_path(self.store.pointer().generation)
        try:
            return whoosh_index.open_dir(str(folder))
        except UNREADABLE as e:
            raise damaged(self.store.path, e, "nothing was written; ") from e

    def _create_empty(self) -> None:
        build = self.store.new_build_dir()
        FileStorage(str(build)).create_index(build_schema())
        self.store.write_meta(build, schema_version=SCHEMA_VERSION, documents=0, skipped=0)
        self.store.publish(build)


def _latest_toc(ix: whoosh_index.Index) -> int | None:
    """The number of the newest table of contents on disk, or None if it cannot be read."""
    try:
        return int(ix.latest_generation())
    except Exception:  # only asked while another error is on its way up: that one is the news
        return None


def _kept(e: BaseException) -> str:
    """The caveat for a failed write whose journal entry stayed (see Journal.undo)."""
    return f" now, but {KEPT}" if KEPT in getattr(e, "__notes__", ()) else ""


def _listed(values: Any, name: str) -> list[Any]:
    """A list of documents or ids: one string is refused, not taken as its characters."""
    if isinstance(values, (str, bytes, Document)) or not isinstance(values, Iterable):
        raise QueryError(f"{name} must be a list, got {type(values).__name__}", param=name)
    return list(values)


def _document(value: Any) -> Document:
    if not isinstance(value, Document):
        raise QueryError(f"docs must hold Document objects, got {type(value).__name__} "
                         "(Document.from_record() makes one from a dict)", param="docs")
    origin = value.origin
    if not (isinstance(origin, tuple) and len(origin) == 2 and isinstance(origin[0], str)
            and (origin[1] is None or isinstance(origin[1], int))):
        raise QueryError("a Document's origin must be (source, line or None)", param="docs")
    return value


def _release(writer: Any) -> None:
    """What Whoosh's ``SegmentWriter.cancel`` does after closing the segment, for when closing it
    failed: drop its temporary storage and release the index's write lock."""
    try:
        writer._finish()
    except Exception:
        log.debug("releasing the failed writer also failed", exc_info=True)
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            lock.release()

