"""From a user's query string to a Whoosh query tree.

The query language is Whoosh's: ``AND``/``OR``/``NOT``, ``+must -mustnot``,
``"phrases"`` (``"a b"~3`` for slop), ``field:term``, ``prefix*``, ``wild*card``,
``fuzzy~`` / ``fuzzy~2``, ``^boost``, ranges ``dates:[2025-05-01 to 2025-05-31]``,
``published:>2020``, and ``*`` for everything. Unqualified words search the
virtual field ``text`` (title, body and people together, scored as one BM25F
document; see matching.py).

Robustness rules:

* a plain-words query skips Whoosh's parser (it costs more than the search, and
  it would merge repeated words, which BM25's query-term weight counts); a query
  is plain unless it uses the syntax above (see :func:`is_plain`), so sentence
  punctuation, a trailing ``?`` and a spaced dash do not make it a query program;
* in a query without lower-case letters, ``AND``/``OR``/``NOT`` are words;
* anything the parser rejects falls back to the plain words of the string;
* English stopwords are dropped from the top-level word list (never from
  phrases) unless nothing else is left, so ``the president of france`` in
  "all" mode does not require "the" and "of";
* length and term-count caps raise :class:`QueryError` (a 400 at the HTTP edge).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from whoosh import qparser
from whoosh import query as wq

from .analysis import STOP_STEMS, STOPWORDS, stem, terms, words
from .document import Document, nfc
from .errors import QueryError
from .schema import ExactList, NewsText, build_schema
from .scoring import idf
from .settings import Settings

DEFAULT_FIELD = "text"
#: Fields a user may name in a query.
QUERY_FIELDS = ("title", "body", "people", "section", "dates", "published", "id")
MATCH_MODES = ("all", "any")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
#: What makes a query use the query language: quotes, wildcards, fuzzy/boost marks,
#: ranges, ``field:`` prefixes, ``+``/``-`` directly before a word, a ``?`` inside or
#: before a word. Anything else (commas, full stops, semicolons, parentheses, a dash
#: between spaces, the question mark that ends a question) is read as plain words,
#: so a pasted sentence keeps every word and how often each occurs.
_FIELD_PREFIX = r"\b(?:" + "|".join((DEFAULT_FIELD, *QUERY_FIELDS)) + r"):"
_SYNTAX = re.compile(r"""["*~^\[\]{}<>]|(?:^|[\s(])[+-](?=[^\W_]|["(])|\?(?=[^\W_])|""" + _FIELD_PREFIX,
                     re.IGNORECASE)
_QUESTION_MARK = re.compile(r"\?(?![^\W_]|[?*])")  # "???*" stays a wildcard


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    match: str
    query: wq.Query
    #: The surface words of the query (for did-you-mean).
    words: tuple[str, ...]
    #: The stems that stand for its stopwords (:func:`stop_stems`): not scored.
    stops: frozenset[str] = frozenset()


def _parse_schema():
    schema = build_schema()
    schema.add(DEFAULT_FIELD, NewsText())
    # `published` is a column, not indexed; give the parser a term field so
    # `published:[2025 to 2026]` parses into a range that matching.py evaluates.
    schema.remove("published")
    schema.add("published", ExactList())
    schema.remove("person")
    return schema


_SCHEMA = _parse_schema()


class _FuzzyTerms(qparser.FuzzyTermPlugin):
    """``word~`` and ``word~2`` keep the first letter, ``word~2/0`` lets it change: most typos are
    not in it, and matches stay recognisable. Whoosh's plugin keeps no letter by default, and its
    syntax cannot say ``/0`` (it read ``~2/0`` as ``~2`` and a required word "0")."""

    expr = qparser.plugins.rcompile(r"(?<=\S)~(?P<maxdist>[0-9])?(?:/(?P<prefix>[0-9]+))?")

    def create(self, parser: qparser.QueryParser, match: re.Match[str]) -> qparser.FuzzyTermPlugin.FuzzinessNode:
        node = super().create(parser, match)
        if match.group("prefix") is None:
            node.prefixlength = 1
        return node


class _PlusMinus(qparser.PlusMinusPlugin):
    """``+``/``-`` inside parentheses too. Whoosh sorts only the top-level group into required,
    optional and banned parts, and the markers left in ``oil (gas -japan)`` made its query builder
    fail, so the query fell back to plain words and the exclusion became a requirement."""

    def filters(self, parser: qparser.QueryParser) -> list[tuple[Any, int]]:
        # After the boost filter (510): a group "(oil -gas)^2" takes its boost before it is sorted
        # into a two-part group, which has none to take.
        return [(self.do_plusminus, 511)]

    def do_plusminus(self, parser: qparser.QueryParser, group: Any) -> Any:
        for i, node in enumerate(group):
            if isinstance(node, qparser.syntax.GroupNode):
                group[i] = self.do_plusminus(parser, node)
        if not any(isinstance(node, (self.Plus, self.Minus)) for node in group):
            return group  # as it was: Whoosh's sorting makes a new group and drops a "(oil gas)^5" boost
        sorted_group = super().do_plusminus(parser, group)
        sorted_group.boost = group.boost
        return sorted_group


def _parser(match: str) -> qparser.QueryParser:
    group = qparser.AndGroup if match == "all" else qparser.OrGroup
    p = qparser.QueryParser(DEFAULT_FIELD, _SCHEMA, group=group)
    p.remove_plugin_class(qparser.SingleQuotePlugin)  # apostrophes in names are not quotes
    p.add_plugin(_FuzzyTerms())
    p.add_plugin(qparser.GtLtPlugin())
    # +/- only as prefixes: the hyphen in "shake-ups" or "2025-05" is not NOT.
    # A dash between spaces ("algorithms - concurrent programs") is punctuation, not NOT.
    p.add_plugin(_PlusMinus(plusexpr=r"(?<![^\s(])\+(?=\S)", minusexpr=r"(?<![^\s(])-(?=\S)"))
    return p


_PARSERS = {m: _parser(m) for m in MATCH_MODES}


class _BuiltOnce:
    """Whoosh's two-part groups (ANDNOT, ANDMAYBE, REQUIRE, and what ``-``/``+`` make) build each
    part's query twice, so nesting doubled the work at every level: twenty levels of
    ``(a ANDNOT (b ...`` took seconds of CPU before any time limit applied, thirty would take hours."""

    nodes: list[Any]
    qclass: Any

    def query(self, parser: qparser.QueryParser) -> Any:
        qa, qb = (node.query(parser) for node in self.nodes)
        if qa is None or qb is None:
            q = wq.NullQuery if qa is None and qb is None else qa if qb is None else qb
        else:
            q = self.qclass(qa, qb)
            boost = getattr(self, "boost", 1.0)
            if boost != 1.0:  # "(oil -gas)^2": Whoosh's two-part groups drop it
                q.boost = boost
        return qparser.syntax.attach(q, self)


_BUILT_ONCE = {cls: type(cls.__name__, (_BuiltOnce, cls), {})
               for cls in (qparser.syntax.AndNotGroup, qparser.syntax.AndMaybeGroup, qparser.syntax.RequireGroup)}


def _parse(parser: qparser.QueryParser, text: str) -> wq.Query:
    """``parser.parse(text, normalize=False)``, with each part's query built once."""
    nodes = parser.process(text)
    pending = [nodes]
    while pending:
        node = pending.pop()
        if isinstance(node, qparser.syntax.GroupNode):
            node.__class__ = _BUILT_ONCE.get(type(node), type(node))
            pending.extend(node.nodes)
    return nodes.query(parser) or wq.NullQuery


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb", '"'))


def parse_query(text: str, match: str = "all", settings: Settings | None = None) -> ParsedQuery:
    """Parse ``text``; raises QueryError only for caps and bad ``match`` values."""
    settings = settings or Settings()
    if match not in MATCH_MODES:
        raise QueryError(f"match must be one of {', '.join(MATCH_MODES)}", param="match")
    if not isinstance(text, str):
        raise QueryError("q must be a string", param="q")
    if len(text) > settings.max_query_chars:
        raise QueryError(f"query is {len(text):,} characters; the limit is {settings.max_query_chars:,}",
                         param="q")
    text = _CONTROL.sub(" ", text).strip()  # NUL breaks Whoosh's parser; "\x01" alone is no query either
    text = text.translate(_QUOTES)  # “oil prices” pasted from an article or typed on a phone is a phrase
    text = nfc(text) if not text.isascii() else text  # composed as the documents are (document.clean_text)
    surface = tuple(words(text))
    if not text or text == "*":
        return ParsedQuery(text, match, wq.Every(), surface)
    if is_plain(text):
        q = _words_query(terms(text), match)
    else:
        # In an ALL-CAPS query (a headline pasted in) AND/OR/NOT/TO are words, not operators.
        source = text.lower() if not any(c.islower() for c in text) else text
        # A "?" that ends a word ends a question; only inside or before a word is it a wildcard.
        source = _QUESTION_MARK.sub(" ", source)
        try:
            # Whoosh's normalize() would also merge repeated words; _flatten() keeps them.
            parsed = _flatten(_parse(_PARSERS[match], source))
        except Exception:  # Whoosh's parser has many failure modes on hostile input (and nesting
            parsed = None  # deep enough for a RecursionError in either)
        q = _words_query(terms(text), match) if parsed is None else parsed
        if q is wq.NullQuery:
            q = _words_query(terms(text), match)
    stops = stop_stems(surface)
    q = _drop_stopwords(q, stops)
    n = count_leaves(q)
    if n > settings.max_query_terms:
        raise QueryError(f"query has {n:,} terms; the limit is {settings.max_query_terms:,}", param="q")
    boost = largest_boost(q)
    if not boost <= MAX_BOOST:  # also NaN: an overflowing ^999... made every score NaN
        raise QueryError(f"boosts may multiply to at most {MAX_BOOST:,.0f}", param="q")
    return ParsedQuery(text, match, q, surface, stops)


#: The largest weight ``^boost`` marks may give a term (nested groups multiply).
MAX_BOOST = 1e6


def largest_boost(q: wq.Query, outer: float = 1.0) -> float:
    """The largest absolute product of boosts from the root to any part of ``q``."""
    here = abs(outer * getattr(q, "boost", 1.0))
    if q.is_leaf():
        return here
    return max([here, *(largest_boost(c, here) for c in q.children())])


def is_plain(text: str) -> bool:
    """True when ``text`` uses no query syntax and is searched as a bag of its words.

    In a query without lower-case letters (a pasted headline) AND/OR/NOT are words.
    """
    if _SYNTAX.search(text):
        return False
    if any(c.islower() for c in text):
        return not _OPERATORS.intersection(w.strip("()") for w in text.split())
    return True


def _words_query(stems: list[str], match: str) -> wq.Query:
    leaves = [wq.Term(DEFAULT_FIELD, s) for s in stems]
    if not leaves:
        return wq.NullQuery
    if len(leaves) == 1:
        return leaves[0]
    return wq.And(leaves) if match == "all" else wq.Or(leaves)


def _flatten(q: wq.Query) -> wq.Query:
    """Whoosh's ``normalize()`` without its de-duplication: nested And/Or of the same kind
    merged, empty parts dropped, one-child groups unwrapped."""
    if isinstance(q, (wq.And, wq.Or)):
        kids: list[wq.Query] = []
        for c in (_flatten(c) for c in q.subqueries):
            if c is wq.NullQuery:
                continue
            if type(c) is type(q) and c.boost == 1.0:
                kids.extend(c.subqueries)
            else:
                kids.append(c)
        if not kids:
            return wq.NullQuery
        negated = [c.query for c in kids if isinstance(c, wq.Not)]
        if negated and isinstance(q, wq.Or):
            # "oil gas NOT japan" with match=any: Whoosh makes Or(oil, gas, Not(japan)), which
            # matches every document without Japan. Meant: (oil OR gas) and not Japan.
            positive = [c for c in kids if not isinstance(c, wq.Not)]
            a = (positive[0] if len(positive) == 1 and q.boost == 1.0 else wq.Or(positive, boost=q.boost)
                 ) if positive else wq.Every()
            return wq.AndNot(a, negated[0] if len(negated) == 1 else wq.Or(negated))
        if len(kids) == 1 and q.boost == 1.0:
            return kids[0]
        return type(q)(kids, boost=q.boost)
    if isinstance(q, (wq.AndNot, wq.AndMaybe, wq.Require)):
        a, b = _flatten(q.a), _flatten(q.b)
        if a is wq.NullQuery and isinstance(q, wq.AndNot) and b is not wq.NullQuery:
            return wq.AndNot(wq.Every(), b)  # "-putin": everything but Putin, never Putin
        if a is wq.NullQuery:
            return wq.NullQuery
        if b is wq.NullQuery:
            return a if not isinstance(q, wq.Require) else wq.NullQuery
        return _two_part(q, a, b)
    if isinstance(q, wq.Not):
        inner = _flatten(q.query)
        return wq.NullQuery if inner is wq.NullQuery else wq.Not(inner, boost=q.boost)
    return q


def _two_part(q: Any, a: wq.Query, b: wq.Query) -> wq.Query:
    """A query of ``q``'s kind (AndNot, AndMaybe, Require) over ``a`` and ``b``, with ``q``'s boost
    ("(oil -gas)^2")."""
    out = type(q)(a, b)
    out.boost = q.boost
    return out


def stop_stems(surface: tuple[str, ...] | list[str]) -> frozenset[str]:
    """The stems that stand for stopwords in this query, and only for stopwords.

    Terms are stems, and some ordinary words share a stopword's stem ("underlying" and
    "under", "downing" and "down", "others" and "other", "owned" and "own"): deciding by
    the stem dropped them from queries ("downing street" searched "street" alone).
    """
    stops = {stem(w) for w in surface if w in STOPWORDS}
    return frozenset(stops.difference(stem(w) for w in surface if w not in STOPWORDS))


def _drop_stopwords(q: wq.Query, stops: frozenset[str]) -> wq.Query:
    """Remove stopword terms from And/Or groups of words (never all of a group, never in phrases)."""
    if isinstance(q, (wq.And, wq.Or)):
        subs = [_drop_stopwords(c, stops) for c in q.subqueries]
        kept = [c for c in subs if not _is_stop(c, stops)] or subs
        if len(kept) == 1:
            return kept[0]
        return type(q)(kept, boost=q.boost)
    if isinstance(q, (wq.AndNot, wq.AndMaybe, wq.Require)):
        return _two_part(q, _drop_stopwords(q.a, stops), _drop_stopwords(q.b, stops))
    if isinstance(q, wq.Not):
        return wq.Not(_drop_stopwords(q.query, stops), boost=q.boost)
    return q


def _is_stop(q: wq.Query, stops: frozenset[str]) -> bool:
    return isinstance(q, wq.Term) and q.fieldname == DEFAULT_FIELD and q.text in stops and q.boost == 1.0


def count_leaves(q: wq.Query) -> int:
    if isinstance(q, wq.Phrase):
        return len(q.words)
    if q.is_leaf():
        return 1
    return sum(count_leaves(c) for c in q.children())


#: "More like this": the document's most distinctive terms, any of them.
SIMILAR_TERMS = 25
#: Characters of the body read for them: the lead of a long document says what it is about.
SIMILAR_BODY_CHARS = 20_000
#: A term in more than this share of the documents says nothing about any one of them.
SIMILAR_MAX_DF_SHARE = 0.5


def similar_query(doc: Document, df: Callable[[str], int], n_docs: int) -> wq.Query:
    """The query of documents like ``doc``: its ``SIMILAR_TERMS`` terms with the largest
    tf × idf (the title counted twice: it names the subject), any of them, ``doc`` excluded.
    Terms only ``doc`` has (df 1) would find nothing else."""
    counts: dict[str, int] = {}
    for t in terms(f"{doc.title} {doc.title} {doc.body[:SIMILAR_BODY_CHARS]}"):
        if t not in STOP_STEMS:  # "at": common, yet under the 50 % cut of a small index
            counts[t] = counts.get(t, 0) + 1
    weighted = []
    for t, c in counts.items():
        n = df(t)
        if 1 < n < n_docs * SIMILAR_MAX_DF_SHARE:
            weighted.append((c * idf(n, n_docs), t))
    top = [t for _, t in sorted(weighted, key=lambda x: (-x[0], x[1]))[:SIMILAR_TERMS]]
    if not top:
        return wq.NullQuery
    return wq.AndNot(wq.Or([wq.Term("text", t) for t in top]), wq.Term("id", doc.id))
