"""The journal promise: an API write acknowledged with 2xx survives every later rebuild.

README, *Operations*: API writes are journalled before they are committed; a
full rebuild indexes its sources, then re-applies the whole journal, and writes
that arrive while a rebuild runs are applied to both the old and the new
generation. These tests land writes at each phase of a rebuild, in process and
deterministically (hooks on the rebuild's own steps), then check the live
generation, the previous one, and the next rebuild.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from searchsvc import indexer
from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.errors import InputError
from searchsvc.indexer import rebuild
from searchsvc.journal import Journal
from searchsvc.store import IndexDir
from searchsvc.writer import IndexWriter

from .conftest import CORPUS


def doc(doc_id: str, word: str = "quokka") -> Document:
    return Document.from_record({"id": doc_id, "title": f"Doc {doc_id}", "body": f"{word} {doc_id}",
                                 "people": [], "dates": []})


def ids(path: Path, generation: str | None = None) -> set[str]:
    """Every live id of the index (or of one of its generations)."""
    store = IndexDir(path)
    if generation:
        from whoosh import index as whoosh_index

        with whoosh_index.open_dir(str(store.generation_path(generation))).searcher() as s:
            return {f["id"] for f in s.all_stored_fields()}
    with SearchEngine(path) as e:
        return {h.id for h in e.search("*", limit=100).hits}


SOURCE_IDS = {r["id"] for r in CORPUS}


@pytest.fixture
def ix(tmp_path: Path, corpus_file: Path) -> Path:
    path = tmp_path / "ix"
    rebuild(path, [corpus_file])
    return path


def during(monkeypatch: pytest.MonkeyPatch, name: str, action) -> None:
    """Run ``action`` when the rebuild reaches ``indexer.<name>`` (then do that step)."""
    real = getattr(indexer, name)

    def hooked(*args, **kwargs):
        action()
        return real(*args, **kwargs)

    monkeypatch.setattr(indexer, name, hooked)


def test_a_torn_journal_tail_does_not_hide_writes_made_during_a_rebuild(ix: Path, corpus_file: Path,
                                                                        monkeypatch: pytest.MonkeyPatch):
    w = IndexWriter(ix)
    w.put([doc("before")])
    # A writer killed in the middle of its append leaves a torn line (never acknowledged) ...
    with open(ix / "journal.jsonl", "ab") as f:
        f.write(b'{"op":"put","doc":{"id":"torn","title":"Torn","bo')
    # ... the rebuild reads the journal, then an API write arrives (its append cuts the torn tail).
    during(monkeypatch, "_run_parts", lambda: w.put([doc("during")]))
    rebuild(ix, [corpus_file])
    assert ids(ix) == SOURCE_IDS | {"before", "during"}
    assert ids(ix) == ids(ix, IndexDir(ix).pointer().generation)
    monkeypatch.undo()
    rebuild(ix, [corpus_file])
    assert ids(ix) == SOURCE_IDS | {"before", "during"}


@pytest.mark.parametrize("step", ["_run_parts", "drop_duplicates", "write_toc", "write_vocabulary"])
def test_writes_landing_at_each_step_of_a_rebuild_survive_it_and_the_next(ix: Path, corpus_file: Path,
                                                                         monkeypatch: pytest.MonkeyPatch, step: str):
    w = IndexWriter(ix)
    w.put([doc("early"), doc("a1", "wombat")])  # a1 is also a source document: the API version wins
    w.delete(["a6"])
    old = IndexDir(ix).pointer().generation

    def writes():
        w.put([doc("mid"), doc("a2", "wombat")])
        w.delete(["a3", "early"])
        w.put([doc("gone")])
        w.delete(["gone"])

    during(monkeypatch, step, writes)
    rebuild(ix, [corpus_file])
    expected = (SOURCE_IDS - {"a6", "a3"}) | {"mid"}
    assert ids(ix) == expected
    # The writes were applied to the old generation too (it served until the switch).
    assert ids(ix, old) == expected
    with SearchEngine(ix) as e:
        assert {h.id for h in e.search("wombat").hits} == {"a1", "a2"}
        assert e.search("kremlin").total == 0  # a1's source text is gone
    monkeypatch.undo()
    for _ in range(2):
        rebuild(ix, [corpus_file])
        assert ids(ix) == expected


def test_a_write_waiting_for_the_lock_while_the_rebuild_switches_lands_in_the_new_generation(
        ix: Path, corpus_file: Path, monkeypatch: pytest.MonkeyPatch):
    w = IndexWriter(ix)
    done = threading.Event()
    errors: list[BaseException] = []

    def writer():
        try:
            w.put([doc("waiting")])
        except BaseException as e:
            errors.append(e)
        done.set()

    real_publish = IndexDir.publish

    def publish(self, build, **kwargs):
        t = threading.Thread(target=writer)
        t.start()
        done.wait(0.3)  # the writer is blocked on the write lock the rebuild holds
        assert not done.is_set()
        return real_publish(self, build, **kwargs)

    monkeypatch.setattr(IndexDir, "publish", publish)
    report = rebuild(ix, [corpus_file])
    assert done.wait(10) and not errors
    assert report.generation == IndexDir(ix).pointer().generation
    assert ids(ix) == SOURCE_IDS | {"waiting"}
    monkeypatch.undo()
    rebuild(ix, [corpus_file])
    assert ids(ix) == SOURCE_IDS | {"waiting"}


def test_writes_during_a_discarding_rebuild_are_kept(ix: Path, corpus_file: Path, monkeypatch: pytest.MonkeyPatch):
    """--discard-api-writes drops the writes made before it; one acknowledged while it runs is kept."""
    w = IndexWriter(ix)
    w.put([doc("old-api")])
    during(monkeypatch, "_run_parts", lambda: w.put([doc("during")]))
    report = rebuild(ix, [corpus_file], discard_api_writes=True)
    assert ids(ix) == SOURCE_IDS | {"during"}
    assert report.api_writes_applied == 1
    monkeypatch.undo()
    rebuild(ix, [corpus_file])
    assert ids(ix) == SOURCE_IDS | {"during"}
    assert [e.get("doc", {}).get("id") for e in Journal(ix).entries()] == ["during"]


def test_replaying_a_journal_with_a_torn_line_in_the_middle(ix: Path, corpus_file: Path):
    """Only the last line can be torn by a crash; a bad line elsewhere (disk damage) costs only itself."""
    w = IndexWriter(ix)
    w.put([doc("one")])
    with open(ix / "journal.jsonl", "ab") as f:
        f.write(b'{"op":"put","doc":{"id":"dam\n')
    w.put([doc("two")])
    lines = (ix / "journal.jsonl").read_bytes().splitlines()
    assert len(lines) == 3 and json.loads(lines[2])["doc"]["id"] == "two"
    report = rebuild(ix, [corpus_file])
    assert ids(ix) == SOURCE_IDS | {"one", "two"}
    # ... but not silently: before, the line was dropped without a word (and compacted away).
    assert report.warnings == [f"{ix / 'journal.jsonl'}:2: not a journal entry (damaged), copied to "
                               f"{ix / 'journal.damaged'}; the API write it held, if any, is not re-applied"]
    # ... nor for good: the compaction dropped the line, the side file keeps it for a reader
    assert (ix / "journal.damaged").read_bytes() == b'{"op":"put","doc":{"id":"dam\n'
    assert b"dam" not in (ix / "journal.jsonl").read_bytes()


def test_a_line_damaged_while_a_rebuild_runs_is_kept_too_and_only_once(ix: Path, corpus_file: Path,
                                                                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    w = IndexWriter(ix)
    w.put([doc("one")])

    def damage_and_write():  # a damaged line among the writes that arrive during the build
        with open(ix / "journal.jsonl", "ab") as f:
            f.write(b'{"op":"put","doc":{"id":"late-dam\n')
        w.put([doc("two")])

    during(monkeypatch, "_run_parts", damage_and_write)
    report = rebuild(ix, [corpus_file])
    monkeypatch.undo()
    assert ids(ix) == SOURCE_IDS | {"one", "two"}
    # Before: dropped by the compaction with no warning and no copy.
    assert len(report.warnings) == 1 and ":2: not a journal entry" in report.warnings[0]
    assert (ix / "journal.damaged").read_bytes() == b'{"op":"put","doc":{"id":"late-dam\n'
    # A rebuild that fails (a bad input) keeps the line in the journal; the next one does not copy it twice.
    with open(ix / "journal.jsonl", "ab") as f:
        f.write(b"{again\n")
    w.put([doc("three")])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    with pytest.raises(InputError):
        rebuild(ix, [corpus_file, bad])
    rebuild(ix, [corpus_file])
    assert (ix / "journal.damaged").read_bytes() == b'{"op":"put","doc":{"id":"late-dam\n{again\n'


@pytest.mark.parametrize("entry", [
    b'{"op":"put","doc":{"id":"bad id/x","body":"b"}}',   # what an unchecked Python put once journalled
    b'{"op":"put","doc":{"id":"e"}}',                      # no text
    b'{"op":"put"}',
    b'{"op":"delete"}',
])
def test_an_entry_that_cannot_be_replayed_is_named_and_a_discarding_rebuild_gets_past_it(
        ix: Path, corpus_file: Path, entry: bytes):
    IndexWriter(ix).put([doc("one")])
    with open(ix / "journal.jsonl", "ab") as f:
        f.write(entry + b"\n")
    with pytest.raises(InputError, match=r"journal\.jsonl:2: a journalled write cannot be replayed: .*"
                                         r"--discard-api-writes"):
        rebuild(ix, [corpus_file])
    assert ids(ix) == SOURCE_IDS | {"one"}  # the live generation is untouched
    rebuild(ix, [corpus_file], discard_api_writes=True)
    assert ids(ix) == SOURCE_IDS and not list(Journal(ix).entries())
