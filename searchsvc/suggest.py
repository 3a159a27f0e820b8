"""Autocomplete and did-you-mean.

The index holds stems ("presid"), which are not words to show a person. A
rebuild therefore writes ``vocab.json`` beside the index: for every stem, the
shortest word that produced it ("president"). Documents added later through the
API may bring stems without an entry; those are shown as the stem itself until
the next rebuild.

* ``suggest(prefix)`` offers people whose name has a word starting with the
  prefix, and title words starting with it, by how many documents hold them.
* ``did_you_mean(words)`` replaces each query word the index does not know (or
  barely knows) with the most frequent term within edit distance 1 (2 for words
  of six letters or more), returning None when nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh import query as wq

from .analysis import fold, prefix_stem, stem
from .matching import MAX_FUZZY_CHARS
from .view import IndexView

VOCAB_NAME = "vocab.json"
#: A query word this rare is worth correcting when a neighbour is much more common.
RARE_DF = 2


def write_vocabulary(folder: Path, stems_of_words: dict[str, str], known: set[str]) -> None:
    """Write the stem -> display word table for the stems an index holds."""
    best: dict[str, str] = {}
    for word, s in stems_of_words.items():
        if s in known and not word.isdigit():
            cur = best.get(s)
            if cur is None or (len(word), word) < (len(cur), cur):
                best[s] = word
    (folder / VOCAB_NAME).write_text(json.dumps(best, ensure_ascii=False, separators=(",", ":")),
                                     encoding="utf-8")


def vocabulary(view: IndexView) -> dict[str, str]:
    cached = view.__dict__.get("_vocab")
    if cached is None:
        try:
            cached = json.loads((Path(view.path) / VOCAB_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
        view.__dict__["_vocab"] = cached
    return cached


def suggest(view: IndexView, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
    text = fold(" ".join(prefix.split()).lower())
    if not text:
        return []
    out: list[tuple[int, str, str]] = []
    pairs = view.pairs("person", key=str.casefold)
    if len(pairs.names):
        import numpy as np

        counts = np.bincount(pairs.codes, minlength=len(pairs.names))
        for code, name in enumerate(pairs.names):
            folded = fold(name.lower())
            if folded.startswith(text) or any(w.startswith(text) for w in folded.split()):
                out.append((int(counts[code]), name, "person"))
    if " " not in text:
        vocab = vocabulary(view)
        probe = prefix_stem(text)
        if probe:
            for f, term in view.expand(wq.Prefix("title", probe))[:2000]:
                word = vocab.get(term, term)
                if word.startswith(text) or term.startswith(text):
                    out.append((len(view.postings(f, term)[0]), word, "word"))
    out.sort(key=lambda x: (-x[0], x[1].casefold()))
    seen: set[str] = set()
    result = []
    for count, value, kind in out:
        if value.casefold() in seen:
            continue
        seen.add(value.casefold())
        result.append({"text": value, "kind": kind, "count": count})
        if len(result) == limit:
            break
    return result


def did_you_mean(view: IndexView, words: tuple[str, ...], check: Callable[[], None] = lambda: None) -> str | None:
    """The query with its unknown or rare words corrected, or None; ``check`` raises to stop (a deadline)."""
    if not words or len(words) > 12:
        return None
    vocab = vocabulary(view)
    changed = False
    out = []
    for word in words:
        s = stem(word)
        df = _df(view, s)
        best = None
        if df <= RARE_DF and 3 <= len(word) <= MAX_FUZZY_CHARS and not word.isdigit():
            best = _closest(view, s, df, 1 if len(word) < 6 else 2, check)
        if best:
            out.append(vocab.get(best, best))
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


def _df(view: IndexView, term: str) -> int:
    return max(len(view.postings(f, term)[0]) for f in ("title", "body"))


def _closest(view: IndexView, term: str, df: int, maxdist: int, check: Callable[[], None]) -> str | None:
    candidates = [t for _, t in view.expand(wq.FuzzyTerm("body", term, maxdist=maxdist, prefixlength=1), check)
                  if t != term][:200]
    scored = [(_df(view, t), t) for t in candidates]
    # An unknown word takes any known neighbour; a rare one only a far more common one.
    scored = [(n, t) for n, t in scored if (n > 0 if df == 0 else n > max(df * 5, RARE_DF))]
    if not scored:
        return None
    scored.sort(key=lambda x: (-x[0], x[1]))
    return scored[0][1]
