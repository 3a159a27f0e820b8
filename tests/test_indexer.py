"""Rebuilds: parallel parts, duplicates, priorities, API writes kept across them, failures and signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from searchsvc import indexer, parts
from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.errors import InputError, RebuildError
from searchsvc.indexer import rebuild
from searchsvc.store import IndexDir
from searchsvc.writer import IndexWriter

from .conftest import CORPUS, write_jsonl


def doc(i: int | str, text: str = "alpha", **kw) -> dict:
    return {"id": str(i), "title": f"Doc {i}", "body": f"{text} body of document {i}", **kw}


def search_ids(path: Path, query: str) -> set[str]:
    with SearchEngine(path) as e:
        return {h.id for h in e.search(query, limit=100).hits}


def test_rebuild_publishes_a_new_generation_and_keeps_one_previous(tmp_path: Path):
    src = write_jsonl(tmp_path / "a.jsonl", [doc(1), doc(2)])
    ix = tmp_path / "ix"
    for expected in ("gen-000001", "gen-000002", "gen-000003"):
        assert rebuild(ix, [src]).generation == expected
    assert IndexDir(ix).generations() == ["gen-000002", "gen-000003"]
    assert search_ids(ix, "alpha") == {"1", "2"}


def test_a_bad_record_stops_the_rebuild_and_publishes_nothing(tmp_path: Path):
    ix = tmp_path / "ix"
    rebuild(ix, [write_jsonl(tmp_path / "good.jsonl", [doc(1)])])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(doc(2)) + "\n{broken\n" + json.dumps(doc(3)) + "\n")
    with pytest.raises(InputError) as exc:
        rebuild(ix, [bad])
    assert exc.value.line == 2 and "bad.jsonl" in str(exc.value)
    assert IndexDir(ix).pointer().generation == "gen-000001"
    assert search_ids(ix, "alpha") == {"1"}
    assert not list(ix.glob(".build-*"))


def test_skip_bad_goes_on_and_counts(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([json.dumps(doc(1)), "{broken", json.dumps({"id": "x", "title": " "}),
                              json.dumps(doc(1, "beta")), json.dumps(doc(2))]) + "\n")
    report = rebuild(tmp_path / "ix", [bad], skip_bad=True)
    assert (report.documents, report.skipped) == (2, 3)
    assert [e.line for e in report.errors] == [2, 3, 4]
    assert f"duplicate id (first seen at {bad}:1)" in str(report.errors[2])
    assert search_ids(tmp_path / "ix", "alpha") == {"1", "2"}  # the first "1" wins


def test_duplicates_across_parallel_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)
    enrich = parts.enrich

    def slow_enrich(d: Document) -> Document:
        # Workers take units as they come: without this, one worker could read both files before
        # the other started (the test failed about 1 time in 8), and no duplicate crossed parts.
        time.sleep(0.005)
        return enrich(d)

    monkeypatch.setattr(parts, "enrich", slow_enrich)
    a = write_jsonl(tmp_path / "a.jsonl", [doc(i) for i in range(50)])
    b = write_jsonl(tmp_path / "b.jsonl", [doc(i, "beta") for i in range(45, 60)])
    with pytest.raises(InputError, match="duplicate id"):
        rebuild(tmp_path / "ix", [a, b])
    report = rebuild(tmp_path / "ix", [a, b], skip_bad=True)
    assert report.documents == 60 and report.skipped == 5 and report.segments == 2
    assert search_ids(tmp_path / "ix", "beta") == {str(i) for i in range(50, 60)}


def test_a_duplicate_names_the_earliest_copy_whichever_worker_read_it(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)
    a = write_jsonl(tmp_path / "a.jsonl", [doc("x", "first"), doc(1)])
    b = write_jsonl(tmp_path / "b.jsonl", [doc("x", "second"), doc("x", "third"), doc(2)])
    # Two units for two workers: the one reading b.jsonl refuses its second "x" itself, and used
    # to name its own first copy (b.jsonl:1) rather than the earliest one (a.jsonl:1).
    report = rebuild(tmp_path / "ix", [a, b], skip_bad=True)
    assert report.documents == 3 and report.skipped == 2
    assert sorted((e.line, e.message) for e in report.errors) == [
        (1, f"duplicate id (first seen at {a}:1)"), (2, f"duplicate id (first seen at {a}:1)")]
    assert search_ids(tmp_path / "ix", "first") == {"x"} and not search_ids(tmp_path / "ix", "third")


@pytest.mark.parametrize("batch_docs, batch_chars", [(1, 10**9), (2, 10**9), (3, 10**9), (1000, 60), (1000, 10**9)])
def test_batches_of_any_size_build_the_same_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   batch_docs: int, batch_chars: int):
    monkeypatch.setattr(parts, "BATCH_DOCS", batch_docs)
    monkeypatch.setattr(parts, "BATCH_CHARS", batch_chars)
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join([json.dumps(doc(1)), json.dumps(doc(2, "Paul Volcker said on Monday")), "{broken",
                              json.dumps(doc(1, "beta")), json.dumps(doc(3)), json.dumps(doc(4, "gamma"))]) + "\n")
    with pytest.raises(InputError) as exc:
        rebuild(tmp_path / "ix", [src])
    assert exc.value.line == 3
    report = rebuild(tmp_path / "ix", [src], skip_bad=True)
    assert (report.documents, report.skipped, [e.line for e in report.errors]) == (4, 2, [3, 4])
    assert search_ids(tmp_path / "ix", "alpha") == {"1", "3"} and search_ids(tmp_path / "ix", "gamma") == {"4"}
    assert search_ids(tmp_path / "ix", 'people:"Paul Volcker"') == {"2"}


def test_a_batch_never_takes_records_of_the_next_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from searchsvc.loaders import Unit, plan

    monkeypatch.setattr(parts, "BATCH_DOCS", 2)
    a = write_jsonl(tmp_path / "a.jsonl", [doc(i) for i in range(3)])
    b = write_jsonl(tmp_path / "b.jsonl", [doc(i) for i in range(3, 4)])
    units = [u for u in plan([a, b]) if isinstance(u, Unit)]
    batches = [[(n, r.id) for n, r in batch] for batch in parts.batches(iter(enumerate(units)), 10**6)]
    assert batches == [[(0, "0"), (0, "1")], [(0, "2")], [(1, "3")]]


@pytest.mark.parametrize("nice", [0, 5])
def test_rebuild_workers_run_niced_and_the_caller_does_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           nice: int):
    from searchsvc.settings import Settings

    monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)
    seen = tmp_path / "niceness"
    enrich = parts.enrich

    def recording_enrich(d: Document) -> Document:  # runs in the forked workers
        # "/autogroup-N nice K"; empty in the root autogroup (a caller that never started a session, as in CI)
        group = Path("/proc/self/autogroup")
        group_nice = (group.read_text().split() or ["-"])[-1] if group.exists() else "-"
        with open(seen, "a") as f:
            f.write(f"{os.getpid()} {os.nice(0)} {os.getsid(0)} {group_nice}\n")
        return enrich(d)

    monkeypatch.setattr(parts, "enrich", recording_enrich)
    a = write_jsonl(tmp_path / "a.jsonl", [doc(i) for i in range(20)])
    b = write_jsonl(tmp_path / "b.jsonl", [doc(i) for i in range(20, 40)])
    before = os.nice(0)
    report = rebuild(tmp_path / "ix", [a, b], settings=Settings({"extract_workers": 2, "rebuild_nice": nice}))
    assert report.documents == 40
    workers = {line.split()[0]: line.split()[1:] for line in seen.read_text().splitlines()}
    assert str(os.getpid()) not in workers  # the documents were read in workers ...
    assert {int(w[0]) for w in workers.values()} == {min(before + nice, 19)}  # ... at the caller's nice + the setting
    sessions = {int(w[1]) for w in workers.values()}
    if nice:  # each in a session (so an autogroup) of its own, niced as well where there are autogroups
        assert len(sessions) == len(workers) and os.getsid(0) not in sessions
        assert {w[2] for w in workers.values()} <= {str(nice), "-"}
    else:
        assert sessions == {os.getsid(0)}
    assert os.nice(0) == before


def _as_nobody_then_niced(nice: int) -> None:
    import ctypes

    from searchsvc import worker_process

    if os.geteuid() == 0:  # root is never refused; nobody is, for 100 ms after each write machine-wide
        os.setgid(65534)
        os.setuid(65534)
        ctypes.CDLL(None).prctl(4, 1)  # PR_SET_DUMPABLE: setuid made /proc/self/* root's; make it ours again
    worker_process.lower_priority(nice)


def _autogroup(_: int) -> str:
    time.sleep(0.3)  # every worker gets a task
    return f"{os.getpid()} {Path('/proc/self/autogroup').read_text().strip()}"


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="no Linux autogroups here")
def test_workers_started_together_are_all_niced_without_privileges():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(3, mp_context=ctx, initializer=_as_nobody_then_niced, initargs=(10,)) as pool:
        groups = set(pool.map(_autogroup, range(6)))
    assert len(groups) == 3 and all(g.endswith(" nice 10") for g in groups), groups


def test_a_part_given_up_writes_no_segment(tmp_path: Path):
    from whoosh.filedb.filestore import FileStorage

    from searchsvc.loaders import plan
    from searchsvc.schema import build_schema

    (tmp_path / "build").mkdir()
    FileStorage(str(tmp_path / "build")).create_index(build_schema())
    units = list(enumerate(plan([write_jsonl(tmp_path / "a.jsonl", [doc(i) for i in range(5)])])))
    for stopped, segments in ((False, 1), (True, 0)):
        part = parts.build_part(str(tmp_path / "build"), iter(units), set(), False, 10_000,
                                stopped=lambda s=stopped: s)
        assert len(part.segments) == segments and len(part.ids) == segments


def test_a_folder_of_many_files_is_built_in_parallel(tmp_path: Path):
    # More units than a pipe holds: a queue filled before the workers started used to block for good.
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(600):
        write_jsonl(folder / f"f{i:04d}.jsonl", [doc(i)])
    script = ("import sys\nfrom searchsvc import indexer\nfrom searchsvc.settings import Settings\n"
              "indexer.PARALLEL_MIN_BYTES = 0\n"
              "r = indexer.rebuild(sys.argv[1], [sys.argv[2]], settings=Settings({'extract_workers': 2}))\n"
              "print(r.documents, r.segments)")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "ix"), str(folder)], capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["600", "2"]


def test_a_worker_killed_from_outside_is_a_rebuild_error(tmp_path: Path, corpus_file: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture):
    # kill -9 of a worker (the OOM killer sends the same) gave a raw BrokenProcessPool traceback.
    from searchsvc.cli import main

    ix = tmp_path / "ix"
    rebuild(ix, [corpus_file])
    monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(indexer, "build_part", lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL))
    monkeypatch.setenv("SEARCHSVC_EXTRACT_WORKERS", "2")
    sources = [write_jsonl(tmp_path / f"{n}.jsonl", [doc(n)]) for n in range(3)]
    with pytest.raises(RebuildError, match=r"a rebuild worker process died \(killed by SIGKILL: out of memory, or "
                                           r"killed from outside\); nothing was published"):
        rebuild(ix, sources)
    assert main(["index", "--index", str(ix), "--quiet", *map(str, sources)]) == 1
    assert capsys.readouterr().err.startswith("error: a rebuild worker process died")
    assert IndexDir(ix).pointer().generation == "gen-000001" and not list(ix.glob(".build-*"))


@pytest.mark.parametrize("exitcodes, said", [
    ([-signal.SIGKILL, -signal.SIGTERM], "killed by SIGKILL: out of memory, or killed from outside"),
    # the pool sends SIGTERM to the workers left: the one that died says more
    ([3, -signal.SIGTERM, -signal.SIGTERM], "exit status 3"),
    ([-signal.SIGTERM, -signal.SIGXFSZ], "killed by SIGXFSZ"),
    ([-signal.SIGTERM, None], "killed by SIGTERM"),
    ([None, 0], "out of memory, or killed from outside"),
])
def test_how_a_rebuild_worker_died(exitcodes: list[int | None], said: str):
    class Process(NamedTuple):
        exitcode: int | None

    assert indexer._how_it_died({n: Process(code) for n, code in enumerate(exitcodes)}) == said


def test_api_writes_survive_rebuilds_until_discarded(tmp_path: Path, corpus_file: Path):
    ix = tmp_path / "ix"
    rebuild(ix, [corpus_file])
    w = IndexWriter(ix)
    w.put([Document.from_record(doc("api1", "quokka"))])
    w.put([Document.from_record(doc("a3", "wombat"))])  # overrides a source document
    w.delete(["a6"])
    report = rebuild(ix, [corpus_file])
    assert report.api_writes_applied == 3
    assert search_ids(ix, "quokka") == {"api1"}
    assert search_ids(ix, "wombat") == {"a3"} and search_ids(ix, "tariffs") == set()
    assert search_ids(ix, "rallied") == set()
    rebuild(ix, [corpus_file], discard_api_writes=True)
    assert search_ids(ix, "quokka") == set() and search_ids(ix, "rallied") == {"a6"}


@pytest.mark.parametrize("api", ["put", "delete"])
def test_a_rebuild_whose_every_source_record_the_api_rewrote_still_publishes(tmp_path: Path, api: str):
    ix = tmp_path / "ix"
    src = write_jsonl(tmp_path / "a.jsonl", [doc(1, "alpha"), doc(2, "beta")])
    rebuild(ix, [src])
    w = IndexWriter(ix)
    if api == "put":
        w.put([Document.from_record(doc(1, "alpha fixed")), Document.from_record(doc(2, "beta fixed"))])
    else:
        w.delete(["1", "2"])
    # Every record read was overridden by the journal: that is not "nothing was read".
    report = rebuild(ix, [src])
    assert report.documents == (2 if api == "put" else 0) and report.api_writes_applied == 2
    assert search_ids(ix, "fixed") == ({"1", "2"} if api == "put" else set())


@pytest.mark.parametrize("parallel", [False, True])
def test_a_duplicate_of_an_id_the_api_rewrote_is_still_a_duplicate(tmp_path: Path, parallel: bool,
                                                                   monkeypatch: pytest.MonkeyPatch):
    if parallel:
        monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)
        enrich = parts.enrich

        def slow_enrich(d: Document) -> Document:
            time.sleep(0.05)  # so that the other worker takes the second file (see the test above)
            return enrich(d)

        monkeypatch.setattr(parts, "enrich", slow_enrich)
    ix = tmp_path / "ix"
    a = write_jsonl(tmp_path / "a.jsonl", [doc(1), doc("x", "first")])
    b = write_jsonl(tmp_path / "b.jsonl", [doc(2)] if parallel else [])
    rebuild(ix, [a, b])
    IndexWriter(ix).delete(["x"])
    # a second copy of "x", in the same file (one worker) or in the other one (another worker)
    (b if parallel else a).write_text((b if parallel else a).read_text() + json.dumps(doc("x", "second")) + "\n")
    with pytest.raises(InputError, match=rf"duplicate id \(first seen at {a}:2\)"):
        rebuild(ix, [a, b])
    report = rebuild(ix, [a, b], skip_bad=True)
    assert report.skipped == 1 and search_ids(ix, "first") == set() and search_ids(ix, "second") == set()


@pytest.mark.parametrize("parallel", [False, True])
def test_skipped_records_are_counted_and_the_first_kept_without_their_frames(tmp_path: Path, parallel: bool,
                                                                           monkeypatch: pytest.MonkeyPatch):
    # Every skipped record's error used to be kept, each holding the frames that raised it (and
    # so the raw line and parsed record): 1,000,000 bad lines of 3 bytes kept 1.2 GB alive.
    if parallel:
        monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)
    a = tmp_path / "a.jsonl"
    a.write_text("".join("{}\n" if i % 2 else json.dumps(doc(i)) + "\n" for i in range(40)))
    b = tmp_path / "b.jsonl"
    b.write_text('{"id": 5}\n' * 7 + json.dumps(doc("b1")) + "\n")
    report = rebuild(tmp_path / "ix", [a, b], skip_bad=True, max_errors_kept=3)
    assert (report.documents, report.skipped) == (21, 27)
    assert [(e.source, e.line) for e in report.errors] == [(str(a), 2), (str(a), 4), (str(a), 6)]
    assert all(e.__traceback__ is None and e.__context__ is None for e in report.errors)
    with pytest.raises(RebuildError, match=r"no document was read from the sources \(20 bad input\(s\) skipped"):
        rebuild(tmp_path / "ix2", [write_jsonl(tmp_path / "c.jsonl", [{}] * 20)], skip_bad=True, max_errors_kept=1)


@pytest.mark.parametrize("segment_docs, segment_chars, segments", [
    (200_000, 32_000_000, 1), (4, 32_000_000, 3), (200_000, 50, 5)])
def test_a_worker_starts_a_new_segment_after_so_many_documents_or_characters(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, segment_docs: int, segment_chars: int, segments: int):
    # A segment is built in memory (about 20 bytes per character of text): counting documents
    # alone let 200,000 articles take 2.96 GB in one worker.
    monkeypatch.setattr(parts, "SEGMENT_DOCS", segment_docs)
    monkeypatch.setattr(parts, "SEGMENT_CHARS", segment_chars)
    texts = [f"alpha {'long ' * 5 if i % 2 else ''}words {i}" for i in range(10)]
    src = write_jsonl(tmp_path / "a.jsonl", [doc(i, text) for i, text in enumerate(texts)])
    report = rebuild(tmp_path / "ix", [src])
    assert (report.documents, report.segments) == (10, segments)
    assert search_ids(tmp_path / "ix", "alpha") == {str(i) for i in range(10)}
    assert search_ids(tmp_path / "ix", "long") == {str(i) for i in range(1, 10, 2)}


def test_read_only_index_directory_keeps_the_old_generation(tmp_path: Path, corpus_file: Path):
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions")
    ix = tmp_path / "ix"
    rebuild(ix, [corpus_file])
    ix.chmod(0o555)
    try:
        with pytest.raises(RebuildError, match=r"the live generation gen-\d+ is unchanged"):
            rebuild(ix, [corpus_file])
    finally:
        ix.chmod(0o755)
    assert search_ids(ix, "kremlin") == {"a1"}


def test_read_only_filesystem_keeps_the_old_generation(tmp_path: Path, corpus_file: Path,
                                                       monkeypatch: pytest.MonkeyPatch):
    import errno

    from searchsvc import store

    ix = tmp_path / "ix"
    rebuild(ix, [corpus_file])

    def erofs(self):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store.IndexDir, "new_build_dir", erofs)
    with pytest.raises(RebuildError, match="Read-only file system"):
        rebuild(ix, [corpus_file])
    assert search_ids(ix, "kremlin") == {"a1"}


def test_disk_full_keeps_the_old_generation(tmp_path: Path, corpus_file: Path, monkeypatch: pytest.MonkeyPatch):
    import errno

    from searchsvc import segwriter

    ix = tmp_path / "ix"
    rebuild(ix, [corpus_file])

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(segwriter, "write_field", full)
    with pytest.raises(RebuildError, match="disk full"):
        rebuild(ix, [corpus_file])
    assert IndexDir(ix).pointer().generation == "gen-000001" and search_ids(ix, "kremlin") == {"a1"}
    assert not list(ix.glob(".build-*"))
    # The index's problem, not the input's: exit 3, as `add` and `delete` give for the same disk.
    from searchsvc.cli import main

    assert main(["index", "--index", str(ix), "--quiet", str(corpus_file)]) == 3


KILLER = """
import sys, time
from searchsvc import indexer, segwriter
real = segwriter.BulkSegmentWriter.finish
def slow_finish(self):
    print("building", flush=True)
    time.sleep(30)
    return real(self)
segwriter.BulkSegmentWriter.finish = slow_finish
indexer.rebuild(sys.argv[1], [sys.argv[2]])
"""


@pytest.mark.slow
def test_killed_rebuild_leaves_the_previous_generation_serving(tmp_path: Path, corpus_file: Path):
    ix = tmp_path / "ix"
    rebuild(ix, [corpus_file])
    before = SearchEngine(ix).search("putin").to_dict()
    big = write_jsonl(tmp_path / "new.jsonl", [doc(i, "quokka") for i in range(200)])
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(ix), str(big)], stdout=subprocess.PIPE,
                            cwd=Path(__file__).parent.parent)
    assert proc.stdout.readline().strip() == b"building"
    assert list(ix.glob(".build-*"))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = SearchEngine(ix).search("putin").to_dict()
    before.pop("took_ms"), after.pop("took_ms")
    assert after == before
    report = rebuild(ix, [big])  # no manual clean-up needed
    assert report.generation == "gen-000002" and not list(ix.glob(".build-*"))
    with SearchEngine(ix) as e:
        assert e.search("quokka").total == 200


INTERRUPTED = """
import signal, sys, time
# As a terminal's foreground job has it: a suite started in the background of a shell without job
# control (`pytest &` in a script) passes SIGINT on ignored, and Ctrl-C would then be ignored too.
signal.signal(signal.SIGINT, signal.default_int_handler)
from searchsvc import cli, parts
real = parts.enrich
def slow_enrich(doc):
    with open(sys.argv[3], "a") as f:
        f.write(doc.id + "\\n")
    time.sleep(0.02)
    return real(doc)
parts.enrich = slow_enrich
sys.exit(cli.main(["index", "--index", sys.argv[1], sys.argv[2]]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("presses, nice", [(1, "10"), (2, "10"), (1, "0")])  # at 0: the terminal's session
def test_ctrl_c_stops_a_parallel_rebuild_whose_workers_run_in_their_own_sessions(tmp_path: Path, corpus_file: Path,
                                                                                    presses: int, nice: str):
    ix, seen = tmp_path / "ix", tmp_path / "enriched"
    rebuild(ix, [corpus_file])
    # 2.6 MB in 5 KB articles: a parallel rebuild (over PARALLEL_MIN_BYTES) in units of ~100 articles.
    big = write_jsonl(tmp_path / "big.jsonl", [doc(i, "quokka " * 700) for i in range(500)])
    proc = subprocess.Popen([sys.executable, "-c", INTERRUPTED, str(ix), str(big), str(seen)],
                            cwd=Path(__file__).parent.parent, start_new_session=True, stderr=subprocess.PIPE,
                            env={**os.environ, "SEARCHSVC_EXTRACT_WORKERS": "2", "SEARCHSVC_REBUILD_NICE": nice})
    deadline = time.monotonic() + 60
    while not (seen.exists() and seen.read_text().count("\n") >= 4) and time.monotonic() < deadline:
        time.sleep(0.05)
    for _ in range(presses):  # a second press while the workers finish their unit must not hang it
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends its foreground job on Ctrl-C
        time.sleep(0.2)
    assert proc.wait(60) == 130
    # The workers never acted on the SIGINT (sessions of their own, or ignoring it); they stopped after
    # their current unit instead of reading everything, left no process and no build folder behind,
    # and no traceback of their own.
    assert "Traceback" not in proc.stderr.read().decode()
    assert seen.read_text().count("\n") < 400
    assert not [p for p in Path("/proc").glob("[0-9]*") if _cmdline_has(p, str(seen))]
    assert not list(ix.glob(".build-*"))
    assert IndexDir(ix).pointer().generation == "gen-000001" and search_ids(ix, "kremlin") == {"a1"}


@pytest.mark.slow
@pytest.mark.parametrize("wrapped", [False, True])
def test_ctrl_z_stops_the_workers_too_and_fg_continues_them(tmp_path: Path, corpus_file: Path, wrapped: bool):
    ix, seen = tmp_path / "ix", tmp_path / "enriched"
    rebuild(ix, [corpus_file])
    big = write_jsonl(tmp_path / "big.jsonl", [doc(i, "quokka " * 700) for i in range(500)])
    # A job of its own in this session, as a shell starts one (a new session would be an orphaned
    # process group, where the kernel discards SIGTSTP), with SIGTSTP at its default as a shell
    # leaves it for its jobs (whatever this test runner inherited); wrapped, as by a script, the
    # rebuild's parent is not the job's first process.
    script = "import signal\nsignal.signal(signal.SIGTSTP, signal.SIG_DFL)\n" + INTERRUPTED
    argv = [sys.executable, "-c", script, str(ix), str(big), str(seen)]
    if wrapped:
        argv = ["sh", "-c", '"$@"; exit $?', "sh", *argv]
    proc = subprocess.Popen(argv, cwd=Path(__file__).parent.parent, process_group=0,
                            env={**os.environ, "SEARCHSVC_EXTRACT_WORKERS": "2", "SEARCHSVC_REBUILD_NICE": "10"})
    try:
        deadline = time.monotonic() + 60
        while not (seen.exists() and seen.read_text().count("\n") >= 4) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert seen.exists() and seen.read_text().count("\n") >= 4
        os.killpg(proc.pid, signal.SIGTSTP)  # what a terminal sends its foreground job on Ctrl-Z
        # The rebuild's parent and both workers (forks, so the same command line; sessions of their
        # own) stop, and no article is read meanwhile.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            procs = [p for p in Path("/proc").glob("[0-9]*") if _cmdline_has(p, str(seen))]
            if len(procs) >= 3 and all(_state(p) == "T" for p in procs):
                break
            time.sleep(0.05)
        assert len(procs) >= 3 and all(_state(p) == "T" for p in procs), [(p.name, _state(p)) for p in procs]
        done = seen.read_text().count("\n")
        time.sleep(0.5)
        assert seen.read_text().count("\n") == done < 500
        os.killpg(proc.pid, signal.SIGCONT)  # fg
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:  # a failed check must not leave a stopped job behind
            os.killpg(proc.pid, signal.SIGKILL)
            os.killpg(proc.pid, signal.SIGCONT)
    assert seen.read_text().count("\n") == 500
    with SearchEngine(ix) as engine:
        assert engine.search("quokka", limit=0).total == 500


def _state(proc: Path) -> str:
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "?"


def _cmdline_has(proc: Path, text: str) -> bool:
    try:
        return text in (proc / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False


def test_deleting_an_absent_id_does_not_hide_it_from_later_rebuilds(tmp_path: Path, corpus_file: Path):
    ix = tmp_path / "ix"
    rebuild(ix, [corpus_file])
    assert IndexWriter(ix).delete(["later"]).existed == frozenset()
    src = write_jsonl(tmp_path / "later.jsonl", [doc("later", "quokka")])
    rebuild(ix, [corpus_file, src])
    assert search_ids(ix, "quokka") == {"later"}


@pytest.mark.parametrize("make_sources, kwargs", [
    (lambda d: [d / "empty"], {}),                                             # an empty folder
    (lambda d: [d / "other"], {}),                                             # only files no reader takes
    (lambda d: [d / "good.jsonl"], {"format": "reuters"}),                     # the wrong --format
    (lambda d: [d / "nowhere"], {"skip_bad": True}),                           # a typo, skipped as bad
    (lambda d: [d / "bad.jsonl"], {"skip_bad": True}),                         # every record bad
])
def test_sources_that_give_no_document_publish_nothing(tmp_path: Path, corpus_file: Path, make_sources, kwargs):
    ix = tmp_path / "ix"
    rebuild(ix, [corpus_file])
    live = IndexDir(ix).pointer().generation
    (tmp_path / "empty").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "data.csv").write_text("id,title\n1,x\n")
    write_jsonl(tmp_path / "good.jsonl", [doc(1)])
    (tmp_path / "bad.jsonl").write_text('{"id": "1"}\n{broken\n')
    with pytest.raises(RebuildError, match=r"no document was read from the sources( \(.* bad input.*\))?; "
                                           r"nothing was published"):
        rebuild(ix, make_sources(tmp_path), **kwargs)
    assert IndexDir(ix).pointer().generation == live
    with SearchEngine(ix) as e:
        assert e.info()["documents"] == len(CORPUS)  # still the old index
    assert not list(ix.glob(".build-*"))


def test_no_sources_at_all_build_an_empty_index_and_one_path_is_one_source(tmp_path: Path, corpus_file: Path):
    assert rebuild(tmp_path / "empty", []).documents == 0
    assert rebuild(tmp_path / "one", corpus_file).documents == rebuild(tmp_path / "list", [corpus_file]).documents > 0


def test_a_rebuild_waits_out_a_long_api_write_instead_of_throwing_its_work_away(tmp_path: Path, corpus_file: Path,
                                                                              monkeypatch: pytest.MonkeyPatch):
    import threading

    from searchsvc.settings import Settings

    ix = tmp_path / "ix"
    rebuild(ix, [corpus_file])
    held = threading.Event()
    real_write_toc = indexer.write_toc

    def bulk_write_arrives(*args, **kwargs):  # as the build ends, a long bulk POST takes the lock
        def hold() -> None:
            with IndexDir(ix).write_lock(1):
                held.set()
                time.sleep(1.5)
        threading.Thread(target=hold, daemon=True).start()
        held.wait(5)
        return real_write_toc(*args, **kwargs)

    monkeypatch.setattr(indexer, "write_toc", bulk_write_arrives)
    started = time.monotonic()
    report = rebuild(ix, [corpus_file], settings=Settings({"lock_timeout": 0.2, "request_timeout": 3}, environ={}))
    assert report.generation == "gen-000002" and time.monotonic() - started >= 1.0  # it waited, then published


def test_a_named_file_that_gives_nothing_is_named(tmp_path: Path, corpus_file: Path):
    # A JSON Lines file read as Reuters SGML gave nothing, and the rebuild said nothing of it.
    sgml = tmp_path / "r.sgm"
    sgml.write_text('<REUTERS NEWID="1"><TEXT><TITLE>T</TITLE><BODY>Body text.</BODY></TEXT></REUTERS>\n')
    report = rebuild(tmp_path / "ix", [sgml, corpus_file], format="reuters")
    assert report.documents == 1
    assert report.warnings == [f"{corpus_file}: not one record was read from it as 'reuters' (is --format right?)"]
    assert rebuild(tmp_path / "ix", [sgml]).warnings == []


ARTICLE = '<REUTERS NEWID="1"><TEXT><TITLE>T</TITLE><BODY>Body text.</BODY></TEXT></REUTERS>\n'


NOTHING_READ = "not one record was read from it as 'reuters' (is --format right?)"


@pytest.mark.parametrize("content, says", [
    pytest.param(ARTICLE.replace("1", "2").encode("utf-16"), NOTHING_READ, id="utf-16"),
    pytest.param(ARTICLE.replace("1", "2").replace("REUTERS", "reuters").encode(), NOTHING_READ,
                 id="lower-case-tags"),
    pytest.param(b"", "it is empty", id="empty"),
])
def test_a_file_in_a_folder_that_gives_nothing_is_named(tmp_path: Path, content: bytes, says: str):
    # Only files named on the command line were: a copy in UTF-16 in a folder was dropped without a word.
    folder = tmp_path / "reuters"
    folder.mkdir()
    (folder / "good.sgm").write_text(ARTICLE)
    (folder / "odd.sgm").write_bytes(content)
    report = rebuild(tmp_path / "ix", [folder])
    assert report.documents == 1 and report.warnings == [f"{folder / 'odd.sgm'}: {says}"]


@pytest.mark.parametrize("entries, named, unused", [
    ({"a": {"published": "2025-05-08"}, "aa": {"published": "2025-05-09"}}, False, ["aa"]),  # a typo: ignored
    ({"a": {}, "zz": {}, "b": {"section": "X"}, "0": {}}, False, ["zz", "0"]),  # in the file's order
    ({"a": {}, "b": {}}, False, []),
    ({"a": {}, "c": {}}, True, []),  # a.txt named on its own: the folder's other files are not input
])
def test_metadata_entries_that_match_no_file_are_named(tmp_path: Path, entries: dict, named: bool,
                                                       unused: list[str]):
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(f"World\nTitle {name}\nBody.\n")
    meta = folder / "metadata.json"
    meta.write_text(json.dumps(entries, indent=1))
    report = rebuild(tmp_path / "ix", [folder / "a.txt"] if named else [folder])
    lines = {k: n for n, line in enumerate(meta.read_text().splitlines(), 1) for k in entries if f'"{k}":' in line}
    assert report.warnings == [f"{meta}:{lines[k]}: entry {k!r} matches no file of {folder}; not used"
                               for k in unused]


def test_text_files_beside_reuters_files_are_named(tmp_path: Path):
    # Reuters-21578's folder holds .txt lists of its categories: read as articles, 7 junk documents.
    folder = tmp_path / "reuters"
    folder.mkdir()
    (folder / "r.sgm").write_text('<REUTERS NEWID="1"><TEXT><TITLE>T</TITLE><BODY>Body text.</BODY></TEXT></REUTERS>\n')
    (folder / "all-people-strings.lc.txt").write_text("abdel-hamid\nabdulhadi\nabe\n")
    report = rebuild(tmp_path / "ix", [folder])
    assert report.documents == 2 and report.warnings == [
        f"{folder}: its .txt files were read as articles beside its Reuters .sgm files; --format reuters reads "
        "only the .sgm"]
    assert rebuild(tmp_path / "ix", [folder], format="reuters").warnings == []
