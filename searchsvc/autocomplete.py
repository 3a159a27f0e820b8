"""Autocomplete: what is typed, completed to people, words and queries.

Every suggestion is ``{"text", "kind", "count", "q"}``: what it shows, what it is,
and what picking it searches for (``q``; a ``person`` is also a people filter),
with ``count`` the number of documents that search finds with every word
(``match=all``), so that a click finds what the list said.

* One word (``pu``): people with a name word starting with it ("Vladimir Putin",
  ``q`` "") and title words starting with it ("putin"), by documents; a person and
  a word written alike are both offered (a people filter, and every mention).
* Several words (``bank of ja``): the last one completed after the others.

  - Queries (kind ``query``), when the text uses no query syntax: the words that
    follow the last words typed, read from the text of a sample of the documents
    where those words occur as a phrase (:data:`SAMPLE` spread evenly over them in
    the order of their ids, more while few have a word that follows: a rare phrase;
    within a sentence, and within the title or the body), ranked by how many
    have it ("bank of" → "japan", "canada", "england"), shown as written there
    ("interest rates", "bank of france", where the index's most frequent forms of
    those stems are "rate" and "francs").
  - Then title words that are merely in the same documents, those the words typed
    make likelier than they make words in general ("interest rescheduling", not
    "interest report"), and people with a name word starting with the last word,
    both among the documents the other words find (``q`` those words).
  - A name holding every word typed ("james ba": James Baker, ``q`` "") instead of
    the people in context.

  What was typed is never a completed query ("house of r"), and the completion is in
  capitals only when all that was typed is ("OPEC pr" gives "OPEC production").

Title words come from the vocabulary of display words a rebuild writes; a term added
since (by a single-document write) is shown as a title writes it, never as its stem
(the stem's own search may look for another stem).

``matching(text)`` is the caller's ``match=all`` evaluation (live documents); the
count of every query offered is taken from it, whatever its syntax does. ``check``
raises to stop (a query deadline).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from whoosh import query as wq

from .analysis import STOP_STEMS, STOPWORDS, fold, prefix_stem, terms, value_key
from .analysis import words as words_of
from .errors import QueryError
from .highlight import MAX_ANALYZED_CHARS
from .query import is_plain
from .schema import TEXT_FIELDS
from .view import IndexView
from .vocabulary import vocabulary

#: Title terms looked at for one completion, in index order: enough for every term of a letter
#: (Reuters-21578 has at most 1,281 title terms starting with one letter), so that the most
#: frequent are among them, not the alphabetically first of a larger index.
MAX_WORD_CANDIDATES = 20_000
#: Of those, the most frequent in titles counted in the documents of the context.
CONTEXT_CANDIDATES = 200
#: A word only in the same documents as the words typed is offered when they make it this many
#: times likelier than they make the median word completing the last one typed.
MIN_LIFT = 1.5
#: ... and when at least this many documents of the context hold it (one or two prove nothing:
#: "hostile mazda", "james bachelor").
MIN_BESIDE_DOCS = 3
#: Candidates needed for their median lift to stand for the context's.
TYPICAL_OF = 5
#: Documents whose text is read for the words that follow what was typed, spread evenly over
#: those holding the words before (the first ones in index order were a biased sample) ...
SAMPLE = 150
#: ... and more, a sample at a time, while fewer than FOLLOWED of them have a word that follows
#: (a rare phrase: "downing street" in 2 of the 1,261 Reuters articles with "down"), up to
#: MAX_SAMPLE (about 0.05 ms each).
FOLLOWED = 3
MAX_SAMPLE = 600
#: The shortest completion a following word gives ("new york's": no "new york s").
MIN_FOLLOWING_CHARS = 2
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
    text = _folded(" ".join(typed))
    if not text:
        return []
    out = _people(view, text, None, "")
    check()
    if " " not in text:
        out += [(c, c, word, "word", word) for c, word, _ in _counted_words(view, text, view.live, check)]
    elif matching is not None:
        out += _in_context(view, typed, matching, limit, check, {c[2].casefold() for c in out})
    # A person before a word as frequent ("xi": Xi Jinping, then xi); stable: a whole name before
    # the same one in context.
    out.sort(key=lambda x: (-x[0], -x[1], x[3] != "person", x[2].casefold()))
    # A person and a word written alike are two suggestions: "Reagan" filters on the name,
    # "reagan" finds every mention. Two of one kind are one.
    seen: set[tuple[bool, str]] = set()
    result = []
    for _, count, value, kind, q in out:
        key = (kind == "person", value.casefold())
        if key in seen:
            continue
        seen.add(key)
        result.append({"text": value, "kind": kind, "count": count, "q": q})
        if len(result) == limit:
            break
    return result


def _in_context(view: IndexView, typed: list[str], matching: Matching, limit: int,
                check: Callable[[], None], names: set[str]) -> list[Candidate]:
    """People and queries completing the last of ``typed`` after the others."""
    head, last = " ".join(typed[:-1]), _folded(typed[-1])
    if not last or not is_plain(typed[-1]):
        return []
    try:
        context = matching(head)
    except QueryError:  # the words before the last are no query ("title:"): nothing to complete after them
        return []
    if not context.any():
        return []
    # People after the queries that follow the words typed ("interest r": "interest rates"
    # before Robert Brusca), among the words that are only in the same documents, by documents;
    # none when a name holds every word typed ("james ba" is James Baker, not Malcolm Baldrige).
    out = [] if names else [(_beside(c[1]), *c[1:]) for c in _people(view, last, context, head)]
    # Operators would give the completed query another meaning. In capitals (a pasted headline)
    # AND/OR/NOT are words, and the completion is written in capitals too.
    if is_plain(" ".join(typed)):
        names |= {c[2].casefold() for c in out}
        out += _queries(view, typed, context, matching, limit + SPARE_QUERIES, check, names)
    return out


def _beside(count: float) -> float:
    """The rank of what is only in the same documents as the words typed: below every word that
    follows them (ranks of 1 and up), by documents."""
    return -1.0 - 1.0 / (count + 1)


def _queries(view: IndexView, typed: list[str], context: np.ndarray, matching: Matching, most: int,
             check: Callable[[], None], names: set[str]) -> list[Candidate]:
    head, last = " ".join(typed[:-1]), _folded(typed[-1])
    shout = _shouted(" ".join(typed))
    # One completion per stem ("officials" found after "bank of", "official" among title words).
    ranked: dict[tuple[str, ...], tuple[float, str]] = {
        tuple(terms(word)): (rank, word) for word, rank in _following(view, typed[:-1], last, context, matching, check)}
    # Words merely in the same documents: those the context makes likelier than it makes words in
    # general (its documents may just be longer: every word of "hostile" stories is 2-4x likelier),
    # weighted by how often ("local mutual information", count x log2 lift; Evert, "The statistics
    # of word cooccurrences", 2005). By count alone, words common everywhere came first: "bank of j"
    # offered "bank of january", "oil pr" "oil president", "hostile ma" "hostile made".
    in_context, live = int(np.count_nonzero(context)), view.doc_count
    counted = [(count, word, (count / in_context) / (total / live))
               for count, word, total in _counted_words(view, last, context, check)]
    # (a median of a few candidates says nothing of the context: then the whole index is the measure)
    typical = max(float(np.median([lift for _, _, lift in counted])), 1.0) if len(counted) >= TYPICAL_OF else 1.0
    # A word can be at most live / in_context times likelier in the context (in all its documents
    # and no other): where the median candidate is that exclusive already, such a word still passes.
    bar = min(MIN_LIFT * typical, live / in_context)
    for count, word, lift in counted:
        if lift >= bar and count >= MIN_BESIDE_DOCS:
            ranked.setdefault(tuple(terms(word)), (_beside(count * math.log2(lift / typical)), word))
    out: list[Candidate] = []
    for rank, word in sorted(ranked.values(), key=lambda x: -x[0])[:most]:
        check()
        q = f"{head} {word.upper() if shout else word}"
        # what was typed is no completion ("house of r": "r" is a title word beside "house")
        if q.casefold() in names or _folded(word) == last:
            continue
        count = int(np.count_nonzero(matching(q)))
        if count:
            out.append((rank, count, q, "query", q))
    return out


#: Between two words of a phrase: some blank, maybe punctuation ("interest - rates"); not an
#: apostrophe or hyphen alone, which are inside a word ("york's", "ex-farm"); nor the end of a
#: sentence ("imported oil. President Reagan" is no "oil president").
_GAP = r"[^\w.!?;]*\s[^\w.!?;]*"
#: Words whose point is no sentence's end (besides initials and dotted ones: "J.", "U.S.").
_ABBREVIATIONS = frozenset("mr mrs ms dr st jr sr gen gov sen rep".split())
#: A following word, with its inner apostrophes and hyphens ("ex-farm", "o'neill").
_REST = r"\w*(?:['’-]\w+)*"


def _following(view: IndexView, head: list[str], last: str, context: np.ndarray, matching: Matching,
               check: Callable[[], None]) -> list[tuple[str, float]]:
    """Words starting with ``last`` that follow the last words of ``head`` in the text of a
    sample of the documents of ``context`` holding those words as a phrase (:data:`SAMPLE`
    spread evenly over them, more while few have a word that follows), each with about how
    many documents of the context have it there (its share of the sample)."""
    # Without the punctuation around them ("oil, pr" is "oil pr"); punctuation alone is no word.
    words = [w for w in (_bare(_folded(w)) for w in head) if terms(w)]
    for n in range(min(PHRASE_WORDS, len(words)), 0, -1):
        tail = words[-n:]
        phrase = context & matching('"' + " ".join(tail) + '"') if n > 1 else context
        docs = np.flatnonzero(phrase)
        if not len(docs):
            continue
        pattern = re.compile(r"(?<!\w)" + _GAP.join(map(_written, tail)) + _GAP + "(" + re.escape(last) + _REST + ")")
        found = _read_sample(view, docs, pattern, check)
        if found:
            return found
    return []


def _read_sample(view: IndexView, docs: np.ndarray, pattern: re.Pattern[str],
                 check: Callable[[], None]) -> list[tuple[str, float]]:
    """The words ``pattern`` finds (its group 1) in a sample of ``docs``, each with about how many
    of ``docs`` have it, most first; [] when the sample has none."""
    # Forms of one word ("price", "prices") are one completion, shown in its commonest form here.
    docs_with: Counter[tuple[str, ...]] = Counter()
    forms: dict[tuple[str, ...], Counter[str]] = {}
    read = followed = 0
    for docnum in _spread(_by_id(view, docs)):
        if read == MAX_SAMPLE or (read and read % SAMPLE == 0 and followed >= FOLLOWED):
            break
        check()  # each document: one of several megabytes takes tens of milliseconds to read
        read += 1
        here: set[tuple[str, ...]] = set()
        for word in _words_after(pattern, view.stored(int(docnum))):
            key = tuple(terms(word))
            # "bank of the": a search drops "the"; but "the underlying" is no stopword
            # because its stem is ("under")
            if len(word) >= MIN_FOLLOWING_CHARS and key and not all(w in STOPWORDS for w in words_of(word)):
                here.add(key)
                forms.setdefault(key, Counter())[word] += 1
        docs_with.update(here)
        followed += bool(here)
    scale = len(docs) / max(read, 1)
    return [(forms[key].most_common(1)[0][0], n * scale) for key, n in docs_with.most_common()]


def _words_after(pattern: re.Pattern[str], stored: dict[str, Any]) -> Iterator[str]:
    """What ``pattern`` finds in a document's title and body, read apart: the title's last word
    and the body's first are no phrase ("OPEC output" then "OPEC production ...")."""
    for field in ("title", "body"):
        # The first characters only, as snippets: a sample of 150 documents of 4 MB each was
        # 600 MB to fold and scan, seconds on every keystroke.
        for m in pattern.finditer(_folded((stored.get(field) or "")[:MAX_ANALYZED_CHARS])):
            yield m.group(1)


def _written(word: str) -> str:
    """A pattern for a word typed before the last as the text writes it: an abbreviation with
    its point ("u.s" is "U.S." there)."""
    abbreviated = len(word) == 1 or "." in word or word in _ABBREVIATIONS
    return re.escape(word) + (r"\.?" if abbreviated else "")


def _by_id(view: IndexView, docs: np.ndarray) -> np.ndarray:
    """``docs`` in the order of their ids: the sample read from them is then the same for the same
    documents, whatever their internal numbers (which depend on the order of the input and on
    which rebuild worker wrote which piece)."""
    return docs[np.argsort(view.id_rank[docs], kind="stable")]


def _spread(docs: np.ndarray) -> np.ndarray:
    """``docs`` in an order whose every first :data:`SAMPLE` (then the next, and so on) are
    spread evenly over all of them: every k-th from the first, then from the second..."""
    step = -(-len(docs) // SAMPLE)
    return np.concatenate([docs[start::step] for start in range(step)]) if step > 1 else docs


def _folded(text: str) -> str:
    """Case- and accent-folded, as names and typed text are compared ("strauss", Strauß)."""
    return fold(text.casefold())


def _bare(word: str) -> str:
    """``word`` without the punctuation around it ("oil," → "oil", "(u.s.)" → "u.s")."""
    return word.strip(_PUNCTUATION)


_PUNCTUATION = "".join(chr(c) for c in range(128) if not chr(c).isalnum() and not chr(c).isspace()) + "“”‘’«»—–…"


def _shouted(text: str) -> bool:
    """Typed in capitals (a pasted headline), where AND/OR/NOT are words (query.is_plain); numbers
    are no capitals ("1987 oi"). Given all that was typed, as a search reads it: an acronym before
    a word in lower case ("OPEC pr", "U.S. tr") is no headline."""
    return any(c.isupper() for c in text) and not any(c.islower() for c in text)


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
                   check: Callable[[], None]) -> list[tuple[int, str, int]]:
    """Title words that complete ``text``, each with the documents of ``within`` holding it in
    any field (what a search for it finds there) and the live documents holding it, most first.

    Candidates are the words of titles, the most frequent there first: words a headline
    uses, not every token of the bodies (a body-only word is still found by its search).
    """
    probe = prefix_stem(text)
    if not probe:
        return []
    vocab = vocabulary(view)
    found: list[tuple[int, str | None, str]] = []
    for f, term in view.expand(wq.Prefix("title", probe), check, limit=MAX_WORD_CANDIDATES):
        if term in STOP_STEMS:  # a search drops "and", "at", "a": no completion to offer
            continue
        word = vocab.get(term)  # None: a term added since the rebuild (see _title_form)
        if word is None or word.startswith(text) or term.startswith(text):
            in_titles = len(view.postings(f, term)[0])
            if in_titles:
                found.append((in_titles, word, term))
    found.sort(key=lambda x: (-x[0], x[2]))
    counted: list[tuple[int, str, int]] = []
    for _, word, term in found[:CONTEXT_CANDIDATES]:
        check()
        if word is None:
            word = _title_form(view, term)
            if word is None or not word.startswith(text):
                continue
        holding = np.zeros(view.size, dtype=bool)
        for f in TEXT_FIELDS:
            holding[view.postings(f, term)[0]] = True
        count = int(np.count_nonzero(holding & within))
        if count:
            counted.append((count, word, int(np.count_nonzero(holding & view.live))))
    counted.sort(key=lambda x: (-x[0], x[1]))
    return counted


def _title_form(view: IndexView, term: str) -> str | None:
    """A word a title writes for ``term``, which the vocabulary lacks (it is made by rebuilds;
    a document added since may bring new terms). The stem itself is no word to offer: its
    search may look for another stem ("agre" for "agreed" is "agr")."""
    forms = view.derived.setdefault("title_forms", {})
    if term not in forms:
        forms[term] = None
        ids = view.postings("title", term)[0]
        if len(ids):
            forms[term] = next((w for w in words_of(view.stored(int(ids[0])).get("title") or "")
                                if terms(w) == [term]), None)
    return forms[term]


def _folded_names(book: Any) -> list[str]:
    """Accent- and case-folded display names of a codebook, kept in step as it grows."""
    folded = book.derived.setdefault("folded", [])
    names = book.names
    if len(folded) != len(names):
        folded[:] = [_folded(n) for n in names]
    return folded
