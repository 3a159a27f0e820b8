"""The words shown for stems, and the words a typed word is near.

The index holds stems ("presid", "inflat"), which are neither words to show a person nor
what a person misspells. A rebuild therefore writes ``vocab.json`` beside the index: for
every stem, the word that produced it most often ("president", "inflation";
:func:`display_words`). Documents added later through the API may bring stems without an
entry until the next rebuild.

Did-you-mean and fuzzy terms compare a typed word with these words as well as its stem
with the stems (:func:`near_stems`): the stemmer cuts a typo differently from the word
meant, so "inflatoin" (stem ``inflatoin``) is three edits from ``inflat`` but one
transposition from "inflation", and "tarde" (``tard``) is one from "trade".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from .fuzzy import FuzzyIndex, distance

VOCAB_NAME = "vocab.json"


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


class _Loaded:
    """One generation's table, and the fuzzy index of its words (built on first use)."""

    def __init__(self, words: dict[str, str]) -> None:
        self.words = words
        self._near: tuple[FuzzyIndex, dict[str, list[str]]] | None = None

    def near(self) -> tuple[FuzzyIndex, dict[str, list[str]]]:
        if self._near is None:
            stems_of: dict[str, list[str]] = {}
            for s, w in self.words.items():
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
        loaded = _LOADED[key] = _Loaded(words)
    return loaded


def vocabulary(view: Any) -> dict[str, str]:
    """The generation's stem -> display word table (empty when it has none)."""
    return _load(view).words


def near_stems(view: Any, word: str, maxdist: int, prefix: int = 1) -> set[str]:
    """The stems whose display word is within ``maxdist`` edits of ``word`` (an unstemmed,
    folded word), keeping its first ``prefix`` letters."""
    index, stems_of = _load(view).near()
    return {s for w in index.candidates(word, maxdist, prefix) for s in stems_of[w]}


def word_distance(view: Any, word: str, term: str, asked: str) -> tuple[int, int]:
    """How far a candidate stem ``term`` is from what was typed: (the nearer of the typed word to
    the stem's display word and of the typed word's stem ``asked`` to ``term``, the words' own
    distance). The second ranks equally near stems: "cofee" is one edit from ``come`` by stems
    (``cofe``), but two from "come" and one from "coffee"."""
    shown = vocabulary(view).get(term)
    by_stem = distance(asked, term)
    if shown is None:
        return by_stem, by_stem
    by_word = distance(word, shown)
    return min(by_stem, by_word), by_word


def warm(view: Any) -> None:
    """Read the table and build its fuzzy index now (see suggest.warm)."""
    _load(view).near()
