"""The command line, end to end, as tooling uses it (subprocesses, real files)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert readable.startswith("1 results") and "Xi, <mark>Putin</mark> meet in Moscow" in readable


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
    assert r.returncode == 0
    [line] = r.stdout.splitlines()
    rec = json.loads(line)
    assert rec["id"] == "d1" and set(rec) == {"id", "people", "dates"}
    assert "stdin:2" in r.stderr


def test_bad_input_exit_code_and_message(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "title": "ok"}\n{"id": "2", "title": 3}\n')
    r = run("index", "--index", str(tmp_path / "ix"), str(bad))
    assert r.returncode == 1 and f"{bad}:2" in r.stderr and "title" in r.stderr
    assert not (tmp_path / "ix" / "CURRENT").exists()
    r = run("index", "--index", str(tmp_path / "ix"), "--skip-bad", "--quiet", str(bad))
    assert r.returncode == 0 and "1 skipped" in r.stdout


def test_add_delete_info_and_missing_index(tmp_path: Path, seed_index: Path):
    docs = tmp_path / "more.jsonl"
    docs.write_text('{"id": "n1", "title": "Quokka census", "body": "Quokkas counted."}\n')
    ix = tmp_path / "ix"
    assert run("add", "--index", str(ix), str(docs)).returncode == 0
    info = json.loads(run("info", "--index", str(ix)).stdout)
    assert info["documents"] == 1 and info["extraction"] in ("compiled (mypyc)", "pure Python")
    assert "deleted 1 of 1" in run("delete", "--index", str(ix), "n1").stdout
    r = run("search", "--index", str(tmp_path / "none"), "x")
    assert r.returncode == 3 and "no index" in r.stderr


def test_bad_parameter_is_a_usage_error(seed_index: Path):
    r = run("search", "--index", str(seed_index), "--limit", "100000", "x")
    assert r.returncode == 2 and "max_limit" in r.stderr  # the CLI may raise the cap, within its range
    r = run("search", "--index", str(seed_index), "--limit", "-1", "x")
    assert r.returncode == 2 and "limit" in r.stderr
