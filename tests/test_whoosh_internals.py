"""The Whoosh internals our low-level modules rely on, pinned against the installed Whoosh.

Whoosh is pinned below 2.8 (pyproject.toml), but our segment reader and writer
(segments.py, segblocks.py, segwriter.py, termhash.py, live.py, store.py) use some of
its private names for speed. Each is exercised here on real objects, so an upgrade
that renames one fails in this file first, naming it, rather than somewhere inside a
rebuild or a query.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.util.numeric import _length_byte_cache, byte_to_length, length_to_byte
from whoosh.util.numlists import GrowableArray

from searchsvc.segblocks import length_bytes
from searchsvc.store import IndexDir


@pytest.fixture
def live(built_index: Path) -> Path:
    store = IndexDir(built_index)
    return store.generation_path(store.pointer().generation)


def test_toc_latest_generation_and_segments(live: Path):  # live.py, segwriter.py, store.py, indexer.py
    storage = FileStorage(str(live), readonly=True)
    generation = TOC._latest_generation(storage, "MAIN")
    assert isinstance(generation, int) and (live / f"_MAIN_{generation}.toc").is_file()
    ix = whoosh_index.open_dir(str(live))
    segments = ix._segments()
    assert segments and all((live / seg.make_filename(".pst")).is_file() for seg in segments)
    assert all(seg.segment_id().startswith("MAIN_") and seg.segid in seg.segment_id() for seg in segments)
    ix.close()


def test_segment_reader_parts(live: Path):  # segments.py
    storage = FileStorage(str(live), readonly=True)
    toc = TOC.read(storage, "MAIN")
    reader = SegmentReader(storage, toc.schema, toc.segments[0], generation=toc.generation)
    assert reader._storage.folder == str(live)
    assert isinstance(reader._perdoc._readers, dict) and callable(reader._perdoc.column_reader)
    assert hasattr(reader._terms, "_tindex")
    reader.close()


def test_field_writer_parts(tmp_path: Path):  # segblocks.py, segwriter.py
    storage = FileStorage(str(tmp_path))
    codec = W3Codec()
    fw = codec.field_writer(storage, codec.new_segment(storage, "MAIN"))
    assert callable(fw._postfile.tell) and callable(fw._postfile.write)
    assert hasattr(fw, "_tindex")
    fw.close()


def test_length_byte_table_and_growable_array():  # segblocks.py, segments.py, termhash.py
    # The table maps a length byte to its length; our vectorised length_to_byte searches it.
    assert list(_length_byte_cache) == [byte_to_length(b) for b in range(256)]
    lengths = np.arange(0, 120_000, 7)
    assert length_bytes(lengths, none_is_zero=False).tolist() == [length_to_byte(int(n)) for n in lengths]
    grow = GrowableArray()
    grow.append(1)
    grow._retype(1 << 40)  # widens the type code to hold it
    grow.append(1 << 40)
    assert list(grow.array) == [1, 1 << 40] and isinstance(grow.typecode, str)
