"""Search behaviour end to end on the synthetic corpus (see conftest.CORPUS)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import falcon.testing
import pytest

from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.errors import InputError, NotFoundError, QueryError
from searchsvc.extract import extract
from searchsvc.indexer import rebuild
from searchsvc.loaders import iter_records
from searchsvc.settings import Settings
from searchsvc.web import create_app
from searchsvc.writer import IndexWriter

from .conftest import write_jsonl


def ids(results) -> list[str]:
    return [h.id for h in results.hits]


@pytest.mark.parametrize("query, match, expected", [
    ("putin", "all", {"a1", "a2"}),
    ("putin kremlin", "all", {"a1"}),
    ("putin kremlin", "any", {"a1", "a2"}),
    ('"power of siberia"', "all", {"a1"}),
    ('"power politics"', "all", {"a1"}),
    ("power", "all", {"a1", "a2"}),
    ("people:putin", "all", {"a1", "a2"}),
    ('people:"Vladimir Putin"', "all", {"a1", "a2"}),
    ('people:"Putin Xi"', "all", set()),  # a phrase never spans two names
    ("people:xi", "all", {"a1", "a4"}),
    ("title:pipeline", "all", {"a2"}),
    ("section:russia", "all", {"a1", "a4"}),
    ("section:rus*", "all", {"a1", "a4"}),
    ("section:Eco*", "all", {"a3", "a6"}),
    ("section:*erg*", "all", {"a2"}),
    ("section:en?rgy", "all", {"a2"}),
    ("putin NOT kremlin", "all", {"a2"}),
    ("putin -kremlin", "all", {"a2"}),
    ("-putin", "all", {"a3", "a4", "a5", "a6", "b0", "b1"}),  # only exclusions: everything else
    ("-kremlin -putin", "all", {"a3", "a4", "a5", "a6", "b0", "b1"}),
    ("tariff OR parade", "all", {"a3", "a4"}),
    ("pipe*", "all", {"a1", "a2"}),
    ("marke*", "all", {"a2", "a3", "a5", "a6"}),
    ("pipelin~", "all", {"a1", "a2"}),
    ("dates:2025-05", "all", {"a1", "a2", "a4"}),
    ("dates:[2025-05-01 to 2025-05-31]", "all", {"a1", "a2", "a4"}),
    ("dates:[2025-05-09 to 2025-05-31]", "all", {"a4"}),  # days, not the whole month or year
    ("dates:[2025-04-01 to 2025-04-30]", "all", {"a3"}),
    ("dates:2025", "all", {"a1", "a2", "a3", "a4"}),
    ("dates:>2025-05-08", "all", {"a4"}),
    ("dates:[to 1950]", "all", {"a4"}),
    ("published:[2025-05-01 to 2025-05-09]", "all", {"a1", "a4"}),
    ("published:2023", "all", {"b0", "b1"}),
    ("id:a3", "all", {"a3"}),
    ("*", "all", {"a1", "a2", "a3", "a4", "a5", "a6", "b0", "b1"}),
    ("", "all", {"a1", "a2", "a3", "a4", "a5", "a6", "b0", "b1"}),
    ("nosuchword", "all", set()),
    ("the of and", "all", {"a1"}),  # only stopwords: kept, all required
    ("colour:red putin", "all", set()),  # an unknown field is just words
])
def test_matching(engine: SearchEngine, query: str, match: str, expected: set[str]):
    r = engine.search(query, match=match, limit=100, relax=False)
    assert set(ids(r)) == expected
    assert r.total == len(expected)


@pytest.mark.parametrize("kwargs, expected", [
    ({"people": "vladimir putin"}, {"a1", "a2"}),
    ({"people": ["Vladimir Putin", "Xi Jinping"]}, {"a1"}),
    ({"section": "ECONOMY"}, {"a3", "a6"}),
    ({"date_from": "2025-05-09"}, {"a2", "a4"}),
    ({"date_from": "2025-05", "date_to": "2025-05"}, {"a1", "a2", "a4"}),
    ({"date_to": "2024"}, {"a5", "b0", "b1"}),
    ({"mentions_from": "2025-05-01", "mentions_to": "2025-05-31"}, {"a1", "a2", "a4"}),
    ({"mentions_to": "1999"}, {"a4"}),
])
def test_filters(engine: SearchEngine, kwargs: dict, expected: set[str]):
    assert set(ids(engine.search("", limit=100, **kwargs))) == expected


@pytest.mark.parametrize("kwargs, param", [
    ({"limit": 101}, "limit"), ({"limit": -1}, "limit"), ({"offset": 10**7}, "offset"),
    ({"sort": "random"}, "sort"), ({"match": "some"}, "match"), ({"date_from": "soon"}, "date_from"),
    ({"mentions_to": "2025-13"}, "mentions_to"),
    # Python callers' wrong types: a QueryError naming the parameter, not a TypeError from inside
    ({"people": 123}, "people"), ({"people": ["Putin", 2]}, "people"), ({"section": 5}, "section"),
    ({"date_from": 20200101}, "date_from"), ({"mentions_from": ["2020"]}, "mentions_from"),
    ({"facets": ["people"]}, "facets"), ({"snippets": "no"}, "snippets"), ({"relax": None}, "relax"),
    ({"facets": 2}, "facets"),
    ({"date_from": "2025-06", "date_to": "2025-05"}, "date_from"),  # a range that ends before it starts
    ({"mentions_from": "2026", "mentions_to": "2025-12-31"}, "mentions_from"),
    # text that cannot be UTF-8 (lone surrogates, as surrogateescape decoding leaves them)
    ({"people": "Put\udcffin"}, "people"), ({"people": ["Xi", "\ud800"]}, "people"), ({"section": "\udc80"}, "section"),
])
def test_bad_parameters_name_themselves(engine: SearchEngine, kwargs: dict, param: str):
    with pytest.raises(QueryError) as exc:
        engine.search("putin", **kwargs)
    assert exc.value.param == param


WRONG_TYPES = [  # Python callers: a QueryError naming what is wrong, never a TypeError from deep inside
    ("get", (5,), "id"), ("get", (None,), "id"), ("get", (["a1"],), "id"), ("get", ("\ud800",), "id"),
    ("similar", (5,), "id"), ("similar", ("\ud800",), "id"),
]


@pytest.mark.parametrize("method, args, param", WRONG_TYPES)
def test_wrong_argument_types_name_themselves(engine: SearchEngine, method: str, args: tuple, param: str):
    with pytest.raises(QueryError) as exc:
        getattr(engine, method)(*args)
    assert exc.value.param == param


@pytest.mark.parametrize("call, param", [
    (lambda ix: rebuild(ix, None), "sources"), (lambda ix: list(iter_records(5)), "sources"),
    (lambda ix: rebuild(ix, [], skip_bad="no"), "skip_bad"),
    (lambda ix: IndexWriter(ix).put([Document(id="p1", title="x")], extract_missing="no"), "extract_missing"),
    (lambda ix: extract(5), "text"), (lambda ix: extract(b"Putin"), "text"),
    (lambda ix: extract("x", title=3), "title"),
    # TypeErrors from pathlib and from deep in a write before
    (lambda ix: SearchEngine(5), "index"), (lambda ix: SearchEngine(str(ix).encode()).search("oil"), "index"),
    (lambda ix: rebuild(None, []), "index"), (lambda ix: IndexWriter(3), "index"),
    (lambda ix: IndexWriter(ix).put([Document(id="x1", body="b", origin=None)]), "docs"),  # type: ignore[arg-type]
    # AttributeErrors from deep inside, or a setting silently turned into the wrong string, before
    (lambda ix: SearchEngine(ix, {"max_limit": 5}), "settings"), (lambda ix: IndexWriter(ix, {}), "settings"),
    (lambda ix: rebuild(ix, [], settings={}), "settings"), (lambda ix: Settings([1]), "settings"),
    (lambda ix: create_app({"index": str(ix)}), "settings"),
    (lambda ix: Settings({"cors_origins": ["https://a.example"]}), "cors_origins"),
    (lambda ix: Settings({"index": str(ix).encode()}), "index"),
    (lambda ix: Settings({"query_time_limit": True}), "query_time_limit"),
    # checked before the build, not found after the new generation went live
    (lambda ix: rebuild(ix, [], progress=5), "progress"),
    (lambda ix: rebuild(ix, [], max_errors_kept="10"), "max_errors_kept"),
    (lambda ix: rebuild(ix, [], max_errors_kept=-1), "max_errors_kept"),
])
def test_wrong_argument_types_elsewhere_name_themselves(fresh_index: Path, call, param: str):
    with pytest.raises(QueryError) as exc:
        call(fresh_index)
    assert exc.value.param == param


def test_a_documents_given_must_name_people_or_dates(fresh_index: Path):
    with pytest.raises(InputError) as exc:
        IndexWriter(fresh_index).put([Document(id="p1", title="x", given="people")])  # type: ignore[arg-type]
    assert exc.value.field == "given"


@pytest.mark.parametrize("query", ["\ud800", "pu\ud800*", "putin \udcff", '"pu\udcff xi"'])
def test_lone_surrogates_in_queries_name_q(engine: SearchEngine, query: str):
    for call in (lambda: engine.search(query), lambda: engine.suggest(query)):
        with pytest.raises(QueryError) as exc:
            call()
        assert exc.value.param == "q" and "surrogate" in str(exc.value)


def test_sorting_and_deterministic_ties(engine: SearchEngine):
    assert ids(engine.search("", sort="newest", limit=3)) == ["a2", "a4", "a1"]
    assert ids(engine.search("", sort="oldest", limit=3)) == ["b0", "b1", "a5"]
    assert ids(engine.search("", sort="newest", limit=100))[-1] == "a6"  # undated last
    assert ids(engine.search("", sort="oldest", limit=100))[-1] == "a6"
    # Nothing to rank by (filters only: every score 0): newest first, undated last, as sort=newest.
    assert ids(engine.search("", limit=3)) == ["a2", "a4", "a1"]
    assert ids(engine.search("", section="Economy")) == ["a3", "a6"]
    assert ids(engine.search("*", people=["Xi Jinping"])) == ["a4", "a1"]
    # b0 and b1 are identical but for the id: equal scores, ordered by id, every time.
    for _ in range(3):
        assert ids(engine.search("zebra")) == ["b0", "b1"]
    page = engine.search("zebra", limit=1, offset=1)
    assert ids(page) == ["b1"] and page.total == 2


def test_ranking_prefers_title_and_frequency(engine: SearchEngine):
    r = engine.search("pipeline", match="any")
    assert ids(r)[0] == "a2"  # in the title
    assert r.hits[0].score > r.hits[1].score > 0


def test_hit_shape_and_highlighting(engine: SearchEngine):
    [hit] = engine.search("kremlin").hits
    assert hit.title == "Putin meets Xi in Moscow"
    assert "<mark>Kremlin</mark>" in hit.snippet
    assert hit.people == ["Vladimir Putin", "Xi Jinping"]
    assert hit.dates == ["2025-05-08"] and hit.published == "2025-05-08" and hit.section == "Russia"
    [hit] = engine.search("putin xi").hits
    assert hit.title == "<mark>Putin</mark> meets <mark>Xi</mark> in Moscow"


def test_phrase_marks_the_phrase_only(engine: SearchEngine):
    [hit] = engine.search('"power politics"').hits
    assert "<mark>power politics</mark>" in hit.snippet
    assert "<mark>Power</mark> of Siberia" not in hit.snippet and "Power of Siberia" in hit.snippet


def test_snippets_are_escaped(engine: SearchEngine):
    [hit] = engine.search("hostile").hits
    html = hit.snippet + hit.title
    assert "<script>" not in html and "<img" not in html and "<a " not in html
    assert "&lt;script&gt;" in hit.snippet
    # Nothing but <mark> tags survives.
    assert set(re.findall(r"<(/?\w+)", html)) <= {"mark", "/mark"}


def test_no_match_in_body_gives_the_start_of_the_text(engine: SearchEngine):
    [hit] = engine.search("title:rally").hits
    assert hit.snippet.startswith("Markets rallied after") and "<mark>" not in hit.snippet


def test_facets_count_the_matches(engine: SearchEngine):
    f = engine.search("putin OR xi").facets
    assert {"value": "Vladimir Putin", "count": 2} in f["people"]
    assert {"value": "Xi Jinping", "count": 2} in f["people"]
    assert f["section"][0] == {"value": "Russia", "count": 2}
    assert f["years"] == [{"value": "2025", "count": 3}]
    assert {"value": "1945", "count": 1} in f["mentioned_years"]
    assert {"value": "2025", "count": 3} in f["mentioned_years"]


def test_did_you_mean_and_relaxed_all(engine: SearchEngine):
    r = engine.search("kremlinn")
    assert r.total == 0 and r.did_you_mean == "kremlin"
    r = engine.search("kremlin tariffs")
    assert r.relaxed and set(ids(r)) == {"a1", "a3"}
    assert engine.search("kremlin tariffs", relax=False).total == 0


def test_get_similar_suggest(engine: SearchEngine):
    assert engine.get("a3").title == "Trump imposes tariffs"
    with pytest.raises(NotFoundError):
        engine.get("zzz")
    similar = engine.similar("a1")
    assert "a1" not in ids(similar) and ids(similar)[0] == "a2"
    kinds = {(s["text"], s["kind"]) for s in engine.suggest("pu")}
    assert ("Vladimir Putin", "person") in kinds
    assert ("putin", "word") in kinds
    assert engine.suggest("xi")[0]["text"] == "Xi Jinping"
    offered = {s["text"] for s in engine.suggest("i")}  # "in" is in a title, but a search drops it
    assert any(w.startswith("impos") for w in offered) and "in" not in offered
    assert engine.suggest("") == []
    with pytest.raises(QueryError) as exc:
        engine.suggest(None)  # type: ignore[arg-type]
    assert exc.value.param == "q"


@pytest.mark.parametrize("query", [
    "((((", '"unbalanced', "AND", "NOT", "*:*", "[a to", "title:", ":", "a^", "~", "\x00", "\u202e\u0000x",
    "dates:[soon to later]", "people:(((", 'x"y"z', "-", "+", "published:>", "\\", "*a*", "?",
    "dates:2025-01-99999999999999999999", "published:[2025-13-99999999999999999 to 2026]", "dates:0000",
])
def test_hostile_queries_never_raise(engine: SearchEngine, query: str):
    r = engine.search(query)
    assert r.total <= engine.view().doc_count and len(r.hits) == min(r.total, 10)  # a whole, consistent answer


def test_caps(engine: SearchEngine):
    with pytest.raises(QueryError, match="characters"):
        engine.search("x" * 5000)
    with pytest.raises(QueryError, match="terms"):
        engine.search(" ".join(f"w{i}" for i in range(300)))


def test_info(engine: SearchEngine):
    info = engine.info()
    assert info["documents"] == 8 and info["generation"] == "gen-000001"


def test_result_cache_is_per_index_version(fresh_index):
    from searchsvc.document import Document
    from searchsvc.settings import Settings
    from searchsvc.writer import IndexWriter

    with SearchEngine(fresh_index, Settings({"result_cache": 8}, environ={})) as e:
        first = e.search("quokka")
        assert e.search("quokka").to_dict() | {"took_ms": 0} == first.to_dict() | {"took_ms": 0}
        IndexWriter(fresh_index).put([Document(id="q1", title="Quokka")])
        assert e.search("quokka").total == 1  # a commit changes the key: never a stale answer


def test_editing_results_does_not_edit_the_result_cache(built_index):
    from searchsvc.settings import Settings

    with SearchEngine(built_index, Settings({"result_cache": 8}, environ={})) as e:
        for _ in range(2):  # what a miss returns, then what a hit returns
            r = e.search("putin xi")
            assert r.total and r.hits[0].people
            before = e.search("putin xi").to_dict() | {"took_ms": 0}
            r.total = 999
            r.hits[0].people.append("MUTATED")
            r.hits[0].dates.clear()
            r.facets["people"].clear()
            r.warnings.append("MUTATED")
            assert e.search("putin xi").to_dict() | {"took_ms": 0} == before


@pytest.mark.parametrize("words, slop, expected", [
    ("kilo lima lima xray mike", 2, True),   # the second "lima" lets "mike" fit
    ("kilo lima xray xray mike", 2, False),
    ("kilo lima mike", 1, True),
    ("kilo mike lima", 1, False),
    ("kilo xray lima xray mike", 2, True),
])
def test_phrase_slop_agrees_with_whoosh(tmp_path, words, slop, expected):
    from whoosh import query as wq
    from whoosh.searching import Searcher

    from searchsvc.indexer import rebuild


    ix = tmp_path / "ix"
    rebuild(ix, [write_jsonl(tmp_path / "d.jsonl", [{"id": "p", "title": "t", "body": words}])])
    with SearchEngine(ix) as e:
        assert (e.search(f'body:"kilo lima mike"~{slop}').total == 1) is expected
        seg = e.view().segments[0]
        whoosh_hits = list(wq.Phrase("body", ["kilo", "lima", "mike"], slop=slop).docs(Searcher(seg.reader)))
        assert bool(whoosh_hits) is expected



def test_did_you_mean_words_come_from_the_index_at_that_path_now(tmp_path: Path):
    # An index folder removed and built again reuses its generation names: the words shown
    # for stems must come from the new index, not a cache of the old one at the same path.
    from searchsvc.indexer import rebuild

    ix = tmp_path / "ix"
    for word in ("marketing", "market"):
        shutil.rmtree(ix, ignore_errors=True)
        source = tmp_path / f"{word}.jsonl"
        source.write_text("".join(json.dumps({"id": f"d{i}", "title": f"The {word} report {i}", "body": f"{word} news"})
                                  + "\n" for i in range(30)), encoding="utf-8")
        rebuild(ix, [source])
        with SearchEngine(ix) as e:
            assert e.search("markett").did_you_mean == word


def test_warm_builds_what_first_queries_would_pay_for(fresh_index: Path, monkeypatch: pytest.MonkeyPatch):
    # gunicorn's post_worker_init calls warm(): the first query with a rare word must not
    # build did-you-mean's lexicon (0.1-0.3 s on Reuters: it was the benchmark's c=1 p99),
    # nor the first browse query the id order; and a warmed engine warms each new segment.
    from searchsvc import fuzzy
    from searchsvc.document import Document
    from searchsvc.writer import IndexWriter

    built = []
    original = fuzzy.FuzzyIndex.__init__

    def counting(self, terms):
        built.append(len(terms))
        original(self, terms)

    monkeypatch.setattr(fuzzy.FuzzyIndex, "__init__", counting)
    with SearchEngine(fresh_index) as e:
        e.warm()
        view = e.view()
        # one lexicon per segment, and one of the words shown for stems (vocabulary.near_stems)
        assert len(built) == len(view.segments) + 1 >= 2 and "id_rank" in view.__dict__
        assert e.search("kremlinn").did_you_mean == "kremlin"
        assert len(built) == len(view.segments) + 1
        IndexWriter(fresh_index).put([Document(id="w1", title="Wombat census")])
        e.refresh()
        new = [seg for seg in e.view().segments if seg not in view.segments]
        assert new and all("body" in seg.__dict__.get("_fuzzy", {}) for seg in new)
    with SearchEngine(fresh_index) as cold:
        built.clear()
        assert cold.search("kremlinn").did_you_mean == "kremlin"
        assert built, "without warm() the first typo builds the lexicon"
        assert "id_rank" not in cold.view().__dict__


@pytest.mark.parametrize("moment", ["postings_open", "stored_column", "lengths_column"])
def test_a_commit_that_merges_away_a_segment_being_opened_is_retried(fresh_index: Path, moment: str,
                                                                      monkeypatch: pytest.MonkeyPatch):
    # A commit writes its table of contents, then deletes the segments it merged. A reader that
    # had read the previous table and was opening one of those segments found some files but
    # not the rest, which Whoosh reads as absent columns: with the stored fields gone, a
    # TypeError (a 500 in the load test of CI); with only the lengths gone, silently wrong
    # scores. The opening must start again from the new table of contents instead.
    import mmap as real_mmap
    import types

    from whoosh import index as whoosh_index
    from whoosh.codec.whoosh3 import W3PerDocReader

    from searchsvc import segments
    from searchsvc.document import Document
    from searchsvc.writer import IndexWriter

    merged = []

    def merge_once() -> None:
        if not merged:  # the first segment opened after the put: the new one
            merged.append(True)  # first: the merge itself reads columns
            generation = fresh_index / e.store.pointer().generation
            whoosh_index.open_dir(str(generation)).writer(compound=False).commit(optimize=True)

    class MergeAfterOpening(real_mmap.mmap):
        def __new__(cls, *args: object, **kw: object) -> real_mmap.mmap:
            m = super().__new__(cls, *args, **kw)
            merge_once()
            return m

    def merging(real: Any, column: str, after: bool = False) -> Any:
        def hooked(self: Any, name: str, *args: Any) -> Any:
            if name == column and not after:
                merge_once()
            result = real(self, name, *args)
            if name == column and after:
                merge_once()
            return result
        return hooked

    with SearchEngine(fresh_index) as e:
        e.warm()
        assert e.search("wombat").total == 0
        IndexWriter(fresh_index).put([Document(id="w1", title="Wombat census", body="Wombats counted")])
        if moment == "postings_open":
            monkeypatch.setattr(segments, "mmap", types.SimpleNamespace(mmap=MergeAfterOpening,
                                                                         ACCESS_READ=real_mmap.ACCESS_READ))
        elif moment == "stored_column":  # just after a check that it exists, or just before opening it
            monkeypatch.setattr(W3PerDocReader, "has_column", merging(W3PerDocReader.has_column, "_stored", True))
            monkeypatch.setattr(W3PerDocReader, "column_reader", merging(W3PerDocReader.column_reader, "_stored"))
        else:
            monkeypatch.setattr(W3PerDocReader, "has_column", merging(W3PerDocReader.has_column, "_body_len"))
        results = e.search("wombat")
        assert merged and results.total == 1 and results.hits[0].id == "w1"
        assert len(e.view().segments) == 1  # the merged segment, not the deleted one
        assert set(e._live.segments) == {seg.key for seg in e.view().segments}  # nothing half-open kept
        monkeypatch.undo()
        with SearchEngine(fresh_index) as fresh:
            assert results.hits[0].score == fresh.search("wombat").hits[0].score


def test_an_index_that_changes_on_every_attempt_to_open_it_is_busy(fresh_index: Path,
                                                                  monkeypatch: pytest.MonkeyPatch):
    # Not a 500: a 503 with Retry-After. The old view keeps serving nothing half-opened.
    from searchsvc import live as live_module
    from searchsvc.document import Document
    from searchsvc.errors import IndexBusyError
    from searchsvc.writer import IndexWriter

    def always_superseded(*args: Any) -> None:
        raise live_module._Superseded

    with SearchEngine(fresh_index) as e:
        before = e.search("kremlin").total
        known = set(e._live.segments)
        IndexWriter(fresh_index).put([Document(id="w1", title="Wombat census")])
        monkeypatch.setattr(live_module, "_check_still_listed", always_superseded)
        monkeypatch.setattr(live_module.time, "sleep", lambda s: None)
        with pytest.raises(IndexBusyError, match="changed 10 times"):
            e.search("wombat")
        assert set(e._live.segments) == known
        monkeypatch.undo()
        assert e.search("wombat").total == 1 and e.search("kremlin").total == before


@pytest.mark.parametrize("below", ["", "sub"])
def test_an_index_path_that_is_a_file_is_a_missing_index(tmp_path: Path, below: str):
    from searchsvc.errors import IndexMissingError

    file = tmp_path / "index.txt"
    file.write_text("not an index\n")
    with SearchEngine(file / below if below else file) as e:
        for call in (lambda: e.search("x"), e.info, lambda: e.suggest("x")):
            with pytest.raises(IndexMissingError, match="that path is a file, or under one"):
                call()


def test_similar_ignores_stopwords_however_rare(tmp_path: Path):
    from searchsvc.indexer import rebuild

    filler = [{"id": f"f{i}", "title": f"Filler {i}", "body": f"unrelated words number {i} about herons"}
              for i in range(10)]
    docs = [{"id": "target", "title": "Walrus census", "body": "At dawn, at the shore, walrus colonies at rest."},
            {"id": "walrus", "title": "Walrus counts", "body": "The walrus census grew."},
            {"id": "only-at", "title": "Meeting at noon", "body": "They met at the station at noon."}, *filler]
    rebuild(tmp_path / "ix", [write_jsonl(tmp_path / "docs.jsonl", docs)])
    with SearchEngine(tmp_path / "ix") as e:
        similar = e.similar("target")
        assert ids(similar) == ["walrus"]  # "at" is in 3 of 13 documents, yet no reason to be alike


SEMANTICS_DOCS = [
    {"id": "s1", "title": "Downing Street statement", "body": "The prime minister spoke in Downing Street."},
    {"id": "s2", "title": "Street food", "body": "Street food stalls opened on the high street."},
    {"id": "s3", "title": "Underlying inflation", "body": "Underlying inflation rose, others said."},
    {"id": "s4", "title": "Bridge works", "body": "Work under the bridge and on oil prices in Japan."},
    {"id": "s5", "title": "Oil and gas", "body": "Oil prices fell; gas held."},
    {"id": "s6", "title": "Gas in Japan", "body": "Japan bought gas."},
]


@pytest.fixture(scope="module")
def semantics(tmp_path_factory) -> SearchEngine:
    from searchsvc.indexer import rebuild

    folder = tmp_path_factory.mktemp("semantics")
    rebuild(folder / "ix", [write_jsonl(folder / "docs.jsonl", SEMANTICS_DOCS)])
    return SearchEngine(folder / "ix")


@pytest.mark.parametrize("query, match, expected", [
    # ordinary words whose stem is a stopword's ("downing"/"down", "underlying"/"under",
    # "others"/"other") were dropped as stopwords
    ("downing street", "all", ["s1"]),
    ("underlying inflation", "all", ["s3"]),
    ("others said", "all", ["s3"]),
    ("under the bridge", "all", ["s4"]),          # "under" and "the" are stopwords here
    # NOT in an any-word query excludes; it does not match everything without the word
    ("oil gas NOT japan", "any", ["s5"]),
    ("oil gas -japan", "any", ["s5"]),
    ("NOT japan", "any", ["s1", "s2", "s3", "s5"]),
    # curly and angle quotes make a phrase, as straight ones do
    ("\u201coil prices\u201d", "all", ["s4", "s5"]),
    ("\u201cprices oil\u201d", "all", []),
    ("\u00abgas held\u00bb", "all", ["s5"]),
])
def test_query_semantics_against_what_the_documents_say(semantics: SearchEngine, query: str, match: str,
                                                        expected: list[str]):
    results = semantics.search(query, match=match, limit=20, relax=False)
    assert sorted(ids(results)) == expected and results.total == len(expected)


def test_a_relaxed_query_keeps_its_not(semantics: SearchEngine):
    results = semantics.search("oil zebra NOT japan")  # nothing has both: relaxed to any word
    assert results.relaxed and ids(results) == ["s5"]


def test_people_and_sections_ignore_accents_as_word_search_does(tmp_path: Path):
    from searchsvc.indexer import rebuild

    docs = [{"id": "m1", "title": "Goal", "body": "A goal.", "people": ["Thomas Müller"], "section": "Économie"},
            {"id": "p1", "title": "Vote", "body": "A vote.", "people": ["José Pérez"], "section": "Economie"},
            {"id": "p2", "title": "Vote again", "body": "Another vote.", "people": ["Jose Perez"]},
            {"id": "x1", "title": "Other", "body": "Nothing.", "people": ["Ann Lee"]}]
    rebuild(tmp_path / "ix", [write_jsonl(tmp_path / "docs.jsonl", docs)])
    with SearchEngine(tmp_path / "ix") as e:
        assert ids(e.search("", people=["Thomas Muller"])) == ["m1"]
        assert sorted(ids(e.search("", people=["JOSE PÉREZ"]))) == ["p1", "p2"]
        assert sorted(ids(e.search("", section="economie"))) == ["m1", "p1"]
        people = {f["value"]: f["count"] for f in e.search("", facets=True).facets["people"]}
        assert people.get("José Pérez", people.get("Jose Perez")) == 2 and len(people) == 3


def test_did_you_mean_leaves_names_alone_and_never_repeats_the_query(tmp_path: Path):
    from searchsvc.indexer import rebuild

    docs = [{"id": f"d{i}", "title": f"Dollar note {i}", "body": "The dlr rose against the yen."} for i in range(60)]
    docs += [{"id": "n1", "title": "Delors speaks", "body": "Commission president Delors spoke.",
              "people": ["Jacques Delors"]},
             {"id": "n2", "title": "Pöhl speaks", "body": "Bundesbank chief Pöhl spoke.", "people": ["Karl Otto Pöhl"]}]
    rebuild(tmp_path / "ix", [write_jsonl(tmp_path / "docs.jsonl", docs)])
    with SearchEngine(tmp_path / "ix") as e:
        assert e.search("poehl").did_you_mean == "pohl"  # a word the index lacks still gets one
        for query in ("Delors", "Pöhl", "Pohl"):
            assert e.search(query).did_you_mean is None, query


def test_a_sloppy_phrase_marks_its_words_where_they_are_apart(semantics: SearchEngine):
    results = semantics.search('"oil held"~4', limit=10)  # s5: "Oil prices fell; gas held."
    assert ids(results) == ["s5"]
    marked = results.hits[0].title + results.hits[0].snippet
    assert "<mark>Oil</mark>" in marked and "<mark>held</mark>" in marked


def test_the_index_setting_is_the_default_path(built_index, tmp_path):
    from searchsvc.settings import Settings
    from searchsvc.writer import IndexWriter

    settings = Settings({"index": str(built_index)}, environ={})
    with SearchEngine(settings=settings) as e:
        assert e.path == built_index and e.search("putin").total
    assert IndexWriter(settings=settings).store.path == built_index


def test_a_blank_section_is_no_filter(engine: SearchEngine):
    everything = engine.search("", limit=0).total
    assert engine.search("", section="  ", limit=0).total == everything == engine.search("", section="", limit=0).total


def test_the_package_ships_its_type_hints():
    import importlib.resources

    import searchsvc

    assert importlib.resources.files("searchsvc").joinpath("py.typed").is_file()  # PEP 561
    assert {"IndexWriteError", "RebuildError", "SearchsvcError"} <= set(searchsvc.__all__)


def test_numpy_integers_and_dates_are_accepted_where_ints_and_date_strings_are(engine: SearchEngine):
    import datetime as dt

    import numpy as np

    numpy = engine.search("", limit=np.int64(3), offset=np.int32(1)).to_dict() | {"took_ms": 0}
    assert numpy == engine.search("", limit=3, offset=1).to_dict() | {"took_ms": 0}
    assert type(numpy["limit"]) is int  # serialisable as JSON
    as_text = ids(engine.search("", limit=100, date_from="2025-05-09", mentions_to="2025-05-31"))
    as_dates = ids(engine.search("", limit=100, date_from=dt.date(2025, 5, 9),
                                 mentions_to=dt.datetime(2025, 5, 31, 23, 0)))
    assert as_dates == as_text and as_text
    for bad in (3.0, "3", True):
        with pytest.raises(QueryError):
            engine.search("", limit=bad)


def test_people_filters_ignore_runs_of_spaces(engine: SearchEngine):
    assert ids(engine.search("", people=["  Vladimir   Putin "])) == ids(engine.search("", people=["Vladimir Putin"]))
    assert engine.search("", people=["Vladimir   Putin"]).total == 2



def test_a_date_new_to_the_index_is_found_by_the_mentions_filter_after_a_commit(fresh_index: Path):
    # The table of date bounds grows with the codebook; a stale one (a stray cache kept the first
    # table) made the next view's warm-up fail with an IndexError.
    with SearchEngine(fresh_index) as e:
        assert e.search("", mentions_from="1945", mentions_to="1945").total == 1
        IndexWriter(fresh_index).put([Document(id="d9", title="Armistice", body="Signed in 1918.",
                                                dates=("1918-11-11",), given=frozenset({"dates"}))])
        e.refresh()
        assert ids(e.search("", mentions_from="1918", mentions_to="1918")) == ["d9"]
        assert e.search("", mentions_from="1945", mentions_to="1945").total == 1


def test_an_ampersand_name_is_one_word(tmp_path: Path):
    # A new-user review: "AT&T" searched "t" (with "at" a stopword) and ranked "CB AND T" first.
    src = write_jsonl(tmp_path / "d.jsonl", [
        {"id": "att", "title": "AT&T cuts rates", "body": "AT&T said on Monday it would cut rates."},
        {"id": "cbt", "title": "CB and T to make acquisition", "body": "CB and T said it agreed at T street."},
    ])
    rebuild(tmp_path / "ix", [src])
    with SearchEngine(tmp_path / "ix") as e:
        for query in ("AT&T", "at&t", '"AT&T said"'):
            assert [h.id for h in e.search(query).hits] == ["att"], query


def test_a_progress_callback_that_fails_after_the_switch_does_not_fail_the_rebuild(fresh_index: Path,
                                                                                  corpus_file: Path):
    calls = []

    def progress(done: int) -> None:
        calls.append(done)
        raise RuntimeError("ui closed")

    report = rebuild(fresh_index, [corpus_file], progress=progress)
    assert calls and report.documents == calls[-1] and report.generation
    assert any("progress callback failed" in w and "ui closed" in w for w in report.warnings)


@pytest.mark.parametrize("bound, found", [
    (dt.datetime(2025, 5, 8, 22, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))), True),  # 9 May 03:30 UTC
    (dt.datetime(2025, 5, 8, 22, 30), False),  # naive: the day it names, 8 May
    (dt.date(2025, 5, 9), True),
])
def test_an_aware_datetime_bound_names_its_day_in_utc(fresh_index: Path, bound: dt.datetime, found: bool):
    IndexWriter(fresh_index).put([Document.from_record({"id": "tz1", "title": "Okapi", "published":
                                                        "2025-05-08T22:30:00-05:00"})])
    with SearchEngine(fresh_index) as e:
        assert (e.search("okapi", date_from=bound, date_to=bound).total == 1) is found


def test_create_app_takes_an_index_directory(built_index: Path):
    for where in (built_index, str(built_index)):
        client = falcon.testing.TestClient(create_app(where))
        assert client.simulate_get("/search", params={"q": "putin"}).json["total"] >= 1



@pytest.mark.parametrize("query, expected", [
    ("jute", None),  # a rare English word the index holds is meant, however common "june" is
    ("interst", "interest"),  # a rare non-word next to a common word is a typo
    ("jutte", "jute"),  # one the index lacks still gets the nearest known word
])
def test_did_you_mean_takes_rare_english_words_as_meant(tmp_path: Path, query: str, expected: str | None):
    from searchsvc.indexer import rebuild

    docs = [{"id": f"m{i}", "title": f"June interest {i}", "body": "Rates in June; interest rose."} for i in range(60)]
    docs += [{"id": "j1", "title": "Jute prices", "body": "Bangladesh jute exports."},
             {"id": "t1", "title": "Typo", "body": "The interst rate."}]
    rebuild(tmp_path / "ix", [write_jsonl(tmp_path / "docs.jsonl", docs)])
    with SearchEngine(tmp_path / "ix") as e:
        assert e.search(query).did_you_mean == expected


@pytest.mark.parametrize("query", ["people:volcker", 'people:"paul volcker"', "people:volck*", "people:volcer~",
                                   'people:"paul volcker"~3'])
def test_a_people_query_ranks_articles_by_what_they_say_of_the_person(tmp_path: Path, query: str):
    # Scored by the names alone every article naming him tied, and the headline-only ones (the
    # shortest list of names) came first, with an empty snippet; as on Reuters, the article that
    # says most of him, in its headline and its text, now comes first.
    from searchsvc.indexer import rebuild

    # (ids that sort before "long": a tie would put them first)
    docs = [{"id": f"a{i}", "title": "Volcker comments", "body": "", "people": ["Paul Volcker"]} for i in range(3)]
    docs += [{"id": "long", "title": "Volcker sees steady Fed", "people": ["Paul Volcker", "Alan Greenspan"],
              "body": "Paul Volcker said rates would hold. Volcker added that Paul Volcker's Fed watches prices."},
             {"id": "other", "title": "Markets", "body": "Traders waited.", "people": ["Alan Greenspan"]}]
    docs += [{"id": f"f{i}", "title": f"Grain report {i}", "body": "Wheat and corn prices were steady."}
             for i in range(40)]
    rebuild(tmp_path / "ix", [write_jsonl(tmp_path / "docs.jsonl", docs)])
    with SearchEngine(tmp_path / "ix") as e:
        r = e.search(query)
        assert r.total == 4 and r.hits[0].id == "long"  # matched by the people field only: not "other"
        assert "<mark>" in r.hits[0].snippet and "Volcker" in r.hits[0].snippet
