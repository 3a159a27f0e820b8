"""Autocomplete and did-you-mean.

The index holds stems ("presid"), which are not words to show a person. A
rebuild therefore writes ``vocab.json`` beside the index: for every stem, the
word that produced it most often ("president"). Documents added later through the
API may bring stems without an entry; those are shown as the stem itself until
the next rebuild.

* ``suggest(prefix)`` offers people whose name has a word starting with the
  prefix, and title words starting with it, by how many documents hold them.
* ``did_you_mean(words)`` replaces each query word the index does not know (or
  barely knows) with the most frequent term within edit distance 1 (2 for words
  of six letters or more) that starts with the same letter (:class:`searchsvc.fuzzy.FuzzyIndex`),
  returning None when nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from whoosh import query as wq

from .analysis import STOP_STEMS, fold, prefix_stem, stem, terms, value_key
from .errors import QueryError
from .fuzzy import distance, fuzzy_index
from .matching import MAX_FUZZY_CHARS
from .positions import adjacent_docs, sorted_intersection
from .query import is_plain
from .schema import TEXT_FIELDS
from .view import IndexView

VOCAB_NAME = "vocab.json"
#: A query word this rare is worth correcting when a neighbour is much more common.
RARE_DF = 2
#: A word in more documents than this (or than this share of a large index) is not taken for a
#: typo: "Finland" (39 Reuters stories) is not "Finance", nor "Denver" (33) "Dealers".
MAYBE_TYPO_DF = 10
MAYBE_TYPO_SHARE = 0.0005
#: Words this long may be two edits away from their correction; shorter ones one ("Nestle" is
#: not "Net", but "Gorbachov" is "Gorbachev" and "goverment" "government").
TWO_EDITS_FROM = 8
#: Candidates as close as the closest, tried in the whole query: the one it finds most with wins
#: ("cocoa bufer stock" is "cocoa buffer stock", not "cocoa buyer stock").
IN_CONTEXT = 3
#: A correction must be in this many times more documents than the word it replaces.
COMMONER = 20


def merge_word_counts(into: dict[str, tuple[str, int]], more: dict[str, tuple[str, int]]) -> None:
    """Add ``more``'s counts (word -> (stem, count), from one segment) to ``into``."""
    for word, stem_count in more.items():
        cur = into.get(word)
        into[word] = (cur[0], cur[1] + stem_count[1]) if cur else stem_count


def display_words(counts: dict[str, tuple[str, int]]) -> dict[str, str]:
    """stem -> the word seen most often for it ("president", not "presides"); on a tie the
    shorter, then the first in alphabetical order. Counts are summed over the whole build
    first, so the choice does not depend on how the input was shared among the workers."""
    best: dict[str, tuple[str, int]] = {}
    for word, (s, n) in counts.items():
        cur = best.get(s)
        if cur is None or n > cur[1] or (n == cur[1] and (len(word), word) < (len(cur[0]), cur[0])):
            best[s] = (word, n)
    return {s: word for s, (word, _) in best.items()}


def write_vocabulary(folder: Path, best: dict[str, str]) -> None:
    """Write the stem -> display word table of a generation (orjson: 2 ms for Reuters' 34,000
    stems, where the json module took 50 ms of the rebuild's serial end)."""
    (folder / VOCAB_NAME).write_bytes(orjson.dumps(best))


def vocabulary(view: IndexView) -> dict[str, str]:
    """The generation's stem -> word table, read once per generation (it never changes).

    Cached by the file's identity, not by its path alone: an index folder that is removed
    and built again reuses generation names, and a path-keyed cache then served the old
    words (found by the kill trials of tests/test_faults.py).
    """
    path = Path(view.path) / VOCAB_NAME
    try:
        st = path.stat()
    except OSError:
        return {}
    key = (str(path), st.st_ino, st.st_mtime_ns, st.st_size)
    cached = _VOCABULARIES.get(key)
    if cached is None:
        try:
            cached = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}
        _VOCABULARIES.clear()  # one generation at a time is live
        _VOCABULARIES[key] = cached
    return cached


_VOCABULARIES: dict[tuple[str, int, int, int], dict[str, str]] = {}


#: Title terms looked at for one completion (a one-letter prefix matches thousands).
MAX_WORD_CANDIDATES = 2000
#: Of those, the most frequent ones counted among the documents the words before the last find.
CONTEXT_CANDIDATES = 200

#: Of the completions in context, the most frequent checked for following the word before.
ADJACENCY_CANDIDATES = 20
#: Documents holding both words in which that is checked (see _following).
ADJACENCY_SAMPLE = 200

#: (rank, count, text, kind, q): its place (higher first), what a suggestion shows, and the
#: query to search with when it is picked.
Candidate = tuple[float, int, str, str, str]


def suggest(view: IndexView, prefix: str, limit: int = 10, check: Callable[[], None] = lambda: None,
            matching: Callable[[str], np.ndarray] | None = None) -> list[dict[str, Any]]:
    """Completions of ``prefix``, most frequent first: ``{"text", "kind", "count", "q"}``.

    Each says what to search for when it is picked, and ``count`` is how many documents
    that search finds (with every word, ``match=all``): ``q`` is the query, and a
    ``person`` is also a people filter. One word (``pu``) is completed to people
    ("Vladimir Putin", ``q`` "") and title words ("putin"). Several words (``bank of ja``)
    are completed in the context of the words before the last: the query
    ("bank of japan", kind ``query``) and people with a word starting with the last word,
    counted among the documents the words before it find (``q`` "bank of"); a name
    holding all the words typed ("james ba") is offered too. ``matching(text)`` gives the
    live documents a ``match=all`` search of ``text`` finds; without it, several words
    are completed to such names only. ``check`` raises to stop (a query deadline).
    """
    typed = prefix.split()
    text = fold(" ".join(typed).lower())
    if not text:
        return []
    out = _people(view, text, None, "")
    check()
    if " " not in text:
        out += _words(view, text, None, "", check)
    elif matching is not None and is_plain(typed[-1]):
        head = " ".join(typed[:-1])
        try:
            context = matching(head)
        except QueryError:  # the words before the last are no query ("title:"): no completions in context
            context = None
        if context is not None and context.any():
            last = fold(typed[-1].lower())
            # People after the completions that follow the words typed ("interest r": "interest
            # rates" before "Reagan"), and before those that do not.
            out += [(0.0, *c[1:]) for c in _people(view, last, context, head)]
            names = {c[2].casefold() for c in out}
            out += [c for c in _words(view, last, context, head, check) if c[2].casefold() not in names]
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


def _words(view: IndexView, text: str, context: np.ndarray | None, head: str,
           check: Callable[[], None]) -> list[Candidate]:
    """Title words that complete ``text``: alone (``head`` empty, kind ``word``) or after
    ``head`` (kind ``query``), each with the documents of ``context`` (default: the live
    ones) that hold it in any field, which is what ``match=all`` finds for that query.

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
    within = view.live if context is None else context
    counted: list[tuple[int, str, str]] = []
    for _, word, term in found[:CONTEXT_CANDIDATES]:
        check()
        holding = np.zeros(view.size, dtype=bool)
        for f in TEXT_FIELDS:
            holding[view.postings(f, term)[0]] = True
        count = int(np.count_nonzero(holding & within))
        if count:
            counted.append((count, word, term))
    if not head:
        return [(count, count, word, "word", word) for count, word, _ in counted]
    # After other words, a completion ranks by how often it follows the last of them ("interest
    # r": "interest rates" before "interest report", whose words are more often apart); those
    # not checked come after the checked ones.
    before = terms(head.split()[-1])
    counted.sort(key=lambda x: (-x[0], x[1]))
    return [(_following(view, within, before[-1], term) if before and i < ADJACENCY_CANDIDATES else -1.0,
             count, f"{head} {word}", "query", f"{head} {word}") for i, (count, word, term) in enumerate(counted)]


def _following(view: IndexView, within: np.ndarray, first: str, second: str) -> float:
    """About how many documents of ``within`` have ``second`` directly after ``first`` in a
    title or a body: measured on up to :data:`ADJACENCY_SAMPLE` documents holding both
    ("the" is in nearly every document, and decoding its positions in all of them took
    100 ms on Reuters), then scaled to all of them."""
    best = 0.0
    for f in ("title", "body"):
        ids_a, values_a = view.positions(f, first)
        ids_b, values_b = view.positions(f, second)
        both = sorted_intersection(ids_a, ids_b)
        both = both[within[both]]
        if not len(both):
            continue
        sample = both[:ADJACENCY_SAMPLE]
        at_a, at_b = np.searchsorted(ids_a, sample), np.searchsorted(ids_b, sample)
        adjacent = adjacent_docs([[values_a[i] for i in at_a], [values_b[i] for i in at_b]])
        best = max(best, np.count_nonzero(adjacent) / len(sample) * len(both))
    return best


def _folded_names(book: Any) -> list[str]:
    """Accent- and case-folded display names of a codebook, kept in step as it grows."""
    folded = book.derived.setdefault("folded", [])
    names = book.names
    if len(folded) != len(names):
        folded[:] = [fold(n.lower()) for n in names]
    return folded


def did_you_mean(view: IndexView, query: str, words: tuple[str, ...],
                 check: Callable[[], None] = lambda: None, count: Callable[[str], int] | None = None) -> str | None:
    """``query`` with its unknown or rare words corrected in place (its syntax kept:
    ``title:zebrra`` becomes ``title:zebra``), or None; ``check`` raises to stop (a deadline).
    ``count(query)`` (how many documents a query finds) picks among equally close candidates."""
    if not words or len(words) > 12:
        return None
    vocab = vocabulary(view)
    names = _name_words(view)
    # The pieces of a wildcard ("comp?ny", "plann*") are a pattern the user wrote on purpose, not
    # misspelt words: "corp?ny" finds no more than "comp?ny" did.
    patterns = {fold(w.lower()) for token in re.findall(r"\S*[*?]\S*", query) for w in re.findall(r"[^\W_]+", token)}
    # Nor is a field name ("title:", "people:"): "title:" is no misspelt "tito".
    patterns |= {fold(w.lower()) for w in re.findall(r"([^\W_]+):", query)}
    typo_df = max(MAYBE_TYPO_DF, int(view.doc_count * MAYBE_TYPO_SHARE))
    choices: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        check()
        if word in names or word in patterns:  # a word of a known name is no typo ("Delors" is not "dlr")
            continue
        s = stem(word)
        df = view.df(s)
        if df <= typo_df and 3 <= len(word) <= MAX_FUZZY_CHARS and not word.isdigit():
            found = _closest(view, s, df, maxdist=2 if len(word) >= TWO_EDITS_FROM else 1)
            if found:
                choices[word] = [vocab.get(t, t) for t in found]
    if not choices:
        return None
    fixes = {word: found[0] for word, found in choices.items()}
    if count is not None:
        for word, found in choices.items():
            if len(found) > 1:
                check()
                fixes[word] = max(found, key=lambda c: (count(_corrected(query, {**fixes, word: c})), -found.index(c)))
    fixed = _corrected(query, fixes)
    if fixed.count('"') % 2:  # an unmatched quote is searched as nothing: not offered back ('"undermine')
        at = fixed.rfind('"')
        fixed = (fixed[:at] + fixed[at + 1:]).strip()
    return fixed if fixed != query else None  # never "did you mean" the very query


def _corrected(query: str, fixes: dict[str, str]) -> str:
    """``query`` with each word of ``fixes`` replaced, in the case it was typed in."""
    pattern = re.compile(r"(?<![^\W_])(" + "|".join(map(re.escape, sorted(fixes, key=len, reverse=True)))
                         + r")(?![^\W_])", re.IGNORECASE)
    return pattern.sub(lambda m: _like(m.group(), fixes.get(fold(m.group().lower()), m.group())), query)


def _name_words(view: IndexView) -> frozenset[str]:
    """The words of every person name in the index, case and accents folded (built once per view)."""
    cached = view.derived.get("name_words")
    if cached is None:
        book = view.pairs("person", key=value_key).book
        cached = view.derived["name_words"] = frozenset(w for name in book.code_of for w in name.split())
    return cached


def _like(original: str, fix: str) -> str:
    """``fix`` in the case of the word it replaces (Reagn -> Reagan, REAGN -> REAGAN)."""
    if original.isupper() and len(original) > 1:
        return fix.upper()
    if original[:1].isupper():
        return fix[:1].upper() + fix[1:]
    return fix


def _closest(view: IndexView, term: str, df: int, maxdist: int) -> list[str]:
    """The nearest terms far more common than ``term``: those with the fewest edits (up to
    ``IN_CONTEXT`` of them), most documents first."""
    found: set[str] = set()
    for seg in view.segments:
        found |= fuzzy_index(seg, "body").candidates(term, maxdist)
    scored = []
    # Never a stopword: "sugar beet" is not "sugar been", however common "been" is.
    # Never a number or a word under three letters either: the index's fuzzy lexicon holds them too.
    for t in sorted(t for t in found - {term} - STOP_STEMS if len(t) >= 3 and not t.isdigit())[:200]:
        n = view.df(t)
        # An unknown word takes any known neighbour; a rare one only a far more common one
        # (Reuters spells "interest" as "interst" five times against thousands).
        if n > 0 if df == 0 else n >= max(df * COMMONER, RARE_DF + 1):
            scored.append((distance(t, term), -n, t))
    scored.sort()
    return [t for d, _, t in scored if d == scored[0][0]][:IN_CONTEXT]


def warm(view: IndexView) -> None:
    """Read the vocabulary and build every segment's did-you-mean lexicon now.

    Both are built lazily by the first query with a rare word, which then pays for
    them: 0.1-0.3 s on all of Reuters-21578, the c=1 p99 of the benchmark's HTTP run.
    A server worker calls this (through :meth:`SearchEngine.warm`) before it serves;
    one-shot CLI searches do not need it.
    """
    vocabulary(view)
    for seg in view.segments:
        fuzzy_index(seg, "body")
