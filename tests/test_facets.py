"""Facet order and counts: most frequent first, ties by case-folded name, per matched document."""

from __future__ import annotations

from pathlib import Path

from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.indexer import rebuild
from searchsvc.writer import IndexWriter

from .conftest import write_jsonl


def _index(tmp_path: Path, records: list[dict]) -> Path:
    ix = tmp_path / "ix"
    rebuild(ix, [write_jsonl(tmp_path / "d.jsonl", records)])
    return ix


def test_people_ties_break_by_case_folded_name_and_the_limit_cuts_in_that_order(tmp_path: Path):
    # "émile" sorts after "zed" by code point, as Python compares the case-folded names.
    names = ["zed Quill", "Anna Ames", "Émile Zola", "bob Bright", "Carl Cole"]
    records = [{"id": f"d{i}", "title": "harbour", "body": "harbour news", "people": [name]}
               for i, name in enumerate(names)]
    records += [{"id": "x1", "title": "harbour", "body": "harbour", "people": ["Carl Cole", "zed Quill"]}]
    with SearchEngine(_index(tmp_path, records)) as e:
        people = e.search("harbour", facets=True).facets["people"]
        assert [(p["value"], p["count"]) for p in people] == [
            ("Carl Cole", 2), ("zed Quill", 2), ("Anna Ames", 1), ("bob Bright", 1), ("Émile Zola", 1)]
        # The order is cached per codebook: it must follow a new name and a new spelling.
        IndexWriter(e.path).put([Document(id=f"n{i}", title="harbour", body="harbour",
                                          people=("ANNA AMES", "Aaron Abbot") if i else ("ANNA AMES",),
                                          given=frozenset({"people"})) for i in range(3)])
        e.refresh()
        people = e.search("harbour", facets=True).facets["people"]
        # Anna Ames now has 4 documents, three of them spelt in capitals: that spelling is shown.
        assert [(p["value"], p["count"]) for p in people] == [
            ("ANNA AMES", 4), ("Aaron Abbot", 2), ("Carl Cole", 2), ("zed Quill", 2), ("bob Bright", 1),
            ("Émile Zola", 1)]


def test_mentioned_years_count_each_document_once_per_year(tmp_path: Path):
    records = [{"id": "a", "title": "summit", "body": "summit", "dates": ["2024-01-02", "2024-05-06", "2023-01-01"]},
               {"id": "b", "title": "summit", "body": "summit", "dates": ["2024-03-03"]},
               {"id": "c", "title": "other", "body": "other", "dates": ["2022-02-02"]}]
    with SearchEngine(_index(tmp_path, records)) as e:
        years = e.search("summit", facets=True).facets["mentioned_years"]
        assert years == [{"value": "2024", "count": 2}, {"value": "2023", "count": 1}]
        assert e.search("zzzz", facets=True).facets["mentioned_years"] == []


def test_mentioned_years_are_the_most_mentioned_shown_newest_first(tmp_path: Path):
    # Ten articles about 1987, two about 1986, and one each mentioning a far-off maturity year:
    # the newest years alone would be the outliers.
    records = [{"id": f"n{i}", "title": "bond", "body": "bond", "dates": ["1987-04-01"]} for i in range(10)]
    records += [{"id": f"o{i}", "title": "bond", "body": "bond", "dates": ["1986"]} for i in range(2)]
    records += [{"id": f"f{y}", "title": "bond", "body": "bond", "dates": [str(y)]} for y in range(2001, 2013)]
    with SearchEngine(_index(tmp_path, records)) as e:
        years = e.search("bond", facets=True).facets["mentioned_years"]
    assert [y["value"] for y in years] == ["2012", "2011", "2010", "2009", "2008", "2007", "2006", "2005",
                                           "1987", "1986"]
    assert years[-2:] == [{"value": "1987", "count": 10}, {"value": "1986", "count": 2}]


def test_a_search_answers_with_every_facet_the_api_describes(engine: SearchEngine):
    from searchsvc.facets import FACETS

    assert tuple(engine.search("oil").facets) == FACETS


def test_a_year_facet_value_is_a_date_the_filters_take(tmp_path: Path):
    ix = _index(tmp_path, [{"id": "old", "title": "Old", "body": "b", "published": "0001-01-01"},
                           {"id": "new", "title": "New", "body": "b", "published": "1987-02-26"}])
    with SearchEngine(ix) as e:
        years = [f["value"] for f in e.search("").facets["years"]]
        assert years == ["1987", "0001"]  # was "1", which from=1 refused as no date
        assert [h.id for h in e.search("", date_from=years[1], date_to=years[1]).hits] == ["old"]


def test_facet_limit_asks_for_more_values_or_fewer(tmp_path: Path):
    # Every facet used to stop at 10 values, with no way to ask for more (a new-user review).
    ix = _index(tmp_path, [{"id": f"d{i}", "title": "T", "body": "b", "published": f"{1990 + i}-01-01",
                            "people": [f"Person {i}"]} for i in range(15)])
    with SearchEngine(ix) as e:
        assert len(e.search("").facets["years"]) == 10
        wide = e.search("", facet_limit=12).facets
        assert len(wide["years"]) == 12 and len(wide["people"]) == 12
        assert len(e.search("", facet_limit=1).facets["people"]) == 1
