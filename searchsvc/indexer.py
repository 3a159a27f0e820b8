"""Full rebuilds: every input read, enriched and indexed into a new generation.

A full rebuild (:func:`rebuild`):

1. plans the input as units (files; big JSONL files in line-aligned pieces) for
   worker processes, one per core, each taking the next unit as it finishes one
   (how the workers are set up and controlled: :mod:`searchsvc.worker_process`);
2. each worker reads its records, fills in people and dates through
   :func:`searchsvc.extract.enrich`, and writes its own segment(s) into the new
   generation folder with :class:`~searchsvc.segwriter.BulkSegmentWriter`;
3. the parent checks ids across parts (a duplicate id is a bad record), adds the
   documents written through the API since (:mod:`searchsvc.journal`) as one more
   segment, lists every segment in one table of contents, and publishes the
   generation atomically (:mod:`searchsvc.store`).

A bad record stops the rebuild before anything is published, unless
``skip_bad`` is set; then it is counted and reported. Nothing of a failed or
killed rebuild is ever read: its folder is hidden (``.build-*``) and removed by
the next rebuild.

Incremental changes (put/delete by id) are :mod:`searchsvc.writer`'s.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from whoosh.filedb.filestore import FileStorage

from . import native
from .arguments import check_flag, check_int
from .errors import IndexMissingError, InputError, QueryError, RebuildError, RebuildWriteError
from .journal import Journal
from .loaders import Unit, plan, source_list
from .loaders.notices import input_warnings
from .parts import Part, build_part, drop_duplicates, name_first_copies
from .schema import SCHEMA_VERSION, build_schema
from .segwriter import BulkSegmentWriter, write_toc
from .settings import Settings, settings_or_defaults
from .store import IndexDir, disk_problem, folder_bytes
from .vocabulary import merge_word_counts, write_vocabulary
from .worker_process import (
    die_with_parent,
    forwarding_stops,
    ignore_interrupts,
    lower_priority,
    reset_in_worker,
    send,
)
from .writer import apply_changes

log = logging.getLogger(__name__)

#: Inputs smaller than this are built in-process: forking costs more than it saves.
PARALLEL_MIN_BYTES = 2_000_000
#: Large JSONL and Reuters files are read in pieces of about this size, so that workers
#: share them and finish together: the last piece is what one worker may do alone.
SPLIT_BYTES = 512_000


@dataclass
class RebuildReport:
    generation: str = ""
    documents: int = 0
    skipped: int = 0
    errors: list[InputError] = field(default_factory=list)
    #: What the operator should know although nothing was refused (a damaged journal line).
    warnings: list[str] = field(default_factory=list)
    api_writes_applied: int = 0
    seconds: float = 0.0
    size_bytes: int = 0
    segments: int = 0


def rebuild(index_path: str | Path, sources: Iterable[str | Path], *, format: str | None = None,
            skip_bad: bool = False, discard_api_writes: bool = False, settings: Settings | None = None,
            progress: Callable[[int], None] | None = None, max_errors_kept: int = 100) -> RebuildReport:
    """Build a new generation from ``sources`` and make it live; the old one serves until then.

    ``sources`` are files and folders (one path alone is taken as such, not as its characters).
    Sources from which not one document is read publish nothing (:class:`RebuildError`):
    ``rebuild(path, [])`` is how to build an empty index.
    """
    paths = source_list(sources)
    check_flag("skip_bad", skip_bad)
    check_flag("discard_api_writes", discard_api_writes)
    settings = settings_or_defaults(settings)
    max_errors_kept = check_int("max_errors_kept", max_errors_kept, 0, 10**9)
    if progress is not None and not callable(progress):  # found after the build, it failed a published rebuild
        raise QueryError(f"progress must be a function of the documents done, got {type(progress).__name__}",
                         param="progress")
    store = IndexDir(index_path)
    report = RebuildReport()
    started = time.perf_counter()
    units = plan(paths, format=format, split_bytes=SPLIT_BYTES)
    live_before = _live_generation(store)
    try:
        store.path.mkdir(parents=True, exist_ok=True)
        with store.rebuild_lock():
            store.clean()
            build = store.new_build_dir()
            try:
                _build(store, build, units, skip_bad, discard_api_writes, settings, progress, report,
                       max_errors_kept, paths)
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)
                raise
            store.clean()
    except OSError as e:
        live = _live_generation(store)
        if live != live_before:  # it failed after the switch (syncing the folder, cleaning up)
            raise RebuildWriteError(f"{disk_problem(e, store.path)}; the new generation {live} is live, "
                                    "but the switch may not be on disk yet") from e
        kept = f"the live generation {live} is unchanged" if live else "nothing was published"
        raise RebuildWriteError(f"{disk_problem(e, store.path)}; {kept}") from e
    report.seconds = time.perf_counter() - started
    report.size_bytes = folder_bytes(store.generation_path(report.generation))
    return report


def _build(store: IndexDir, build: Path, units: list[Unit | InputError], skip_bad: bool, discard: bool,
           settings: Settings, progress: Callable[[int], None] | None, report: RebuildReport,
           max_errors_kept: int, paths: list[str | os.PathLike[str]]) -> None:
    journal = Journal(store.path)
    # Under the write lock: an append that is then refused (and truncated) must not be
    # half in this snapshot.
    with store.write_lock(_lock_wait(settings)):
        # A discarding rebuild does not read the entries it drops: one that cannot be replayed
        # must not stand in the way of the rebuild meant to get rid of it.
        overrides, replay_from = ({}, journal.end()) if discard else journal.snapshot()
    damaged = [line for line, _ in journal.damaged]
    storage = FileStorage(str(build))
    schema = build_schema()
    storage.create_index(schema)

    bad_units = [u for u in units if isinstance(u, InputError)]
    if bad_units and not skip_bad:
        raise bad_units[0]
    good = [u for u in units if isinstance(u, Unit)]
    parts = _run_parts(str(build), good, set(overrides), skip_bad, settings, progress, max_errors_kept)
    name_first_copies(parts, good)

    # The first bad record in input order (workers finish in any order).
    errors = bad_units + [e for _, e in sorted((pe for p in parts for pe in p.errors),
                                                key=lambda ne: (ne[0], ne[1].line or 0))]
    if errors and not skip_bad:
        raise errors[0]
    drop_duplicates(parts, errors, skip_bad)
    report.warnings += input_warnings(paths, good, bad_units, set().union(*(p.units_read for p in parts)))
    report.skipped = len(bad_units) + sum(p.skipped for p in parts)
    if paths and not any(p.sources for p in parts):
        # An empty folder, a wrong --format, a typo in a path with --skip-bad: publishing would
        # replace the live index with an empty one. rebuild(path, []) still builds an empty index.
        skipped = f" ({report.skipped:,} bad input(s) skipped, the first: {errors[0]})" if errors else ""
        raise RebuildError(f"no document was read from the sources{skipped}; nothing was published")
    segments = [s for p in parts for s in p.segments]
    report.errors = errors[:max_errors_kept]
    words: dict[str, tuple[str, int]] = {}
    for p in parts:
        if words:
            merge_word_counts(words, p.words)
        else:
            words = p.words  # the first counts as they are: no copy in the rebuild's serial end
    puts = [d for d in overrides.values() if d is not None]
    if puts:
        writer = BulkSegmentWriter(storage, schema)
        writer.add_all(puts)
        segments.append(writer.finish())
        merge_word_counts(words, writer.word_counts())
    report.api_writes_applied = len(overrides)
    write_toc(storage, schema, segments)
    ix = storage.open_index(schema=schema)
    write_vocabulary(build, words)
    with store.write_lock(_lock_wait(settings)):
        # API writes that arrived while this build ran: apply them too, then go live. A discarding
        # rebuild drops the writes made before it started, not those acknowledged while it ran.
        late = journal.final_state(replay_from)
        damaged += [line for line, _ in journal.damaged]  # in writes that came while this build ran
        if late:
            apply_changes(ix, late)
            report.api_writes_applied += len(late)
        if discard:
            journal.drop_before(replay_from)
        elif replay_from:
            # One entry per id is all a replay needs: the journal stops growing with every
            # rewrite of the same document, and the next rebuild reads less. (Damaged lines
            # are copied to journal.damaged first.)
            journal.compact()
        report.warnings += [f"{journal.path}:{line}: not a journal entry (damaged), copied to "
                            f"{journal.damaged_path}; the API write it held, if any, is not re-applied"
                            for line in damaged if not discard]
        doc_count = ix.doc_count()
        report.segments = len(ix._segments())
        store.write_meta(build, schema_version=SCHEMA_VERSION, documents=doc_count, skipped=report.skipped)
        report.generation = store.publish(build, synced={n: v for p in parts for n, v in p.synced.items()})
    report.documents = doc_count
    if progress:
        try:
            progress(doc_count)
        except Exception as e:  # the new generation is live: the caller must still get its report
            log.warning("the rebuild's progress callback failed after the switch: %r", e)
            report.warnings.append(f"the progress callback failed after the new generation went live: {e!r}")


def _lock_wait(settings: Settings) -> float:
    """How long a rebuild waits for the write lock. An API write holds it for as long as its
    request runs (a bulk POST of 1,000 long articles: ~16 s), and gunicorn stops a request after
    ``request_timeout``: giving up after ``lock_timeout`` threw away a whole rebuild's work."""
    return max(settings.lock_timeout, settings.request_timeout + 5.0)


def _run_parts(build: str, units: list[Unit], skip_ids: set[str], skip_bad: bool, settings: Settings,
               progress: Callable[[int], None] | None, keep_errors: int) -> list[Part]:
    """Build segments from ``units``: in-process when small, else one worker process per core.

    Workers take the next unit as they finish the previous one, so a core never
    idles while another still has a long tail of work.
    """
    workers = settings.extract_workers or _cores()
    numbered = list(enumerate(units))
    if workers <= 1 or sum(u.size for u in units) < PARALLEL_MIN_BYTES or len(units) < 2:
        return [build_part(build, iter(numbered), skip_ids, skip_bad, settings.max_document_chars,
                           keep_errors=keep_errors)]
    ctx = multiprocessing.get_context("fork")
    # Load the extractors (compiled modules, ~40 MB of word lists) here, once, for the workers to
    # inherit: each loading its own cost 0.1 s of CPU per worker per rebuild, and the pages stay
    # shared. The price: this process keeps them after the rebuild.
    native.extractors()
    # The workers are forked and so inherit ``numbered``; each takes the next unit number from a
    # shared counter. (A queue filled before the workers started blocked for good once its pipe
    # was full: a folder of some 300 files hung the rebuild; found by review.)
    shared = _Shared(progress=ctx.Value("q", 0), next_unit=ctx.Value("q", 0), abort=ctx.Event(),
                     pids=ctx.Array("i", workers))
    processes: Any = {}  # pid -> Process: the pool's own (not public), for how a worker died
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(shared, numbered, os.getpid(), settings.rebuild_nice)) as pool, \
                forwarding_stops(lambda: list(shared.pids)):  # Ctrl-Z stops the workers too
            processes = getattr(pool, "_processes", processes)
            return _parts_of(pool, shared, workers, (build, skip_ids, skip_bad, settings.max_document_chars,
                                                     keep_errors), progress)
    except BrokenProcessPool as e:
        # Leaving the pool waited for it to reap its workers, so their exit statuses are known now.
        raise RebuildError(f"a rebuild worker process died ({_how_it_died(processes)}); nothing was published") from e


def _parts_of(pool: ProcessPoolExecutor, shared: _Shared, workers: int, args: tuple[Any, ...],
              progress: Callable[[int], None] | None) -> list[Part]:
    """Each worker's part, once all are done (or one failed: the others are then told to stop)."""
    futures: list[Future[Part]] = []
    try:
        for _ in range(workers):
            futures.append(pool.submit(_build_worker_part, *args))
        pending = set(futures)
        while pending:
            _, pending = wait(pending, timeout=0.5, return_when=FIRST_EXCEPTION)
            if progress:
                progress(shared.progress.value)
            if any(f.done() and f.exception() for f in futures):
                shared.abort.set()
                break
    except BaseException:
        _stop_workers(shared, futures)
        raise
    return [f.result() for f in futures]


def _how_it_died(processes: Any) -> str:
    """What the workers' exit statuses say: SIGKILL is what the kernel's out-of-memory killer sends.
    SIGTERM says least: it is what the pool sends the workers left once one has died."""
    statuses = [p.exitcode for p in (processes or {}).values()]
    killed = sorted({-s for s in statuses if s is not None and s < 0})
    if signal.SIGKILL in killed:
        return "killed by SIGKILL: out of memory, or killed from outside"
    other = [k for k in killed if k != signal.SIGTERM]
    if other:
        return f"killed by {signal.Signals(other[0]).name}"
    exited = [s for s in statuses if s is not None and s > 0]
    if exited:
        return f"exit status {exited[0]}"
    return "killed by SIGTERM" if killed else "out of memory, or killed from outside"


class _Shared(NamedTuple):
    """What a rebuild's parent and workers share (inherited across the fork)."""

    progress: Any  # documents added so far, for the progress bar
    next_unit: Any  # the number of the next unit to take
    abort: Any  # set: the rebuild is given up, stop after the current unit
    pids: Any  # the workers' pids, for _stop_workers


def _stop_workers(shared: _Shared, futures: list[Future[Part]]) -> None:
    """The rebuild is given up (Ctrl-C reaches only this process: the workers run in sessions
    of their own, see worker_process.lower_priority). They stop after their current unit; this waits for
    that, and a second interrupt meanwhile kills them instead of waiting."""
    shared.abort.set()
    try:
        wait(futures)
    except BaseException:
        send(list(shared.pids), signal.SIGKILL)
        raise


_WORKER: tuple[_Shared, list[tuple[int, Unit]]] | None = None  # (shared state, numbered units) in a worker


def _init_worker(shared: _Shared, numbered: list[tuple[int, Unit]], parent: int, nice: int = 0) -> None:
    global _WORKER
    reset_in_worker()
    _WORKER = (shared, numbered)
    with shared.pids.get_lock():
        free = [i for i, pid in enumerate(shared.pids) if not pid]
        if free:
            shared.pids[free[0]] = os.getpid()
    die_with_parent(parent)
    if not lower_priority(nice):
        ignore_interrupts()
    # A worker makes millions of short-lived objects and keeps few. With the default
    # thresholds a one-process build of Reuters ran 738 young and 5 full collections
    # (0.30 s of 16 s CPU, 0.19 s of it the full ones); with these, 45 young ones (0.10 s).
    # Only in the forked workers: an application embedding the engine keeps its own.
    gc.set_threshold(10_000, 50, 100)


def _build_worker_part(build: str, skip_ids: set[str], skip_bad: bool, max_chars: int, keep_errors: int) -> Part:
    """A worker's part: the units it takes, one after another, until none are left."""
    assert _WORKER is not None
    shared, numbered = _WORKER

    def units() -> Iterator[tuple[int, Unit]]:
        while not shared.abort.is_set():
            with shared.next_unit.get_lock():
                taken = shared.next_unit.value
                shared.next_unit.value = taken + 1
            if taken >= len(numbered):
                return
            yield numbered[taken]

    part = build_part(build, units(), skip_ids, skip_bad, max_chars, shared.progress, stopped=shared.abort.is_set,
                      keep_errors=keep_errors)
    if part.errors and not skip_bad:
        shared.abort.set()  # the rebuild stops: the other workers need not finish
    return part


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _live_generation(store: IndexDir) -> str | None:
    try:
        return store.pointer().generation
    except (IndexMissingError, OSError):
        return None
