"""Questions and pasted sentences as queries: tokenisation and what makes a query "plain".

A query is searched as a bag of its words, repeats included, unless it uses the
query language; sentence punctuation is not the query language.
"""

from __future__ import annotations

import pytest
from whoosh import query as wq

from searchsvc.analysis import terms, words
from searchsvc.highlight import Highlighter
from searchsvc.matching import Marks
from searchsvc.query import is_plain, parse_query


@pytest.mark.parametrize("text, expected", [
    ("THE U.S . POLICY", ["the", "us", "policy"]),             # dotted acronyms are one word
    ("U.N. and U.S.S.R. troops", ["un", "and", "ussr", "troops"]),
    ("e.g. H.C. Andrews", ["eg", "hc", "andrews"]),
    ("U.S.-Soviet talks", ["us", "soviet", "talks"]),
    ("George W. Bush", ["george", "w", "bush"]),               # one initial is not an acronym
    ("3.5 percent, google.com", ["3", "5", "percent", "google", "com"]),
    ("I'm sure we've seen they're", ["i", "sure", "we", "seen", "they"]),  # clitics dropped
    ("Putin's O'Dell d'Estaing", ["putin", "o", "dell", "d", "estaing"]),  # names keep their letters
    ("shake-ups in 2025-05", ["shake", "ups", "in", "2025", "05"]),
])
def test_words(text: str, expected: list[str]):
    assert words(text) == expected


@pytest.mark.parametrize("text, plain", [
    ("Parallel languages; languages for parallel computation", True),
    ("What is TSS (Time Sharing System), an operating system?", True),  # a question mark ends a question
    ("algorithms - concurrent programs", True),                          # a spaced dash is a dash
    ("KENNEDY AND NOT CUBA .", True),                                     # ALL CAPS: words, not operators
    ("Note: the budget", True),                                           # not a field we know
    ('"power of siberia"', False),
    ("title:pipeline", False),
    ("wom?n", False),
    ("pipe*", False),
    ("putin -kremlin", False),
    ("Kennedy AND Cuba", False),
    ("(Kennedy OR Nixon) cuba", False),
    ("pipelin~", False),
])
def test_is_plain(text: str, plain: bool):
    assert is_plain(text) is plain


@pytest.mark.parametrize("text, expected", [
    # Repeated words are kept: BM25 weighs a word by how often the query says it.
    ("Parallel languages; languages for parallel computation",
     ["parallel", "languag", "languag", "parallel", "comput"]),
    ("What is TSS (Time Sharing System)?", ["tss", "time", "share", "system"]),
    ("distributed algorithms - concurrent programs", ["distribut", "algorithm", "concurr", "program"]),
    ("I'm interested in U.S. aid", ["interest", "us", "aid"]),
])
def test_plain_queries_keep_every_word(text: str, expected: list[str]):
    q = parse_query(text, "any").query
    assert isinstance(q, wq.Or) and [t.text for t in q.subqueries] == expected


@pytest.mark.parametrize("text, expected", [
    # Through the parser too, repeats survive and a trailing "?" is no wildcard.
    ('"type correct" types of process? types', "(text:\"type correct\" OR text:type OR text:process OR text:type)"),
    ('"a b" - c', '(text:"a b" OR text:c)'),  # a spaced dash is not NOT
    ("kennedy -cuba kennedy", "((text:kennedi OR text:kennedi) ANDNOT text:cuba)"),
])
def test_parsed_queries_keep_repeats(text: str, expected: str):
    assert str(parse_query(text, "any").query) == expected


def test_acronyms_match_both_spellings_and_are_marked():
    assert terms("U.S. policy") == terms("US policy") == ["us", "polici"]
    marks = Marks()
    marks.add_term(("body",), "us")
    out = Highlighter(marks).snippet("THE U.S . POLICY and the U.S.-Soviet pact")
    assert out == "THE <mark>U.S</mark> . POLICY and the <mark>U.S.</mark>-Soviet pact"
