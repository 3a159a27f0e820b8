"""Judging one capitalised run: is it (or does it contain) a person's name?

A run is cut at possessives ("Birmingham's Gary Breen" -> "Birmingham",
"Gary Breen") and at the last title inside it ("Cofinec CEO Stephen Frater"
-> "Stephen Frater"), then trimmed of what surrounds a name but is not part of
it: titles and their modifiers ("US President" - these also count as
evidence), nationalities, calendar and function words, and a
sentence-initial ordinary word ("But Smith").  What remains gets a verdict:

* STRONG - a person on its own evidence: a title or role word before it, a
  known given name first, initials ("P. Simmons"), an East Asian family name
  with a syllabic given name, or a cue around it ("said", "(Kenya)", ", 34,").
* WEAK - looks like a name (no ordinary word, place or organisation word in
  it) but has no evidence; the document decides (see :mod:`people`).
* NONE - a place, organisation, nationality, month or plain word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import people_lexicon as lex
from .people_text import Run, strip_possessive

NONE, WEAK, STRONG = 0, 1, 2

_INITIAL = re.compile(r"^(?:[^\W\d_]\.-?)+$")
_AGE = re.compile(r"^,\s*\d{2},")
_PAREN_PLACE = re.compile(r"^\s*\(([^()\d]{2,30})\)(?!\s*\d{1,2}(?:\s*$|\s+[(A-Z]))")
#: a minute ("Smicer 52nd"), bowling figures ("Wasim Akram 25-8-61-1"), a runs-wickets figure ("Such 4-38")
_SPORT_AFTER = re.compile(r"^\s+(?:\d{1,3}(?:st|nd|rd|th)\b|\d{1,2}-\d{1,2}-\d{1,3}-\d{1,2}\b)")
#: cricket dismissals before a name: "c Healy b Warne", "lbw b Akram", "st Rashid"
_SPORT_BEFORE = re.compile(r"(?:^|\s)(?:c|b|st|lbw b|c &)\s$")
_PAREN_MINUTE = re.compile(r"^\s*\(\d{1,3}(?:st|nd|rd|th)?(?:,\s*\d{1,3}(?:st|nd|rd|th)?)*(?:\s*pen)?\)")
_WORD = re.compile(r"[\w'’-]+")
_SAINT = {"st", "saint", "sint", "san", "santa", "sao", "sankt", "ste", "santo"}  # "St Pauli", "Saint-Germain"
_ADJ_SUFFIX = re.compile(r"-[a-z]+$")  # "Kong-based", "Smith-led": a modifier, not a name


@dataclass(frozen=True)
class Candidate:
    """A trimmed name candidate with its verdict."""

    tokens: tuple[str, ...]
    verdict: int
    run: Run
    sure: bool  # titled or initialled: no document evidence can overturn it


def candidates(run: Run) -> list[Candidate]:
    """The name candidates inside one run (usually one, none for most runs)."""
    out = []
    segments = _split_possessives(run.tokens)
    for k, seg in enumerate(segments):
        if (any(_ADJ_SUFFIX.search(t) or t.split("-")[0].casefold().rstrip(".") in _SAINT for t in seg)
                or lex.is_place(" ".join(seg)) or _place_prefix(seg)):
            continue
        first, last = k == 0, k == len(segments) - 1
        core, titled = _trim(seg, run.starts_sentence and first)
        if not core:
            continue
        titled = titled or (first and _left_title(run.left))
        verdict = _verdict(core, titled, run, last, first)
        if verdict:
            out.append(Candidate(tuple(core), verdict, run, titled or bool(_INITIAL.match(core[0]))))
    return out


def _split_possessives(tokens: tuple[str, ...]) -> list[list[str]]:
    segs: list[list[str]] = [[]]
    for tok in tokens:
        word, poss = strip_possessive(tok)
        segs[-1].append(word)
        if poss:
            segs.append([])
    return [s for s in segs if s]


def _place_prefix(seg: list[str]) -> bool:
    """"New York Newsdesk", "Hong Kong Standard": a multi-word place heading a longer run."""
    return len(seg) > 2 and any(lex.is_place(" ".join(seg[:n])) for n in range(2, len(seg)))


def _left_title(left: str) -> bool:
    """A lowercase role word right before the run: "coach Hoddle", "striker Alan Shearer"."""
    words = _WORD.findall(left[-25:])
    return bool(words) and words[-1].islower() and _is_title(words[-1])


def _is_title(tok: str) -> bool:
    return lex.is_title(tok) or ("-" in tok and all(lex.is_title(p) or lex.is_title_modifier(p)
                                                    for p in tok.split("-")))


def _is_stop(tok: str) -> bool:
    """Never inside a name: function/calendar words, nationalities, acronyms, "U.S.", "F40"."""
    if _INITIAL.match(tok) and len(tok) <= 2:
        return False  # "D." is an initial even though "d" is a standings column
    if any(ch.isdigit() for ch in tok) or (len(tok) > 1 and tok.isupper() and "." not in tok):
        return True
    return lex.is_non_name(tok) or lex.is_nationality(tok) or _is_abbrev(tok)


def _trim(tokens: list[str], sentence_start: bool) -> tuple[list[str], bool]:
    """Cut at the last inner title, drop leading modifiers/plain words and trailing stop words."""
    titled = False
    for j in range(len(tokens) - 2, -1, -1):
        if _is_title(tokens[j]) and _namelike(tokens[j + 1]):
            tokens, titled = tokens[j + 1:], True
            sentence_start = False
            break
    i = 0
    while i < len(tokens):
        t = tokens[i]
        plain_start = i == 0 and sentence_start and lex.is_english(t) and not lex.is_given(t)
        if not (lex.is_title_modifier(t) or _is_stop(t) or plain_start or (_is_title(t) and i < len(tokens) - 1)):
            break
        i += 1
    core = tokens[i:]
    while core and (_is_stop(core[-1]) or _is_title(core[-1])):
        core = core[:-1]
    return core, titled


def _is_abbrev(tok: str) -> bool:
    """"U.S.", "U.N." - initials that are not someone's."""
    return tok.count(".") >= 2 and tok.upper() == tok and len(tok) <= 6


def _namelike(tok: str) -> bool:
    """Could be part of a name: not a plain word, place, organisation or calendar word."""
    if lex.is_particle(tok) or _INITIAL.match(tok):
        return True
    if lex.is_org_word(tok) or _is_stop(tok):
        return False
    if lex.is_given(tok) or lex.is_surname(tok):
        return True
    return not lex.is_english(tok) and not lex.is_place(tok)


def _verdict(core: list[str], titled: bool, run: Run, last: bool, first_seg: bool) -> int:
    words = [t for t in core if not lex.is_particle(t)]
    if not words or all(_INITIAL.match(t) for t in words):
        return NONE
    if any(lex.is_org_word(t) or _is_stop(t) for t in words) or lex.is_place(" ".join(core)):
        return NONE
    if last and _facility_after(run.right):
        return NONE
    sport = (last and bool(_SPORT_AFTER.match(run.right))) or (first_seg and bool(_SPORT_BEFORE.search(run.left)))
    cue = (last and _right_cue(run.right)) or (first_seg and _left_cue(run.left))
    if len(words) == 1:
        return _verdict_single(words[0], titled or sport, cue)
    cue = cue or sport
    return _verdict_multi(words, titled, cue)


def _verdict_multi(words: list[str], titled: bool, cue: bool) -> int:
    first, rest = words[0], words[1:]
    if len(words) == 2 and lex.is_east_asian_name(first, rest[0]):
        return STRONG
    if _INITIAL.match(first):
        return NONE if lex.is_major_place(words[-1]) else STRONG
    clear_given = lex.is_given(first) and not lex.is_english(first) and not lex.is_major_place(first)
    maybe_given = lex.is_given(first) and not lex.is_major_place(first)
    # after a known given name a capitalised plain word is a surname ("Peter Such", "Michael Green")
    if not all(_namelike(t) or (clear_given and not lex.is_major_place(t)) or (maybe_given and not lex.is_place(t))
               for t in rest):
        return NONE
    if titled or clear_given:
        return STRONG
    plain = sum(lex.is_english(t) and not lex.is_given(t) and not lex.is_surname(t) for t in words)
    if cue and not plain and not all(lex.is_english(t) for t in words):
        return STRONG
    if maybe_given and all(lex.is_surname(t) or not lex.is_english(t) for t in rest):
        return STRONG
    return WEAK if _namelike(first) else NONE


def _verdict_single(word: str, titled: bool, cue: bool) -> int:
    if _INITIAL.match(word) or lex.is_major_place(word):
        return NONE
    if titled and not lex.is_place(word):
        return STRONG
    if not _namelike(word):
        return NONE
    if cue and (lex.is_surname(word) or lex.is_given(word)) and not lex.is_place(word):
        return STRONG
    return WEAK


def _facility_after(right: str) -> bool:
    """"Charles de Gaulle airport": a lowercase place/thing noun right after the run."""
    words = _WORD.findall(right[:16])
    return bool(words) and right[:1] == " " and words[0].islower() and lex.is_facility(words[0])


def _right_cue(right: str) -> bool:
    if _AGE.match(right) or _PAREN_MINUTE.match(right):
        return True
    m = _PAREN_PLACE.match(right)
    if m:
        inner = m.group(1).strip()
        return lex.is_place(inner) or lex.is_nationality(inner) or _is_abbrev(inner)
    words = _WORD.findall(right[:20])
    return bool(words) and lex.is_cue(words[0]) and right.lstrip()[:1].islower()


def _left_cue(left: str) -> bool:
    """"..., said Smith" - the verb before the name."""
    words = _WORD.findall(left[-12:])
    return bool(words) and words[-1] in ("said", "says", "told")


def namelike_run(run: Run) -> bool:
    """Every word could belong to a name (no place, organisation or stop word): for list items."""
    words = [strip_possessive(t)[0] for t in run.tokens]
    return len(words) <= 4 and all(_namelike(w) or lex.is_surname(w) for w in words) and not lex.is_place(" ".join(words))
