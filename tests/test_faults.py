"""Faults: files removed under readers, writers killed at random points, a full or read-only disk.

* Index files vanish under a serving reader all the time: a commit removes the
  previous table of contents and the segments it merged, a rebuild removes
  generations older than the previous one. Readers must retry or keep serving
  from what they opened, never fail or answer from half-missing columns.
* SIGKILL a rebuild, and an incremental commit, at seeded random points (>= 20
  trials each): the previous state keeps serving with identical results, nothing
  is corrupt (open, search, compare), and the next rebuild or write succeeds
  without manual clean-up.
* A disk that fills up, or a read-only one, during a rebuild: a clear error and
  the old generation intact (real small filesystems when the machine allows).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.indexer import IndexWriter, rebuild
from searchsvc.settings import Settings
from searchsvc.store import IndexDir

from .conftest import CORPUS


def page(results) -> list[tuple]:
    """What a search answered, without its timing."""
    d = results.to_dict()
    return [d["total"], d["facets"], d["did_you_mean"], [(h["id"], h["score"], h["snippet"]) for h in d["hits"]]]


QUERIES = [("putin", "relevance"), ("markets", "relevance"), ("zebra crossing", "relevance"), ("", "newest"),
           ("dates:2025-05", "oldest"), ("power", "relevance")]


# -- files removed under a reader ------------------------------------------------------


def test_a_refresh_retries_when_a_commit_removes_the_table_of_contents_it_is_opening(
        fresh_index: Path, monkeypatch: pytest.MonkeyPatch):
    from whoosh.filedb.filestore import FileStorage

    engine = SearchEngine(fresh_index)
    engine.search("", limit=1)
    writer = IndexWriter(fresh_index)
    writer.put([Document.from_record({"id": "n1", "title": "Quokka one"})])  # CURRENT changed: refresh due
    real_open = FileStorage.open_file
    raced = []

    def open_file(self, name, **kwargs):
        if name.endswith(".toc") and not raced:
            raced.append(name)
            # Between finding the newest table of contents and opening it, a commit replaces it.
            writer.put([Document.from_record({"id": "n2", "title": "Quokka two"})])
        return real_open(self, name, **kwargs)

    monkeypatch.setattr(FileStorage, "open_file", open_file)
    assert {h.id for h in engine.search("quokka").hits} == {"n1", "n2"}
    assert raced and not (fresh_index / IndexDir(fresh_index).pointer().generation / raced[0]).exists()


def test_a_view_keeps_answering_the_same_after_its_generation_is_removed(fresh_index: Path, corpus_file: Path):
    # refresh_interval: the worker keeps its view a minute; two rebuilds meanwhile remove its generation.
    engine = SearchEngine(fresh_index, Settings({"refresh_interval": 60}, environ={}))
    engine.search("", limit=1)  # what a gunicorn worker does at start
    with SearchEngine(fresh_index) as reference:
        expected = [page(reference.search(q, sort=s)) for q, s in QUERIES]
    old = IndexDir(fresh_index).pointer().generation
    rebuild(fresh_index, [corpus_file])
    rebuild(fresh_index, [corpus_file])
    assert not (fresh_index / old).exists()
    # Before: field lengths and dates were read lazily from files now gone (Whoosh then
    # reports the column absent): every score and date changed silently; info() raised.
    assert [page(engine.search(q, sort=s)) for q, s in QUERIES] == expected
    assert engine.info()["documents"] == len(CORPUS)
    assert engine.view().generation == old
