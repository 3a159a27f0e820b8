"""Autocomplete: what is typed, completed to people, words and queries.

Every suggestion is ``{"text", "kind", "count", "q"}``: what it shows, what it is,
and what picking it searches for (``q``; a ``person`` is also a people filter),
with ``count`` the number of documents that search finds with every word
(``match=all``), so that a click finds what the list said.

* One word (``pu``): people with a name word starting with it ("Vladimir Putin",
  ``q`` "") and title words starting with it ("putin"), by documents.
* Several words (``bank of ja``): the last one completed after the others.

  - Queries (kind ``query``), when the text uses no query syntax: the words that
    follow the last words typed, read from the text of up to :data:`SAMPLE`
    documents where those words occur as a phrase ("bank of" → "japan", "canada",
    "england"), ranked by how many of them have it, shown as written there
    ("interest rates", "bank of france", where the index's most frequent forms of
    those stems are "rate" and "francs"). Title words that are merely in the same
    documents ("interest report") come after, by documents.
  - People with a name word starting with the last word, among the documents the
    other words find (``q`` those words), after the queries that follow them.
  - A name holding every word typed ("james ba": James Baker, ``q`` "").

``matching(text)`` is the caller's ``match=all`` evaluation (live documents); the
count of every query offered is taken from it, whatever its syntax does. ``check``
raises to stop (a query deadline).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from whoosh import query as wq

from .analysis import STOP_STEMS, fold, prefix_stem, terms, value_key
from .errors import QueryError
from .query import is_plain
from .schema import TEXT_FIELDS
from .suggest import vocabulary
from .view import IndexView

#: Title terms looked at for one completion (a one-letter prefix matches thousands).
MAX_WORD_CANDIDATES = 2000
#: Of those, the most frequent in titles counted in the documents of the context.
CONTEXT_CANDIDATES = 200
#: Documents whose text is read for the words that follow what was typed.
SAMPLE = 150
#: The words typed before the last that must precede it as a phrase (fewer if none do).
PHRASE_WORDS = 2
#: Queries whose count is taken, beyond the suggestions asked for (some find nothing).
SPARE_QUERIES = 5

#: (rank, count, text, kind, q): its place (higher first), then what the suggestion shows.
Candidate = tuple[float, int, str, str, str]
Matching = Callable[[str], np.ndarray]


def suggest(view: IndexView, prefix: str, limit: int = 10, check: Callable[[], None] = lambda: None,
            matching: Matching | None = None) -> list[dict[str, Any]]:
    """Completions of ``prefix``, best first (see the module's docstring)."""
    typed = prefix.split()
    text = fold(" ".join(typed).lower())
    if not text:
        return []
    out = _people(view, text, None, "")
    check()
    if " " not in text:
        out += [(c, c, word, "word", word) for c, word in _counted_words(view, text, view.live, check)]
    elif matching is not None:
        out += _in_context(view, typed, matching, limit, check, {c[2].casefold() for c in out})
    # A person before a word as frequent ("xi": Xi Jinping, then xi); stable: a whole name before
    # the same one in context.
    out.sort(key=lambda x: (-x[0], -x[1], x[3] != "person", x[2].casefold()))
    seen: set[str] = set()
    result = []
    for _, count, value, kind, q in out:
        if value.casefold() in seen:
            continue
        seen.add(value.casefold())
        result.append({"text": value, "kind": kind, "count": count, "q": q})
        if len(result) == limit:
            break
    return result


def _in_context(view: IndexView, typed: list[str], matching: Matching, limit: int,
                check: Callable[[], None], names: set[str]) -> list[Candidate]:
    """People and queries completing the last of ``typed`` after the others."""
    head, last = " ".join(typed[:-1]), fold(typed[-1].lower())
    if not last or not is_plain(typed[-1]):
        return []
    try:
        context = matching(head)
    except QueryError:  # the words before the last are no query ("title:"): nothing to complete after them
        return []
    if not context.any():
        return []
    # People after the queries that follow the words typed ("interest r": "interest rates"
    # before "Reagan"), and before the words that are only in the same documents; none when a
    # name holds every word typed ("james ba" is James Baker, not Malcolm Baldrige).
    out = [] if names else [(0.0, *c[1:]) for c in _people(view, last, context, head)]
    # Operators would give the completed query another meaning. In capitals (a pasted headline)
    # AND/OR/NOT are words, and the completion is written in capitals too.
    if is_plain(" ".join([*typed[:-1], typed[-1].upper() if _shouted(head) else typed[-1]])):
        names |= {c[2].casefold() for c in out}
        out += _queries(view, typed, context, matching, limit + SPARE_QUERIES, check, names)
    return out


def _queries(view: IndexView, typed: list[str], context: np.ndarray, matching: Matching, most: int,
             check: Callable[[], None], names: set[str]) -> list[Candidate]:
    head, last = " ".join(typed[:-1]), fold(typed[-1].lower())
    shout = _shouted(head)
    # One completion per stem ("officials" found after "bank of", "official" among title words).
    ranked: dict[tuple[str, ...], tuple[float, str]] = {
        tuple(terms(word)): (rank, word) for word, rank in _following(view, typed[:-1], last, context, matching, check)}
    for count, word in _counted_words(view, last, context, check):
        ranked.setdefault(tuple(terms(word)), (-1.0 - 1.0 / (count + 1), word))  # after people, by documents
    out: list[Candidate] = []
    for rank, word in sorted(ranked.values(), key=lambda x: -x[0])[:most]:
        check()
        q = f"{head} {word.upper() if shout else word}"
        if q.casefold() in names:
            continue
        count = int(np.count_nonzero(matching(q)))
        if count:
            out.append((rank, count, q, "query", q))
    return out


def _following(view: IndexView, head: list[str], last: str, context: np.ndarray, matching: Matching,
               check: Callable[[], None]) -> list[tuple[str, float]]:
    """Words starting with ``last`` that follow the last words of ``head`` in the text of up
    to :data:`SAMPLE` documents of ``context`` holding those words as a phrase, each with
    about how many documents of the context have it there (its share of the sample)."""
    words = [fold(w.lower()) for w in head if terms(w)]  # not punctuation ("oil - pr" is "oil pr")
    for n in range(min(PHRASE_WORDS, len(words)), 0, -1):
        tail = words[-n:]
        phrase = context & matching('"' + " ".join(tail) + '"') if n > 1 else context
        docs = np.flatnonzero(phrase)
        if not len(docs):
            continue
        pattern = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, tail)) + r"\W+(" + re.escape(last) + r"\w*)")
        # Forms of one word ("price", "prices") are one completion, shown in its commonest form here.
        docs_with: Counter[tuple[str, ...]] = Counter()
        forms: dict[tuple[str, ...], Counter[str]] = {}
        sample = docs[:SAMPLE]
        for i, docnum in enumerate(sample):
            if i % 32 == 0:
                check()
            stored = view.stored(int(docnum))
            text = fold(f"{stored.get('title') or ''}\n{stored.get('body') or ''}".lower())
            here: set[tuple[str, ...]] = set()
            for m in pattern.finditer(text):
                key = tuple(terms(m.group(1)))
                if key and not set(key) <= STOP_STEMS:  # "bank of the": a search drops "the"
                    here.add(key)
                    forms.setdefault(key, Counter())[m.group(1)] += 1
            docs_with.update(here)
        if docs_with:
            scale = len(docs) / len(sample)
            return [(forms[key].most_common(1)[0][0], n * scale) for key, n in docs_with.most_common()]
    return []


def _shouted(text: str) -> bool:
    """Typed in capitals (a pasted headline), where AND/OR/NOT are words (query.is_plain)."""
    return not any(c.islower() for c in text)


def _people(view: IndexView, text: str, context: np.ndarray | None, head: str) -> list[Candidate]:
    """People whose folded name starts with ``text`` or has a word that does, with their
    documents (within ``context``, when given)."""
    pairs = view.pairs("person", key=value_key)
    if not len(pairs.names):
        return []
    within = view.live if context is None else context
    counts = np.bincount(pairs.codes[within[pairs.docs]], minlength=len(pairs.names))
    return [(int(counts[code]), int(counts[code]), pairs.names[code], "person", head)
            for code, folded in enumerate(_folded_names(pairs.book))
            if counts[code] and (folded.startswith(text) or f" {text}" in folded)]


def _counted_words(view: IndexView, text: str, within: np.ndarray,
                   check: Callable[[], None]) -> list[tuple[int, str]]:
    """Title words that complete ``text``, each with the documents of ``within`` holding it in
    any field (what a search for it finds there), most first.

    Candidates are the words of titles, the most frequent there first: words a headline
    uses, not every token of the bodies (a body-only word is still found by its search).
    """
    probe = prefix_stem(text)
    if not probe:
        return []
    vocab = vocabulary(view)
    found: list[tuple[int, str, str]] = []
    for f, term in view.expand(wq.Prefix("title", probe), check, limit=MAX_WORD_CANDIDATES):
        word = vocab.get(term, term)
        if term in STOP_STEMS:  # a search drops "and", "at", "a": no completion to offer
            continue
        if word.startswith(text) or term.startswith(text):
            in_titles = len(view.postings(f, term)[0])
            if in_titles:
                found.append((in_titles, word, term))
    found.sort(key=lambda x: (-x[0], x[1]))
    counted: list[tuple[int, str]] = []
    for _, word, term in found[:CONTEXT_CANDIDATES]:
        check()
        holding = np.zeros(view.size, dtype=bool)
        for f in TEXT_FIELDS:
            holding[view.postings(f, term)[0]] = True
        count = int(np.count_nonzero(holding & within))
        if count:
            counted.append((count, word))
    counted.sort(key=lambda x: (-x[0], x[1]))
    return counted


def _folded_names(book: Any) -> list[str]:
    """Accent- and case-folded display names of a codebook, kept in step as it grows."""
    folded = book.derived.setdefault("folded", [])
    names = book.names
    if len(folded) != len(names):
        folded[:] = [fold(n.lower()) for n in names]
    return folded
