"""Context clues around a mention: the tense it is used in, its sentence.

Relative expressions such as "Friday" or "May 9" name a different day
depending on whether the sentence looks back ("said Friday") or ahead ("will
meet Friday"). News rule systems (HeidelTime, SUTime) decide this from the
tense of the governing verb; without a POS tagger we take the nearest tense
cue word of the clause (then of the sentence), walking outwards from the
mention, and read auxiliaries before participles ("will be held" looks ahead,
"was held" back, "is held" says nothing).
"""

from __future__ import annotations

import re
from typing import Literal

Tense = Literal["past", "future"] | None

#: Words that point forward. "scheduled", "expected" and "planned" look like
#: past participles but announce events still to come.
_FUTURE = frozenset(
    "will 'll shall won't going scheduled slated due expected expects expect planned planning "
    "intends intend would upcoming tomorrow hopes aims expires effective soon "
    "meet meets begin begins start starts open opens resume resumes arrive arrives visit visits "
    "return returns vote votes takes "
    "postponed delayed".split()
)
#: Irregular and frequent past forms; regular ones are caught by "-ed".
_PAST = frozenset(
    "said was were had did ago last earlier yesterday since told took came went met held made "
    "left began rose fell won lost got gave brought bought sold paid sent spent thought found "
    "kept led ran saw became broke built caught chose drew drove felt fought flew grew heard "
    "knew meant rode sought shot showed sank sat spoke stood stole struck swore taught threw "
    "understood woke wrote withdrew overtook undertook".split()
)
_NOT_PAST_ED = frozenset(
    "based related united red need indeed limited detailed interested concerned supposed allied "
    "armed prepared proposed hundred bed feed seed speed shed bleed weed embed succeed exceed proceed".split()
)
#: "is to resume", "set to meet", "plans to visit".
_TO_FUTURE = frozenset("is are 's am set plans plan wants hopes going due scheduled expected".split())
_ADVERBS = frozenset("still also not never already just now then soon only probably likely again n't".split())
_PASSIVE_AUX = frozenset("be been being is are am 's get gets getting".split())
_FUTURE_AUX = frozenset("will would 'll shall to".split())
_PAST_AUX = frozenset("was were had".split())
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|'ll")
#: A full stop that ends something: not "U.S." nor "Mr." nor "Sept.".
_STOP = (r"(?:\.(?<![A-Z]\.)(?<!\b(?:Mr|Ms|Dr|St|Jr|Co|No|Lt)\.)"
         r"(?<!\b(?:Mrs|Gen|Gov|Sen|Rep|Col|Inc|Ltd|Jan|Feb|Aug|Oct|Nov|Dec|Sgt)\.)(?<!\b(?:Corp|Sept)\.)|[!?])")
_CLAUSE_BREAK = re.compile(_STOP + r"|[;:\"\u201c\u201d()]|``|''|\n\s*\n|\s--?\s|,\s+(?:but|while|and|although|when)\s")
_SENTENCE_END = re.compile(_STOP + r"(?=[\"'\u201d)]*\s+[\"'`\u201c(]*[A-Z])|\n\s*\n")
_WINDOW = 120     # characters of clause looked at on each side
_CUE_REACH = 40   # words each side: a verb farther away hardly governs the mention


def _neighbour(words: list[str], i: int, step: int) -> tuple[str, int]:
    """The next word from ``i`` in direction ``step``, skipping adverbs ("would still be")."""
    j = i + step
    while 0 <= j < len(words) and words[j].lower() in _ADVERBS:
        j += step
    return (words[j].lower(), j) if 0 <= j < len(words) else ("", j)


def _cue(words: list[str], i: int) -> Tense:
    """Tense cue of ``words[i]``, reading the auxiliaries just before it."""
    w = words[i].lower()
    if w != "to" and w not in _FUTURE and w not in _PAST and not w.endswith("ed"):
        return None
    prev, j = _neighbour(words, i, -1)
    prev2, _ = _neighbour(words, j, -1)
    if w == "to":
        return "future" if prev in _TO_FUTURE else None
    if w in _FUTURE:
        return "past" if prev == "had" or (prev == "been" and prev2 == "had") else "future"
    if w in _PAST or (len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST_ED and not w.startswith("un")):
        if prev in _PASSIVE_AUX:
            if prev2 in _FUTURE_AUX:
                return "future"
            return "past" if prev2 in _PAST_AUX or prev == "been" else None
        if prev in ("has", "have"):
            return None  # present perfect: the event may be past, its date still ahead
        return "future" if prev in _FUTURE_AUX else "past"
    return None


def _nearest_cue(words: list[str], at: int) -> Tense:
    """First cue walking left from position ``at``, else walking right.

    English puts the governing verb before its time adverbial ("met Friday",
    "will meet on Friday"); a fronted adverbial ("On Friday, X said") has its
    verb on the right.
    """
    for i in range(at - 1, max(-1, at - 1 - _CUE_REACH), -1):
        tense = _cue(words, i)
        if tense:
            return tense
    for i in range(at, min(len(words), at + _CUE_REACH)):
        tense = _cue(words, i)
        if tense:
            return tense
    return None


def _words_around(text: str, lo: int, start: int, end: int, hi: int) -> tuple[list[str], int]:
    left = _WORD.findall(text, lo, start)
    return left + _WORD.findall(text, end, hi), len(left)


def tense_at(text: str, start: int, end: int) -> Tense:
    """The tense around ``text[start:end]``: nearest cue in the clause, else in the sentence."""
    lo = max(0, start - _WINDOW)
    breaks = list(_CLAUSE_BREAK.finditer(text, lo, start))
    clause_lo = breaks[-1].end() if breaks else lo
    nxt = _CLAUSE_BREAK.search(text, end, end + _WINDOW)
    clause_hi = nxt.start() if nxt else min(len(text), end + _WINDOW)
    tense = _nearest_cue(*_words_around(text, clause_lo, start, end, clause_hi))
    if tense is None:
        s, e = sentence_bounds(text, start, end)
        if s < clause_lo or e > clause_hi:
            tense = _nearest_cue(*_words_around(text, s, start, end, e))
    return tense


def sentence_bounds(text: str, start: int, end: int, reach: int = 300) -> tuple[int, int]:
    """Start and end of the sentence holding ``text[start:end]`` (approximate, within ``reach``)."""
    lo = max(0, start - reach)
    ends = list(_SENTENCE_END.finditer(text, lo, start))
    s = ends[-1].end() if ends else lo
    nxt = _SENTENCE_END.search(text, end, end + reach)
    e = nxt.start() + 1 if nxt else min(len(text), end + reach)
    return s, e
