"""Writing the index: full rebuilds into a new generation, and incremental writes.

``rebuild()`` reads records (see :mod:`searchsvc.loaders`), fills in people and
dates through :func:`searchsvc.extract.extract` (in worker processes, one per
core), writes a new generation folder and publishes it atomically (see
:mod:`searchsvc.store`). A bad record stops the rebuild before anything is
published, unless ``skip_bad`` is set, in which case it is counted and reported.
The journal of API writes (:mod:`searchsvc.journal`) is re-applied on top of the
sources before the new generation goes live.

``IndexWriter`` makes incremental changes (put/delete by id) to the live
generation under the write lock, journalling them first.
"""

from __future__ import annotations

import errno
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from . import analysis
from .document import Document
from .errors import IndexMissingError, InputError, RebuildError
from .extract import extract
from .journal import Journal
from .loaders import Record, iter_records
from .schema import SCHEMA_VERSION, build_schema, whoosh_fields
from .settings import Settings
from .store import IndexDir
from .suggest import write_vocabulary

#: Documents per extraction task sent to a worker process.
BATCH = 64
#: Below this many documents extraction runs in-process: forking costs more.
PARALLEL_MIN_DOCS = 512


@dataclass
class RebuildReport:
    generation: str = ""
    documents: int = 0
    skipped: int = 0
    errors: list[InputError] = field(default_factory=list)
    api_writes_applied: int = 0
    seconds: float = 0.0
    size_bytes: int = 0


def enrich(doc: Document) -> Document:
    """Fill in the people and dates a record does not carry by extracting them."""
    if {"people", "dates"} <= doc.given:
        return doc
    found = extract(doc.body, title=doc.title,
                    published=doc.published.date() if doc.published else None)
    return doc.with_extraction(found.people, found.dates)


def _enrich_batch(docs: list[Document]) -> list[Document]:
    return [enrich(d) for d in docs]


def rebuild(index_path: str | Path, sources: Iterable[str | Path], *, format: str | None = None,
            skip_bad: bool = False, discard_api_writes: bool = False, settings: Settings | None = None,
            progress: Callable[[int], None] | None = None, max_errors_kept: int = 100) -> RebuildReport:
    """Build a new generation from ``sources`` and make it live; the old one serves until then."""
    settings = settings or Settings()
    store = IndexDir(index_path)
    report = RebuildReport()
    started = time.perf_counter()
    try:
        store.path.mkdir(parents=True, exist_ok=True)
        with store.rebuild_lock():
            store.clean()
            build = store.new_build_dir()
            try:
                _build(store, build, sources, format, skip_bad, discard_api_writes, settings,
                       progress, report, max_errors_kept)
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)
                raise
            store.clean()
    except OSError as e:
        raise RebuildError(_os_message(e, store.path)) from e
    report.seconds = time.perf_counter() - started
    report.size_bytes = directory_size(store.generation_path(report.generation))
    return report


def _build(store: IndexDir, build: Path, sources: Iterable[str | Path], format: str | None,
           skip_bad: bool, discard: bool, settings: Settings, progress: Callable[[int], None] | None,
           report: RebuildReport, max_errors_kept: int) -> None:
    journal = Journal(store.path)
    if discard:
        replay_from, overrides = 0, {}
    else:
        replay_from = journal.size()
        overrides = journal.final_state()
    ix = FileStorage(str(build)).create_index(build_schema())
    writer = ix.writer(limitmb=256, compound=False)
    seen: dict[str, str] = {}
    try:
        records = _checked(iter_records(sources, format=format, max_chars=settings.max_document_chars), seen)
        for item in _enriched(records, overrides, settings):
            if isinstance(item, InputError):
                if not skip_bad:
                    raise item
                report.skipped += 1
                if len(report.errors) < max_errors_kept:
                    report.errors.append(item)
                continue
            writer.add_document(**whoosh_fields(item))
            report.documents += 1
            if progress and report.documents % 500 == 0:
                progress(report.documents)
        for doc in overrides.values():
            if doc is not None:
                writer.add_document(**whoosh_fields(doc))
                report.api_writes_applied += 1
        report.api_writes_applied += sum(1 for d in overrides.values() if d is None)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)
    _write_vocabulary(ix, build)
    if progress:
        progress(report.documents)
    with store.write_lock(settings.lock_timeout):
        # API writes that arrived while this build ran: apply them too, then go live.
        late = journal.final_state(replay_from) if not discard else {}
        if late:
            _apply(ix, late)
            report.api_writes_applied += len(late)
        if discard:
            journal.discard()
        doc_count = ix.doc_count()
        _write_meta(build, doc_count, report)
        report.generation = store.publish(build)
    report.documents = doc_count


def _checked(records: Iterator[Record], seen: dict[str, str]) -> Iterator[Record]:
    """Duplicate ids across the sources are errors: the first occurrence is kept."""
    for rec in records:
        if isinstance(rec, Document):
            where = f"{rec.source}" if rec.source else ""
            if rec.id in seen:
                rec = InputError(f"duplicate id (first seen in {seen[rec.id]})", source=rec.source,
                                 record_id=rec.id, field="id")
            else:
                seen[rec.id] = where
        yield rec


def _enriched(records: Iterator[Record], overrides: dict[str, Document | None],
              settings: Settings) -> Iterator[Record]:
    """Records with extraction applied, in input order; API-journal ids are left to the journal."""
    def wanted() -> Iterator[Record]:
        for rec in records:
            if isinstance(rec, Document) and rec.id in overrides:
                continue
            yield rec

    workers = settings.extract_workers or _cores()
    pending: list[Record] = []
    stream = wanted()
    # Peek: small inputs are not worth a process pool.
    for rec in stream:
        pending.append(rec)
        if len(pending) >= PARALLEL_MIN_DOCS:
            break
    if len(pending) < PARALLEL_MIN_DOCS or workers <= 1:
        for rec in [*pending, *stream]:
            yield enrich(rec) if isinstance(rec, Document) else rec
        return
    yield from _parallel(_chain(pending, stream), workers)


def _chain(first: list[Record], rest: Iterator[Record]) -> Iterator[Record]:
    yield from first
    yield from rest


def _parallel(records: Iterator[Record], workers: int) -> Iterator[Record]:
    """Extraction in ``workers`` processes; a bounded window keeps memory flat and order kept."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    window: list[tuple[list[Record], Future[list[Document]] | None]] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        def flush_one() -> Iterator[Record]:
            batch, fut = window.pop(0)
            done = iter(fut.result()) if fut else iter(())
            for rec in batch:
                yield next(done) if isinstance(rec, Document) else rec

        batch: list[Record] = []
        for rec in records:
            batch.append(rec)
            if len(batch) >= BATCH:
                docs = [r for r in batch if isinstance(r, Document)]
                window.append((batch, pool.submit(_enrich_batch, docs) if docs else None))
                batch = []
                if len(window) >= workers * 4:
                    yield from flush_one()
        if batch:
            docs = [r for r in batch if isinstance(r, Document)]
            window.append((batch, pool.submit(_enrich_batch, docs) if docs else None))
        while window:
            yield from flush_one()


def _apply(ix: whoosh_index.Index, changes: dict[str, Document | None], timeout: float = 0.0) -> None:
    writer: SegmentWriter = ix.writer(timeout=timeout, compound=False)
    try:
        for doc_id, doc in changes.items():
            if doc is None:
                writer.delete_by_term("id", doc_id)
            else:
                writer.update_document(**whoosh_fields(doc))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


class IndexWriter:
    """Incremental put/delete by id on the live generation, one writer at a time."""

    def __init__(self, index_path: str | Path, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.store = IndexDir(index_path)
        self.journal = Journal(self.store.path)

    def put(self, docs: list[Document], *, extract_missing: bool = True) -> int:
        """Add or replace documents; returns how many were written."""
        if extract_missing:
            docs = [enrich(d) for d in docs]
        return self._commit([{"op": "put", "doc": d.to_record()} for d in docs],
                            {d.id: d for d in docs})

    def delete(self, ids: list[str]) -> int:
        """Delete documents by id; returns how many existed."""
        return self._commit([{"op": "delete", "id": i} for i in ids], {i: None for i in ids})

    def _commit(self, entries: list[dict[str, object]], changes: dict[str, Document | None]) -> int:
        if not changes:
            return 0
        with self.store.write_lock(self.settings.lock_timeout):
            if not self.store.exists():
                self._create_empty()
            ix = whoosh_index.open_dir(str(self.store.generation_path(self.store.pointer().generation)))
            with ix.searcher() as s:
                existing = sum(1 for i in changes if s.document_number(id=i) is not None)
            self.journal.append(entries)
            _apply(ix, changes)
            self.store.bump()
        return existing if all(v is None for v in changes.values()) else len(changes)

    def _create_empty(self) -> None:
        build = self.store.new_build_dir()
        FileStorage(str(build)).create_index(build_schema())
        _write_meta(build, 0, RebuildReport())
        self.store.publish(build)


def _write_vocabulary(ix: whoosh_index.Index, build: Path) -> None:
    # The stem memo of this process saw every indexed word: keep a display word per stem.
    with ix.reader() as reader:
        known = {t.decode("utf-8") for f in ("title", "body") if f in reader.indexed_field_names()
                 for t in reader.lexicon(f)}
    write_vocabulary(build, analysis._stems, known)


def _write_meta(build: Path, doc_count: int, report: RebuildReport) -> None:
    import json

    meta = {"schema_version": SCHEMA_VERSION, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "documents": doc_count, "skipped": report.skipped}
    (build / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _os_message(e: OSError, path: Path) -> str:
    if e.errno == errno.ENOSPC:
        return f"disk full while writing the index under {path}; the previous generation is still live"
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write under {path} ({e.strerror}); the previous generation is still live"
    return f"rebuild failed: {e}; the previous generation is still live"


def require_index(path: str | Path) -> IndexDir:
    store = IndexDir(path)
    if not store.exists():
        raise IndexMissingError(f"no index at {path} (build one with `searchsvc index`)")
    return store
