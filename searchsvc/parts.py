"""One rebuild worker's share of the input (a part), and the checks across parts.

:func:`build_part` reads the units a worker takes, fills in people and dates
(:func:`searchsvc.extract.enrich`) and writes the documents as segment(s) of the
new generation, a batch at a time (:func:`batches`). A part remembers where each
of its ids came from, so that the rebuild (:mod:`searchsvc.indexer`) can then
treat an id two parts wrote as a duplicate: :func:`name_first_copies` points each
duplicate's message at the earliest copy of all, :func:`drop_duplicates` keeps that
copy and refuses (or, skipping bad records, deletes) the later ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

from .checksums import synced_checksum
from .document import Document
from .errors import InputError
from .extract import enrich
from .loaders import Record, Unit, read_unit
from .schema import build_schema
from .segwriter import BulkSegmentWriter
from .vocabulary import merge_word_counts

#: A worker starts a new segment after this many documents or characters of text: a segment is
#: built in memory, at about 20 bytes per character of text (200,000 news articles of 730
#: characters: 2.96 GB peak with one worker when only documents were counted).
SEGMENT_DOCS = 200_000
SEGMENT_CHARS = 32_000_000
#: Documents are read, then extracted, then indexed this many at a time (see build_part);
#: Reuters-21578 took 6.3 / 6.05 / 5.9 s of CPU in batches of 100 / 1,000 / all.
BATCH_DOCS = 1_000
BATCH_CHARS = 4_000_000


@dataclass
class Part:
    """What one worker built: its segments, the (input unit, id) of each of their documents,
    and its bad records with the unit they came from."""

    segments: list[Any] = field(default_factory=list)
    ids: list[list[tuple[int, str]]] = field(default_factory=list)
    sources: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # id -> (file, line)
    errors: list[tuple[int, InputError]] = field(default_factory=list)
    skipped: int = 0
    #: (input unit, id) of the records read but not written: the API journal has their id.
    overridden: list[tuple[int, str]] = field(default_factory=list)
    #: The numbers of the units that gave at least one record (a document or an error).
    units_read: set[int] = field(default_factory=set)
    #: word -> (its stem, how often it occurs), for the words shown for stems (suggest.display_words)
    words: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: file name -> (size, CRC-32) of its segments' files, fsync'd (checksums.synced_checksum)
    synced: dict[str, tuple[int, int]] = field(default_factory=dict)


def build_part(build: str, units: Iterator[tuple[int, Unit]], skip_ids: set[str], skip_bad: bool,
               max_chars: int, counter: Any = None, stopped: Callable[[], bool] = lambda: False,
               keep_errors: int = 100) -> Part:
    """Read, enrich and write units as segment(s) of ``build``; ``stopped()`` true at the end
    (the rebuild was given up) leaves the last segment unwritten. Of the bad records skipped, the
    first ``keep_errors`` are kept (a part reads its units in input order, so the rebuild's first
    errors are among its parts' first) and the others only counted.

    Records go through in batches (:func:`batches`): reading, extracting and indexing a
    batch at a time keeps each stage's tables in the CPU caches, where taking one
    document through all three evicted them every time (Reuters: 7.7 → 6.1 s of CPU).
    """
    storage = FileStorage(build)
    schema = build_schema()
    part = Part()
    writer = BulkSegmentWriter(storage, schema)
    ids: list[tuple[int, str]] = []
    chars = 0  # of text in the segment being built
    seen: set[str] = set()

    def keep_segment() -> None:
        segment = writer.finish()
        part.segments.append(segment)
        for name in segment.list_files(storage):
            part.synced[name] = synced_checksum(Path(build) / name)
        merge_word_counts(part.words, writer.word_counts())
        part.ids.append(ids)

    for batch in batches(units, max_chars):
        ready: list[tuple[int, Document]] = []
        for number, rec in batch:
            part.units_read.add(number)
            if isinstance(rec, Document) and rec.id in seen:
                rec = duplicate_error(rec.id, part.sources[rec.id], rec.origin[0], rec.origin[1])
            if isinstance(rec, InputError):
                if len(part.errors) < max(keep_errors, 1):  # the first always: it stops a rebuild
                    part.errors.append((number, rec))
                part.skipped += 1
                if not skip_bad:
                    writer.cancel()
                    return part
                continue
            # Read (so a second copy is still a duplicate, and a rebuild whose every record the
            # API has rewritten still read something), but written only if the journal has no
            # newer version or delete of it.
            seen.add(rec.id)
            part.sources[rec.id] = rec.origin
            if rec.id in skip_ids:
                part.overridden.append((number, rec.id))
                continue
            ready.append((number, rec))
        for number, doc in [(n, enrich(d)) for n, d in ready]:
            writer.add(doc)
            ids.append((number, doc.id))
            chars += len(doc.body) + len(doc.title)
            if writer.count >= SEGMENT_DOCS or chars >= SEGMENT_CHARS:
                keep_segment()
                writer, ids, chars = BulkSegmentWriter(storage, schema), [], 0
        if counter is not None and ready:
            with counter.get_lock():
                counter.value += len(ready)
    if writer.count and not stopped():
        keep_segment()
    else:
        writer.cancel()
    return part


def batches(units: Iterator[tuple[int, Unit]], max_chars: int) -> Iterator[list[tuple[int, Record]]]:
    """Each unit's records, with the unit's number, in lists of up to ``BATCH_DOCS`` records or
    ``BATCH_CHARS`` characters (what bounds a batch's memory). A batch never takes records of
    the next unit: a worker takes a unit only when it has work for it, which is what shares
    a folder of small files between the workers."""
    for number, unit in units:
        batch: list[tuple[int, Record]] = []
        chars = 0
        for rec in read_unit(unit, max_chars):
            batch.append((number, rec))
            if isinstance(rec, Document):
                chars += len(rec.body) + len(rec.title)
            if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
                yield batch
                batch, chars = [], 0
        if batch:
            yield batch


def _where(origin: tuple[str, int | None]) -> str:
    source, line = origin
    return f"{source}:{line}" if line is not None else source or "?"


_DUPLICATE = "duplicate id (first seen at "


def name_first_copies(parts: list[Part], units: list[Unit]) -> None:
    """A worker names the first copy of a duplicate id in its own share of the input; another
    worker may have read an earlier copy. Point those messages at the earliest copy of all."""
    wanted = {e.record_id for p in parts for _, e in p.errors
              if e.field == "id" and e.record_id and e.message.startswith(_DUPLICATE)}
    if len(parts) < 2 or not wanted:
        return
    rank: dict[str, int] = {}
    for i, unit in enumerate(units):  # files in input order (the pieces of a file follow each other)
        rank.setdefault(unit.path, i)

    def order(origin: tuple[str, int | None]) -> tuple[int, int]:
        return rank.get(origin[0], len(units)), origin[1] or 0

    first: dict[str, tuple[str, int | None]] = {}
    for part in parts:
        for doc_id in wanted.intersection(part.sources):
            origin = part.sources[doc_id]
            if doc_id not in first or order(origin) < order(first[doc_id]):
                first[doc_id] = origin
    for part in parts:
        for i, (n, e) in enumerate(part.errors):
            if e.field == "id" and e.record_id in first and e.message.startswith(_DUPLICATE):
                part.errors[i] = (n, duplicate_error(e.record_id, first[e.record_id], e.source, e.line))


def duplicate_error(doc_id: str, first: tuple[str, int | None], source: str, line: int | None) -> InputError:
    return InputError(f"{_DUPLICATE}{_where(first)})", source=source, line=line, record_id=doc_id, field="id")


def drop_duplicates(parts: list[Part], errors: list[InputError], skip_bad: bool) -> None:
    """An id written by two parts is a duplicate: the copy from the earlier input unit stays;
    the later is an error, or deleted from its segment when skipping bad records."""
    # A worker already refuses an id twice in its own part: only ids of two parts need a look
    # (a set operation instead of a Python step per document at the rebuild's serial end).
    seen_ids: set[str] = set()
    shared: set[str] = set()
    for part in parts:
        shared |= seen_ids.intersection(part.sources)
        seen_ids.update(part.sources)
    if not shared:
        return
    first: dict[str, tuple[int, tuple[str, int | None]]] = {}
    seen_at: dict[str, tuple[Any, Any, int, str]] = {}
    later = []
    for part in parts:
        # Each copy: where it was written (segment, number in it), or None for one the API overrode
        copies = [(number, doc_id, segment, local) for segment, ids in zip(part.segments, part.ids)
                  for local, (number, doc_id) in enumerate(ids) if doc_id in shared]
        copies += [(number, doc_id, None, -1) for number, doc_id in part.overridden if doc_id in shared]
        for number, doc_id, segment, local in copies:
            here = (number, part.sources[doc_id])
            seen = first.get(doc_id)
            if seen is None or number < seen[0]:
                if seen is not None:
                    later.append(seen_at[doc_id])
                first[doc_id] = here
                seen_at[doc_id] = (part, segment, local, doc_id)
            else:
                later.append((part, segment, local, doc_id))
    for part, segment, local, doc_id in later:
        source, line = part.sources[doc_id]
        err = duplicate_error(doc_id, first[doc_id][1], source, line)
        if not skip_bad:
            raise err
        errors.append(err)
        part.skipped += 1
        if segment is not None:
            segment.delete_document(local)
