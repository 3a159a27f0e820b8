"""Context clues around a mention: the tense it is used in, its sentence.

Relative expressions such as "Friday" or "May 9" name a different day
depending on whether the sentence looks back ("said Friday") or ahead ("will
meet Friday"). News rule systems (HeidelTime, SUTime) decide this from the
tense of the governing verb; without a POS tagger we look for the nearest
tense cue word in the same clause, on either side of the mention.
"""

from __future__ import annotations

import re
from typing import Literal

Tense = Literal["past", "future"] | None

#: Words that point forward in time. "scheduled", "expected" and "planned"
#: look like past participles but announce future events.
_FUTURE = frozenset(
    "will 'll shall won't wo going scheduled schedule slated due expected expects expect "
    "plans plan planned planning intends intend would set upcoming coming next "
    "begins starts opens ends closes resumes meets tomorrow until hopes hope "
    "aims aim expires mature matures matures payable deadline to-be".split()
)
_PAST = frozenset(
    "said says was were had did ago last earlier yesterday announced reported told "
    "killed died began started opened closed ended rose fell gained lost dropped "
    "occurred happened took came went met held made left arrived signed voted "
    "agreed won elected released issued filed launched".split()
)
#: "-ed" words that are not past-tense verbs in news text.
_NOT_PAST_ED = frozenset(
    "scheduled expected planned proposed based related united red need indeed "
    "limited detailed interested concerned supposed allied armed prepared".split()
)
_WORD = re.compile(r"[A-Za-z']+")
_CLAUSE_BREAK = re.compile(r"[.!?;:\"\u201c\u201d]|\n\s*\n|\s--?\s|,\s+(?:but|while|and|although)\s")
_WINDOW = 90


def _cue(word: str) -> Tense:
    w = word.lower()
    if w in _FUTURE:
        return "future"
    if w in _PAST:
        return "past"
    if len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST_ED:
        return "past"
    return None


def _clause_left(text: str, start: int) -> str:
    left = text[max(0, start - _WINDOW):start]
    breaks = list(_CLAUSE_BREAK.finditer(left))
    return left[breaks[-1].end():] if breaks else left


def _clause_right(text: str, end: int) -> str:
    right = text[end:end + _WINDOW]
    brk = _CLAUSE_BREAK.search(right)
    return right[:brk.start()] if brk else right


def _nearest_cue(left: list[str], right: list[str]) -> Tense:
    """First cue walking outwards from the mention, alternating left then right."""
    for i in range(max(len(left), len(right))):
        for words in (left, right):
            if i < len(words):
                tense = _cue(words[i])
                if tense:
                    return tense
    return None


def tense_at(text: str, start: int, end: int) -> Tense:
    """The tense around ``text[start:end]``: nearest cue in the clause, else in the sentence."""
    left = _WORD.findall(_clause_left(text, start))[::-1]
    right = _WORD.findall(_clause_right(text, end))
    tense = _nearest_cue(left, right)
    if tense is None:
        sentence_start, sentence_end = sentence_bounds(text, start, end)
        tense = _nearest_cue(_WORD.findall(text[sentence_start:start])[::-1],
                             _WORD.findall(text[end:sentence_end]))
    return tense


_SENTENCE_END = re.compile(r"[.!?](?=[\"'\u201d)]*\s+[\"'\u201c(]*[A-Z])|\n\s*\n")


def sentence_bounds(text: str, start: int, end: int, reach: int = 300) -> tuple[int, int]:
    """Start and end of the sentence holding ``text[start:end]`` (approximate, within ``reach``)."""
    lo = max(0, start - reach)
    ends = list(_SENTENCE_END.finditer(text, lo, start))
    s = ends[-1].end() if ends else lo
    nxt = _SENTENCE_END.search(text, end, end + reach)
    e = nxt.start() + 1 if nxt else min(len(text), end + reach)
    return s, e


def sentence_around(text: str, start: int, end: int, reach: int = 300) -> str:
    """The sentence holding ``text[start:end]``."""
    s, e = sentence_bounds(text, start, end, reach)
    return text[s:e]
