"""Incremental writes: put, replace and delete by id, seen at once; a busy lock is a clear error.

How API writes survive a full rebuild is tested with rebuilds (test_indexer.py, test_journal.py).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.errors import IndexBusyError, IndexMissingError, InputError, QueryError
from searchsvc.store import IndexDir
from searchsvc.writer import IndexWriter

from .conftest import CORPUS
from .test_indexer import doc, search_ids


def test_incremental_put_update_delete(fresh_index: Path):
    w = IndexWriter(fresh_index)
    with SearchEngine(fresh_index) as e:
        assert e.search("quokka").total == 0
        w.put([Document.from_record(doc("n1", "quokka"))])
        assert [h.id for h in e.search("quokka").hits] == ["n1"]  # searchable as soon as put returns
        w.put([Document.from_record(doc("a1", "wombat"))])  # replaces a corpus document
        assert e.search("kremlin").total == 0 and e.get("a1").body.startswith("wombat")
        assert w.delete(["n1", "missing"]).existed == {"n1"}
        assert e.search("quokka").total == 0
        assert e.info()["documents"] == len(CORPUS) + 1 - 1 + 0


def test_writer_lock_timeout_is_a_clear_error(fresh_index: Path):
    store = IndexDir(fresh_index)
    with store.write_lock(1):
        w = IndexWriter(fresh_index)
        w.settings = w.settings.replace(lock_timeout=0.2)
        started = time.monotonic()
        with pytest.raises(IndexBusyError, match="another writer"):
            w.put([Document.from_record(doc("z"))])
        assert time.monotonic() - started >= 0.2
    assert search_ids(fresh_index, "alpha") == set()  # nothing half-written


def test_the_first_put_creates_the_index(tmp_path: Path):
    ix = tmp_path / "ix"
    result = IndexWriter(ix).put([Document.from_record(doc("n1", "quokka"))])
    assert result.ids == ("n1",) and result.created == 1
    store = IndexDir(ix)
    generation = store.pointer().generation
    meta = store.meta(generation)
    assert meta["documents"] == 0 and meta["skipped"] == 0  # what the empty generation was built with
    assert {"schema_version", "built_at"} <= meta.keys()
    assert search_ids(ix, "quokka") == {"n1"}


@pytest.mark.parametrize("docs, error, field", [
    ([Document(id="bad id/x", body="b")], InputError, "id"),
    ([Document(id="e")], InputError, "body"),                                  # no text
    ([Document(id="d", body="b", dates=("2025-13",))], InputError, "dates"),
    ([Document(id="p", body="b", people="Putin")], InputError, "people"),      # a str, not a list of names
    ([Document(id="ok", body="fine"), Document(id="n", body="b", section="s" * 500)], InputError, "section"),
    ([{"id": "x", "body": "a dict"}], QueryError, "docs"),
    (Document(id="x", body="one document, not a list"), QueryError, "docs"),
])
def test_a_bad_document_is_refused_before_anything_is_written(fresh_index: Path, docs, error, field):
    journal = fresh_index / "journal.jsonl"
    with pytest.raises(error) as caught:
        IndexWriter(fresh_index).put(docs)
    assert (caught.value.field if error is InputError else caught.value.param) == field
    assert not journal.exists() or journal.read_bytes() == b""  # every later rebuild would replay it
    assert search_ids(fresh_index, "fine") == set()


def test_deletes_take_a_list_of_valid_ids_and_need_an_index(tmp_path: Path, fresh_index: Path):
    with pytest.raises(QueryError, match="ids must be a list"):
        IndexWriter(fresh_index).delete("a1")  # not the ids "a" and "1"
    with pytest.raises(QueryError, match="id 'a/1'"):
        IndexWriter(fresh_index).delete(["a/1"])
    with pytest.raises(IndexMissingError):
        IndexWriter(tmp_path / "typo").delete(["a1"])
    assert not (tmp_path / "typo").exists()  # no empty index made for it


def test_people_and_dates_a_python_document_carries_are_kept(tmp_path: Path):
    ix = tmp_path / "ix"
    body = "Vladimir Putin met Xi Jinping on May 9, 2025."
    IndexWriter(ix).put([Document(id="p1", title="Summit", body=body, people=("Xi Jinping",), dates=("1999",)),
                         Document(id="p2", title="Summit", body=body)])
    with SearchEngine(ix) as e:
        kept, found = e.get("p1"), e.get("p2")
        assert (kept.people, kept.dates) == (("Xi Jinping",), ("1999",))  # as a JSON record's would be
        assert found.people == ("Vladimir Putin", "Xi Jinping") and found.dates == ("2025-05-09",)
        # get, edit, put back: the stored people and dates stay what they were
        IndexWriter(ix).put([replace(kept, title="Summit, revised")])
        e.refresh()
        again = e.get("p1")
        assert (again.title, again.people, again.dates) == ("Summit, revised", ("Xi Jinping",), ("1999",))


def test_an_api_only_index_is_compacted_by_a_rebuild_from_the_journal_alone(tmp_path: Path):
    from searchsvc.indexer import rebuild

    ix = tmp_path / "ix"
    writer = IndexWriter(ix)
    for i in range(5):  # the same article updated five times: five journal entries
        writer.put([Document(id="a", title=f"Okapi v{i}", body="An okapi."), Document(id=f"b{i}", title="Quokka")])
    writer.delete(["b0"])
    journal = ix / "journal.jsonl"
    assert len(journal.read_text().splitlines()) == 11
    with SearchEngine(ix) as e:
        before = sorted((h.id, h.title) for h in e.search("", limit=100).hits)
    rebuild(ix, [])  # the README's command
    assert len(journal.read_text().splitlines()) == 6  # one entry per id
    with SearchEngine(ix) as e:
        assert sorted((h.id, h.title) for h in e.search("", limit=100).hits) == before


@pytest.mark.parametrize("undo_fails", [False, True])
def test_a_failed_commit_says_whether_a_rebuild_may_still_apply_it(fresh_index: Path, monkeypatch, undo_fails: bool):
    import errno

    from whoosh.writing import SegmentWriter

    from searchsvc.errors import IndexWriteError

    journal = fresh_index / "journal.jsonl"

    def full_disk(self, *args, **kwargs):
        if undo_fails:  # the disk went read-only: the journal cannot be cut back either
            def read_only(*a, **k):
                raise OSError(errno.EROFS, "Read-only file system")
            monkeypatch.setattr("searchsvc.journal.open", read_only, raising=False)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "commit", full_disk)
    with pytest.raises(IndexWriteError) as caught:
        IndexWriter(fresh_index).put([Document(id="late", body="a write that failed")])
    message = str(caught.value)
    assert "disk full" in message and "the write was not applied" in message
    assert ("the next full rebuild may still apply it" in message) is undo_fails
    assert (journal.read_bytes() == b"") is not undo_fails


def test_an_interrupt_after_the_commit_went_live_keeps_its_journal_entry(fresh_index: Path, monkeypatch):
    # gunicorn's timeout handler raises SystemExit anywhere: after Whoosh renamed the new table of
    # contents into place, the write is live; undoing its journal entry left index and journal at odds
    # (the next rebuild would have dropped a document the index served).
    from whoosh.writing import SegmentWriter

    real = SegmentWriter.commit

    def commit_then_interrupt(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise SystemExit(1)

    monkeypatch.setattr(SegmentWriter, "commit", commit_then_interrupt)
    with pytest.raises(SystemExit):
        IndexWriter(fresh_index).put([Document(id="live", body="a write that went live")])
    monkeypatch.undo()
    assert b'"id":"live"' in (fresh_index / "journal.jsonl").read_bytes()
    assert search_ids(fresh_index, "went") == {"live"}


@pytest.mark.parametrize("moment", ["made", "created"])
def test_a_rebuild_starting_meanwhile_leaves_the_first_puts_new_index_alone(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          moment: str):
    # The first put into a new index builds an empty one in a .build-* folder under the write lock;
    # a rebuild starting then cleans up stale builds holding only its rebuild lock, and removed that
    # one too: "IndexWriteError: ... No such file or directory: '.../.build-...'".
    from whoosh.filedb.filestore import FileStorage

    ix = tmp_path / "ix"

    def rebuild_starts() -> None:
        store = IndexDir(ix)
        with store.rebuild_lock():
            store.clean()

    made, create_index = IndexDir.new_build_dir, FileStorage.create_index

    def new_build_dir(self: IndexDir) -> Path:
        build = made(self)
        if moment == "made":
            rebuild_starts()
        return build

    def created(self: FileStorage, *args, **kwargs):
        index = create_index(self, *args, **kwargs)
        if moment == "created":
            rebuild_starts()
        return index

    monkeypatch.setattr(IndexDir, "new_build_dir", new_build_dir)
    monkeypatch.setattr(FileStorage, "create_index", created)
    assert IndexWriter(ix).put([Document.from_record(doc("n1", "quokka"))]).created == 1
    assert search_ids(ix, "quokka") == {"n1"}
