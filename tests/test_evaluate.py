"""`searchsvc evaluate`: qrels forms, metrics against ir-measures and by hand, --compare, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import ir_measures
import pytest

from searchsvc import evaluate as ev
from searchsvc.cli import main
from searchsvc.errors import InputError, QueryError

QRELS = {"q1": {"d1": 1, "d2": 2, "d3": 0}, "q2": {"d4": 1}, "q3": {"d9": 1}, "q4": {"d5": 0}}
RUN = {
    "q1": {"d3": 3.0, "d1": 2.0, "x": 1.5, "d2": 1.0},  # relevant at ranks 2 and 4
    "q2": {"x": 2.0, "d4": 1.0},                        # relevant at rank 2
    "q3": {},                                            # nothing returned: scores 0
}
JUDGED = ["q1", "q2", "q3"]  # q4 has no relevant document: not measured


@pytest.mark.parametrize("text", [
    "q1\td1\t1\nq1\td2\t2\nq1\td3\t0\nq2\td4\t1\nq3\td9\t1\nq4\td5\t0\n",  # shared form
    "q1 0 d1 1\nq1 0 d2 2\nq1 0 d3 0\nq2 0 d4 1\nq3 0 d9 1\nq4 0 d5 0\n",  # TREC form
    "# comment\n\nq1 Q0 d1 1\nq1\t0\td2\t2\nq1 d3 0\nq2 d4 1\nq3 d9 1\nq4 d5 0\n",  # mixed, blank lines
])
def test_qrels_forms(text: str):
    assert ev.parse_qrels(text.splitlines()) == QRELS


@pytest.mark.parametrize("line, message", [
    ("q1 d1", "got 2 fields"),
    ("q1 0 d1 1 extra", "got 5 fields"),
    ("q1 d1 high", "not an integer"),
])
def test_bad_qrels_name_the_line(line: str, message: str):
    with pytest.raises(InputError, match=message) as exc:
        ev.parse_qrels(["q0 d0 1", line], source="j.tsv")
    assert exc.value.line == 2 and exc.value.source == "j.tsv"


def test_judged_keeps_queries_with_a_relevant_document():
    queries = {q: "text" for q in ("q1", "q2", "q3", "q4", "q5")}
    assert list(ev.judged(queries, QRELS)) == JUDGED


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


def test_cli_rejects_unknown_setting(built_index: Path, files, capsys):
    q, shared, _ = files
    code = main(["evaluate", "--index", str(built_index), "--queries", str(q), "--qrels", str(shared),
                 "--compare", "no_such=1"])
    assert code == 2 and "unknown setting" in capsys.readouterr().err


def _means(out: str) -> str:
    return out.splitlines()[1]
