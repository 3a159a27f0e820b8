"""The command line, end to end, as tooling uses it (subprocesses, real files)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from searchsvc.cli import main, usage_message
from searchsvc.errors import QueryError

from .conftest import input_file

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "searchsvc", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ix = tmp_path_factory.mktemp("cli") / "ix"
    r = run("index", "--index", str(ix), "seeds")
    assert r.returncode == 0, r.stderr
    assert "indexed 1 documents" in r.stdout
    return ix


def test_search_putin_on_the_seed(seed_index: Path):
    r = run("search", "--index", str(seed_index), "--json", "Putin")
    assert r.returncode == 0, r.stderr
    results = json.loads(r.stdout)
    [hit] = results["hits"]
    assert hit["id"] == "000_7de0834fd2ad6f33"
    assert "<mark>Putin</mark>" in hit["snippet"] and "<mark>Putin</mark>" in hit["title"]
    assert {"Vladimir Putin", "Xi Jinping"} <= set(hit["people"])
    assert hit["published"] == "2025-05-08"
    readable = run("search", "--index", str(seed_index), "Putin").stdout
    assert readable.startswith("1 results") and "Xi, Putin meet in Moscow" in readable
    assert "<mark>" not in readable and "&#" not in readable and "\033[" not in readable  # a pipe: plain text


def test_batch_queries_form(seed_index: Path, tmp_path: Path):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "q1", "text": "Putin Moscow"}\n{"id": 2, "text": "nothing here zzz"}\n')
    r = run("search", "--index", str(seed_index), "--match", "any", "--limit", "1000", "--queries", str(queries))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert lines[0]["id"] == "q1" and lines[0]["hits"][0]["id"] == "000_7de0834fd2ad6f33"
    assert set(lines[0]["hits"][0]) == {"id", "score"}
    assert lines[1] == {"id": 2, "hits": []}


def test_extract_form():
    r = run("extract", stdin='{"id": "d1", "text": "Talks are on May 9, 2025.", "published": "2025-05-08"}\n'
                             "not json\n")
    assert r.returncode == 1  # a bad line: still an output line for every good one, and an exit status
    [line] = r.stdout.splitlines()
    rec = json.loads(line)
    assert rec["id"] == "d1" and set(rec) == {"id", "people", "dates"}
    assert "stdin:2" in r.stderr


def test_bad_input_exit_code_and_message(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "title": "ok"}\n{"id": "2", "title": 3}\n')
    r = run("index", "--index", str(tmp_path / "ix"), str(bad))
    assert r.returncode == 1 and f"{bad}:2" in r.stderr and "title" in r.stderr
    assert "nothing was written; --skip-bad skips" in r.stderr  # what to do about it
    assert not (tmp_path / "ix" / "CURRENT").exists()
    r = run("add", "--index", str(tmp_path / "ix"), "--create", str(bad))
    assert r.returncode == 1 and f"{bad}:2" in r.stderr and "--skip-bad" in r.stderr
    r = run("index", "--index", str(tmp_path / "ix"), "--skip-bad", "--quiet", str(bad))
    assert r.returncode == 0 and "1 skipped" in r.stdout


def test_add_delete_info_and_missing_index(tmp_path: Path, seed_index: Path):
    docs = tmp_path / "more.jsonl"
    docs.write_text('{"id": "n1", "title": "Quokka census", "body": "Quokkas counted."}\n')
    ix = tmp_path / "ix"
    r = run("add", "--index", str(ix), str(docs))  # a mistyped path must not start an index unseen
    assert r.returncode == 3 and "--create" in r.stderr and not ix.exists()
    assert run("add", "--index", str(ix), "--create", str(docs)).returncode == 0
    assert "0 new" in run("add", "--index", str(ix), str(docs)).stdout  # there now: no --create needed
    info = json.loads(run("info", "--index", str(ix)).stdout)
    assert info["documents"] == 1 and info["extraction"] in ("compiled (mypyc)", "pure Python")
    assert "deleted 1 of 1" in run("delete", "--index", str(ix), "n1").stdout
    r = run("search", "--index", str(tmp_path / "none"), "x")
    assert r.returncode == 3 and "no index" in r.stderr


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``main`` in-process (a traceback would fail the test as an exception): code, stdout, stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


GOOD = b'{"id": "d1", "text": "Talks are on May 9, 2025."}\n'


@pytest.mark.parametrize("stdin, ids, code, message", [
    (GOOD + b'{"id": "d2", "text": "x"}\n\n', ["d1", "d2"], 0, ""),
    (GOOD + b"not json\n", ["d1"], 1, "stdin:2: invalid JSON"),
    (GOOD + b"[1]\n", ["d1"], 1, "stdin:2: expected a JSON object"),
    (b"[" * 200_000 + b"\n" + GOOD, ["d1"], 1, "stdin:1: invalid JSON: nested too deeply"),
    (b'{"id": "d0", "text": "caf\xe9"}\n' + GOOD, ["d1"], 1, "stdin:1: not valid UTF-8 (byte 0xe9 at column 26)"),
    (b"\xef\xbb\xbf" + GOOD, ["d1"], 0, ""),  # a byte order mark may open the input
    (GOOD + b"\xef\xbb\xbf" + GOOD, ["d1"], 1, "stdin:2: invalid JSON"),  # but not a later line
])
def test_extract_reports_bad_lines_and_exits_1(stdin: bytes, ids: list[str], code: int, message: str,
                                               monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    got, out, err = call(capsys, "extract")
    assert got == code and [json.loads(x)["id"] for x in out.splitlines()] == ids
    assert err.startswith(message) and err.count("\n") == (1 if message else 0)


@pytest.mark.parametrize("line, warning", [
    (b'{"id": "w", "text": "Talks on Monday.", "published": "bogus"}', "stdin:1: published ignored: not an ISO 8601"),
    (b'{"id": "w"}', "stdin:1: no text and no title"),
    (b'{"id": "w", "text": 5}', "stdin:1: text is not a string; read as '5'"),
    (b'{"text": "Talks on Monday."}', "stdin:1: no id: answered with id null"),
])
def test_extract_says_what_it_could_not_use_and_still_answers(line: bytes, warning: str,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]):
    # Evaluation scripts feed whole corpora and stop at a non-zero exit: one odd line is a warning.
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(line + b"\n"), encoding="utf-8"))
    got, out, err = call(capsys, "extract")
    assert got == 0 and json.loads(out)["id"] == json.loads(line).get("id") and err.startswith(warning)


@pytest.mark.parametrize("args, expected", [
    (["--limit", "100000"], "--limit must be an integer from 0 to 10000 (the largest max_limit)"),
    (["--limit", "-1"], "--limit must be an integer from 0 to 10000 (the largest max_limit)"),
    (["--offset", "20000"], "--offset must be an integer from 0 to 10000"),
    (["--from", "May"], "--from: 'May' is not a date"),
    (["--queries", "q.jsonl"], "give either QUERY or --queries FILE, not both"),
])
def test_bad_parameter_is_a_usage_error(built_index: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                        expected: str):
    code, out, err = call(capsys, "search", "--index", str(built_index), *args, "x")
    assert code == 2 and out == "" and err.startswith(f"error: {expected}") and err.count("\n") == 1


@pytest.mark.parametrize("param, message, expected", [
    ("limit", "limit must be an integer from 0 to 100", "--limit must be an integer from 0 to 100"),
    ("date_from", "date_from: 'x' is not a date", "--from: 'x' is not a date"),
    ("date_to", "'x' is not a date", "--to: 'x' is not a date"),
    ("port", "port: must be at most 65535", "--port: must be at most 65535"),
    ("port", "SEARCHSVC_PORT: must be at most 65535", "SEARCHSVC_PORT: must be at most 65535"),
    ("max_limit", "max_limit: must be at most 10000", "max_limit: must be at most 10000"),
    ("q", "query is 5,000 characters; the limit is 4,000", "query is 5,000 characters; the limit is 4,000"),
])
def test_usage_message_names_the_option_once(param: str, message: str, expected: str):
    assert usage_message(QueryError(message, param=param)) == expected


@pytest.mark.parametrize("command", [["search", "x"], ["info"]])
@pytest.mark.parametrize("below", ["", "sub"])
def test_index_under_a_regular_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str],
                                    below: str):
    file = tmp_path / "index.txt"
    file.write_text("not an index\n")
    code, out, err = call(capsys, command[0], "--index", str(file / below if below else file), *command[1:])
    assert code == 3 and out == ""
    assert err.startswith("error: no index at ") and err.endswith("that path is a file, or under one\n")


@pytest.mark.parametrize("content, message", [
    (b"missing", "q.jsonl: cannot read: No such file or directory"),
    (None, "q.jsonl: cannot read: Is a directory"),
    (b'{"id": "1", "text": "putin"}\n{"id": "2", "text": "caf\xe9"}\n', "q.jsonl:2: not valid UTF-8"),
    (b"[" * 200_000 + b"\n", "q.jsonl:1: invalid JSON: nested too deeply"),
    (b'{"id": "1", "text": null}\n', 'q.jsonl:1: "text" must be a string, got null'),
])
def test_unreadable_queries_file(built_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 content: bytes | None, message: str):
    queries = input_file(tmp_path / "q.jsonl", content)
    code, _, err = call(capsys, "search", "--index", str(built_index), "--queries", str(queries))
    assert code == 1 and err.startswith(f"error: {tmp_path}/{message}") and err.count("\n") == 1


@pytest.mark.parametrize("flags, ids", [
    ([], ["a2", "a1", "b0", "b1", "a6", "a3", "a5"]),
    (["--sort", "oldest"], ["b0", "b1", "a5", "a3", "a1", "a2", "a6"]),
    (["--offset", "1", "--limit", "2"], ["a1", "b0"]),
    (["--people", "Donald Trump"], ["a3"]),
    (["--section", "Economy"], ["a6", "a3"]),
    (["--from", "2025-05-09"], ["a2"]),
    (["--to", "2025-04-30"], ["b0", "b1", "a3", "a5"]),
    (["--mentions-from", "2024", "--mentions-to", "2024"], ["a6"]),
])
def test_batch_applies_the_search_flags(built_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        flags: list[str], ids: list[str]):
    text = "putin markets pipeline zebra"
    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"id": "q1", "text": text}) + "\n" + json.dumps({"id": 2, "text": text}) + "\n")
    base = ["search", "--index", str(built_index), "--match", "any", *flags]
    code, out, err = call(capsys, *base, "--queries", str(queries))
    assert code == 0, err
    lines = [json.loads(x) for x in out.splitlines()]
    assert [(x["id"], [h["id"] for h in x["hits"]]) for x in lines] == [("q1", ids), (2, ids)]
    code, out, err = call(capsys, *base, "--json", text)  # the same as one search with those flags
    assert code == 0 and [h["id"] for h in json.loads(out)["hits"]] == ids


def test_an_unforeseen_file_error_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    def denied() -> str:
        raise PermissionError(13, "Permission denied", "/some/file")

    monkeypatch.setattr("searchsvc.cli.settings_table", denied)
    assert call(capsys, "settings") == (1, "", "error: /some/file: Permission denied\n")


def test_a_damaged_index_or_a_timeout_is_exit_3_like_busy_or_missing(tmp_path: Path, built_index: Path,
                                                                       capsys: pytest.CaptureFixture[str],
                                                                       monkeypatch: pytest.MonkeyPatch):
    import shutil

    from searchsvc.engine import SearchEngine
    from searchsvc.errors import QueryTimeoutError
    from searchsvc.store import IndexDir

    ix = tmp_path / "ix"
    shutil.copytree(built_index, ix)

    def too_slow(*args: object, **kwargs: object) -> None:
        raise QueryTimeoutError("the query ran past its time limit of 0.01 s")

    with monkeypatch.context() as m:
        m.setattr(SearchEngine, "search", too_slow)
        code, _, err = call(capsys, "search", "--index", str(ix), "putin")
    assert code == 3 and "time limit" in err
    for toc in (ix / IndexDir(ix).pointer().generation).glob("*.toc"):
        toc.unlink()
    r = run("search", "--index", str(ix), "putin")
    assert r.returncode == 3 and "cannot be read" in r.stderr and "rebuild it" in r.stderr
    r = run("index", "--index", str(ix), str(tmp_path / "nosuch"))
    assert r.returncode == 1 and "--skip-bad" not in r.stderr  # skipping would not help a missing path


@pytest.mark.parametrize("env, shown", [
    ({}, ["In effect here: the defaults"]),
    ({"SEARCHSVC_MAX_LIMIT": "5", "SEARCHSVC_API_KEY": "k3y"},
     ["In effect here: the defaults, except", "  max_limit = 5  (SEARCHSVC_MAX_LIMIT)",
      "  api_key = '***'  (SEARCHSVC_API_KEY)"]),
])
def test_settings_shows_what_the_environment_changes(env: dict, shown: list[str]):
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith("SEARCHSVC_")}
    r = subprocess.run([sys.executable, "-m", "searchsvc", "settings"], cwd=ROOT, capture_output=True, text=True,
                       timeout=60, env={**clean, **env})
    assert r.returncode == 0 and "| `max_limit` | `SEARCHSVC_MAX_LIMIT` | `100` |" in r.stdout
    assert r.stdout.rstrip("\n").split("\n")[-len(shown):] == shown and "k3y" not in r.stdout


def test_the_last_progress_line_in_a_log_is_the_total(tmp_path: Path, monkeypatch, capsys):
    # Written to a file, progress lines come every 5 s: the last one was often seconds old.
    import searchsvc.cli as cli

    clock = iter([0.0, 10.0, 11.0, 12.0, 20.0, 21.0])  # started; calls 1 s apart: a log shows the first...
    monkeypatch.setattr(cli.time, "perf_counter", lambda: next(clock))
    show = cli._progress_printer()
    show(100)
    show(200)
    show(300, final=True)  # ... and the total
    assert capsys.readouterr().err.splitlines() == ["indexing: 100 documents, 10/s", "indexing: 300 documents, 25/s"]
    show(400)  # a line the rebuild itself wrote last is not written again as the total, nor a blank line
    show(400, final=True)
    assert capsys.readouterr().err.splitlines() == ["indexing: 400 documents, 20/s"]
    monkeypatch.undo()  # the clock (time.perf_counter itself) back before anything else runs
    # and `index` asks for the final line
    calls = []
    monkeypatch.setattr(cli, "_progress_printer", lambda: lambda done, final=False: calls.append((done, final)))
    src = tmp_path / "d.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "title": "T", "body": "Body."}) + "\n" for i in range(30)))
    assert main(["index", "--index", str(tmp_path / "ix"), str(src)]) == 0
    assert calls[-1] == (30, True)


def test_a_journal_entry_that_cannot_be_replayed_gets_no_skip_bad_hint(tmp_path: Path, capsys):
    # --skip-bad does not get past it (only fixing the line or --discard-api-writes does): the hint misled.
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d1", "title": "T", "body": "Body."}) + "\n")
    ix = tmp_path / "ix"
    assert main(["index", "--index", str(ix), "--quiet", str(src)]) == 0
    with open(ix / "journal.jsonl", "ab") as f:
        f.write(b'{"op":"put","doc":{"id":"e"}}\n')
    capsys.readouterr()
    assert main(["index", "--index", str(ix), "--quiet", str(src)]) == 1
    err = capsys.readouterr().err
    assert "--discard-api-writes" in err and "--skip-bad" not in err
