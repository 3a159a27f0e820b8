"""Writing a whole Whoosh segment in bulk.

Whoosh's ``SegmentWriter`` moves every posting through Python objects several
times (a tuple into a sorting pool, a field-length lookup, a per-posting append
with assertions): about 30 µs a posting, most of a minute for Reuters-21578.
:class:`BulkSegmentWriter` writes the same ``W3`` segment files another way:

* while documents are added, each text field's tokens are appended as word ids
  to one flat array (a dict numbers each surface word; each word is stemmed
  once per segment, and its stem's id is looked up through an array later);
* at :meth:`~BulkSegmentWriter.finish`, NumPy sorts those arrays by term (a
  stable sort keeps documents and positions in order), which yields every
  posting list with its frequencies and positions at once;
* each posting list is then written block by block in Whoosh's ``W3`` layout,
  all blocks of a field at once (:mod:`segblocks`), and its term info goes into
  Whoosh's own ``OrderedHashWriter``.

Stored fields stream to their column file as documents are added; the other
columns are written once at the end (:mod:`segcolumns`). The result is an
ordinary segment: Whoosh reads, merges and updates it, and
``tests/test_segwriter.py`` checks it equals what
``SegmentWriter`` writes. Several processes may each write a segment into one
folder; the caller lists them in one table of contents (:func:`write_toc`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import Schema
from whoosh.filedb.filestore import Storage
from whoosh.index import TOC, clean_files
from whoosh.system import pack_ushort

from .analysis import stem, words
from .document import Document
from .pickled import PositionValues, offsets
from .schema import NAME_GAP, whoosh_fields
from .segblocks import write_field
from .segcolumns import PerDocColumns
from .termhash import BulkTermIndex


class _TextField:
    """Token term ids of one text field for all documents of the segment."""

    def __init__(self, gapped: bool) -> None:
        self.tids = array("I")
        self.lengths = array("I")
        self.positions: array | None = array("I") if gapped else None


class BulkSegmentWriter:
    """Collects documents and writes them as one new segment of ``storage``'s index."""

    def __init__(self, storage: Storage, schema: Schema, indexname: str = "MAIN") -> None:
        self.storage = storage
        self.schema = schema
        self.codec = W3Codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self._columns = PerDocColumns(schema, storage, self.segment)
        self._fields = sorted(schema.names())
        # (name, stored?, has a column?, field) in field order: what each document puts where
        self._plan = [(n, schema[n].stored, schema[n].column_type is not None, schema[n]) for n in self._fields]
        self._text = {n: _TextField(n == "people") for n in self._fields
                      if schema[n].indexed and schema[n].format.fixed_value_size() is None}
        self._exact: dict[str, dict[str, array]] = {n: {} for n in self._fields
                                                     if schema[n].indexed and n not in self._text}
        self._word_id: dict[str, int] = {}
        self._words: list[str] = []
        self._word_term = array("I")  # word id -> term (stem) id
        self._word_counts = np.zeros(0, dtype=np.int64)
        self._stems: list[str] = []
        self._stem_tid: dict[str, int] = {}
        self.count = 0

    # -- adding documents ----------------------------------------------------

    def add(self, doc: Document) -> None:
        values = whoosh_fields(doc)
        docnum = self.count
        stored: dict[str, Any] = {}
        column_values: dict[str, Any] = {}
        for name, is_stored, has_column, field in self._plan:
            value = values.get(name)
            if name in self._text:
                self._add_text(self._text[name], value)
            elif value is not None and name in self._exact:
                table = self._exact[name]
                for term in dict.fromkeys([value] if isinstance(value, str) else value):
                    if term:
                        table.setdefault(term, array("I")).append(docnum)
            if value is None:
                continue
            if is_stored:
                stored[name] = value
            if has_column:
                column_values[name] = field.to_column_value(value)
        self._columns.add(docnum, stored, column_values)
        self.count += 1

    def add_all(self, docs: Iterable[Document]) -> None:
        for doc in docs:
            self.add(doc)

    def _add_text(self, tf: _TextField, value: Any) -> int:
        if not value:
            tf.lengths.append(0)
            return 0
        if isinstance(value, (list, tuple)):
            start = total = 0
            for item in value:
                ids = self._term_ids(item)
                tf.tids.extend(ids)
                tf.positions.extend(range(start, start + len(ids)))  # type: ignore[union-attr]
                start += len(ids) + NAME_GAP
                total += len(ids)
            tf.lengths.append(total)
            return total
        ids = self._term_ids(value)
        tf.tids.extend(ids)
        tf.lengths.append(len(ids))
        return len(ids)

    def _term_ids(self, text: str) -> list[int]:
        """Word ids of the text's tokens (mapped to term ids when the segment is written)."""
        ws = words(text)
        word_id = self._word_id
        ids = list(map(word_id.get, ws))  # a C loop: this runs for every word indexed
        if None in ids:
            # Each new word gets one id (a word new twice in a text used to get two), in order
            # of first occurrence; then the lookup is redone as a C loop.
            for word in dict.fromkeys([w for w, i in zip(ws, ids) if i is None]):
                self._new_word(word)
            ids = list(map(word_id.__getitem__, ws))
        return ids  # type: ignore[return-value]

    def _new_word(self, word: str) -> int:
        s = stem(word)
        tid = self._stem_tid.get(s)
        if tid is None:
            tid = self._stem_tid[s] = len(self._stems)
            self._stems.append(s)
        wid = self._word_id[word] = len(self._words)
        self._words.append(word)
        self._word_term.append(tid)
        return wid

    def word_counts(self) -> dict[str, tuple[str, int]]:
        """word -> (its stem, how often it occurs) over the text of this segment; numbers left out."""
        counts = self._word_counts.tolist()
        stems, word_term = self._stems, self._word_term
        return {word: (stems[word_term[wid]], counts[wid] if wid < len(counts) else 0)
                for wid, word in enumerate(self._words) if not word.isdigit()}

    # -- writing -------------------------------------------------------------

    def finish(self) -> Any:
        """Write the postings and columns; returns the finished (not yet listed) segment."""
        self._columns.write(self.count, {name: np.frombuffer(tf.lengths, dtype=np.uint32).astype(np.int64)
                                         for name, tf in self._text.items()})
        self._word_counts = np.bincount(
            np.concatenate([np.frombuffer(tf.tids, dtype=np.uint32) for tf in self._text.values()] or
                           [np.zeros(0, np.uint32)]).astype(np.int64), minlength=len(self._words))
        fw = self.codec.field_writer(self.storage, self.segment)
        BulkTermIndex.adopt(fw._tindex)
        keys, rank = self._terms_in_byte_order()
        for name in self._fields:
            if name in self._text:
                lists = self._text_postings(self._text[name], keys, rank)
            elif self._exact.get(name):
                lists = _exact_postings(self._exact[name])
            else:
                continue
            if lists is None:
                continue
            fw.start_field(name, self.schema[name])
            write_field(fw, pack_ushort(fw._fieldid), *lists)
            fw.finish_field()
        fw.close()
        self.segment.set_doc_count(self.count)
        self._text.clear()
        self._exact.clear()
        return self.segment

    def _terms_in_byte_order(self) -> tuple[list[bytes], np.ndarray]:
        """Every stem's UTF-8 bytes in byte order, and each word id's rank among them.

        Postings sorted by that rank come out in the order the term index needs.
        """
        encoded = [s.encode("utf-8") for s in self._stems]
        by_bytes = sorted(range(len(encoded)), key=encoded.__getitem__)
        stem_rank = np.empty(len(encoded), dtype=np.int64)
        stem_rank[by_bytes] = np.arange(len(encoded))
        return [encoded[i] for i in by_bytes], stem_rank[np.frombuffer(self._word_term, dtype=np.uint32)]

    def _text_postings(self, tf: _TextField, keys: list[bytes], word_term: np.ndarray) -> tuple[Any, ...] | None:
        """All postings of a text field, grouped by term, as flat arrays (see segblocks.write_field)."""
        if not len(tf.tids):
            return None
        lengths = np.frombuffer(tf.lengths, dtype=np.uint32).astype(np.int64)
        terms = word_term[np.frombuffer(tf.tids, dtype=np.uint32)]
        n = len(terms)
        docs = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        if tf.positions is not None:
            pos = np.frombuffer(tf.positions, dtype=np.uint32).astype(np.int64)
        else:
            starts = np.cumsum(lengths) - lengths
            pos = np.arange(n, dtype=np.int64) - np.repeat(starts, lengths)
        order = stable_order(terms, len(keys))
        terms, docs, pos = terms[order], docs[order], pos[order]
        new = np.ones(n, dtype=bool)
        new[1:] = (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])
        post_start = np.flatnonzero(new)
        freq = np.diff(np.append(post_start, n))
        values = PositionValues(pos, post_start, freq)
        post_term = terms[post_start]
        post_doc = docs[post_start]
        present = np.flatnonzero(np.bincount(post_term, minlength=len(keys)))  # terms of this field
        term_starts = np.searchsorted(post_term, present)
        return [keys[r] for r in present.tolist()], term_starts, post_doc, freq, values, lengths[post_doc]

    def cancel(self) -> None:
        """Drop what was collected, and the stored fields' file written so far."""
        self._text.clear()
        self._exact.clear()
        self._columns.cancel()


def stable_order(keys: np.ndarray, n_keys: int) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for ints in ``[0, n_keys)``, by 16-bit passes.

    NumPy sorts 16-bit keys stably with a radix sort, six times faster than its timsort of
    int64 keys for a segment's 1.5 million tokens; a second pass on the high half keeps
    the order stable for larger vocabularies (least significant digit first).
    """
    if n_keys <= 1 << 16:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    if n_keys > 1 << 32:
        return np.argsort(keys, kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")]


def _exact_postings(table: dict[str, array]) -> tuple[Any, ...]:
    keys, parts = [], []
    for btext, term in sorted((t.encode("utf-8"), t) for t in table):
        keys.append(btext)
        parts.append(np.frombuffer(table[term], dtype=np.uint32))
    term_starts = offsets(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))[:-1]
    all_docs = np.concatenate(parts).astype(np.int64)
    return keys, term_starts, all_docs, np.ones(len(all_docs), dtype=np.int64), None, None


def write_toc(storage: Storage, schema: Schema, segments: list[Any], indexname: str = "MAIN") -> None:
    """Make ``segments`` the index's contents (a new table of contents generation)."""
    gen = TOC._latest_generation(storage, indexname) + 1
    TOC(schema, segments, gen).write(storage, indexname)
    clean_files(storage, indexname, gen, segments)
