from __future__ import annotations

import zlib

import pytest
from whoosh import query as wq

from searchsvc.errors import QueryError
from searchsvc.query import largest_boost, parse_query
from searchsvc.settings import Settings


@pytest.mark.parametrize("text, match, expected", [
    ("Putin meets Xi", "all", "(text:putin AND text:meet AND text:xi)"),
    ("Putin meets Xi", "any", "(text:putin OR text:meet OR text:xi)"),
    ("the president of France", "all", "(text:presid AND text:franc)"),  # stopwords dropped
    ("the of", "all", "(text:the AND text:of)"),  # unless nothing else is left
    ('"power of siberia"', "all", 'text:"power of siberia"'),  # never inside phrases
    ("KENNEDY AND NOT CUBA", "any", "(text:kennedi OR text:cuba)"),  # ALL CAPS: words, not operators
    ("Kennedy AND NOT Cuba", "any", "(text:kennedi AND NOT text:cuba)"),
    ("shake-ups in 2025-05", "any", "(text:shake OR text:up OR text:2025 OR text:05)"),  # "ups" is no stopword
    ("a -b", "all", "(text:a ANDNOT text:b)"),
    # +/- inside parentheses (Whoosh sorts only the top level; the query fell back to plain words)
    ("oil (gas -japan)", "all", "(text:oil AND (text:gas ANDNOT text:japan))"),
    ("oil (gas -japan)", "any", "(text:oil OR (text:gas ANDNOT text:japan))"),
    ("title:(oil -gas)", "all", "(title:oil ANDNOT title:gas)"),
    ("people:(volcker -paul)", "any", "(people:volcker ANDNOT people:paul)"),
    ("oil (+gas japan)", "all", "(text:oil AND (text:gas ANDMAYBE text:japan))"),
    ("oil ((gas -japan) -iran)", "all", "(text:oil AND ((text:gas ANDNOT text:japan) ANDNOT text:iran))"),
    ("people:putin", "all", "people:putin"),
    ("Meetings*", "all", "text:meetings*"),
    ("*", "all", "<Every>"),
    ("", "all", "<Every>"),
    ("((((", "all", "<_NullQuery>"),
])
def test_parse(text, match, expected):
    q = parse_query(text, match).query
    shown = "<Every>" if isinstance(q, wq.Every) else "<_NullQuery>" if q is wq.NullQuery else str(q)
    assert shown == expected


@pytest.mark.parametrize("text, maxdist, prefix", [
    ("cocao~", 1, 1),      # the first letter is kept by default
    ("cocao~2", 2, 1),
    ("cocao~2/0", 2, 0),   # /0 lets it change (Whoosh's syntax had no /0: "~2" and a required "0")
    ("cocao~/3", 1, 3),
])
def test_fuzzy_syntax(text: str, maxdist: int, prefix: int):
    q = parse_query(text, "all").query
    assert isinstance(q, wq.FuzzyTerm) and (q.text, q.maxdist, q.prefixlength) == ("cocao", maxdist, prefix)


@pytest.mark.parametrize("text, settings, message", [
    ("x" * 101, {"max_query_chars": 100}, "characters"),
    ("v w x y z", {"max_query_terms": 4}, "terms"),
    ('"a b c d e"', {"max_query_terms": 4}, "terms"),
    ("oil^" + "9" * 400, {}, "boosts"),           # overflows to inf: every score was NaN
    ("oil^1000001 gas", {}, "boosts"),
])
def test_caps(text, settings, message):
    with pytest.raises(QueryError, match=message) as exc:
        parse_query(text, "all", Settings(settings, environ={}))
    assert exc.value.param == "q"


def test_bad_match_mode():
    with pytest.raises(QueryError) as exc:
        parse_query("x", "most")
    assert exc.value.param == "match"


@pytest.mark.parametrize("text, largest", [("oil^1000000", 1e6), ("oil^2 gas^0.5", 2.0),
                                           ("title:(oil^2 OR gas)^3", 2.0), ("oil^0", 0.0), ("oil gas", 1.0)])
def test_boosts_within_the_cap_are_kept(text, largest):
    assert largest_boost(parse_query(text, "all").query) == largest


class _Unusual(wq.Query):
    """A query type the evaluator has no NumPy path for, whose Whoosh evaluation fails."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def docs(self, searcher, deleting=False):
        raise self.error


@pytest.mark.parametrize("error, outcome", [
    (ValueError("whoosh cannot evaluate this"), "warning"),  # the query's fault: partial results
    (zlib.error("invalid stored block lengths"), "damage"),   # the files' fault: not hidden as a warning
])
def test_the_whoosh_fallback_warns_on_bad_queries_but_not_on_damage(engine, error: Exception, outcome: str):
    from searchsvc.matching import Deadline, Evaluator

    evaluator = Evaluator(engine.view(), max_expansions=100, deadline=Deadline(None))
    if outcome == "damage":
        with pytest.raises(zlib.error):
            evaluator.run(_Unusual(error))
    else:
        assert not evaluator.run(_Unusual(error)).mask.any()
        assert evaluator.warnings and "could not be evaluated" in evaluator.warnings[0]


@pytest.mark.parametrize("text", ["(a ANDNOT " * 14 + "b" + ")" * 14, "(a -" * 14 + "b" + ")" * 14,
                                  "(+a " * 14 + ")" * 14, "(a ANDMAYBE " * 14 + "b" + ")" * 14])
def test_nested_two_part_groups_are_built_once(text: str, monkeypatch: pytest.MonkeyPatch):
    # Whoosh built each part of ANDNOT/ANDMAYBE twice: 2^depth queries, hours for thirty levels.
    from whoosh.qparser import syntax

    built = []
    for group in (syntax.AndNotGroup, syntax.AndMaybeGroup):
        monkeypatch.setattr(group, "qclass", staticmethod(lambda a, b, _q=group.qclass: built.append(1) or _q(a, b)))
    parse_query(text, "all")
    assert 14 <= len(built) <= 15


@pytest.mark.parametrize("text, largest", [
    ("(oil gas)^5 opec", 5.0),  # a group without +/- keeps its boost (the sorting dropped it)
    ("(oil -gas)^2 opec", 2.0),  # and a sorted one takes it along
    ("(+oil gas)^3", 3.0),
    ("title:(oil -gas)^3", 3.0),
])
def test_a_group_keeps_its_boost(text: str, largest: float):
    assert largest_boost(parse_query(text, "all").query) == largest


def test_a_boost_past_the_cap_on_a_sorted_group_is_refused():
    with pytest.raises(QueryError, match="boosts may multiply"):
        parse_query("(oil -gas)^9999999 opec", "all")


def test_nesting_too_deep_for_python_is_searched_as_plain_words():
    # 600 parentheses around "oil -gas" raised RecursionError outside the parser's guard: a 500.
    for depth in (600, 800, 1000):
        assert str(parse_query("(" * depth + "oil -gas" + ")" * depth, "all").query) == "(text:oil AND text:gas)"
