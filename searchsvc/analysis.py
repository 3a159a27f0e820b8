"""Text analysis: how article text and query words become index terms.

One function, :func:`terms`, defines a term for indexing and for querying:
lower-cased word characters (``[^\\W_]+``), possessive ``'s`` and the clitics
``'m 'd 're 've 'll`` dropped (``I'm`` is ``i``, not ``i`` + ``m``), dotted
acronyms joined (``U.S.`` and ``U.N.`` are ``us`` and ``un``, as Lucene's
classic tokenizer and acronym filter make them, not two one-letter words), and
so are short letter groups around an ampersand (``AT&T`` is ``att``, ``S&P`` ``sp``),
accents folded (``Pérez`` -> ``perez``), then the Snowball English stemmer
(PyStemmer, C) through a memo table. Stopwords are *kept* in the index so
phrases such as "Power of Siberia" match exactly; query building drops them
where they only add cost (:data:`STOPWORDS`).

Whoosh needs an ``Analyzer`` for its query parser; :class:`NewsAnalyzer` wraps the
same function, so query terms and indexed terms cannot drift apart. The
schema's text fields call :func:`terms` directly when indexing instead of
Whoosh's token-object chain, which costs several microseconds per token.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import Stemmer
from whoosh.analysis import Analyzer, Token

# Combining accents (U+0300-U+036F) stay inside a word: "Pe\u0301rez" written decomposed is one
# word, folded to "perez" like the composed "Pérez", not "pe" and "rez".
WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")
#: Every ASCII byte that is not a letter or digit -> space (what [^\W_] leaves out, on ASCII).
_ASCII_SEPARATORS = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))
# English possessive and contracted auxiliaries after a word: "Putin's", "I'm", "we've".
# Applied to lower-cased text, without a look-behind: that made the scan five times slower.
_POSSESSIVE = re.compile(r"['’`](?:s|m|d|re|ve|ll)\b")
#: Single letters joined by full stops ("U.S.", "e.g.", "H.C."): one word without the stops.
ACRONYM = re.compile(r"(?<![^\W_])(?:[^\W\d_]\.)+[^\W\d_](?![^\W_])\.?")
#: Short letter groups joined by "&" ("AT&T", "S&P", "R&D"): one word without the "&", as Lucene's
#: classic tokenizer reads a company name; split, "AT&T" was "at" (a stopword) and "t".
AMPERSAND = re.compile(r"(?<![^\W_])[^\W\d_]{1,3}&[^\W\d_]{1,3}(?![^\W_])")
# Where an acronym may start: a full stop followed by a letter. Searching for this
# literal-led pattern and trying ACRONYM only there costs a few microseconds per
# article; trying ACRONYM at every character would cost as much as the tokenising.
_DOT_LETTER = re.compile(r"\.[^\W\d_]")

# English function words (the usual Lucene/Snowball core list): dropped from
# query term lists, never from the index.
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves
""".split())

_stemmer = Stemmer.Stemmer("english")
_stems: dict[str, str] = {}
#: The stopwords as index terms (stemmed), for code that sees terms rather than words.
STOP_STEMS = frozenset(_stemmer.stemWords(sorted(STOPWORDS)))
#: The memo is cleared when it grows past this, so a hostile stream of unique
#: words cannot grow a serving worker without bound.
STEM_CACHE_LIMIT = 500_000


def fold(word: str) -> str:
    """Strip accents from a non-ASCII word (``müller`` -> ``muller``)."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def value_key(value: str) -> str:
    """What makes two people or sections the same for filters and facets: case, accents and
    runs of spaces ignored ("José  Pérez" is "Jose Perez"), as word search ignores them."""
    return fold(" ".join(value.casefold().split()))


def words(text: str) -> list[str]:
    """Lower-cased, accent-folded words of ``text``, in order (no stemming)."""
    text = text.lower()
    if "'" in text or "’" in text or "`" in text:
        text = _POSSESSIVE.sub("", text)
    if "." in text:
        text = join_acronyms(text)
    if "&" in text:
        text = AMPERSAND.sub(_without_ampersand, text)
    if text.isascii():
        # The same words as WORD.findall (ASCII letters and digits), three times faster:
        # byte translation and split are single C passes; the tokeniser runs on every word indexed.
        return text.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii").split()
    return [fold(w) for w in WORD.findall(text)]


def acronyms(text: str) -> list[re.Match[str]]:
    """The dotted acronyms of ``text`` ("U.S.", "U.S.S.R.", "e.g."), in order."""
    found: list[re.Match[str]] = []
    end = 0
    for dot in _DOT_LETTER.finditer(text):
        start = dot.start() - 1
        if start < end:
            continue
        m = ACRONYM.match(text, start)
        if m:
            found.append(m)
            end = m.end()
    return found


def compounds(text: str) -> list[tuple[int, int, str]]:
    """(start, end, the word) of what the analyser reads as one word although it holds stops or an
    ampersand ("U.S." is ``us``, "AT&T" ``att``), in order; the highlighter marks them whole."""
    found = [(m.start(), m.end(), m.group().replace(".", "")) for m in acronyms(text)] if "." in text else []
    if "&" in text:
        found += [(m.start(), m.end(), m.group().replace("&", "")) for m in AMPERSAND.finditer(text)]
        found.sort()
    return found


def _without_ampersand(m: re.Match[str]) -> str:
    return m.group().replace("&", "")


def join_acronyms(text: str) -> str:
    """``text`` with the full stops of its acronyms removed ("the U.S. said" -> "the US said")."""
    parts, last = [], 0
    for m in acronyms(text):
        parts += [text[last:m.start()], m.group().replace(".", "")]
        last = m.end()
    return "".join(parts) + text[last:] if parts else text


def stem(word: str) -> str:
    s = _stems.get(word)
    if s is None:
        if len(_stems) >= STEM_CACHE_LIMIT:
            _stems.clear()
        s = _stems[word] = _stemmer.stemWord(word)
    return s


def prefix_stem(text: str) -> str:
    """The part of a typed prefix that stems share: ``meetings`` -> ``meet``, ``happy`` -> ``happ``.

    Index terms are stems, so a prefix query must not ask for more letters than
    the stem keeps.
    """
    s = stem(text)
    n = 0
    for a, b in zip(text, s):
        if a != b:
            break
        n += 1
    return text[:n]


def terms(text: str) -> list[str]:
    """Index terms of ``text`` in order: the stemmed :func:`words`."""
    cache = _stems
    out = []
    for w in words(text):
        s = cache.get(w)
        if s is None:
            s = stem(w)
        out.append(s)
    return out


class NewsAnalyzer(Analyzer):
    """Whoosh analyzer over :func:`terms` (used by the query parser and Whoosh tools)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NewsAnalyzer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not kwargs.get("tokenize", True):
            # Whoosh asks for the raw text of a wildcard, prefix or fuzzy term:
            # one token, case- and accent-folded but not stemmed (see matching.py).
            token.text = token.original = fold(value.lower())
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for pos, term in enumerate(terms(value), start_pos):
            token.text = term
            token.original = term
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = token.endchar = start_char
            yield token
