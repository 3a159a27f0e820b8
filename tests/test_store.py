from __future__ import annotations

import errno
import json
import threading
import time
from pathlib import Path

import pytest

from searchsvc.document import Document
from searchsvc.errors import IndexBusyError, IndexMissingError
from searchsvc.journal import Journal
from searchsvc.store import IndexDir, Pointer, file_lock


def test_pointer_roundtrip_and_stamp_changes(tmp_path: Path):
    store = IndexDir(tmp_path)
    with pytest.raises(IndexMissingError):
        store.pointer()
    (tmp_path / "gen-000004").mkdir()
    store.write_pointer(Pointer("gen-000004", 0))
    stamp = store.stamp()
    store.bump()
    assert store.pointer() == Pointer("gen-000004", 1) and store.stamp() != stamp


def test_damaged_pointer_falls_back_to_the_newest_generation(tmp_path: Path):
    (tmp_path / "CURRENT").write_text("garbage")
    with pytest.raises(IndexMissingError, match="damaged"):
        IndexDir(tmp_path).pointer()
    (tmp_path / "gen-000001").mkdir()
    (tmp_path / "gen-000002").mkdir()
    (tmp_path / "CURRENT").write_text("")  # cut short by a crash
    assert IndexDir(tmp_path).pointer() == Pointer("gen-000002", 0)
    (tmp_path / "CURRENT").write_text("gen-000009 3")  # points at a folder that is gone
    assert IndexDir(tmp_path).pointer() == Pointer("gen-000002", 0)


def test_clean_removes_stale_builds_and_old_generations(tmp_path: Path):
    store = IndexDir(tmp_path)
    for n in (1, 2, 3):
        (tmp_path / f"gen-00000{n}").mkdir()
    (tmp_path / ".build-abc").mkdir()
    store.write_pointer(Pointer("gen-000003", 0))
    assert sorted(store.clean()) == [".build-abc", "gen-000001"]
    assert store.generations() == ["gen-000002", "gen-000003"]


@pytest.mark.parametrize("writer_busy, age, removed", [
    (False, 0, True),     # a killed writer's pointer: no writer holds the lock, so it is a leftover
    (True, 0, False),     # a busy writer may be about to rename it
    (True, 3600, True),   # ... but not an hour later
])
def test_clean_removes_leftover_pointer_files(tmp_path: Path, writer_busy: bool, age: int, removed: bool):
    import os

    store = IndexDir(tmp_path)
    (tmp_path / "gen-000001").mkdir()
    store.write_pointer(Pointer("gen-000001", 0))
    tmp = tmp_path / ".CURRENT.4242.tmp"
    tmp.write_text("gen-000001 1\n")
    os.utime(tmp, (time.time() - age, time.time() - age))
    if writer_busy:
        with store.write_lock(0):
            store.clean()
    else:
        store.clean()
    assert tmp.exists() is not removed
    assert store.pointer() == Pointer("gen-000001", 0)


@pytest.mark.parametrize("writer_busy, age, removed", [
    (False, 0, True),     # a killed rebuild's or writer's build: nobody holds the write lock
    (True, 0, False),     # the first write into a new index builds its empty generation in one
    (True, 3600, True),   # ... but not for an hour
])
def test_clean_removes_only_builds_nobody_is_writing(tmp_path: Path, writer_busy: bool, age: int, removed: bool):
    import os

    store = IndexDir(tmp_path)
    build = tmp_path / ".build-abc"
    build.mkdir()
    os.utime(build, (time.time() - age, time.time() - age))
    if writer_busy:
        with store.write_lock(0):
            assert (".build-abc" in store.clean()) is removed
    else:
        assert store.clean() == [".build-abc"]
    assert build.exists() is not removed


def test_file_lock_excludes_and_times_out(tmp_path: Path):
    held = threading.Event()
    release = threading.Event()

    def holder():
        with file_lock(tmp_path / "l", 1, "busy"):
            held.set()
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    started = time.monotonic()
    with pytest.raises(IndexBusyError, match="busy"), file_lock(tmp_path / "l", 0.1, "busy"):
        pass
    assert time.monotonic() - started >= 0.1
    release.set()
    t.join()
    with file_lock(tmp_path / "l", 0, "busy"):
        pass


def test_journal_ignores_a_torn_last_line_and_compacts(tmp_path: Path):
    j = Journal(tmp_path)
    d = Document(id="1", title="t")
    j.append([{"op": "put", "doc": d.to_record()}, {"op": "delete", "id": "2"}])
    with open(j.path, "a") as f:
        f.write('{"op": "put", "doc": {"id": "3"')  # killed mid-write
    assert set(j.final_state()) == {"1", "2"}
    j.append([{"op": "delete", "id": "1"}])  # the torn tail is cut before appending
    lines = j.path.read_text().splitlines()
    assert all(json.loads(line) for line in lines) and len(lines) == 3
    assert j.final_state() == {"1": None, "2": None}
    assert j.compact() == 2 and len(j.path.read_text().splitlines()) == 2


def test_a_lost_pointer_serves_the_newest_generation_and_writes_go_into_it(fresh_index: Path):
    from searchsvc import SearchEngine
    from searchsvc.writer import IndexWriter

    (fresh_index / "CURRENT").unlink()
    store = IndexDir(fresh_index)
    assert store.exists() and store.pointer() == Pointer("gen-000001", 0)
    with SearchEngine(fresh_index) as e:
        before = e.info()["documents"]
    # Before: the write started an empty gen-000002 over it (201), hiding every document, and the
    # next two rebuilds deleted gen-000001.
    IndexWriter(fresh_index).put([Document(id="new1", body="hello")])
    assert store.generations() == ["gen-000001"] and store.pointer().generation == "gen-000001"
    with SearchEngine(fresh_index) as e:
        assert e.info()["documents"] == before + 1


def test_a_pointer_that_is_a_directory_is_damage_not_a_500(fresh_index: Path):
    from searchsvc import SearchEngine
    from searchsvc.errors import IndexDamagedError

    (fresh_index / "CURRENT").unlink()
    (fresh_index / "CURRENT").mkdir()
    with SearchEngine(fresh_index) as e, pytest.raises(IndexDamagedError, match="CURRENT is a directory"):
        e.search("oil")
    with pytest.raises(IndexDamagedError, match="CURRENT is a directory"):
        IndexDir(fresh_index).pointer()


def _read_only(monkeypatch: pytest.MonkeyPatch, error: int) -> None:
    """Every os.open for writing fails as on a read-only mount (EROFS) or another user's index
    (EACCES, EPERM): CI runs as root, where permission bits deny nothing."""
    import os

    real_open = os.open

    def open_for_reading_only(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(error, os.strerror(error), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_for_reading_only)


@pytest.mark.parametrize("error, lock_file", [
    (errno.EROFS, True), (errno.EACCES, True), (errno.EPERM, True),
    # a copy without write.lock (never written to, or the lock file left out): nothing can lock it
    (errno.EROFS, False), (errno.EACCES, False),
])
def test_check_runs_on_a_read_only_copy(fresh_index: Path, monkeypatch: pytest.MonkeyPatch, error: int,
                                        lock_file: bool):
    # The README's Backups section recommends checking a copy; on a read-only one the check failed
    # ("write.lock: Read-only file system", exit 1; a raw PermissionError from SearchEngine.check()).
    from searchsvc import SearchEngine

    if not lock_file:
        (fresh_index / "write.lock").unlink()
    _read_only(monkeypatch, error)
    with SearchEngine(fresh_index) as e:
        report = e.check()
    assert report["ok"] and report["files"] > 0
    assert (fresh_index / "write.lock").exists() is lock_file


def test_a_check_of_a_read_only_index_still_waits_for_its_writer(fresh_index: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    # flock needs no write access: read-only, the check still keeps out a writer of the original
    from searchsvc import SearchEngine, Settings

    with IndexDir(fresh_index).write_lock(0):
        _read_only(monkeypatch, errno.EROFS)
        with SearchEngine(fresh_index, Settings({"lock_timeout": 0.1})) as e, \
                pytest.raises(IndexBusyError, match="another writer"):
            e.check()
