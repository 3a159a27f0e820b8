"""`searchsvc evaluate`: metrics against ir-measures and by hand, missing judged documents, --compare, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import ir_measures
import pytest

from searchsvc import evaluate as ev
from searchsvc.cli import main
from searchsvc.errors import QueryError
from searchsvc.writer import IndexWriter

from .conftest import input_file

QRELS = {"q1": {"d1": 1, "d2": 2, "d3": 0}, "q2": {"d4": 1}, "q3": {"d9": 1}, "q4": {"d5": 0}}
RUN = {
    "q1": {"d3": 3.0, "d1": 2.0, "x": 1.5, "d2": 1.0},  # relevant at ranks 2 and 4
    "q2": {"x": 2.0, "d4": 1.0},                        # relevant at rank 2
    "q3": {},                                            # nothing returned: scores 0
}
JUDGED = ["q1", "q2", "q3"]  # q4 has no relevant document: not measured


def test_metrics_match_ir_measures_and_hand_values():
    mean, per_query = ev.measure(QRELS, RUN, JUDGED)
    measures = [ir_measures.parse_measure(m) for m in ev.MEASURE_NAMES]
    direct = {(m.query_id, str(m.measure)): m.value for m in ir_measures.iter_calc(measures, QRELS, RUN)}
    for q in ("q1", "q2"):
        for name in ev.MEASURE_NAMES:
            assert per_query[q][name] == pytest.approx(direct[(q, name)])
    # By hand: q1 has relevant at ranks 2 and 4 (2 relevant), q2 at rank 2 (1 relevant).
    assert per_query["q1"]["AP@1000"] == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert per_query["q2"]["AP@1000"] == pytest.approx(1 / 2)
    assert per_query["q1"]["P@10"] == pytest.approx(0.2) and per_query["q1"]["R@100"] == 1.0
    ideal = 2 / 1 + 1 / 1.5849625007211562  # grades 2 then 1 at ranks 1, 2
    assert per_query["q1"]["nDCG@10"] == pytest.approx((1 / 1.5849625007211562 + 2 / 2.321928094887362) / ideal)
    # A judged query with no results counts as 0 in every mean (trec_eval would skip it).
    assert per_query["q3"] == dict.fromkeys(ev.MEASURE_NAMES, 0.0)
    assert mean["AP@1000"] == pytest.approx((0.5 + 0.5 + 0.0) / 3)


@pytest.mark.parametrize("spec, expected", [
    ("bm25_k1=0.9,weight_title=3", {"bm25_k1": "0.9", "weight_title": "3"}),
    (" proximity_weight = 1 , ", {"proximity_weight": "1"}),
    ("", {}),
])
def test_overrides(spec: str, expected: dict):
    assert ev.parse_overrides(spec) == expected


@pytest.mark.parametrize("spec, message", [
    ("bm25_k2=1", "unknown setting"),
    ("bm25_k1", "expected name=value"),
    ("bm25_k1=fast", "expected float"),
    ("bm25_b_body=2", "at most 1"),
])
def test_bad_overrides(spec: str, message: str):
    with pytest.raises(QueryError, match=message):
        ev.parse_overrides(spec)


@pytest.mark.parametrize("a, b, low, high", [
    ([0.5] * 20, [0.5] * 20, 1.0, 1.0),          # no difference
    ([0.2] * 20, [0.8] * 20, 0.0, 0.001),         # the same large gain on every query
    ([0.2, 0.8] * 10, [0.8, 0.2] * 10, 0.9, 1.0),  # gains and losses cancel
])
def test_randomisation_test(a: list, b: list, low: float, high: float):
    assert low <= ev.randomisation_p(a, b) <= high


# -- end to end on the synthetic corpus (conftest.CORPUS) ----------------------------------

QUERIES = [{"id": "1", "text": "putin pipeline"}, {"id": "2", "text": "markets"}, {"id": "3", "text": "nothing"}]
SHARED_QRELS = "1\ta2\t1\n1\ta1\t2\n2\ta6\t1\n3\ta3\t0\n"
TREC_QRELS = "1 0 a2 1\n1 0 a1 2\n2 0 a6 1\n3 0 a3 0\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    q = tmp_path / "q.jsonl"
    q.write_text("".join(json.dumps(x) + "\n" for x in QUERIES))
    shared, trec = tmp_path / "qrels.tsv", tmp_path / "qrels.trec"
    shared.write_text(SHARED_QRELS)
    trec.write_text(TREC_QRELS)
    return q, shared, trec


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["evaluate", *args]) == 0
    return capsys.readouterr().out


def test_cli_report_and_trec_form_agree(built_index: Path, files, capsys):
    q, shared, trec = files
    out = run_cli(capsys, "--index", str(built_index), "--queries", str(q), "--qrels", str(shared))
    assert "2 judged queries" in out and "nDCG@10=" in out and "AP@1000=" in out
    assert [line.split()[0] for line in out.splitlines()[4:]] == ["1", "2"]  # the per-query table
    same = run_cli(capsys, "--index", str(built_index), "--queries", str(q), "--qrels", str(trec))
    assert _means(out) == _means(same)


def test_cli_json_and_compare(built_index: Path, files, capsys):
    q, shared, _ = files
    base = ["--index", str(built_index), "--queries", str(q), "--qrels", str(shared), "--match", "any"]
    [report] = json.loads(run_cli(capsys, *base, "--json"))
    assert report["label"] == "defaults" and set(report["mean"]) == set(ev.MEASURE_NAMES)
    assert report["mean"]["R@100"] == 1.0  # every relevant document is found
    out = run_cli(capsys, *base, "--compare", "weight_title=0,weight_people=0")
    lines = out.splitlines()
    assert lines[1].startswith("defaults") and lines[2].startswith("weight_title=0,weight_people=0")
    assert lines[3].startswith("B - A") and "paired randomisation test p =" in out
    both = json.loads(run_cli(capsys, *base, "--compare", "bm25_k1=0.5", "--set", "bm25_b_body=0.75", "--json"))
    assert [r["overrides"] for r in both] == [{"bm25_b_body": "0.75"}, {"bm25_b_body": "0.75", "bm25_k1": "0.5"}]
    # B carries its comparison with A, the same as the text shows
    c = both[1]["comparison"]
    assert c["against"] == both[0]["label"] and c["measure"] == ev.PRIMARY and 0.0 <= c["p"] <= 1.0
    assert c["better"] + c["worse"] + c["equal"] == len(both[0]["per_query"]) and "comparison" not in both[0]
    text = run_cli(capsys, *base, "--compare", "bm25_k1=0.5", "--set", "bm25_b_body=0.75", "--no-per-query")
    assert f"better on {c['better']}, worse on {c['worse']}, equal on {c['equal']}" in text
    assert f"p = {c['p']:.3f}" in text


def test_cli_rejects_unknown_setting(built_index: Path, files, capsys):
    q, shared, _ = files
    code = main(["evaluate", "--index", str(built_index), "--queries", str(q), "--qrels", str(shared),
                 "--compare", "no_such=1"])
    assert code == 2 and "unknown setting" in capsys.readouterr().err


def _means(out: str) -> str:
    return out.splitlines()[1]


@pytest.mark.parametrize("which, content, message", [
    ("queries", b"missing", "{path}: cannot read: No such file or directory"),
    ("queries", None, "{path}: cannot read: Is a directory"),
    ("queries", b'{"id": "1", "text": "putin"}\n{"id": "2", "text": "\xff"}\n', "{path}:2: not valid UTF-8"),
    ("queries", b"[" * 200_000 + b"\n", "{path}:1: invalid JSON: nested too deeply"),
    ("qrels", b"missing", "{path}: cannot read: No such file or directory"),
    ("qrels", None, "{path}: cannot read: Is a directory"),
    ("qrels", b"1 a2 1\n1 \xe9 1\n", "{path}:2: not valid UTF-8 (byte 0xe9 at column 3)"),
    # Nothing to measure: all-zero figures with exit status 0 looked like a (bad) result.
    ("qrels", b"q1 a2 1\nq2 a6 1\n", "{queries}: no query id is judged in {path} (ids here: '1', '2', '3'; "
                                      "there: 'q1', 'q2')"),
    ("qrels", b"1 a2 0\n", "{queries}: none of the 1 queries judged in {path} has a relevant document"),
    ("queries", b'{"id": "1", "text": "a"}\n{"id": "1", "text": "b"}\n', "{path}:2: query id '1' is already on line 1"),
])
def test_cli_bad_files_are_one_line_errors(built_index: Path, files, capsys, which: str, content: bytes | None,
                                           message: str):
    q, shared, _ = files
    path = input_file(q.parent / f"other.{which}", content)
    args = {"queries": str(q), "qrels": str(shared), which: str(path)}
    code = main(["evaluate", "--index", str(built_index), "--queries", args["queries"], "--qrels", args["qrels"]])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith("error: " + message.format(path=path, queries=q)) and err.count("\n") == 1


@pytest.mark.parametrize("args, message", [
    (["--set", "no_such=1"], "error: --set: unknown setting 'no_such'"),
    (["--compare", "bm25_k1=fast"], "error: --compare: bm25_k1: expected float"),
    (["--depth", "0"], "error: --depth must be from 1 to 10000"),
])
def test_cli_bad_options_name_the_option(built_index: Path, files, capsys, args: list[str], message: str):
    q, shared, _ = files
    code = main(["evaluate", "--index", str(built_index), "--queries", str(q), "--qrels", str(shared), *args])
    assert code == 2 and capsys.readouterr().err.startswith(message)


def test_cli_index_under_a_regular_file(files, capsys):
    q, shared, _ = files
    code = main(["evaluate", "--index", str(shared), "--queries", str(q), "--qrels", str(shared)])
    assert code == 3 and capsys.readouterr().err.endswith("that path is a file, or under one\n")


def test_judged_documents_missing_from_the_index_are_reported(fresh_index: Path, files, capsys):
    """A judged-relevant id the index lacks (never indexed, or deleted) caps every system's
    figures: the report names it instead of leaving a low score unexplained."""
    q, _, _ = files
    qrels = q.parent / "missing.tsv"
    qrels.write_text("1\ta2\t1\n1\tzz9\t1\n1\ta1\t0\n2\ta6\t1\n2\tnot-here\t0\n")
    base = ["--index", str(fresh_index), "--queries", str(q), "--qrels", str(qrels)]
    [report] = json.loads(run_cli(capsys, *base, "--json"))
    assert report["missing_judged"] == {"1": ["zz9"]}  # grade 0 ("not-here") is no relevant document
    assert report["per_query"]["1"]["R@100"] == 0.5
    IndexWriter(fresh_index).delete(["a6"])
    out = run_cli(capsys, *base)
    assert "warning: 2 judged-relevant document(s) of 2 queries are not in the index (1: zz9; 2: a6)" in out
    compared = run_cli(capsys, *base, "--compare", "bm25_k1=0.9", "--no-per-query")
    assert compared.count("warning: 2 judged-relevant") == 1
    clean = run_cli(capsys, "--index", str(fresh_index), "--queries", str(q), "--qrels", str(files[1]))
    assert "warning" in clean  # a6 is judged there too, and now deleted
    q.write_text(json.dumps({"id": "1", "text": "putin"}) + "\n")
    assert "warning" not in run_cli(capsys, *base[:4], "--qrels", str(files[1]))


def test_save_run_writes_a_trec_run_that_scores_the_same(built_index: Path, files, tmp_path: Path, capsys):
    q, shared, trec = files
    run_path = tmp_path / "a.run"
    base = ["--index", str(built_index), "--queries", str(q), "--qrels", str(shared), "--match", "any"]
    [report] = json.loads(run_cli(capsys, *base, "--json", "--save-run", str(run_path),
                                  "--set", "bm25_k1=0.9"))
    lines = run_path.read_text().splitlines()
    assert lines and all(len(x.split()) == 6 and x.split()[1] == "Q0" and x.endswith(" searchsvc") for x in lines)
    assert [x.split()[3] for x in lines if x.startswith("1 ")] == [str(i) for i in range(1, len(
        [x for x in lines if x.startswith("1 ")]) + 1)]  # ranks 1, 2, 3, ... per query
    # Any tool reading the file measures what the report says (ties kept in searchsvc's order).
    run = list(ir_measures.read_trec_run(str(run_path)))
    # (query 3 has no relevant document: searchsvc does not measure it, trec_eval would count a 0)
    qrels = [r for r in ir_measures.read_trec_qrels(str(trec)) if r.query_id != "3"]
    means = ir_measures.calc_aggregate([ir_measures.parse_measure(m) for m in ev.MEASURE_NAMES], qrels, run)
    assert {str(k): round(v, 6) for k, v in means.items()} == {k: round(v, 6) for k, v in report["mean"].items()}


@pytest.mark.parametrize("target, message", [
    ("dir", "cannot write the run file: Is a directory"),
    ("no/such/folder/a.run", "cannot write the run file: No such file or directory"),
])
def test_save_run_to_a_bad_path_fails_first(built_index: Path, files, tmp_path: Path, capsys, target: str,
                                            message: str):
    q, shared, _ = files
    (tmp_path / "dir").mkdir()
    code = main(["evaluate", "--index", str(built_index), "--queries", str(q), "--qrels", str(shared),
                 "--save-run", str(tmp_path / target)])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and message in err and str(tmp_path / target) in err


def test_a_failed_evaluation_leaves_an_old_run_file_as_it_was(files, tmp_path: Path, capsys):
    q, shared, _ = files
    old = tmp_path / "old.run"
    old.write_text("1 Q0 a1 1 9 earlier\n")
    code = main(["evaluate", "--index", str(tmp_path / "no-index"), "--queries", str(q), "--qrels", str(shared),
                 "--save-run", str(old)])
    assert code == 3 and "no index" in capsys.readouterr().err.lower()
    assert old.read_text() == "1 Q0 a1 1 9 earlier\n"
    new = tmp_path / "new.run"  # and a file made for the run that failed is not left behind, empty
    assert main(["evaluate", "--index", str(tmp_path / "no-index"), "--queries", str(q), "--qrels", str(shared),
                 "--save-run", str(new)]) == 3
    assert not new.exists()
