"""Ranking formulas (scoring.py, feedback.py) and each ranking option's intended effect.

The options are tested on a tiny synthetic corpus where, without the option, two
documents tie exactly (and fall back to id order) or one does not match at all.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.feedback import doc_model, interpolate, query_model, relevance_model
from searchsvc.indexer import rebuild
from searchsvc.positions import decode_positions
from searchsvc.proximity import PROXIMITY_FIELDS, _occurrences
from searchsvc.scoring import idf, neighbour_accumulators, proximity_score, recency_factor, saturate
from searchsvc.settings import Settings
from searchsvc.writer import IndexWriter

# -- formulas ------------------------------------------------------------------------------


@pytest.mark.parametrize("df, n, expected", [
    (1, 1000, math.log(1 + 999.5 / 1.5)),
    (500, 1000, math.log(1 + 500.5 / 500.5)),
    (1000, 1000, math.log(1 + 0.5 / 1000.5)),  # never negative, unlike the raw RSJ weight
])
def test_idf(df: int, n: int, expected: float):
    assert idf(df, n) == pytest.approx(expected)


@pytest.mark.parametrize("tf, k1, expected", [(0.0, 1.2, 0.0), (1.0, 1.2, 1.0), (1e9, 1.2, 2.2), (3.0, 0.0, 1.0)])
def test_saturate(tf: float, k1: float, expected: float):
    assert saturate(np.array([tf]), k1)[0] == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("occurrences, weights, expected", [
    ([(0, 0), (1, 1)], [2.0, 3.0], [3.0, 2.0]),                # adjacent: full weight of the other term
    ([(0, 0), (2, 1)], [2.0, 3.0], [0.75, 0.5]),               # distance 2: a quarter
    ([(5, 1), (0, 0)], [1.0, 1.0], [1 / 25, 1 / 25]),          # order of the input does not matter
    ([(0, 0), (1, 0), (2, 0)], [1.0, 1.0], [0.0, 0.0]),        # the same term next to itself counts nothing
    ([(0, 0), (1, 1), (9, 0)], [1.0, 1.0], [1 + 1 / 64, 1 + 1 / 64]),  # only neighbours pair up
    ([(0, 0)], [1.0], [0.0]),
])
def test_neighbour_accumulators(occurrences: list, weights: list, expected: list):
    positions, terms = (np.array(v, dtype=np.int64) for v in zip(*occurrences))
    rows = np.zeros(len(positions), dtype=np.int64)
    assert neighbour_accumulators(rows, positions, terms, np.array(weights), 1)[0] == pytest.approx(expected)


def test_neighbour_accumulators_keep_documents_apart():
    # Two documents at once: a term ending one and a term opening the next are not neighbours.
    rows, positions, terms = np.array([0, 0, 1, 1]), np.array([0, 1, 2, 5]), np.array([0, 1, 0, 1])
    acc = neighbour_accumulators(rows, positions, terms, np.array([1.0, 1.0]), 2)
    assert acc.ravel().tolist() == pytest.approx([1.0, 1.0, 1 / 9, 1 / 9])


def test_proximity_score_saturates_and_normalises():
    w = np.array([1.5, 0.5])
    near, far, longer, huge = proximity_score(np.array([[2.0, 2.0], [0.2, 0.2], [2.0, 2.0], [1e9, 1e9]]), w, 1.2,
                                              np.array([1.0, 1.0, 2.0, 1.0]))
    assert near > far > 0
    assert longer < near  # a longer document gets less
    assert huge == pytest.approx(1.5 * 2.2, rel=1e-6)  # min(1, w): 1 + 0.5, times k1 + 1


@pytest.mark.parametrize("age, half_life, weight, expected", [
    (0.0, 30.0, 0.5, 1.0), (30.0, 30.0, 0.5, 0.75), (60.0, 30.0, 0.5, 0.625),
    (np.inf, 30.0, 0.5, 0.5), (10.0, 30.0, 0.0, 1.0), (np.inf, 7.0, 1.0, 0.0),
])
def test_recency_factor(age: float, half_life: float, weight: float, expected: float):
    assert recency_factor(np.array([age]), half_life, weight)[0] == pytest.approx(expected)


def test_rm3_pieces():
    assert query_model({"a": 2.0, "b": 1.0, "c": 1.0}) == {"a": 0.5, "b": 0.25, "c": 0.25}
    keep = lambda w: w != "the"  # noqa: E731
    assert doc_model({"the": 9, "x": 3, "y": 1, "z": 1}, 2, keep) == {"x": 0.75, "y": 0.25}  # ties by word
    rm = relevance_model([{"x": 1.0}, {"x": 0.5, "y": 0.5}], [3.0, 1.0], n_terms=10)
    assert rm == pytest.approx({"x": 3.5 / 4, "y": 0.5 / 4})
    assert relevance_model([{"x": 0.6, "y": 0.4}], [1.0], n_terms=1) == {"x": 1.0}
    assert interpolate({"a": 1.0}, {"a": 0.5, "x": 0.5}, 0.5) == {"a": 0.75, "x": 0.25}



def test_occurrences_match_each_document_decoded_alone(tmp_path: Path):
    """proximity._occurrences decodes every (document, word) of every segment in one pass: the same
    occurrences as decoding each one alone, whatever order the candidates come in."""
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{i}", "title": "solar farm", "people": [], "dates": [],
                                       "body": f"solar panel {i} solar roof panel"}) + "\n" for i in range(6)))
    rebuild(tmp_path / "ix", [src])
    for i in range(3):  # two more segments, one without "roof"
        body = "roof panel solar" if i else "panel only here"
        IndexWriter(tmp_path / "ix").put([Document(id=f"b{i}", title="solar", body=body)], extract_missing=False)
    with SearchEngine(tmp_path / "ix", Settings(environ={})) as e:
        view = e.view()
        assert len(view.segments) >= 3
        words = [("solar", 0), ("panel", 1), ("roof", 2), ("absent", 1)]
        docs = np.random.default_rng(7).permutation(np.flatnonzero(view.live))[:-1]  # shuffled, one left out
        for field in PROXIMITY_FIELDS:
            expected = set()
            for row, doc in enumerate(docs.tolist()):
                seg = int(np.searchsorted(view.offsets, doc, side="right")) - 1
                local = doc - int(view.offsets[seg])
                for word, unit in words:
                    ids, values = view.segments[seg].positions(field, word)
                    expected |= {(row, p, unit) for k in np.flatnonzero(ids == local).tolist()
                                 for p in decode_positions(values[k])}
            rows, positions, units = _occurrences(view, field, words, docs)
            found = list(zip(rows.tolist(), positions.tolist(), units.tolist()))
            assert len(found) == len(set(found)) and set(found) == expected and expected

# -- options on a synthetic corpus -------------------------------------------------------------

FILLER = [{"id": f"f{i:02d}", "title": f"Notes {i}", "body": f"lorem ipsum dolor filler{i} amet"} for i in range(30)]
DOCS = [
    # proximity: the same words and lengths; only q2 has them side by side.
    {"id": "q1", "title": "", "body": "solar roof report with a panel"},
    {"id": "q2", "title": "", "body": "report with a solar panel roof"},
    # feedback: e1 has no query word but shares the words of the two best matches.
    {"id": "j1", "title": "", "body": "jaguar engine torque gearbox"},
    {"id": "j2", "title": "", "body": "jaguar engine torque brakes"},
    {"id": "e1", "title": "", "body": "engine torque gearbox brakes"},
    # recency: different dates (r0 has none); the oldest text is the best match
    {"id": "r0", "title": "", "body": "comet sighting tonight"},
    {"id": "r1", "title": "", "body": "comet sighting tonight, the comet", "published": "2020-01-01"},
    {"id": "r2", "title": "", "body": "comet sighting tonight", "published": "2024-12-01"},
    # fuzzy: the word in four documents, a misspelling of it in one, both in one (same lengths)
    *({"id": f"w{i}", "title": "", "body": f"gas pipeline opened {w}"}
      for i, w in enumerate(["north", "south", "east", "west"])),
    {"id": "t1", "title": "", "body": "gas pipleline opened north"},
    {"id": "b1", "title": "", "body": "gas pipeline pipleline north"},
]


@pytest.fixture(scope="module")
def options_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("options")
    src = d / "docs.jsonl"
    src.write_text("".join(json.dumps({**r, "people": [], "dates": []}) + "\n" for r in DOCS + FILLER))
    rebuild(d / "ix", [src])
    return d / "ix"


@pytest.fixture(scope="module")
def reversed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("reversed")
    src = d / "docs.jsonl"
    src.write_text("".join(json.dumps({**r, "people": [], "dates": []}) + "\n" for r in (DOCS + FILLER)[::-1]))
    rebuild(d / "ix", [src])
    return d / "ix"


def top(index: Path, query: str, match: str = "any", **settings: object) -> list[str]:
    with SearchEngine(index, Settings(settings, environ={})) as e:
        return [h.id for h in e.search(query, match=match, limit=10).hits]


@pytest.mark.parametrize("query, settings, expected", [
    ("solar panel", {"proximity_weight": 0}, ["q1", "q2"]),     # off: a tie, id order
    ("solar panel", {}, ["q2", "q1"]),                          # the default: adjacent words first
    ("solar panel", {"proximity_candidates": 1}, ["q1", "q2"]),  # only the best one is re-scored
    ("solar panel roof", {}, ["q2", "q1"]),                     # three words: on
    ("solar panel roof", {"proximity_max_terms": 2}, ["q1", "q2"]),  # past the limit: off (a tie)
])
def test_proximity_option(options_index: Path, reversed_index: Path, query: str, settings: dict, expected: list):
    assert top(options_index, query, **settings) == expected
    # Which of two tied documents is a candidate does not depend on which was indexed first.
    assert top(reversed_index, query, **settings) == expected


@pytest.mark.parametrize("match, settings, expected", [
    ("any", {}, {"j1", "j2"}),
    ("any", {"rm3_docs": 2}, {"j1", "j2", "e1"}),  # the feedback words find e1
    ("all", {"rm3_docs": 2}, {"j1", "j2"}),        # feedback is for match=any only
])
def test_rm3_option(options_index: Path, match: str, settings: dict, expected: set):
    found = top(options_index, "jaguar", match=match, **settings)
    assert set(found) == expected
    assert set(found[:2]) == {"j1", "j2"}  # the documents with the query word stay first


@pytest.mark.parametrize("settings, expected", [
    ({}, ["r1", "r2", "r0"]),  # the best match; equals newest first, undated last
    ({"recency_half_life_days": 365.0}, ["r2", "r1", "r0"]),  # the newest is lifted above it
    ({"recency_half_life_days": 365.0, "recency_weight": 0.0}, ["r1", "r2", "r0"]),
])
def test_recency_option(options_index: Path, settings: dict, expected: list):
    assert top(options_index, "comet sighting", **settings) == expected


def test_options_leave_other_sorts_alone(options_index: Path):
    with SearchEngine(options_index, Settings({"recency_half_life_days": 365.0, "proximity_weight": 1.0},
                                              environ={})) as e:
        assert [h.id for h in e.search("comet", sort="oldest").hits] == ["r1", "r2", "r0"]


@pytest.mark.parametrize("keys, tied", [
    ([[3.0, 1.0, 2.0]], False),
    ([[3.0, 1.0, 3.0]], True),
    ([[float("nan"), 1.0, float("nan")]], True),   # NaNs tie, as np.unique counts them
    ([[1.0, 1.0], [2.0, 3.0]], False),             # the second key separates them
    ([[1.0, 1.0], [2.0, 2.0]], True),
    ([[5.0]], False),
])
def test_tie_rank_orders_by_id_only_when_keys_tie(built_index, keys, tied):
    from searchsvc.ranking import _tie_rank

    with SearchEngine(built_index) as e:
        view = e.view()
        docs = np.arange(len(keys[0]))[::-1]      # reversed docnums: id order is then not docnum order
        rank = _tie_rank(view, docs, [np.array(k) for k in keys])
        if not tied:
            assert not rank.any()
        else:
            ids = [view.doc_id(int(d)) for d in docs]
            assert [ids[i] for i in np.argsort(rank)] == sorted(ids)


def test_the_expansions_of_a_fuzzy_term_are_scored_as_one_word(options_index: Path):
    """A rare misspelling must not outrank the word asked for, and a document holding both
    spellings is not scored as if it held two query words (before: t1 and b1 came first)."""
    with SearchEngine(options_index, Settings({"result_cache": 0}, environ={})) as e:
        fuzzy = {h.id: h.score for h in e.search("pipeline~", match="any", limit=10).hits}
        plain = {h.id: h.score for h in e.search("pipeline", match="any", limit=10).hits}
    assert set(fuzzy) == {"w0", "w1", "w2", "w3", "t1", "b1"}
    assert fuzzy["w0"] == pytest.approx(plain["w0"])  # the word itself: as if asked for plainly
    assert fuzzy["t1"] < fuzzy["w0"]                  # the misspelling weighs less (one edit of eight)
    assert fuzzy["w0"] < fuzzy["b1"] < 1.5 * fuzzy["w0"]  # both: more frequent, not two words



@pytest.fixture(scope="module")
def common_words_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three documents about gas and an ox among 300 full of the stopwords one edit from them."""
    d = tmp_path_factory.mktemp("common")
    docs = [{"id": f"c{i:03d}", "title": "", "body": "it was as it has been, of or on"} for i in range(300)]
    docs += [{"id": f"g{i}", "title": "", "body": f"gas supply {w}"} for i, w in enumerate(["north", "south", "east"])]
    docs += [{"id": "x1", "title": "", "body": "the ox pulled"},
             {"id": "o1", "title": "", "body": "oil oil report"}, {"id": "o2", "title": "", "body": "oil report oil"}]
    src = d / "docs.jsonl"
    src.write_text("".join(json.dumps({**r, "people": [], "dates": []}) + "\n" for r in docs))
    rebuild(d / "ix", [src])
    return d / "ix"


@pytest.mark.parametrize("query, first", [("gas~", {"g0", "g1", "g2"}), ("ox~", {"x1"}), ("ox~2/0", {"x1"})])
def test_a_short_fuzzy_term_is_not_drowned_by_stopwords_near_it(common_words_index: Path, query: str, first: set):
    # "gas~" reaches "was", "has", "as" (300 documents): blended with theirs, gas's idf was near 0
    found = top(common_words_index, query)
    assert set(found[:len(first)]) == first and not any(i.startswith("c") for i in found)


@pytest.mark.parametrize("query, found", [("nx~", []), ("nx~1/0", ["x1"]), ("nx~2/0", ["x1"]), ("ox~", ["x1"])])
def test_a_fuzzy_term_keeps_its_first_letter_unless_told(common_words_index: Path, query: str, found: list):
    assert top(common_words_index, query) == found


def test_a_word_is_never_near_itself(common_words_index: Path):
    """``oil oil*``: the pattern covers "oil" too, and two occurrences of it side by side are not
    two query words near each other (o1 got a proximity bonus over o2)."""
    with SearchEngine(common_words_index, Settings({"result_cache": 0}, environ={})) as e:
        scores = {h.id: h.score for h in e.search("oil oil*", match="any").hits}
    assert scores["o1"] == pytest.approx(scores["o2"])


def test_feedback_leaves_a_pattern_alone(options_index: Path):
    assert top(options_index, "jagu*", rm3_docs=2) == top(options_index, "jagu*")
