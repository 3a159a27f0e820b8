"""The words shown for stems, and the words a typed word is near.

The index holds stems ("presid", "inflat"), which are neither words to show a person nor
what a person misspells. A rebuild therefore writes ``vocab.json`` beside the index: for
every stem, the word that produced it most often ("president", "inflation";
:func:`display_words`). Documents added later through the API may bring stems without an
entry until the next rebuild. Beside it, ``forms.json`` keeps up to four other words seen
for each stem ("stocks" beside "stock"; :func:`other_forms`).

Did-you-mean and fuzzy terms compare a typed word with all these words as well as its stem
with the stems (:func:`near_stems`, :func:`word_distance`): the stemmer cuts a typo differently from the word
meant, so "inflatoin" (stem ``inflatoin``) is three edits from ``inflat`` but one
transposition from "inflation", and "tarde" (``tard``) is one from "trade".
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import orjson

from .fuzzy import FuzzyIndex, distance

VOCAB_NAME = "vocab.json"
#: stem -> the other words seen for it ("stocks" beside "stock"), for the comparisons of typed words.
FORMS_NAME = "forms.json"
#: Other forms kept per stem, the most frequent, each seen at least twice (a form seen once is as
#: likely a typo in the text as a word: Reuters spells "tariff" "tarrif" three times).
OTHER_FORMS = 4
MIN_FORM_COUNT = 2


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


def other_forms(counts: dict[str, tuple[str, int]], best: dict[str, str]) -> dict[str, list[str]]:
    """stem -> its other words than the display word (``best``): the :data:`OTHER_FORMS` most
    frequent seen at least :data:`MIN_FORM_COUNT` times, most frequent first (then alphabetical)."""
    forms: dict[str, list[tuple[int, str]]] = {}
    for word, (s, n) in counts.items():
        if n >= MIN_FORM_COUNT and best.get(s) != word:
            forms.setdefault(s, []).append((-n, word))
    return {s: [w for _, w in sorted(seen)[:OTHER_FORMS]] for s, seen in forms.items()}


def write_vocabulary(folder: Path, counts: dict[str, tuple[str, int]]) -> None:
    """Write a generation's stem -> display word table and its other forms (orjson: 2 ms for
    Reuters' 34,000 stems, where the json module took 50 ms of the rebuild's serial end)."""
    best = display_words(counts)
    (folder / VOCAB_NAME).write_bytes(orjson.dumps(best))
    (folder / FORMS_NAME).write_bytes(orjson.dumps(other_forms(counts, best)))


class _Loaded:
    """One generation's table, and the fuzzy index of all its words (read and built on first use)."""

    def __init__(self, words: dict[str, str], folder: Path | None = None) -> None:
        self.words = words
        self.folder = folder
        self._forms: dict[str, list[str]] | None = None
        self._near: tuple[FuzzyIndex, dict[str, list[str]]] | None = None

    def forms(self) -> dict[str, list[str]]:
        """stem -> every word kept for it, the display word first (an index built before forms
        were kept has the display words only)."""
        if self._forms is None:
            other: dict[str, list[str]] = {}
            if self.folder is not None:
                with contextlib.suppress(OSError, orjson.JSONDecodeError):
                    other = orjson.loads((self.folder / FORMS_NAME).read_bytes())
            self._forms = {s: [w, *other.get(s, ())] for s, w in self.words.items()}
        return self._forms

    def near(self) -> tuple[FuzzyIndex, dict[str, list[str]]]:
        if self._near is None:
            stems_of: dict[str, list[str]] = {}
            for s, forms in self.forms().items():
                for w in forms:
                    stems_of.setdefault(w, []).append(s)
            self._near = FuzzyIndex(list(stems_of)), stems_of
        return self._near


_LOADED: dict[tuple[str, int, int, int], _Loaded] = {}
_NOTHING = _Loaded({})


def _load(view: Any) -> _Loaded:
    """The generation's table, read once per generation (it never changes).

    Cached by the file's identity, not by its path alone: an index folder that is removed
    and built again reuses generation names, and a path-keyed cache then served the old
    words (found by the kill trials of tests/test_faults.py).
    """
    path = Path(view.path) / VOCAB_NAME
    try:
        st = path.stat()
    except OSError:
        return _NOTHING
    key = (str(path), st.st_ino, st.st_mtime_ns, st.st_size)
    loaded = _LOADED.get(key)
    if loaded is None:
        try:
            words = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return _NOTHING
        _LOADED.clear()  # one generation at a time is live
        loaded = _LOADED[key] = _Loaded(words, path.parent)
    return loaded


def vocabulary(view: Any) -> dict[str, str]:
    """The generation's stem -> display word table (empty when it has none)."""
    return _load(view).words


def near_stems(view: Any, word: str, maxdist: int, prefix: int = 1) -> set[str]:
    """The stems one of whose words is within ``maxdist`` edits of ``word`` (an unstemmed, folded
    word), keeping its first ``prefix`` letters."""
    index, stems_of = _load(view).near()
    return {s for w in index.candidates(word, maxdist, prefix) for s in stems_of[w]}


def word_forms(view: Any) -> dict[str, list[str]]:
    """stem -> every word kept for it, the display word first (empty without a vocabulary)."""
    return _load(view).forms()


def word_distance(forms: dict[str, list[str]], word: str, term: str, asked: str) -> tuple[int, int]:
    """How far a candidate stem ``term`` is from what was typed: (the nearer of the typed word to
    the stem's words (``forms``, from :func:`word_forms`) and of the typed word's stem ``asked`` to
    ``term``, the words' own distance). The second ranks equally near stems: "cofee" is one edit
    from ``come`` by stems (``cofe``), but two from "come" and "comes", one from "coffee"; "stoks"
    one from "stocks" and from "stos"."""
    by_stem = distance(asked, term)
    seen = forms.get(term)
    if not seen:
        return by_stem, by_stem
    by_word = min(distance(word, w) for w in seen)
    return min(by_stem, by_word), by_word


def warm(view: Any) -> None:
    """Read the table and build its fuzzy index now (see suggest.warm)."""
    _load(view).near()
