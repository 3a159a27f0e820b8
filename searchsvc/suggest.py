"""Did-you-mean: a query's rare or unknown words, corrected.

``did_you_mean(view, query, words)`` replaces each query word the index does not know
(or barely knows) with the nearest far commoner term: within one edit (two for words of
eight letters or more), keeping the first letter, compared both as stems and as the words
seen for them (:mod:`searchsvc.vocabulary`), and among equally near ones the one the
whole corrected query finds most with. It returns None when nothing changes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .analysis import STOP_STEMS, fold, stem, value_key
from .fuzzy import fuzzy_index
from .matching import MAX_FUZZY_CHARS
from .view import IndexView
from .vocabulary import near_stems, vocabulary, word_distance, word_forms
from .vocabulary import warm as warm_vocabulary

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


#: English words (SCOWL, through the people lexicon's list): the noisy channel's prior that a rare
#: word was meant. By corpus frequency alone, Reuters' "jute" (7 stories) was taken for "june",
#: "molasses" for "mass", "silk" for "sinking"; its typos ("interst", "goverment") are no words.
ENGLISH_WORDS = Path(__file__).resolve().parent / "data" / "people" / "english_words.txt"


@functools.cache
def english_words() -> np.ndarray:
    """The English word list as sorted 64-bit hashes (0.5 MB; a set of the 64,000 strings took
    5.8 MB in every serving worker), read on the first correction tried or at a worker's warm-up."""
    # Python's own string hash: 64 bits, and the same for a word throughout one process, which is
    # all a membership test needs (a collision among 64,000 words: about one in 10^14 lookups). Each
    # word is hashed as it is read: a list of them all first raised a worker's peak RSS by 6 MB.
    with open(ENGLISH_WORDS, encoding="utf-8") as f:
        words = (w for w in (line.strip() for line in f) if w and not w.startswith("#"))
        return np.unique(np.fromiter(map(hash, words), dtype=np.int64))


def is_english(word: str) -> bool:
    hashes = english_words()
    key = hash(word)
    at = int(np.searchsorted(hashes, key))
    return at < len(hashes) and int(hashes[at]) == key


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
            if df and is_english(word):  # a rare English word the index has is meant: "jute" is not "june"
                continue
            found = _closest(view, word, s, df, maxdist=2 if len(word) >= TWO_EDITS_FROM else 1)
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


def _closest(view: IndexView, word: str, term: str, df: int, maxdist: int) -> list[str]:
    """The nearest terms far more common than ``word`` (whose stem is ``term``): those with the
    fewest edits (:func:`~searchsvc.vocabulary.word_distance`, up to ``IN_CONTEXT`` of them),
    most documents first."""
    found = near_stems(view, word, maxdist)
    for seg in view.segments:
        found |= fuzzy_index(seg, "body").candidates(term, maxdist)
    forms = word_forms(view)
    scored = []
    # Never a stopword: "sugar beet" is not "sugar been", however common "been" is.
    # Never a number or a word under three letters either: the index's fuzzy lexicon holds them too.
    for t in sorted(t for t in found - {term} - STOP_STEMS if len(t) >= 3 and not t.isdigit())[:200]:
        n = view.df(t)
        # An unknown word takes any known neighbour; a rare one only a far more common one
        # (Reuters spells "interest" as "interst" five times against thousands).
        if n > 0 if df == 0 else n >= max(df * COMMONER, RARE_DF + 1):
            scored.append((word_distance(forms, word, t, term), -n, t))
    scored.sort()
    return [t for d, _, t in scored if d == scored[0][0]][:IN_CONTEXT]


def warm(view: IndexView) -> None:
    """Read the vocabulary and build every segment's did-you-mean lexicon now.

    Both are built lazily by the first query with a rare word, which then pays for
    them: 0.1-0.3 s on all of Reuters-21578, the c=1 p99 of the benchmark's HTTP run.
    A server worker calls this (through :meth:`SearchEngine.warm`) before it serves;
    one-shot CLI searches do not need it.
    """
    warm_vocabulary(view)
    english_words()
    for seg in view.segments:
        fuzzy_index(seg, "body")
