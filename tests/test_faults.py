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
from searchsvc.indexer import rebuild
from searchsvc.settings import Settings
from searchsvc.store import IndexDir
from searchsvc.writer import IndexWriter

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


# Damaged files (gone or garbled, and not changing): a clear IndexDamagedError from readers and
# writers alike, not "busy, try again" forever nor a Whoosh exception.
DAMAGE = [
    ("table of contents deleted", "*.toc", None, "table of contents"),
    ("table of contents garbled", "*.toc", b"garbage" * 10, "table of contents"),
    ("term file garbled", "*.trm", b"garbage" * 10, "Unknown file header"),
    ("postings deleted", "*.pst", None, "missing file"),
]


@pytest.mark.parametrize("what, pattern, content, says", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_a_damaged_index_is_named_damaged(fresh_index: Path, corpus_file: Path, what, pattern, content, says):
    from searchsvc.errors import IndexDamagedError

    folder = fresh_index / IndexDir(fresh_index).pointer().generation
    for f in folder.glob(pattern):
        f.unlink() if content is None else f.write_bytes(content)
    with pytest.raises(IndexDamagedError, match=says) as exc:
        SearchEngine(fresh_index).search("putin")
    assert "rebuild it" in str(exc.value)
    if pattern != "*.pst":  # the writer reads no postings before it writes
        with pytest.raises(IndexDamagedError, match="nothing was written"):
            IndexWriter(fresh_index).put([Document.from_record({"id": "n1", "title": "Quokka"})])
    rebuild(fresh_index, [corpus_file])  # what the message says to do
    assert SearchEngine(fresh_index).search("putin").total


@pytest.mark.parametrize("pattern, at, garbage", [
    ("*.published.col", 16, b"\x7f" * 8),   # OverflowError from the column's values
    ("*._stored.col", 40, b"\xff" * 64),    # zlib.error from the stored fields
    ("*.trm", None, None),                  # cut to half its size: opening seeks before the start (EINVAL)
])
def test_garbled_or_cut_files_are_damage_not_an_internal_error(fresh_index: Path, pattern: str, at: int | None,
                                                                garbage: bytes | None):
    from searchsvc.errors import IndexDamagedError

    folder = fresh_index / IndexDir(fresh_index).pointer().generation
    for f in folder.glob(pattern):  # same size, other bytes: found only when read (an adversarial review)
        if garbage is None:
            os.truncate(f, f.stat().st_size // 2)
            continue
        with open(f, "r+b") as fh:
            fh.seek(at)
            fh.write(garbage)
    with pytest.raises(IndexDamagedError, match="rebuild it"), SearchEngine(fresh_index) as e:
        e.search("putin")
        e.get("a1")


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


# -- SIGKILL at random points ----------------------------------------------------------

import contextlib  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from whoosh import index as whoosh_index  # noqa: E402

from searchsvc import indexer  # noqa: E402

from .corpus import articles, write_corpus  # noqa: E402

TRIALS = 24  # per operation: half at a random time, half at a random I/O boundary
IO_CALLS = ("fsync", "rename", "replace")
FAULT_QUERIES = [*QUERIES, ("market oil", "relevance"), ("syn*", "relevance"), ("okapi", "relevance")]


@dataclass(frozen=True)
class KillPoint:
    delay: float | None = None      # seconds after the start, or
    io_call: int | None = None      # the n-th os.fsync/rename/replace of the process,
    after: bool = False             # killed just before it, or just after it returned

    def __str__(self) -> str:
        if self.delay is not None:
            return f"at {self.delay * 1000:.0f} ms"
        return f"{'after' if self.after else 'before'} I/O call #{self.io_call}"


def _count_io(counter: list[int], kill: KillPoint | None) -> None:
    """Wrap os.fsync/rename/replace in this process: count them, SIGKILL at ``kill``."""
    me = os.getpid()
    for name in IO_CALLS:
        real = getattr(os, name)

        def wrapped(*args, _real=real, **kwargs):
            if os.getpid() != me:  # a rebuild's worker process: not the indexer
                return _real(*args, **kwargs)
            counter[0] += 1
            if kill and kill.io_call == counter[0] and not kill.after:
                os.kill(me, signal.SIGKILL)
            result = _real(*args, **kwargs)
            if kill and kill.io_call == counter[0] and kill.after:
                os.kill(me, signal.SIGKILL)
            return result

        setattr(os, name, wrapped)


def run_killed(operation, kill: KillPoint | None) -> tuple[str, int]:
    """Run ``operation`` in a forked process killed at ``kill``: ('killed'|'finished', I/O calls made)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the indexer
        os.close(read)
        code = 0
        try:
            counter = [0]
            _count_io(counter, kill)
            operation()
            os.write(write, str(counter[0]).encode())
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    if kill is not None and kill.delay is not None:
        time.sleep(kill.delay)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    calls = os.read(read, 100)
    os.close(read)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return "killed", 0
    assert os.WEXITSTATUS(status) == 0, "the operation failed by itself"
    return "finished", int(calls)


def kill_points(operation, rng: random.Random, trials: int) -> list[KillPoint]:
    """Half at random times within a clean run's duration (the fastest of three: later runs are
    warmer), half at random I/O boundaries of it."""
    durations = []
    for _ in range(3):
        started = time.monotonic()
        outcome, calls = run_killed(operation, None)
        durations.append(time.monotonic() - started)
        assert outcome == "finished" and calls >= 3
    duration = min(durations)
    timed = [KillPoint(delay=rng.uniform(0.0, duration)) for _ in range(trials // 2)]
    # Half the I/O points anywhere, half among the last six calls (the switch and the clean-up).
    n_io = trials - trials // 2
    io = [KillPoint(io_call=rng.randint(1, calls), after=rng.random() < 0.5) for _ in range(n_io - n_io // 2)]
    io += [KillPoint(io_call=rng.randint(max(1, calls - 5), calls), after=rng.random() < 0.5) for _ in range(n_io // 2)]
    return timed + io


def _diff(live: list, before: list, after: list) -> str:
    """The first query whose answer is neither the old nor the new one, for the failure message."""
    for (q, s), got, old, new in zip(FAULT_QUERIES, live, before, after):
        if got != old and got != new:
            return f"{q!r} ({s}) answered {got!r:.400}; old {old!r:.400}; new {new!r:.400}"
    return "?"


def answers(path: Path, engine: SearchEngine | None = None) -> list:
    with (engine or SearchEngine(path)) if engine is None else _keep(engine) as e:
        return [page(e.search(q, sort=s, limit=20)) for q, s in FAULT_QUERIES]


class _keep:
    """Use a long-lived engine in a with-block without closing it."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine

    def __enter__(self) -> SearchEngine:
        return self.engine

    def __exit__(self, *exc: object) -> None:
        pass


def assert_sound(path: Path) -> int:
    """Open the live generation with Whoosh itself and read every stored document."""
    store = IndexDir(path)
    ix = whoosh_index.open_dir(str(store.generation_path(store.pointer().generation)))
    with ix.searcher() as s:
        docs = list(s.all_stored_fields())
        assert len(docs) == ix.doc_count() == len({d["id"] for d in docs})
    return len(docs)


def no_holders(lock: Path, within: float = 5.0) -> bool:
    """True once no process has ``lock`` open (polled for at most ``within`` seconds)."""
    deadline = time.monotonic() + within
    target = str(lock)
    while True:
        holders = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
                if any(os.readlink(f"/proc/{pid}/fd/{fd}") == target for fd in fds):
                    holders.append(pid)
            except OSError:
                continue
        if not holders:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


@pytest.mark.slow
def test_a_killed_parallel_rebuild_leaves_no_worker_behind_holding_its_lock(
        tmp_path: Path, fault_sources: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch):
    # Before: the rebuild's worker processes, forked while it held rebuild.lock, outlived it
    # (blocked on their result pipe) and kept the lock: every later rebuild was refused.
    import subprocess

    _, new_source = fault_sources
    monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)
    ix = tmp_path / "ix"
    pid = os.fork()
    if pid == 0:
        try:
            rebuild(ix, [new_source])
        finally:
            os._exit(0)
    workers: list[str] = []
    deadline = time.monotonic() + 30
    while not workers and time.monotonic() < deadline:
        workers = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        time.sleep(0.01)
    assert workers, "the rebuild started no worker process"
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    try:
        assert no_holders(ix / "rebuild.lock")
    finally:
        for worker in workers:  # if they outlived it, do not leave them behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(worker), signal.SIGKILL)
    report = rebuild(ix, [new_source])
    assert report.documents == 600 and not list(ix.glob(".build-*"))


@pytest.fixture(scope="module")
def fault_sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("faults")
    from .conftest import write_jsonl

    old = write_jsonl(base / "old.jsonl", CORPUS)
    # Two files: with indexer.PARALLEL_MIN_BYTES = 0 the rebuild runs worker processes.
    new = base / "new"
    write_corpus(new / "a.jsonl", 300, seed=5, prefix="syna")
    write_corpus(new / "b.jsonl", 300, seed=6, prefix="synb")
    return old, new


def _baseline(tmp: Path, old_source: Path) -> Path:
    """An index of the old sources with API writes in its journal (puts, a replacement, a delete)."""
    ix = tmp / "baseline"
    rebuild(ix, [old_source])
    w = IndexWriter(ix)
    w.put([Document.from_record({"id": "api1", "title": "Okapi sighting", "body": "An okapi near the market."}),
           Document.from_record({"id": "a3", "title": "Tariffs replaced", "body": "Okapi tariffs."})])
    w.delete(["a6"])
    return ix


@pytest.mark.slow
def test_sigkill_at_random_points_of_a_rebuild(tmp_path: Path, fault_sources: tuple[Path, Path],
                                               monkeypatch: pytest.MonkeyPatch):
    old_source, new_source = fault_sources
    monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)  # worker processes too (2 on this machine)
    baseline = _baseline(tmp_path, old_source)
    before = answers(baseline)
    complete = tmp_path / "complete"
    shutil.copytree(baseline, complete)
    rebuild(complete, [new_source])
    after = answers(complete)
    assert before != after
    counts = {"old": assert_sound(baseline), "new": assert_sound(complete)}
    ix = tmp_path / "ix"
    shutil.copytree(baseline, ix)
    points = kill_points(lambda: rebuild(ix, [new_source]), random.Random(20240601), TRIALS)
    outcomes: Counter = Counter()
    for point in points:
        shutil.rmtree(ix)
        shutil.copytree(baseline, ix)
        serving = SearchEngine(ix)  # a service worker, opened before the rebuild
        serving.search("", limit=1)
        outcome, _ = run_killed(lambda: rebuild(ix, [new_source]), point)
        assert no_holders(ix / "rebuild.lock"), f"killed {point}: rebuild.lock still held"
        live = answers(ix)  # a fresh reader
        state = "old" if live == before else "new" if live == after else "corrupt"
        outcomes[(outcome, state)] += 1
        assert state != "corrupt", (f"killed {point}: neither the old nor the complete new index: "
                                    f"{_diff(live, before, after)}")
        assert answers(ix, serving) == live, f"killed {point}: a serving reader disagrees with a fresh one"
        assert assert_sound(ix) == counts[state]
        # No clean-up by hand: the locks were released by the kernel; the next rebuild
        # removes the leftovers and succeeds; writes work.
        IndexWriter(ix, Settings({"lock_timeout": 0}, environ={})).put(
            [Document.from_record({"id": "next", "title": "Next write", "body": "quokka"})])
        rebuild(ix, [old_source])
        assert not list(ix.glob(".build-*")) and not list(ix.glob(".CURRENT.*"))
        assert len(IndexDir(ix).generations()) == 2
        with SearchEngine(ix) as e:
            assert e.search("quokka").total == 1 and e.search("okapi").total == 2  # the journal, re-applied
            assert e.search("tariffs", limit=1).hits[0].id == "a3" and e.search("rallied").total == 0
        serving.close()
    killed = sum(n for (outcome, _), n in outcomes.items() if outcome == "killed")
    assert killed >= TRIALS * 3 // 4, outcomes
    assert outcomes[("killed", "old")] >= 5, outcomes  # killed before the switch: the old one serves
    print(f"\nrebuild kill trials: {dict(outcomes)}")


@pytest.mark.slow
def test_sigkill_at_random_points_of_an_incremental_commit(tmp_path: Path, fault_sources: tuple[Path, Path]):
    old_source, _ = fault_sources
    baseline = _baseline(tmp_path, old_source)
    batch = [Document.from_record(r) for r in articles(200, seed=9, prefix="bat")]
    batch.append(Document.from_record({"id": "a1", "title": "Okapi replaces Putin", "body": "okapi"}))
    before = answers(baseline)
    complete = tmp_path / "complete"
    shutil.copytree(baseline, complete)
    IndexWriter(complete).put(batch)
    after = answers(complete)
    assert before != after
    counts = {"old": assert_sound(baseline), "new": assert_sound(complete)}
    ix = tmp_path / "ix"
    shutil.copytree(baseline, ix)
    points = kill_points(lambda: IndexWriter(ix).put(batch), random.Random(20240602), TRIALS)
    outcomes: Counter = Counter()
    for point in points:
        shutil.rmtree(ix)
        shutil.copytree(baseline, ix)
        serving = SearchEngine(ix)
        serving.search("", limit=1)
        outcome, _ = run_killed(lambda: IndexWriter(ix).put(batch), point)
        live = answers(ix)
        state = "old" if live == before else "new" if live == after else "corrupt"
        outcomes[(outcome, state)] += 1
        assert state != "corrupt", f"killed {point}: neither before nor after the commit"
        # A reader opened before may not have noticed a commit that was not announced (CURRENT
        # not bumped yet): it answers the old state or the new one, never a mix.
        assert answers(ix, serving) in (before, after), f"killed {point}: serving reader mixed"
        assert assert_sound(ix) == counts[state]
        # The next write needs no clean-up; a rebuild then re-applies the journal: the killed
        # batch is there entirely (its journal line was complete) or not at all.
        IndexWriter(ix, Settings({"lock_timeout": 0}, environ={})).put(
            [Document.from_record({"id": "next", "title": "Next write", "body": "quokka"})])
        with SearchEngine(ix) as e:
            assert e.search("quokka").total == 1
        rebuild(ix, [old_source])
        with SearchEngine(ix) as e:
            assert e.search("quokka").total == 1
            present = e.search("bat*", limit=0).total
            assert present in (0, 200), f"killed {point}: {present} of the batch after the rebuild"
            if present:
                assert e.get("a1").title == "Okapi replaces Putin"
        serving.close()
    killed = sum(n for (outcome, _), n in outcomes.items() if outcome == "killed")
    assert killed >= TRIALS * 3 // 4, outcomes
    assert outcomes[("killed", "old")] >= 3 and outcomes[("killed", "new")] + outcomes[("finished", "new")] >= 1
    print(f"\ncommit kill trials: {dict(outcomes)}")


# -- a full or read-only disk --------------------------------------------------------

import errno  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import falcon.testing  # noqa: E402

from searchsvc.errors import IndexWriteError, RebuildError  # noqa: E402
from searchsvc.journal import Journal  # noqa: E402
from searchsvc.web import create_app  # noqa: E402


class SmallDisk:
    """A tmpfs of a few MB mounted for one test (needs root)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def mount(self, size: str, *options: str) -> None:
        opts = ",".join((f"size={size}", *options))
        subprocess.run(["mount", "-o", f"remount,{opts}", str(self.path)], check=True, capture_output=True)

    def free(self) -> int:
        st = os.statvfs(self.path)
        return st.f_bavail * st.f_frsize

    def fill(self, leave: int) -> Path:
        """Take all free space but ``leave`` bytes (rounded to blocks)."""
        filler = self.path / f"filler-{leave}"
        with open(filler, "wb") as f:
            f.write(b"\0" * max(self.free() - leave, 0))
        return filler


@pytest.fixture
def small_disk(tmp_path: Path):
    if os.geteuid() != 0:
        pytest.skip("a real small file system needs root to mount a tmpfs (the OS-call tests still run)")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield SmallDisk(mnt)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def intact(ix: Path, generation: str, expected: list) -> None:
    assert IndexDir(ix).pointer().generation == generation
    assert answers(ix) == expected
    assert not list(ix.glob(".build-*"))


@pytest.mark.slow
def test_a_disk_that_fills_up_during_a_rebuild(small_disk: SmallDisk, fault_sources: tuple[Path, Path]):
    old_source, new_source = fault_sources
    ix = small_disk.path / "ix"
    results: Counter = Counter()
    # The old generation takes ~0.1 MB and the new one ~3.1 MB (measured on tmpfs): the disk
    # runs out at different steps of the rebuild (segments, vocabulary, table of contents, replay).
    for size_kb in (400, 800, 1200, 1600, 2000, 2400, 2800, 3200, 4800, 6400):
        shutil.rmtree(ix, ignore_errors=True)
        small_disk.mount("8m")
        _baseline_at(ix, old_source)
        expected, generation = answers(ix), IndexDir(ix).pointer().generation
        small_disk.mount(f"{size_kb}k")
        try:
            rebuild(ix, [new_source])
            results["fitted"] += 1
            assert not list(ix.glob(".build-*"))
            continue
        except RebuildError as e:
            assert "disk full while writing the index" in str(e)
            assert f"the live generation {generation} is unchanged" in str(e)
            results["disk full"] += 1
        intact(ix, generation, expected)
        # Room again: the next rebuild needs no clean-up, and the API writes survive it.
        small_disk.mount("8m")
        rebuild(ix, [new_source])
        with SearchEngine(ix) as e:
            assert e.search("okapi").total == 2 and e.info()["documents"] == 602  # 600 + api1 + a3
    assert results["disk full"] >= 6 and results["fitted"] >= 1, results
    print(f"\nrebuilds on a small disk: {dict(results)}")


def _baseline_at(ix: Path, old_source: Path) -> None:
    rebuild(ix, [old_source])
    w = IndexWriter(ix)
    w.put([Document.from_record({"id": "api1", "title": "Okapi sighting", "body": "An okapi near the market."}),
           Document.from_record({"id": "a3", "title": "Tariffs replaced", "body": "Okapi tariffs."})])
    w.delete(["a6"])


def _big_doc(doc_id: str) -> Document:
    rng = random.Random(doc_id)
    body = " ".join(f"w{rng.randrange(10**9)}" for _ in range(3000))  # ~35 KB of distinct words
    return Document.from_record({"id": doc_id, "title": f"Heavy {doc_id}", "body": body, "people": [], "dates": []})


@pytest.mark.slow
def test_api_writes_on_a_full_disk_fail_clearly_and_are_never_replayed(small_disk: SmallDisk, corpus_file: Path):
    # Before: the PUT got a 500, yet when the disk filled up between the journal append and the
    # commit, the complete journal line made the next rebuild publish the refused document.
    ix = small_disk.path / "ix"
    rebuild(ix, [corpus_file])
    client = falcon.testing.TestClient(create_app(Settings({"index": str(ix), "api_key": "k"}, environ={})))
    auth = {"Authorization": "Bearer k"}
    entry = len(json.dumps({"op": "put", "doc": _big_doc("h0").to_record()})) + 1
    outcomes: Counter = Counter()
    accepted = []
    # Its journal entry takes ~33 KB and its segment ~650 KB (measured): leave room for neither, for
    # the journal entry but not the segment (the case that was replayed), and for both.
    for i, slack in enumerate([0, entry // 2, entry + 4096, 4 * entry, 8 * entry, 12 * entry, 16 * entry,
                               40 * entry, 60 * entry]):
        doc = _big_doc(f"h{i}")
        filler = small_disk.fill(slack)
        before = (ix / "journal.jsonl").read_bytes() if (ix / "journal.jsonl").exists() else b""
        r = client.simulate_put(f"/documents/{doc.id}", json=doc.to_record(), headers=auth)
        if r.status_code == 201:
            outcomes["written"] += 1
            accepted.append(doc.id)
        else:
            assert r.status_code == 503, r.text
            err = r.json["error"]
            assert err["code"] == "index_unwritable" and r.headers["retry-after"] == "5"
            assert "disk full" in err["message"] and "was not applied" in err["message"]
            # Nothing of the refused write stays in the journal (so no rebuild will apply it).
            assert (ix / "journal.jsonl").read_bytes() == before
            outcomes["refused"] += 1
        filler.unlink()
        assert client.simulate_get("/search", params={"q": "putin"}).json["total"] == 2
    assert outcomes["refused"] >= 3 and outcomes["written"] >= 2, outcomes
    print(f"\nAPI writes on a full disk: {dict(outcomes)}")
    # Writes work again without clean-up, and a rebuild publishes exactly the accepted ones.
    assert client.simulate_put("/documents/after", json={"title": "After okapi"}, headers=auth).status_code == 201
    rebuild(ix, [corpus_file])
    with SearchEngine(ix) as e:
        assert {h.id for h in e.search("heavy", limit=100).hits} == set(accepted)
        assert e.search("after okapi").total == 1


@pytest.mark.slow
def test_a_read_only_file_system(small_disk: SmallDisk, corpus_file: Path, fault_sources: tuple[Path, Path]):
    ix = small_disk.path / "ix"
    _baseline_at(ix, corpus_file)
    expected, generation = answers(ix), IndexDir(ix).pointer().generation
    client = falcon.testing.TestClient(create_app(Settings({"index": str(ix), "api_key": "k"}, environ={})))
    small_disk.mount("8m", "ro")
    try:
        with pytest.raises(RebuildError, match=r"Read-only file system.*the live generation gen-\d+ is unchanged"):
            rebuild(ix, [fault_sources[1]])
        with pytest.raises(IndexWriteError, match=r"Read-only file system.*was not applied"):
            IndexWriter(ix).put([Document.from_record({"id": "ro", "title": "Read-only"})])
        r = client.simulate_put("/documents/ro", json={"title": "Read-only"}, headers={"Authorization": "Bearer k"})
        assert r.status_code == 503 and r.json["error"]["code"] == "index_unwritable"
        assert client.simulate_get("/search", params={"q": "putin"}).json["total"] == 2  # reading goes on
        assert answers(ix) == expected
    finally:
        small_disk.mount("8m", "rw")
    intact(ix, generation, expected)
    rebuild(ix, [fault_sources[1]])
    assert client.simulate_put("/documents/rw", json={"title": "Writable okapi"},
                               headers={"Authorization": "Bearer k"}).status_code == 201


# Without root: the same failures injected where the OS reports them.

def _failing_io(monkeypatch: pytest.MonkeyPatch, at: int, code: int) -> list[int]:
    counter = [0]
    for name in IO_CALLS:
        real = getattr(os, name)

        def failing(*args, _real=real, **kwargs):
            counter[0] += 1
            if counter[0] == at:
                raise OSError(code, os.strerror(code))
            return _real(*args, **kwargs)

        monkeypatch.setattr(os, name, failing)
    return counter


@pytest.mark.slow
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EIO])
def test_every_io_call_of_a_rebuild_and_a_write_failing(tmp_path: Path, corpus_file: Path,
                                                        monkeypatch: pytest.MonkeyPatch, code: int):
    baseline = tmp_path / "baseline"
    _baseline_at(baseline, corpus_file)
    expected, generation = answers(baseline), IndexDir(baseline).pointer().generation
    ix = tmp_path / "ix"
    shutil.copytree(baseline, ix)
    with monkeypatch.context() as m:
        calls = _failing_io(m, 0, code)
        rebuild(ix, [corpus_file])
        rebuild_calls = calls[0]
        calls[0] = 0
        IndexWriter(ix).put([Document.from_record({"id": "w", "title": "Wombat"})])
        write_calls = calls[0]
    assert rebuild_calls >= 10 and write_calls >= 3
    failed = Counter()
    for at in range(1, rebuild_calls + 1):
        shutil.rmtree(ix)
        shutil.copytree(baseline, ix)
        with monkeypatch.context() as m:
            _failing_io(m, at, code)
            try:
                rebuild(ix, [corpus_file])
            except RebuildError as e:
                failed["rebuild"] += 1
                if f"the live generation {generation} is unchanged" in str(e):
                    intact(ix, generation, expected)
                else:  # failed after its switch (syncing the folder): says so, and the new one is whole
                    failed["after the switch"] += 1
                    live = IndexDir(ix).pointer().generation
                    assert f"the new generation {live} is live" in str(e) and live != generation
                    assert answers(ix) == expected  # the same sources: the same answers
        rebuild(ix, [corpus_file])  # and then it works, no clean-up
        assert answers(ix) == expected
    for at in range(1, write_calls + 1):
        shutil.rmtree(ix)
        shutil.copytree(baseline, ix)
        journal = Journal(ix).path.read_bytes()
        with monkeypatch.context() as m:
            _failing_io(m, at, code)
            try:
                IndexWriter(ix).put([Document.from_record({"id": "w", "title": "Wombat"})])
            except IndexWriteError as e:
                failed["write"] += 1
                assert e.applied is ("was not applied" not in str(e))  # what the message says, as a value
                if "was not applied" in str(e):
                    assert Journal(ix).path.read_bytes() == journal and answers(ix) == expected
        rebuild(ix, [corpus_file])
        with SearchEngine(ix) as e:
            assert e.search("wombat").total in (0, 1) and e.search("okapi").total == 2
    assert failed["rebuild"] >= rebuild_calls - 3 and failed["write"] >= 2, (failed, rebuild_calls, write_calls)
    assert 1 <= failed["after the switch"] <= 2, failed
    print(f"\n{errno.errorcode[code]} at each of {rebuild_calls} rebuild and {write_calls} write I/O calls: "
          f"{dict(failed)}")


def test_postings_garbled_under_a_serving_engine_are_damage_not_an_internal_error(fresh_index: Path):
    from searchsvc.errors import IndexDamagedError

    folder = fresh_index / IndexDir(fresh_index).pointer().generation
    with SearchEngine(fresh_index) as e:
        assert e.search("putin").total
        for pst in folder.glob("*.pst"):  # overwritten in place: the engine's map of it sees the garbage
            with open(pst, "r+b") as f:
                f.write(b"\0" * pst.stat().st_size)
        with pytest.raises(IndexDamagedError, match="rebuild it"):
            e.search("markets pipeline")


_PUT_UNDER_A_FILE_SIZE_LIMIT = """
import resource, sys
from searchsvc.document import Document
from searchsvc.writer import IndexWriter
writer = IndexWriter(sys.argv[1])
_, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), hard))  # Python ignores SIGXFSZ: EFBIG
kept = []
try:
    writer.put([Document.from_record({"id": "x1", "title": "Okapi", "body": "An okapi " * 10})])
    print("written")
except Exception as e:
    print(type(e).__name__, e)
    kept.append(e)  # as a server's error handling may: its frames hold the failed Whoosh writer
resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
writer.put([Document.from_record({"id": "x2", "title": "Wombat", "body": "A wombat."})])  # no lock left held
"""


def test_an_api_write_that_a_file_size_limit_cuts_off_fails_clearly(tmp_path: Path, corpus_file: Path):
    # A write past RLIMIT_FSIZE (as a full disk) fails inside Whoosh's commit, whose cancel then
    # failed on the files the commit had closed ("I/O operation on closed file"): a traceback from
    # the CLI, a 500 over HTTP. Every limit must give a written document or IndexWriteError.
    seen = Counter()
    for kb in (1, 2, 3, 4, 8, 64):
        ix = tmp_path / f"ix{kb}"
        rebuild(ix, [corpus_file])
        journal = (ix / "journal.jsonl").read_bytes() if (ix / "journal.jsonl").exists() else b""
        done = subprocess.run([sys.executable, "-c", _PUT_UNDER_A_FILE_SIZE_LIMIT, str(ix), str(kb * 1024)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr  # and the next write, with room again, went through
        out = done.stdout.strip()
        outcome = out.split()[0] if out else "nothing"
        seen[outcome] += 1
        assert outcome in ("written", "IndexWriteError"), out
        with SearchEngine(ix) as e:
            assert e.check()["ok"] and e.search("okapi").total == (outcome == "written")
            assert e.search("wombat").total == 1
        if outcome == "IndexWriteError":
            assert "File too large" in out and "the write was not applied" in out
            assert (ix / "journal.jsonl").read_bytes().startswith(journal)  # x1 is not in it, x2 is
            assert b'"x1"' not in (ix / "journal.jsonl").read_bytes()
    assert seen["IndexWriteError"] >= 1 and seen["written"] >= 1, seen
