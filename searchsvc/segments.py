"""Columnar access to a Whoosh segment: postings and per-document columns as NumPy arrays.

Whoosh answers one posting at a time through Python matcher objects; scoring a
query that way costs microseconds per posting. Here a term's whole posting list
is decoded in one go into ``(doc ids, term frequencies)`` arrays, so the engine
can match and score with vectorised NumPy (see :mod:`searchsvc.matching`).

The decoder reads Whoosh 2.7's ``W3`` postings format directly: a 4-byte
``W3Bl`` tag, then blocks of ``[int32 length (negative for the last block)]
[pickled block info][zlib'd pickle of (delta-coded ids, weights, values)]``.
``tests/test_segments.py`` checks it against Whoosh's own matcher. Decoded lists
are kept in an LRU shared by all segments (:mod:`searchsvc.postings_cache`); a
segment's files never change once written (deletions live in the table of
contents), so cached arrays stay valid for the segment's life, and go with it.

Per-document columns read once per segment: field lengths (Whoosh stores them
as one byte each, decoded through its own table), the ``published`` int64
column and the deletion mask.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
import struct
import zlib
from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import STORED_COLUMN, W3TermInfo
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.util.numeric import byte_to_length

from .postings_cache import PostingsCache
from .schema import TEXT_FIELDS
from .store import CorruptSegmentError

#: Widest id (UTF-8 bytes) kept in a packed id array; see SegmentView.id_array.
MAX_PACKED_ID_BYTES = 64

_MAGIC = b"W3Bl"
_RECORD = struct.Struct("!ii")  # key and value lengths of a term-table record
_FIELDNUM = struct.Struct("!H")
_TERMINFO = W3TermInfo._struct
_INT = struct.Struct("!i")
_LENGTH_TABLE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
EMPTY_IDS = np.zeros(0, dtype=np.int32)
#: Characters of decoded stored documents kept per segment.
STORED_MEMO_CHARS = 4 << 20
EMPTY_TF = np.zeros(0, dtype=np.float32)


def decode_postings(buf: Any, offset: int, length: int,
                    values: list[bytes] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All ``(doc ids int32, weights float32)`` of one posting list in a W3 postings file.

    When ``values`` is a list, each posting's encoded value (positions) is appended to it.
    """
    if bytes(buf[offset:offset + 4]) != _MAGIC:
        raise CorruptSegmentError(f"not a W3 posting list at offset {offset}")
    pos = offset + 4
    end_of_list = offset + length
    id_parts: list[np.ndarray] = []
    w_parts: list[np.ndarray] = []
    while pos < end_of_list:
        (blen,) = _INT.unpack_from(buf, pos)
        pos += 4
        last = blen < 0
        blen = -blen if last else blen
        block = io.BytesIO(buf[pos:pos + blen])
        count, _maxid, _maxw, compression, _mn, _mx = pickle.load(block)
        data = block.read()
        if compression:
            data = zlib.decompress(data)
        ids, weights, block_values = pickle.loads(data)
        if values is not None:
            values.extend(block_values)
        id_parts.append(np.cumsum(np.asarray(ids, dtype=np.int64)).astype(np.int32))
        if weights is None:
            w_parts.append(np.ones(count, dtype=np.float32))
        elif isinstance(weights, float):
            w_parts.append(np.full(count, weights, dtype=np.float32))
        else:
            w_parts.append(np.asarray(weights, dtype=np.float32))
        pos += blen
        if last:
            break
    if not id_parts:
        return EMPTY_IDS, EMPTY_TF
    if len(id_parts) == 1:
        return id_parts[0], w_parts[0]
    return np.concatenate(id_parts), np.concatenate(w_parts)


class SegmentView:
    """One segment's postings and columns as arrays (local doc numbers)."""

    def __init__(self, reader: SegmentReader, cache: PostingsCache) -> None:
        self.reader = reader
        self.segment = reader.segment()
        self.size = reader.doc_count_all()
        self.cache = cache
        self.key = (reader._storage.folder, self.segment.segid)
        path = os.path.join(reader._storage.folder, self.segment.make_filename(".pst"))
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(f.fileno()).st_size else b""
        self._lengths: dict[str, np.ndarray] = {}
        self._stored_memo: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._stored_chars = 0
        self._published: np.ndarray | None = None
        # Open or read every file now: a generation may be removed from disk while this
        # reader still serves, and a commit's merge removes the segments it merged. An open
        # file outlives its unlinking; a column opened later would be missing (Whoosh then
        # reads it as absent: zero lengths, no dates) or fail.
        try:
            if self.size:
                # Opened by name once: a vanished file raises FileNotFoundError here, where Whoosh's
                # stored_fields() would look the column up again and fail on an absent one.
                perdoc = reader._perdoc
                perdoc._readers["_stored"] = perdoc.column_reader("_stored", STORED_COLUMN)
                reader.stored_fields(0)
                for field in TEXT_FIELDS:
                    self.lengths(field)
                self.published()
                self.__dict__["_id_column"] = reader.column_reader("id")
        except BaseException:
            if isinstance(self._map, mmap.mmap):
                self._map.close()
            raise

    # -- postings ------------------------------------------------------------

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        key = (self.key, field, term)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        try:
            info = self.reader.term_info(field, term)
        except TermNotFound:  # also for a field this segment never saw; damage is not "no postings"
            result = (EMPTY_IDS, EMPTY_TF)
        else:
            result = self._decode(info)
        self.cache.put(key, result)
        return result

    def _decode(self, info: Any) -> tuple[np.ndarray, np.ndarray]:
        if info.is_inlined():
            ids, weights, _ = info.inlined_postings()
            return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)
        offset, length = info.extent()
        if isinstance(length, tuple):  # Whoosh 2.7 unpacks the length as a 1-tuple
            length = length[0]
        return decode_postings(self._map, offset, length)

    def positions(self, field: str, term: str) -> tuple[np.ndarray, list[bytes]]:
        """(doc ids, encoded positions per posting) for phrase checks; cached like postings."""
        key = (self.key, field, term, "pos")
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        values: list[bytes] = []
        try:
            info = self.reader.term_info(field, term)
        except TermNotFound:
            return EMPTY_IDS, values
        if info.is_inlined():
            ids_t, _, vals = info.inlined_postings()
            ids = np.asarray(ids_t, dtype=np.int32)
            values.extend(vals)
        else:
            offset, length = info.extent()
            if isinstance(length, tuple):
                length = length[0]
            ids, _ = decode_postings(self._map, offset, length, values)
        self.cache.put(key, (ids, values), extra=sum(len(v) + 33 for v in values))
        return ids, values

    def field_terms(self, field: str) -> list[str]:
        """Every term of a field in this segment, in lexical order."""
        return [term for term, _ in self.term_infos(field)]

    def term_infos(self, field: str) -> list[tuple[str, bytes]]:
        """(term, packed W3 term info) of every term of a field, in lexical order; cached.

        One sequential pass over the key/value records of the segment's term file,
        where Whoosh's own lexicon walk costs a hash lookup and several small reads
        per term (a second, against ~30 ms, for the body field of 10,000 articles).
        """
        cache = self.__dict__.setdefault("_term_infos", {})
        if field not in cache:
            cache[field] = _read_term_infos(self.reader, field)
        return cache[field]

    # -- columns -------------------------------------------------------------

    def lengths(self, field: str) -> np.ndarray:
        """Token count of ``field`` per document (Whoosh's one-byte approximation)."""
        cached = self._lengths.get(field)
        if cached is None:
            raw = self._column_bytes(f"_{field}_len", 1)
            cached = _LENGTH_TABLE[np.frombuffer(raw, dtype=np.uint8)] if raw else np.zeros(0, np.float32)
            cached = _pad(cached, self.size, 0.0)
            self._lengths[field] = cached
        return cached

    def published(self) -> np.ndarray:
        """``schema.published_key`` per document (0: no date)."""
        if self._published is None:
            raw = self._column_bytes("published", 8)
            values = np.frombuffer(raw, dtype=">i8").astype(np.int64) if raw else np.zeros(0, np.int64)
            self._published = _pad(values, self.size, 0)
        return self._published

    def live(self, segment: Any) -> np.ndarray | None:
        """False where ``segment`` (this segment as the latest TOC describes it) has deletions.

        Deletions are the only part of a segment that changes after it is written, and
        they live in the table of contents, so they are passed in rather than cached.
        """
        deleted = segment.deleted_docs() if segment.has_deletions() else ()
        if not deleted:
            return None
        mask = np.ones(self.size, dtype=bool)
        mask[np.fromiter(deleted, dtype=np.int64)] = False
        return mask

    def exact_pairs(self, field: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(local doc, value code, values) for every term of an exact-term field; cached.

        Walks the term table once in order; a term in one or two documents needs no
        posting list at all (its term info holds the first and last id), which is
        most names and dates.
        """
        cache = self.__dict__.setdefault("_exact", {})
        if field not in cache:
            names: list[str] = []
            docs: list[int] = []
            codes: list[int] = []
            for code, (term, packed) in enumerate(self.term_infos(field)):
                names.append(term)
                flags, _, df, _, _, _, minid, maxid = _TERMINFO.unpack_from(packed)
                if df == 1 and not flags:
                    ids = [minid]
                elif df == 2 and not flags:
                    ids = [minid, maxid]
                else:
                    ids = self._decode(W3TermInfo.from_bytes(packed))[0].tolist()
                docs.extend(ids)
                codes.extend([code] * len(ids))
            cache[field] = (np.array(docs, dtype=np.int64), np.array(codes, dtype=np.int32), names)
        return cache[field]

    def _column_bytes(self, name: str, width: int) -> bytes:
        perdoc = self.reader._perdoc
        if not perdoc.has_column(name):
            return b""
        colfile, offset, length = perdoc._get_column_file(name)
        try:
            usable = min(length, self.size * width)
            return colfile.get(offset, usable - usable % width)
        finally:
            colfile.close()

    def doc_id(self, docnum: int) -> str:
        # A column seek per id, not a list of every id: that list would cost a worker
        # 72 MB per million 15-character ids (tracemalloc) for ~0.07 ms a query on Reuters
        # (id_array keeps them packed, for sorting only).
        col = self.__dict__.get("_id_column")
        if col is None:
            col = self.__dict__["_id_column"] = self.reader.column_reader("id")
        value = col[docnum]
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    def id_array(self) -> np.ndarray:
        """Every id of the segment, in docnum order, for sorting by id (cached).

        UTF-8 byte strings in a fixed-width NumPy array (byte order is code point order,
        so they sort as the ids do): 15-character ids take 15 bytes each, where a list of
        ``str`` took 72 MB per million (tracemalloc). Ids longer than
        :data:`MAX_PACKED_ID_BYTES` would make every slot that wide: then a list of ``str``.
        """
        ids = self.__dict__.get("_id_array")
        if ids is None:
            column = self.__dict__.get("_id_column")  # opened at start: by name now it may be gone
            if column is None:
                column = self.reader.column_reader("id")
            raw = [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in column]
            width = max(map(len, raw), default=1)
            # NumPy byte strings drop trailing NULs: ids never hold one (document.id_problem
            # refuses control characters), so packing keeps every id whole.
            if width <= MAX_PACKED_ID_BYTES:
                ids = np.array(raw, dtype=f"S{max(width, 1)}")
            else:  # one width for all: a few very long ids would make every slot that wide
                ids = np.array([v.decode("utf-8") for v in raw], dtype=object)
            self.__dict__["_id_array"] = ids
        return ids

    def stored(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields (recently used ones kept decoded: hits recur across queries)."""
        memo = self._stored_memo
        hit = memo.get(docnum)
        if hit is None:
            hit = memo[docnum] = self.reader.stored_fields(docnum)
            self._stored_chars += _chars(hit)
            while self._stored_chars > STORED_MEMO_CHARS and len(memo) > 1:
                self._stored_chars -= _chars(memo.popitem(last=False)[1])
        else:
            memo.move_to_end(docnum)
        return hit

    def close(self) -> None:
        self.cache.drop_segment(self.key)
        self.reader.close()
        if isinstance(self._map, mmap.mmap):
            self._map.close()


def _read_term_infos(reader: SegmentReader, field: str) -> list[tuple[str, bytes]]:
    """Parse the records of a segment's term table (Whoosh's HashWriter layout:
    ``!ii`` key and value lengths, the key -- a 2-byte field number and the term --
    then the value) for one field."""
    tindex = reader._terms._tindex
    fieldnum = tindex.extras.get("fieldmap", {}).get(field)
    if fieldnum is None:
        return []
    prefix = _FIELDNUM.pack(fieldnum)
    data = tindex.dbfile.get(tindex.startofdata, tindex.endofdata - tindex.startofdata)
    out = []
    pos, end = 0, len(data)
    unpack = _RECORD.unpack_from
    while pos < end:
        klen, vlen = unpack(data, pos)
        pos += 8
        if data[pos:pos + 2] == prefix:
            out.append((data[pos + 2:pos + klen].decode("utf-8"), data[pos + klen:pos + klen + vlen]))
        pos += klen + vlen
    return out


def _chars(stored: dict[str, Any]) -> int:
    return len(stored.get("body", "")) + len(stored.get("title", "")) + 200


def _pad(values: np.ndarray, size: int, fill: float) -> np.ndarray:
    # Whoosh writes a column only up to the last document that has a value.
    if len(values) >= size:
        return values[:size]
    out = np.full(size, fill, dtype=values.dtype)
    out[:len(values)] = values
    return out
