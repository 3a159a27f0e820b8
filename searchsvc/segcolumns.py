"""A segment's per-document files (stored fields, field lengths, columns), written at the end.

Whoosh's ``W3PerDocWriter`` takes one document at a time: its stored fields, a
length byte per text field and a value per column, each through a few method
calls, with every column file written piecemeal (about a fifth of adding a
document to a bulk segment). :class:`PerDocColumns` keeps the same values in
lists and writes each file once, in the layouts of ``whoosh/columns.py``:

* numbers (``NumericColumn``: field lengths as Whoosh's length bytes,
  ``published``): one big-endian value per document, up to the last document
  whose value is not the column's default (a reader gives the default past the
  end);
* byte strings (``VarBytesColumn``: ``id``; ``CompressedBytesColumn`` under
  ``PickleColumn``: the stored fields, streamed to their file as documents come,
  as Whoosh's writer does): the values end to end, then their lengths
  as a big-endian array of the narrowest of B/H/i/I that holds them (as
  ``GrowableArray`` ends up), the offsets too above 32,768 documents, then the
  arrays' type codes ("X" marks the offsets).

A column's file exists once any document gave it a value, as with Whoosh's
writer; ``segment._fieldlengths`` gets each text field's total length.
``tests/test_segwriter.py`` compares everything with what Whoosh's writer makes.
"""

from __future__ import annotations

import contextlib
import pickle
import struct
import zlib
from array import array
from collections import defaultdict
from typing import Any

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import Schema
from whoosh.filedb.filestore import Storage

from .segblocks import length_bytes

#: VarBytesColumn writes an offsets array when a segment has more documents than this.
OFFSETS_CUTOFF = 2**15
_STORED_BLOCK = struct.Struct("<BHH")
_ADLER = struct.Struct(">I")


class PerDocColumns:
    """The stored fields and column values of a segment's documents, in document order."""

    def __init__(self, schema: Schema, storage: Storage, segment: Any) -> None:
        # Stored fields are most of a segment's bytes: they go to their file as they come
        # (as Whoosh's writer spills them), only their lengths stay in memory.
        self._storage, self._segment = storage, segment
        self._stored_name = W3Codec.column_filename(segment, "_stored")
        self._stored_file = storage.create_file(self._stored_name)
        self.stored_lengths = array("I")
        # A column's rows (numbers or bytes, one per document so far) appear with its first value.
        self.numeric: dict[str, list[int]] = {}
        self.varbytes: dict[str, list[bytes]] = {}
        self._numeric_types: dict[str, tuple[str, int]] = {}  # typecode, default
        for name in schema.names():
            col = schema[name].column_type
            if col is None or type(col) is columns.VarBytesColumn:
                continue
            if not isinstance(col, columns.NumericColumn):
                raise TypeError(f"column type {type(col).__name__} of {name!r} is not written in bulk")
            self._numeric_types[name] = (col._typecode, col._default)

    def add(self, docnum: int, stored: dict[str, Any], values: dict[str, Any]) -> None:
        """One document's stored fields and column values (``values``: field -> column value)."""
        data = zlib_stored(pickle.dumps(stored, 2)) if stored else b""
        self._stored_file.write(data)
        self.stored_lengths.append(len(data))
        for name, value in values.items():
            numeric = self._numeric_types.get(name)
            rows: list[Any] = (self.numeric if numeric else self.varbytes).setdefault(name, [])
            if len(rows) < docnum:  # documents without a value: the column's default
                rows.extend([numeric[1] if numeric else b""] * (docnum - len(rows)))
            rows.append(value)

    def write(self, doccount: int, lengths: dict[str, np.ndarray]) -> None:
        """Finish the stored fields' file, write every other column file, set the field lengths.

        ``lengths``: each text field's token count per document (its length column
        is made when some document has a non-zero length).
        """
        stored = np.zeros(doccount, dtype=np.int64)
        stored[:len(self.stored_lengths)] = np.frombuffer(self.stored_lengths, dtype=np.uint32)
        self._stored_file.write(varbytes_tail(stored))
        self._stored_file.close()
        field_totals: defaultdict[str, int] = defaultdict(int)
        for name, per_doc in lengths.items():
            if per_doc.any():
                self._write_file(f"_{name}_len", numeric_file(length_bytes(per_doc, none_is_zero=True), "B", 0))
                field_totals[name] = int(per_doc.sum())
        for name, rows in self.numeric.items():
            self._write_file(name, numeric_file(np.array(rows), *self._numeric_types[name]))
        for name, rows_b in self.varbytes.items():
            self._write_file(name, varbytes_file(rows_b, doccount))
        self._segment._fieldlengths = field_totals

    def cancel(self) -> None:
        """Close and remove the stored fields' file of a segment that will not be finished."""
        with contextlib.suppress(OSError):
            self._stored_file.close()
            self._storage.delete_file(self._stored_name)

    def _write_file(self, name: str, data: bytes) -> None:
        f = self._storage.create_file(W3Codec.column_filename(self._segment, name))
        f.write(data)
        f.close()


def numeric_file(values: np.ndarray, typecode: str, default: int) -> bytes:
    """A NumericColumn's file: big-endian values up to the last one that is not ``default``."""
    arr = np.asarray(values).astype(np.dtype(typecode).newbyteorder(">"))
    kept = np.flatnonzero(arr != default)
    return arr[:kept[-1] + 1].tobytes() if len(kept) else b""


def varbytes_file(values: list[bytes], doccount: int) -> bytes:
    """A VarBytesColumn's file for ``values`` (documents past the list have an empty value)."""
    lengths = np.zeros(doccount, dtype=np.int64)
    lengths[:len(values)] = [len(v) for v in values]
    return b"".join(values) + varbytes_tail(lengths)


def varbytes_tail(lengths: np.ndarray) -> bytes:
    """What follows a VarBytesColumn's values: their lengths (and offsets), then the type codes."""
    parts = [_array_bytes(lengths)]
    codes = [_typecode(lengths)]
    if len(lengths) > OFFSETS_CUTOFF:
        offsets = np.cumsum(lengths) - lengths
        parts.append(_array_bytes(offsets))
        codes += [_typecode(offsets), "X"]
    return b"".join(parts) + "".join(codes).encode("ascii")


def _typecode(values: np.ndarray) -> str:
    """The type code a GrowableArray("B") ends with after holding these values."""
    top = int(values.max()) if len(values) else 0
    for code, limit in (("B", 2**8), ("H", 2**16), ("i", 2**31), ("I", 2**32)):
        if top < limit:
            return code
    raise OverflowError(f"{top} is too big for a column's array")


def _array_bytes(values: np.ndarray) -> bytes:
    return values.astype(np.dtype(_typecode(values)).newbyteorder(">")).tobytes()


def zlib_stored(data: bytes, level: int = 0) -> bytes:
    """A valid zlib stream (RFC 1950) holding ``data`` in stored deflate blocks (RFC 1951 §3.2.4).

    Costs a checksum instead of a compressor: about 1.5 µs for a 1 KB document
    against 7-100 µs for ``zlib.compress`` here, for 12 % more bytes on disk.
    Whoosh's readers decompress it like any zlib stream.
    """
    out = [b"\x78\x01"]
    n = len(data)
    for i in range(0, max(n, 1), 0xFFFF):
        chunk = data[i:i + 0xFFFF]
        out.append(_STORED_BLOCK.pack(1 if i + 0xFFFF >= n else 0, len(chunk), len(chunk) ^ 0xFFFF))
        out.append(chunk)
    out.append(_ADLER.pack(zlib.adler32(data)))
    return b"".join(out)
