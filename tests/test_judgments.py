"""Judgement files: qrels forms, query records, errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchsvc import judgments
from searchsvc.errors import InputError

QRELS = {"q1": {"d1": 1, "d2": 2, "d3": 0}, "q2": {"d4": 1}, "q3": {"d9": 1}, "q4": {"d5": 0}}
JUDGED = ["q1", "q2", "q3"]  # q4 has no relevant document: not measured


@pytest.mark.parametrize("text", [
    "q1\td1\t1\nq1\td2\t2\nq1\td3\t0\nq2\td4\t1\nq3\td9\t1\nq4\td5\t0\n",  # shared form
    "q1 0 d1 1\nq1 0 d2 2\nq1 0 d3 0\nq2 0 d4 1\nq3 0 d9 1\nq4 0 d5 0\n",  # TREC form
    "# comment\n\nq1 Q0 d1 1\nq1\t0\td2\t2\nq1 d3 0\nq2 d4 1\nq3 d9 1\nq4 d5 0\n",  # mixed, blank lines
])
def test_qrels_forms(text: str):
    assert judgments.parse_qrels(text.splitlines()) == QRELS


@pytest.mark.parametrize("line, message", [
    ("q1 d1", "got 2 fields"),
    ("q1 0 d1 1 extra", "got 5 fields"),
    ("q1 d1 high", "not an integer"),
])
def test_bad_qrels_name_the_line(line: str, message: str):
    with pytest.raises(InputError, match=message) as exc:
        judgments.parse_qrels(["q0 d0 1", line], source="j.tsv")
    assert exc.value.line == 2 and exc.value.source == "j.tsv"


@pytest.mark.parametrize("lines, line, message", [
    (['{"id": null, "text": null}'], 1, '"id" must be a non-empty string or an integer, got null'),
    (['{"id": "1", "text": "a"}', '{"id": "2", "text": null}'], 2, '"text" must be a string, got null'),
    (['{"id": "1", "text": 7}'], 1, '"text" must be a string, got a number'),
    (['{"id": true, "text": "a"}'], 1, "got a boolean"),
    (['{"id": 1.5, "text": "a"}'], 1, "got a number"),
    (['{"id": "", "text": "a"}'], 1, "got an empty string"),
    (['{"id": ["1"], "text": "a"}'], 1, "got an array"),
    (['{"id": "1"}'], 1, 'no "text"'),
    (['["1", "a"]'], 1, 'expected {"id", "text"}, got an array'),
    (['{"id": "1", "text": "a"}', '', '{"id": "1", "text": "b"}'], 3, "query id '1' is already on line 1"),
    (['{"id": "1", "text": "a"}', '{"id": 1, "text": "b"}'], 2, "query id '1' is already on line 1"),
    (["[" * 200_000], 1, "invalid JSON: nested too deeply"),
    (['{"id": "1", "text": "a"'], 1, "invalid JSON"),
])
def test_bad_query_records_name_the_line(tmp_path: Path, lines: list[str], line: int, message: str):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as exc:
        judgments.read_queries(path)
    assert (exc.value.source, exc.value.line) == (str(path), line) and message in exc.value.message


def test_query_ids_may_be_integers(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": 7, "text": "a"}\n{"id": "q8", "text": "b"}\n')
    assert judgments.read_queries(path) == {"7": "a", "q8": "b"}


def test_judged_keeps_queries_with_a_relevant_document():
    queries = {q: "text" for q in ("q1", "q2", "q3", "q4", "q5")}
    assert list(judgments.judged(queries, QRELS)) == JUDGED


def test_query_and_qrels_files_may_open_with_a_byte_order_mark(tmp_path: Path):
    queries, qrels = tmp_path / "q.jsonl", tmp_path / "qrels.tsv"
    queries.write_bytes(b'\xef\xbb\xbf{"id": "1", "text": "a"}\n')
    qrels.write_bytes(b"\xef\xbb\xbf1 0 d1 1\n")
    assert judgments.read_queries(queries) == {"1": "a"}
    assert "1" in judgments.read_qrels(qrels)
