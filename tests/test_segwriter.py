"""The bulk segment writer produces what Whoosh's own writer produces, and Whoosh can use it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import index
from whoosh.filedb.filestore import FileStorage

from searchsvc.document import Document
from searchsvc.schema import build_schema, whoosh_fields
from searchsvc.segwriter import BulkSegmentWriter, stable_order, write_toc

from .conftest import CORPUS

EXTRA = [
    Document(id="long", title="Long", body=" ".join(f"w{i % 37} rare{i}" for i in range(400)),
             people=("Ann Lee", "Bo Lee"), dates=("2020",)),
    Document(id="one", title="Single", body="common"),  # a one-word field: Whoosh's length byte 0
    *[Document(id=f"r{i}", title="Repeat", body="common common word " * (i % 5 + 1), section="S")
      for i in range(300)],  # a term with more than one 128-posting block, varied weights
]


def corpus() -> list[Document]:
    return [Document.from_record(r) for r in CORPUS] + EXTRA


def build_both(tmp_path: Path):
    a, b = tmp_path / "whoosh", tmp_path / "bulk"
    a.mkdir(), b.mkdir()
    ix = FileStorage(str(a)).create_index(build_schema())
    w = ix.writer(compound=False)
    for d in corpus():
        w.add_document(**whoosh_fields(d))
    w.commit(merge=False)
    storage = FileStorage(str(b))
    storage.create_index(build_schema())
    bw = BulkSegmentWriter(storage, build_schema())
    bw.add_all(corpus())
    write_toc(storage, build_schema(), [bw.finish()])
    return index.open_dir(str(a)).reader(), index.open_dir(str(b)).reader()


def term_stats(reader, field, term):
    info = reader.term_info(field, term)
    return (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight(),
            info.min_id(), info.max_id())


def test_same_terms_postings_positions_lengths_and_stored_fields(tmp_path: Path):
    whoosh_r, bulk_r = build_both(tmp_path)
    assert sorted(whoosh_r.indexed_field_names()) == sorted(bulk_r.indexed_field_names())
    checked = 0
    for field in whoosh_r.indexed_field_names():
        terms = list(whoosh_r.lexicon(field))
        assert terms == list(bulk_r.lexicon(field)), field
        for term in terms:
            assert term_stats(whoosh_r, field, term) == term_stats(bulk_r, field, term), (field, term)
            kind = "positions" if field in ("title", "body", "people") else "weight"
            assert list(whoosh_r.postings(field, term).items_as(kind)) == \
                list(bulk_r.postings(field, term).items_as(kind)), (field, term)
            checked += 1
    assert checked > 500
    for n in range(whoosh_r.doc_count_all()):
        assert whoosh_r.stored_fields(n) == bulk_r.stored_fields(n)
        for field in ("title", "body", "people"):
            assert whoosh_r.doc_field_length(n, field) == bulk_r.doc_field_length(n, field)
    assert whoosh_r.field_length("body") == bulk_r.field_length("body")
    for field in ("title", "body", "people"):
        assert whoosh_r.field_length(field) == bulk_r.field_length(field)
        assert whoosh_r.max_field_length(field) == bulk_r.max_field_length(field)
    for column in ("id", "published"):  # the sortable columns, document by document
        assert list(whoosh_r.column_reader(column)) == list(bulk_r.column_reader(column)), column


def test_whoosh_can_update_and_merge_a_bulk_segment(tmp_path: Path):
    _, bulk_r = build_both(tmp_path)
    bulk_r.close()
    ix = index.open_dir(str(tmp_path / "bulk"))
    w = ix.writer(compound=False)
    w.update_document(**whoosh_fields(Document(id="a1", title="Replaced", body="zanzibar")))
    w.commit(optimize=True)  # Whoosh reads every posting of the bulk segment to merge it
    with ix.searcher() as s:
        assert len(ix._segments()) == 1
        assert s.doc_count() == len(corpus())
        assert s.document(id="a1")["title"] == "Replaced"
        from whoosh.qparser import QueryParser

        hits = s.search(QueryParser("body", ix.schema).parse('"power of siberia"'))
        assert [h["id"] for h in hits] == []  # a1 was replaced
        hits = s.search(QueryParser("body", ix.schema).parse("common"), limit=None)
        assert len(hits) == 301  # the 300 "Repeat" documents and "one"


def test_zlib_stored_streams_decompress_to_their_data():
    import zlib

    from searchsvc.segcolumns import zlib_stored

    for size in (0, 1, 1000, 0xFFFF, 0xFFFF + 1, 200_000):
        data = bytes(range(256)) * (size // 256 + 1)
        data = data[:size]
        assert zlib.decompress(zlib_stored(data)) == data


def test_a_word_new_twice_in_one_text_is_one_word(tmp_path: Path):
    # It used to get two word ids, which split its count for did-you-mean's display words.
    storage = FileStorage(str(tmp_path))
    storage.create_index(build_schema())
    bw = BulkSegmentWriter(storage, build_schema())
    bw.add_all([Document(id="z1", title="Zebras", body="zebra zebra Zebra crossing"),
                Document(id="z2", title="More", body="zebra")])
    bw.finish()
    words = bw.word_counts()
    assert words["zebra"] == ("zebra", 4)
    assert words["crossing"] == ("cross", 1)
    assert words["zebras"] == ("zebra", 1)


@pytest.mark.parametrize("n_keys", [1, 300, 1 << 16, (1 << 16) + 1, 5_000_000])
def test_stable_order_is_numpys_stable_argsort(n_keys: int):
    rng = np.random.default_rng(n_keys)
    keys = rng.integers(0, n_keys, 20_000)
    keys[:50] = n_keys - 1  # the largest key, repeated: ties keep their order
    assert np.array_equal(stable_order(keys, n_keys), np.argsort(keys, kind="stable"))
