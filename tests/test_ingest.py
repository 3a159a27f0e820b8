"""Hostile and broken input to indexing: every bad record is named, the rest is indexed or nothing is.

One mixed file holds every kind of bad record (invalid UTF-8, malformed JSON,
an array, empty and whitespace-only documents, a duplicate id, an unknown
field, a date in the year 20000, a document over the size cap, a 50 MB line).
A default rebuild stops at the first and publishes nothing; ``--skip-bad``
indexes the rest and reports each one by file, line, id and field; the bulk
API answers one error per bad record and writes the rest.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import falcon.testing
import pytest

from searchsvc import indexer, loaders
from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.errors import InputError
from searchsvc.indexer import rebuild
from searchsvc.settings import Settings
from searchsvc.store import IndexDir
from searchsvc.web import create_app
from searchsvc.writer import IndexWriter

from .live import ROOT


def line(rec: dict) -> bytes:
    return json.dumps(rec).encode()


GOOD = [{"id": "g1", "title": "Good one", "body": "okapi one"},
        {"id": "g2", "title": "Good two", "body": "okapi two"},
        {"id": "g3", "title": "Good three", "body": "okapi three", "published": "2025-05-08T10:30:00+02:00"}]
# (raw line, what the error must say, its field or None)
BAD = [
    (b'{"id": "u1", "title": "caf\xe9 in latin-1"}', "not valid UTF-8 (byte 0xe9", None),
    (b'{"id": "u2", "title": "\xed\xa0\x80 surrogate"}', "not valid UTF-8", None),
    (b"{broken", "invalid JSON", None),
    (b'{"id": "t1", "title": "trailing"} x', "invalid JSON", None),
    (b"[1, 2]", "expected a JSON object, got list", None),
    (b'"just a string"', "expected a JSON object, got str", None),
    (line({"id": "e1", "title": "", "body": ""}), "document has no text", "body"),
    (line({"id": "e2", "title": "   ", "body": "\n\t \u00a0"}), "document has no text", "body"),
    (line({"id": "e3"}), "document has no text", "body"),
    (line({"id": "g1", "title": "Duplicate of g1", "body": "dup"}), "duplicate id (first seen at", "id"),
    (line({"id": "f1", "title": "Unknown field", "colour": "red"}), "unknown field(s) 'colour'", "colour"),
    (line({"id": "y1", "title": "Year 20000", "published": "20000-01-01"}), "not an ISO 8601 date", "published"),
    (line({"id": "y2", "title": "Mentions 20000", "dates": ["20000"]}), "'20000' is not a date", "dates"),
    (line({"id": "y3", "title": "Feb 30", "dates": ["2025-02-30"]}), "not a calendar date", "dates"),
    (line({"id": "i1/..", "title": "Bad id"}), "contains a character ids may not have", "id"),
    (line({"title": "No id"}), "required: a non-empty string", "id"),
    (line({"id": "n1", "title": 5}), "must be a string", "title"),
    (line({"id": "big", "title": "Big", "body": "w " * 60_000}), "the limit is 100,000", "body"),
    (b'{"id": "deep", "title": "t", "people": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply", None),
]


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Good records first and last, every bad one in between, a blank line and CRLF endings too."""
    lines = [line(GOOD[0])] + [raw for raw, _, _ in BAD] + [b"   ", line(GOOD[1]) + b"\r", line(GOOD[2])]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


SETTINGS = Settings({"max_document_chars": 100_000}, environ={})


def test_a_default_rebuild_stops_at_the_first_bad_record_and_publishes_nothing(tmp_path: Path, mixed: Path):
    ix = tmp_path / "ix"
    rebuild(ix, [_write(tmp_path / "ok.jsonl", GOOD)], settings=SETTINGS)
    before = IndexDir(ix).pointer()
    with pytest.raises(InputError) as exc:
        rebuild(ix, [mixed], settings=SETTINGS)
    assert exc.value.line == 2 and exc.value.source == str(mixed) and "not valid UTF-8" in str(exc.value)
    assert IndexDir(ix).pointer() == before and not list(ix.glob(".build-*"))
    with SearchEngine(ix) as e:
        assert e.search("okapi").total == 3


def test_skip_bad_indexes_the_rest_and_names_every_bad_record(tmp_path: Path, mixed: Path):
    report = rebuild(tmp_path / "ix", [mixed], skip_bad=True, settings=SETTINGS)
    assert (report.documents, report.skipped, len(report.errors)) == (3, len(BAD), len(BAD))
    by_line = {e.line: e for e in report.errors}
    for n, (_, message, field) in enumerate(BAD, start=2):
        err = by_line[n]
        assert message in err.message and err.field == field and err.source == str(mixed), (n, err)
    assert "first seen at " + f"{mixed}:1" in by_line[2 + [b for b, _, _ in BAD].index(BAD[9][0])].message
    with SearchEngine(tmp_path / "ix") as e:
        assert {h.id for h in e.search("okapi").hits} == {"g1", "g2", "g3"}
        assert e.get("g1").title == "Good one"  # the first of a duplicated id wins
        assert e.get("g3").published.isoformat() == "2025-05-08T08:30:00"


def test_duplicates_across_files_built_in_parallel_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)
    a = _write(tmp_path / "a.jsonl", [{"id": f"d{i}", "title": f"Doc {i}"} for i in range(30)])
    b = _write(tmp_path / "b.jsonl", [{"id": f"d{i}", "title": f"Again {i}"} for i in (3, 40, 7)])
    with pytest.raises(InputError, match=rf"duplicate id \(first seen at {a}:4\)") as exc:
        rebuild(tmp_path / "ix", [a, b])
    assert (exc.value.source, exc.value.line, exc.value.record_id) == (str(b), 1, "d3")
    report = rebuild(tmp_path / "ix", [a, b], skip_bad=True)
    assert report.documents == 31 and [(e.line, e.record_id) for e in report.errors] == [(1, "d3"), (3, "d7")]


@pytest.mark.slow
def test_a_50_mb_line_is_one_bad_record(tmp_path: Path):
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as f:
        f.write(line(GOOD[0]) + b"\n")
        f.write(b'{"id": "huge", "title": "Huge", "body": "' + b"okapi " * (50 * 1024 * 1024 // 6) + b'"}\n')
        f.write(line(GOOD[1]) + b"\n")
    report = rebuild(tmp_path / "ix", [path], skip_bad=True)  # the default cap: 4,000,000 characters
    assert report.documents == 2 and [(e.line, e.field) for e in report.errors] == [(2, "body")]
    assert "the limit is 4,000,000" in report.errors[0].message


@pytest.mark.slow
def test_the_cli_exit_codes_and_messages(tmp_path: Path, mixed: Path):
    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "searchsvc", "index", "--index", str(tmp_path / "ix"), *args],
                              cwd=ROOT, capture_output=True, text=True, env={"SEARCHSVC_MAX_DOCUMENT_CHARS": "100000",
                                                                             "PATH": "/usr/bin:/bin"})
    r = cli(str(mixed))
    assert r.returncode == 1 and f"{mixed}:2: not valid UTF-8" in r.stderr
    assert not (tmp_path / "ix" / "CURRENT").exists()
    r = cli("--skip-bad", str(mixed))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("indexed 3 documents") == 1 and f"({len(BAD)} skipped" in r.stdout
    assert r.stderr.count("skipped: ") == len(BAD) and f"{mixed}:11: id 'g1': field 'id': duplicate id" in r.stderr


def test_the_bulk_api_answers_each_bad_record_and_writes_the_rest(fresh_index: Path):
    c = falcon.testing.TestClient(create_app(Settings({"index": str(fresh_index), "api_key": "k",
                                                       "max_document_chars": 100_000}, environ={})))
    auth = {"Authorization": "Bearer k", "Content-Type": "application/x-ndjson"}
    body = b"\n".join([line(GOOD[0])] + [raw for raw, _, _ in BAD if b"g1" not in raw] + [line(GOOD[1])]) + b"\n"
    r = c.simulate_post("/documents", body=body, headers=auth)
    assert r.status_code == 200, r.text
    expected_bad = [(m, f) for raw, m, f in BAD if b"g1" not in raw]
    assert (r.json["written"], r.json["failed"]) == (2, len(expected_bad))
    for err, (message, field) in zip(r.json["errors"], expected_bad):
        assert message in err["message"] and err.get("field") == field and err["line"] >= 2, err
    # JSON array: one error per element by index.
    r = c.simulate_post("/documents", json=[GOOD[2], {"id": "f1", "title": "x", "colour": "red"}, [1], "s",
                                            {"id": "e1", "title": " "}], headers={"Authorization": "Bearer k"})
    assert (r.json["written"], r.json["failed"]) == (1, 4)
    assert [e["index"] for e in r.json["errors"]] == [1, 2, 3, 4]
    # Invalid UTF-8 in a JSON array body: the body as a whole cannot be read.
    r = c.simulate_post("/documents", body=b'[{"id": "x", "title": "caf\xe9"}]',
                        headers={"Authorization": "Bearer k", "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json["error"]["param"] == "body" and "UTF-8" in r.json["error"]["message"]
    assert c.simulate_get("/search", params={"q": "okapi"}).json["total"] == 3


def test_an_index_inside_the_input_folder_is_not_read_as_input(tmp_path: Path):
    # `searchsvc index .` with the default ./index: the API write journal is not articles.
    src = tmp_path / "news"
    src.mkdir()
    _write(src / "a.jsonl", GOOD[:2])
    ix = src / "index"
    rebuild(ix, [src], settings=SETTINGS)
    IndexWriter(ix, SETTINGS).put([Document(id="api1", title="Written through the API", body="okapi api")])
    report = rebuild(ix, [src], settings=SETTINGS)
    assert (report.documents, report.skipped) == (3, 0)  # with the API write re-applied
    with SearchEngine(ix) as e:
        assert {h.id for h in e.search("okapi").hits} == {"g1", "g2", "api1"}


def test_skip_bad_counts_a_dangling_symlink_in_a_folder(tmp_path: Path):
    src = tmp_path / "news"
    src.mkdir()
    _write(src / "a.jsonl", GOOD[:2])
    (src / "b.jsonl").symlink_to(tmp_path / "deleted.jsonl")
    with pytest.raises(InputError, match=r"b\.jsonl: cannot read: No such file"):
        rebuild(tmp_path / "ix", [src], settings=SETTINGS)
    report = rebuild(tmp_path / "ix", [src], skip_bad=True, settings=SETTINGS)
    assert (report.documents, report.skipped) == (2, 1) and report.errors[0].source == str(src / "b.jsonl")


SGML_ARTICLE = '<REUTERS NEWID="{}"><TEXT><TITLE>T</TITLE><BODY>okapi wire</BODY></TEXT></REUTERS>\n'


def _deny_open(monkeypatch: pytest.MonkeyPatch, path: Path, error: OSError) -> None:
    """``open(path)`` in the readers fails as for a file chmod 000 or removed after the folder was
    listed (permissions cannot stand in: the tests may run as root, who reads any file)."""
    def refusing(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(file) == str(path):
            raise type(error)(error.errno, error.strerror, os.fspath(file))
        return open(file, *args, **kwargs)

    for module in (loaders.jsonl, loaders.reuters):  # a module global shadows the builtin there only
        monkeypatch.setattr(module, "open", refusing, raising=False)


def _deny_stat(monkeypatch: pytest.MonkeyPatch, path: Path, error: OSError) -> None:
    """``path.is_dir()`` raises, as it does (EACCES) for a file below a folder one may not search."""
    real = Path.stat

    def refusing(self: Path, *args: Any, **kwargs: Any) -> Any:
        if str(self) == str(path):
            raise type(error)(error.errno, error.strerror, str(self))
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Path, "stat", refusing)


DENIED = PermissionError(errno.EACCES, "Permission denied")
VANISHED = FileNotFoundError(errno.ENOENT, "No such file or directory")
BIG_JSONL = b"".join(line({"id": f"b{i}", "title": "okapi"}) + b"\n" for i in range(50))


@pytest.mark.parametrize("name, content, deny, error, given", [
    # over SPLIT_BYTES, so split in plan() (outside the readers' OSError handling)
    pytest.param("big.jsonl", BIG_JSONL, _deny_open, DENIED, "folder", id="jsonl-denied"),
    pytest.param("big.sgm", "".join(SGML_ARTICLE.format(i) for i in range(50)).encode(), _deny_open, DENIED,
                 "folder", id="sgm-denied"),
    pytest.param("big.jsonl", BIG_JSONL, _deny_open, VANISHED, "folder", id="jsonl-vanished"),
    # named on its own, below a folder that may not be searched: is_dir() raises
    pytest.param("big.jsonl", BIG_JSONL, _deny_stat, DENIED, "file", id="named-below-unsearchable-folder"),
])
def test_an_unreadable_source_is_a_bad_input_that_skip_bad_skips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  name: str, content: bytes, deny, error: OSError,
                                                                  given: str):
    # A raw PermissionError stopped the rebuild, --skip-bad or not (the CLI: "error: ...: Permission denied").
    monkeypatch.setattr(indexer, "SPLIT_BYTES", 500)
    src = tmp_path / "news"
    src.mkdir()
    _write(src / "small.jsonl", GOOD[1:])
    bad = src / name
    bad.write_bytes(content)
    deny(monkeypatch, bad, error)
    sources = [src] if given == "folder" else [src / "small.jsonl", bad]
    with pytest.raises(InputError) as exc:
        rebuild(tmp_path / "ix", sources, settings=SETTINGS)
    assert (exc.value.source, exc.value.message) == (str(bad), f"cannot read: {error.strerror}")
    report = rebuild(tmp_path / "ix", sources, skip_bad=True, settings=SETTINGS)
    assert (report.documents, report.skipped) == (2, 1) and report.errors[0].source == str(bad)


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
