"""The tokeniser: its fast ASCII path gives exactly the words of the regular expression."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchsvc import analysis
from searchsvc.analysis import words


def reference_words(text: str) -> list[str]:
    """words() as it was before the ASCII fast path: one regular expression for every text."""
    text = text.lower()
    if "'" in text or "’" in text or "`" in text:
        text = analysis._POSSESSIVE.sub("", text)
    if "." in text:
        text = analysis.join_acronyms(text)
    if "&" in text:
        text = analysis.AMPERSAND.sub(lambda m: m.group().replace("&", ""), text)
    return [analysis.fold(w) for w in analysis.WORD.findall(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("a_b c\x1cd\x0be\x00f", ["a", "b", "c", "d", "e", "f"]),   # underscore and control bytes separate
    ("Tab\there\r\nnewline", ["tab", "here", "newline"]),
    ("$1,000.50 (approx.)", ["1", "000", "50", "approx"]),
    ("", []),
    ("Müller's café", ["muller", "cafe"]),                          # not ASCII: the regex path, folded
    ("naïve_x ＡＢ", ["naive", "x", "ab"]),                          # full-width letters fold to ASCII
    # short letter groups joined by "&" are one word, as Lucene reads them ("AT&T" was "at", "t")
    ("AT&T and S&P, R&D; rock & roll, Johnson&Johnson", ["att", "and", "sp", "rd", "rock", "roll", "johnson",
                                                         "johnson"]),
    ("the U.S. and AT&T's", ["the", "us", "and", "att"]),
    # accents written decomposed (macOS) stay in their word: "Pérez" either way is "perez"
    ("Jose\u0301 Pe\u0301rez", ["jose", "perez"]),
    ("P\u00e9rez \u0301x", ["perez", "x"]),  # a stray accent alone is no word
])
def test_words_table(text: str, expected: list[str]):
    assert words(text) == expected == reference_words(text)


@settings(max_examples=1500, derandomize=True, database=None, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80)
       | st.text(alphabet="aZ9 _.'-,\t\x1f\x7f’", max_size=40)
       | st.text(max_size=40))
def test_words_agree_with_the_regular_expression(text: str):
    assert words(text) == reference_words(text)
