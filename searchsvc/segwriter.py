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
* each posting list is written block by block (128 postings, delta-coded ids,
  weights, Whoosh's encoded positions) in the layout of
  ``W3PostingsWriter._write_block`` (see ``_PROTOCOL`` for the two deliberate
  differences), and its term info goes into Whoosh's own ``OrderedHashWriter``.

Stored fields and columns go through Whoosh's per-document writer, which is
cheap per document. The result is an ordinary segment: Whoosh reads, merges
and updates it, and ``tests/test_segwriter.py`` checks it equals what
``SegmentWriter`` writes. Several processes may each write a segment into one
folder; the caller lists them in one table of contents (:func:`write_toc`).
"""

from __future__ import annotations

import contextlib
import pickle
import struct
import zlib
from array import array
from collections.abc import Iterable
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.fields import Schema
from whoosh.filedb.filestore import Storage
from whoosh.index import TOC, clean_files
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import _length_byte_cache

from .analysis import stem, words
from .document import Document
from .schema import NAME_GAP, whoosh_fields

BLOCK = 128
_MAGIC = b"W3Bl"
#: Whoosh pickles block data with protocol 2 and zlib level 3. Protocol 2 stores each
#: position value (bytes) as a call to codecs.encode: ten times slower to write and
#: to read, and twice the size, of protocol 4, which Whoosh's reader (plain
#: ``pickle.loads``) reads just the same. Blocks are left uncompressed (the block
#: info says so): zlib's set-up per call costs more than it saves, and every
#: query would pay the decompression.
_PROTOCOL = 4
_INT = struct.Struct("!i")
_HASH_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables: key and value lengths of a record
_STORED_BLOCK = struct.Struct("<BHH")
_ADLER = struct.Struct(">I")
_TERMINFO = W3TermInfo._struct
_LENGTH_BYTES = np.array(_length_byte_cache, dtype=np.int64)
_SINGLE: list[bytes] = []
SINGLE_TABLE_MAX = 1 << 16


def _grow_single_table(size: int) -> None:
    """Extend the table of encodings of one-position postings to cover positions < size."""
    for p in range(len(_SINGLE), size):
        _SINGLE.append(pack_uint(1) + pickle.dumps([p], 2))


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
        self._perdoc = self.codec.per_document_writer(storage, self.segment)
        # Whoosh deflates each document's stored fields at level 3; here zlib's set-up per
        # call cost more than the rest of storing a document. A zlib stream of stored
        # (uncompressed) blocks is read back by the same zlib.decompress (see zlib_stored).
        self._perdoc._colwriters["_stored"]._child._compress = zlib_stored
        self._fields = sorted(schema.names())
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
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        for name in self._fields:
            value = values.get(name)
            field = self.schema[name]
            length = 0
            if name in self._text:
                length = self._add_text(self._text[name], value)
            elif value is not None and name in self._exact:
                table = self._exact[name]
                for term in dict.fromkeys([value] if isinstance(value, str) else value):
                    if term:
                        table.setdefault(term, array("I")).append(docnum)
            if value is None:
                continue
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
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
        ids = list(map(self._word_id.get, ws))  # a C loop: this runs for every word indexed
        if None in ids:
            for i, wid in enumerate(ids):
                if wid is None:
                    ids[i] = self._new_word(ws[i])
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

    def display_words(self) -> dict[str, tuple[str, int]]:
        """stem -> (its most frequent word, that word's count) over the text of this segment."""
        counts = self._word_counts
        best: dict[str, tuple[str, int]] = {}
        for wid, word in enumerate(self._words):
            if word.isdigit():
                continue
            s = self._stems[self._word_term[wid]]
            n = int(counts[wid]) if wid < len(counts) else 0
            cur = best.get(s)
            if cur is None or (n, -len(word)) > (cur[1], -len(cur[0])):
                best[s] = (word, n)
        return best

    # -- writing -------------------------------------------------------------

    def finish(self) -> Any:
        """Write the postings and columns; returns the finished (not yet listed) segment."""
        self._perdoc.close()
        self._word_counts = np.bincount(
            np.concatenate([np.frombuffer(tf.tids, dtype=np.uint32) for tf in self._text.values()] or
                           [np.zeros(0, np.uint32)]).astype(np.int64), minlength=len(self._words))
        fw = self.codec.field_writer(self.storage, self.segment)
        for name in self._fields:
            if name in self._text:
                lists = self._text_postings(self._text[name])
            elif self._exact.get(name):
                lists = _exact_postings(self._exact[name])
            else:
                continue
            if lists is None:
                continue
            fw.start_field(name, self.schema[name])
            _write_field(fw, pack_ushort(fw._fieldid), *lists)
            fw.finish_field()
        fw.close()
        self.segment.set_doc_count(self.count)
        self._text.clear()
        self._exact.clear()
        return self.segment

    def _text_postings(self, tf: _TextField) -> tuple[Any, ...] | None:
        """All postings of a text field, grouped by term, as flat arrays (see _write_field)."""
        if not len(tf.tids):
            return None
        lengths = np.frombuffer(tf.lengths, dtype=np.uint32).astype(np.int64)
        word_term = np.frombuffer(self._word_term, dtype=np.uint32).astype(np.int64)
        terms = word_term[np.frombuffer(tf.tids, dtype=np.uint32)]
        n = len(terms)
        docs = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        if tf.positions is not None:
            pos = np.frombuffer(tf.positions, dtype=np.uint32).astype(np.int64)
        else:
            starts = np.cumsum(lengths) - lengths
            pos = np.arange(n, dtype=np.int64) - np.repeat(starts, lengths)
        order = np.argsort(terms, kind="stable")
        terms, docs, pos = terms[order], docs[order], pos[order]
        new = np.ones(n, dtype=bool)
        new[1:] = (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])
        post_start = np.flatnonzero(new)
        freq = np.diff(np.append(post_start, n))
        values = _encode_positions(pos, post_start, freq)
        post_term = terms[post_start]
        post_doc = docs[post_start]
        ids = np.arange(len(self._stems))
        first = np.searchsorted(post_term, ids)
        last = np.searchsorted(post_term, ids, side="right")
        order_terms = sorted((s.encode("utf-8"), i) for i, s in enumerate(self._stems) if last[i] > first[i])
        ranges = [(bt, int(first[i]), int(last[i])) for bt, i in order_terms]
        return ranges, post_doc, freq, values, lengths[post_doc]

    def cancel(self) -> None:
        with contextlib.suppress(Exception):
            self._perdoc.close()


def _exact_postings(table: dict[str, array]) -> tuple[Any, ...]:
    ranges, parts = [], []
    at = 0
    for btext, term in sorted((t.encode("utf-8"), t) for t in table):
        docs = table[term]
        ranges.append((btext, at, at + len(docs)))
        parts.append(np.frombuffer(docs, dtype=np.uint32))
        at += len(docs)
    all_docs = np.concatenate(parts).astype(np.int64)
    return ranges, all_docs, np.ones(len(all_docs), dtype=np.int64), None, None


def _encode_positions(pos: np.ndarray, post_start: np.ndarray, freq: np.ndarray) -> list[bytes]:
    """Whoosh's ``Positions.encode`` for every posting: 4-byte count + pickled position deltas.

    A posting with one position (most of them) takes its encoding from a table indexed
    by the position, filled once per process, so the common case is a C-level lookup.
    """
    firsts = pos[post_start]
    top = int(firsts.max()) + 1 if len(firsts) else 0
    _grow_single_table(min(top, SINGLE_TABLE_MAX))
    if top <= SINGLE_TABLE_MAX:
        values: list[bytes] = list(map(_SINGLE.__getitem__, firsts.tolist()))
    else:  # a very long document: positions past the table are encoded one by one
        values = [_SINGLE[p] if p < SINGLE_TABLE_MAX else pack_uint(1) + pickle.dumps([p], 2)
                  for p in firsts.tolist()]
    multi = np.flatnonzero(freq > 1)
    if len(multi):
        deltas = pos.copy()
        deltas[1:] -= pos[:-1]
        deltas[post_start] = pos[post_start]
        dl = deltas.tolist()
        for i, s, f in zip(multi.tolist(), post_start[multi].tolist(), freq[multi].tolist()):
            values[i] = pack_uint(f) + pickle.dumps(dl[s:s + f], 2)
    return values


def _write_field(fw: Any, key_prefix: bytes, ranges: list[tuple[bytes, int, int]], docs: np.ndarray,
                 freqs: np.ndarray, values: list[bytes] | None, lengths: np.ndarray | None) -> None:
    """Write every posting list of one field as W3 blocks, and their term infos.

    ``docs``/``freqs``/``values``/``lengths`` hold all postings of the field grouped by
    term; ``ranges`` gives each term's bytes and slice, in term byte order. The block
    and term-info layout is that of ``W3PostingsWriter`` (see ``_PROTOCOL``); every
    statistic it keeps per block and per term is computed for all of them at once here.
    """
    n = len(docs)
    term_starts = np.array(sorted(a for _, a, _ in ranges), dtype=np.int64)
    # Ids are delta-coded within a block; a block starts from an absolute id.
    owner = np.zeros(n, dtype=np.int64)
    owner[term_starts] = term_starts
    owner = np.maximum.accumulate(owner)
    block_first = (np.arange(n) - owner) % BLOCK == 0
    block_starts = np.flatnonzero(block_first)
    deltas = docs.copy()
    deltas[1:] -= docs[:-1]
    deltas[block_first] = docs[block_first]
    blocks = _stats(block_starts, freqs, lengths)
    terms = _stats(term_starts, freqs, lengths)
    dl = deltas.tolist()
    block_at = dict(zip(block_starts.tolist(), range(len(block_starts))))
    term_at = dict(zip(term_starts.tolist(), range(len(term_starts))))
    b_count, b_maxw, b_minw = blocks["count"], blocks["maxw"], blocks["minw"]
    b_minlen, b_maxlen = blocks["minlen"], blocks["maxlen"]
    docl = docs.tolist()
    fl = freqs.tolist()
    postfile = fw._postfile
    base = postfile.tell()
    buf = bytearray()
    infos = []
    dumps = pickle.dumps
    for btext, a, b in ranges:
        offset = base + len(buf)
        buf += _MAGIC
        k = block_at[a]
        for s in range(a, b, BLOCK):
            e = s + b_count[k]
            top, low = b_maxw[k], b_minw[k]
            weights: Any = (None if top == 1 else float(top)) if top == low else tuple(map(float, fl[s:e]))
            data = dumps((tuple(dl[s:e]), weights, tuple(values[s:e]) if values is not None else None), _PROTOCOL)
            head = dumps((e - s, docl[e - 1], float(top), 0, b_minlen[k], b_maxlen[k]), 2)
            size = len(head) + len(data)
            buf += _INT.pack(-size if e == b else size)
            buf += head
            buf += data
            k += 1
        t = term_at[a]
        info = _TERMINFO.pack(0, float(terms["sum"][t]), b - a, terms["minlen"][t], terms["maxlen"][t],
                              float(terms["maxw"][t]), docl[a], docl[b - 1])
        infos.append((key_prefix + btext, info + pack_long(offset) + pack_int(base + len(buf) - offset)))
    postfile.write(bytes(buf))
    _add_term_infos(fw._tindex, infos)


def _stats(starts: np.ndarray, freqs: np.ndarray, lengths: np.ndarray | None) -> dict[str, list[Any]]:
    """Per group of postings (a block or a term, starting at ``starts``): the statistics
    Whoosh keeps, as lists. Lengths are Whoosh's one-byte codes of the shortest non-empty
    and the longest document (0 when there are none or the field keeps no lengths)."""
    ends = np.append(starts[1:], len(freqs))
    out: dict[str, list[Any]] = {
        "count": (ends - starts).tolist(),
        "maxw": np.maximum.reduceat(freqs, starts).tolist(),
        "minw": np.minimum.reduceat(freqs, starts).tolist(),
        "sum": np.add.reduceat(freqs, starts).tolist(),
    }
    if lengths is None:
        zeros = [0] * len(starts)
        out["minlen"], out["maxlen"] = zeros, zeros
        return out
    nonzero = np.where(lengths > 0, lengths, np.iinfo(np.int64).max)
    shortest = np.minimum.reduceat(nonzero, starts)
    shortest = np.where(shortest == np.iinfo(np.int64).max, 0, shortest)
    out["minlen"] = _length_bytes(shortest, none_is_zero=True)
    out["maxlen"] = _length_bytes(np.maximum.reduceat(lengths, starts), none_is_zero=False)
    return out


def _length_bytes(lengths: np.ndarray, *, none_is_zero: bool) -> list[int]:
    """Whoosh's ``length_to_byte`` for an array (a length of 0 stands for "none" where asked)."""
    codes = np.searchsorted(_LENGTH_BYTES, lengths).clip(0, 255)
    if none_is_zero:
        codes = np.where(lengths == 0, 0, codes)
    return codes.tolist()


def _add_term_infos(tindex: Any, infos: list[tuple[bytes, bytes]]) -> None:
    """``OrderedHashWriter.add`` for every (key, value) at once: the records go out in one
    write; the hash buckets and the key-position index are filled as ``add`` would."""
    dbfile = tindex.dbfile
    pos = dbfile.tell()
    buf = bytearray()
    hashfn, buckets, index = tindex.hashfn, tindex.buckets, tindex.index
    for key, value in infos:
        at = pos + len(buf)
        index.append(at)
        h = hashfn(key)
        buckets[h & 255].append((h, at))
        buf += _HASH_LENGTHS.pack(len(key), len(value))
        buf += key
        buf += value
    if infos:
        if infos[0][0] <= tindex.lastkey:
            raise ValueError("term keys must increase")
        tindex.lastkey = infos[-1][0]
    dbfile.write(bytes(buf))


def zlib_stored(data: bytes, level: int = 0) -> bytes:
    """A valid zlib stream (RFC 1950) holding ``data`` in stored deflate blocks (RFC 1951 §3.2.4).

    Costs a checksum instead of a compressor: about 1.5 µs for a 1 KB document
    against 7-100 µs for ``zlib.compress`` here, for 12 % more bytes on disk.
    """
    out = [b"\x78\x01"]
    n = len(data)
    for i in range(0, max(n, 1), 0xFFFF):
        chunk = data[i:i + 0xFFFF]
        out.append(_STORED_BLOCK.pack(1 if i + 0xFFFF >= n else 0, len(chunk), len(chunk) ^ 0xFFFF))
        out.append(chunk)
    out.append(_ADLER.pack(zlib.adler32(data)))
    return b"".join(out)


def write_toc(storage: Storage, schema: Schema, segments: list[Any], indexname: str = "MAIN") -> None:
    """Make ``segments`` the index's contents (a new table of contents generation)."""
    gen = TOC._latest_generation(storage, indexname) + 1
    TOC(schema, segments, gen).write(storage, indexname)
    clean_files(storage, indexname, gen, segments)
