"""scripts/tune_relevance.py: the cross-validation that tells a real ranking gain from a lucky fit."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from tune_relevance import cross_validated, main, parse_grid  # noqa: E402

from searchsvc.errors import QueryError  # noqa: E402

QS = [str(i) for i in range(10)]
FLAT = dict.fromkeys(QS, 0.5)


ODD = [str(i) for i in range(11)]
STEPS = {q: i / 10 for i, q in enumerate(ODD)}  # defaults that differ per query, odd count


@pytest.mark.parametrize(("scores", "expected_cv", "expected_base"), [
    # only the defaults: chosen on every half, so the two figures are the defaults' mean
    ([FLAT], 0.5, 0.5),
    ([STEPS], 0.5, 0.5),
    # a configuration better on every query is chosen on every half: its whole gain holds out
    ([FLAT, dict.fromkeys(QS, 0.7)], 0.7, 0.5),
    ([STEPS, {q: v + 0.1 for q, v in STEPS.items()}], 0.6, 0.5),
    # worse everywhere: never chosen
    ([FLAT, dict.fromkeys(QS, 0.3)], 0.5, 0.5),
    # equal to the defaults but better on one query: a draw on the halves without that query
    # goes to the defaults; the halves with it pick it, and on the other half it is no better
    ([FLAT, {**FLAT, "0": 0.9}], 0.5, 0.5),
    # one lucky query: whichever half holds it picks the configuration, and the other half
    # (where it is only worse) pays; held out it is below the defaults
    ([FLAT, {**dict.fromkeys(QS, 0.45), "0": 1.0}], 0.475, 0.5),
])
def test_cross_validated(scores, expected_cv, expected_base):
    cv, base = cross_validated(scores, splits=10, seed=3)
    assert base == pytest.approx(expected_base)
    assert cv == pytest.approx(expected_cv)


@pytest.mark.parametrize(("scores", "splits"), [([{"a": 0.5}], 5), ([FLAT], 0)])
def test_cross_validation_needs_two_queries_and_a_split(scores, splits):
    assert all(math.isnan(x) for x in cross_validated(scores, splits=splits, seed=1))


@pytest.mark.parametrize(("spec", "expected"), [
    ("rm3_docs=1,2", [{"rm3_docs": "1"}, {"rm3_docs": "2"}]),
    ("bm25_k1=0.9,1.2 rm3_docs=2", [{"bm25_k1": "0.9", "rm3_docs": "2"}, {"bm25_k1": "1.2", "rm3_docs": "2"}]),
])
def test_parse_grid(spec: str, expected: list):
    assert parse_grid(spec) == expected


@pytest.mark.parametrize(("spec", "message"), [
    ("rm3_docs", "rm3_docs"), ("rm3_docs=,", "rm3_docs"), ("rm3_docs=1 rm3_docs=2", "rm3_docs given twice"),
    ("no_such_setting=1", "no_such_setting"), ("bm25_k1=-1", "bm25_k1"),
])
def test_bad_grid_is_refused_with_its_name(spec: str, message: str):
    with pytest.raises((SystemExit, QueryError), match=message):
        parse_grid(spec)


def test_end_to_end_on_a_tiny_collection(tmp_path: Path, corpus_file: Path, capsys: pytest.CaptureFixture[str]):
    coll = tmp_path / "tiny"
    coll.mkdir()
    (coll / "corpus.jsonl").write_text(corpus_file.read_text(encoding="utf-8"), encoding="utf-8")
    (coll / "queries.jsonl").write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in
                                                enumerate(["putin pipeline", "markets", "tariffs trump"])))
    (coll / "qrels.tsv").write_text("0\ta2\t1\n0\ta1\t2\n1\ta6\t1\n2\ta3\t1\n")
    out = tmp_path / "out.json"
    assert main(["--grid", "bm25_k1=1.2,2.0", "--data", str(tmp_path), "--collections", "tiny",
                 "--splits", "3", "--json", str(out)]) == 0
    r = json.loads(out.read_text())["tiny"]
    assert [c["label"] for c in r["configs"]] == ["defaults", "bm25_k1=1.2", "bm25_k1=2.0"]
    # k1 1.2 is the default: the same ranking, the same figures
    assert r["configs"][0]["nDCG@10"] == r["configs"][1]["nDCG@10"]
    assert r["in_sample_best"] >= r["defaults"] and 0 <= r["cross_validated"] <= 1
    assert "cross-validated" in capsys.readouterr().out
