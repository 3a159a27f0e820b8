"""Judging one capitalised run: is it (or does it contain) a person's name?

A run is cut at possessives ("Birmingham's Gary Breen" -> "Birmingham",
"Gary Breen") and at the last title inside it ("Cofinec CEO Stephen Frater"
-> "Stephen Frater"), then trimmed of what surrounds a name but is not part of
it: titles and their modifiers ("US President" - these also count as
evidence), nationalities, calendar and function words, and a
sentence-initial ordinary word ("But Smith").  What remains gets a verdict:

* STRONG - a person on its own evidence: a title or role word before it, a
  known given name first, initials ("P. Simmons"), an East Asian family name
  with a syllabic given name, or a cue around it ("said", "(Kenya)", ", 34,",
  "52nd", "c Healy b Warne").
* WEAK - looks like a name (no ordinary word, place or organisation word in
  it) but has no evidence; the document decides (see :mod:`people`).
* NONE - a place, organisation, nationality, month or plain word, or a thing
  named after a person ("Charles de Gaulle airport", "the daily Le Monde").

Single words take a fast path (:func:`_single_word`): they are most runs.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from . import people_lexicon as lex
from .people_lexicon import (
    EAST_ASIAN_SURNAME,
    ENGLISH,
    GIVEN,
    INITIAL,
    MAJOR_PLACE,
    MODIFIER_SUFFIX,
    NAMELIKE,
    NATIONALITY,
    NON_NAME,
    ORG,
    PARTICLE,
    PLACE,
    SAINT,
    STOP,
    SURNAME,
    TITLE_MODIFIER,
    TITLE_WORD,
    WordClasses,
)
from .people_text import Run, strip_possessive

NONE, WEAK, STRONG = 0, 1, 2

_INITIAL = re.compile(r"^(?:[^\W\d_]\.-?)+$")
_AGE = re.compile(r"^,\s*\d{2},")
_PAREN_PLACE = re.compile(r"^\s*\(([^()\d]{2,30})\)(?!\s*\d{1,2}(?:\s*$|\s+[(A-Z]))")
#: capitalised articles that start titles of newspapers and works, not names
#: A firm's name going on to "and Co": "Goldman, Sachs and Co", "Kidder, Peabody and Co Inc",
#: "Sachs and Co" (Reuters-21578 listed "Goldman" 8 times and "Kidder" 9 among its people); for
#: one-word runs only ("Paul Volcker, Alan Greenspan and Co" are people).
_AND_CO = re.compile(r"(?:,\s+[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2})?\s+(?:and|&)\s+(?:Co|Cos|Company|Sons)\b")
#: "Harper and Row Publishers Inc", "Florida Power and Light Co": one or two names, then a firm word,
#: after "and". Only for an untitled run, and only when those names are no firm or title of their
#: own: "President Reagan and General Motors Corp officials", "Icahn and Texaco Inc" are not one firm.
_AND_NAMES_FIRM = re.compile(r"\s+and\s+((?:[A-Z][\w'.-]*\s+){1,2})"
                             r"(?:Co|Inc|Corp|Ltd|Plc|PLC|Publishers|Associates|Partners|Holdings)\b")
#: Lowercase nouns after a one-word run that make it a thing for the whole story ("Brent crude",
#: "its Kellogg unit"); other facility nouns only for that mention ("the Baker team" beside "Baker said").
_STORY_THINGS = frozenset({"crude", "grade", "blend", "unit", "subsidiary"})
#: Regnal numbers, I to XXXIX ("Elizabeth II", "Henry VIII", "Pius XII")
_REGNALS = frozenset(tens + ones for tens in ("", "X", "XX", "XXX")
                     for ones in ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")) - {""}
#: A legal form ending a run makes it a firm ("Commerzbank AG", "Nestle SA", "Philips NV"): the
#: letters alone are too ambiguous to be organisation words ("SA" is South Africa, "AG" attorney general).
_LEGAL_FORMS = frozenset({"AG", "SA", "NV", "BV", "SpA", "S.p.A.", "AB", "ASA", "A/S", "KGaA", "S.A.", "N.V.", "B.V."})
_COMPASS_SURNAMES = frozenset({"north", "south", "east", "west"})
_DETERMINERS = (" the ", " a ", " an ", "The ", "the ")
_ARTICLES = frozenset({"Der", "Die", "Das", "Il", "La", "Le", "El", "Los", "Las", "Lo", "O", "The"})
#: after a player: a minute ("Smicer 52nd"), bowling figures ("Wasim Akram 25-8-61-1"),
#: a dismissal ("Hick c Healy b Warne", "Crawley not out")
_SPORT_AFTER = re.compile(r"^\s+(?:\d{1,3}(?:st|nd|rd|th)\b|\d{1,2}-\d{1,2}-\d{1,3}-\d{1,2}\b"
                          r"|(?:c|b|lbw|st|c &) [A-Z]|(?:not out|run out|retired hurt)\b)")
_SPORT_BEFORE = (" c ", " b ", " st ", " c & ")
_PAREN_MINUTE = re.compile(r"^\s*\(\d{1,3}(?:st|nd|rd|th)?(?:,\s*\d{1,3}(?:st|nd|rd|th)?)*(?:\s*pen)?\)")
_WORD = re.compile(r"[\w'’-]+")


class Candidate(NamedTuple):
    """A trimmed name candidate with its verdict."""

    tokens: tuple[str, ...]
    verdict: int
    sure: bool  # titled or initialled: no document evidence can overturn it
    named: bool = False  # a strong full name led by a known given name ("Graeme Hick")


def candidates(run: Run, cls: WordClasses) -> list[Candidate]:
    """The name candidates inside one run (usually one, none for most runs)."""
    if len(run.tokens) == 1:
        return _single_word(run, cls)
    every = 0
    for t in run.tokens:
        every |= cls[t]
    if not every & (NAMELIKE | GIVEN | SURNAME):
        return []  # fast exit: no name-like word at all
    if every & ORG and not every & (TITLE_WORD | TITLE_MODIFIER | MODIFIER_SUFFIX) \
            and not any(_has_apostrophe(t) for t in run.tokens):
        return []  # fast exit: a company ("Texaco Inc") with no title in it
    if run.tokens[-1] in _LEGAL_FORMS:
        return []  # "lead manager Commerzbank AG": a firm, whatever stands before it
    out = []
    segments = _split_possessives(run.tokens)
    for k, seg in enumerate(segments):
        if k + 1 < len(segments) and any(cls[t] & ORG for t in segments[k + 1]) and not (
                len(seg) > 1 and cls[seg[0]] & GIVEN and not cls[seg[0]] & MAJOR_PLACE):
            continue  # "Moody's Investors Service", "McDonald's Corp": the owner names a company
            # (but "Rupert Murdoch's News Corp": a full name is its owner)
        if cls[seg[-1]] & MODIFIER_SUFFIX:
            continue  # "Hong Kong-based": the run only qualifies what follows
        for j in range(len(seg) - 1, -1, -1):
            if cls[seg[j]] & MODIFIER_SUFFIX:  # "Top-seeded Thomas Muster"
                seg = seg[j + 1:]
                break
        if (cls[seg[0]] & SAINT or _is_place(seg, cls) or (len(seg) == 2 and seg[0] in _ARTICLES)
                or any(cls[t] & SAINT for t in seg[1:] if "-" in t)):
            continue  # "St Pauli", "New York", "Der Spiegel", "Paris Saint-Germain"
        first, last = k == 0, k == len(segments) - 1
        core, titled = _trim(seg, run.starts_sentence and first, cls)
        if not core or _place_prefix(core):
            continue
        if first and len(core) == 1 and not titled and cls[core[0]] & ENGLISH and not cls[core[0]] & GIVEN \
                and (run.left.endswith(_DETERMINERS) or seg[0] in ("A", "An", "The")):
            continue  # "a U.S. Banker told Reuters", "A U.S. Banker said": a person takes no article
        titled = titled or (first and _left_title(run.left, cls))
        verdict = _verdict(core, titled, run, last, first, cls)
        regnal = _regnal_after(seg, core, cls)
        if regnal and (titled or not (run.left.endswith(_DETERMINERS) or seg[0] in ("A", "An", "The"))):
            # "King Leopold III", "Henry VIII", "Pope John Paul II": a monarch's or pope's name (not "the Mark II")
            core, verdict = [*core, regnal], STRONG
        if verdict:
            # a full name led by a given name; a given name and a number alone is not ("Mark IV" of
            # "Mark IV Industries Inc" stays a firm's words)
            named = verdict == STRONG and len(core) > 1 + bool(regnal) and bool(cls[core[0]] & GIVEN)
            out.append(Candidate(tuple(core), verdict, titled or bool(cls[core[0]] & INITIAL), named))
    return out


def _regnal_after(seg: list[str], core: list[str], cls: WordClasses) -> str | None:
    """The Roman numeral right after a given name that ends ``core`` in ``seg`` ("Henry VIII"), if any."""
    n = len(core)
    if not n or len(seg) == n or _REGNALS.isdisjoint(seg) or not cls[core[-1]] & GIVEN:
        return None
    for j in range(len(seg) - n):
        if seg[j + n] in _REGNALS and seg[j:j + n] == core:
            return seg[j + n]
    return None


def _has_apostrophe(tok: str) -> bool:
    return "'" in tok or "’" in tok


def _single_word(run: Run, cls: WordClasses) -> list[Candidate]:
    """The commonest run, one word: the same rules as below, cheapest tests first."""
    word, possessive = strip_possessive(run.tokens[0])
    if possessive and _right_cue(run.right):
        return []  # "Moody's said": the firm's name ends in 's
    f = cls[word]
    if f & (STOP | MODIFIER_SUFFIX | SAINT | MAJOR_PLACE | INITIAL | TITLE_WORD | TITLE_MODIFIER | ORG) \
            or (f & PLACE and not f & SURNAME):  # "Clinton" and "Dole" are towns too
        return []
    if run.starts_sentence and f & ENGLISH and not f & (GIVEN | SURNAME):
        return []
    if f & ENGLISH and not f & GIVEN and run.left.endswith(_DETERMINERS):
        return []  # "the Chamber said": a person takes no article
    if not f & NAMELIKE:
        titled = _left_title(run.left, cls)
        return [Candidate((word,), STRONG, True)] if titled and not facility_after(run, cls) else []
    sure = _left_title(run.left, cls)
    strong = sure or _sport_after(run.right) or _sport_before(run.left)
    if not strong and f & (SURNAME | GIVEN):
        strong = _right_cue(run.right) or _left_cue(run.left)
    if facility_after(run, cls) or _facility_before(run.left, cls):
        return []
    return [Candidate((word,), STRONG if strong else WEAK, sure)]


def _is_place(seg: list[str], cls: WordClasses) -> bool:
    return bool(cls[seg[0]] & PLACE) if len(seg) == 1 else lex.is_place_or_org(" ".join(seg))


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
    return len(seg) > 2 and any(lex.is_place_or_org(" ".join(seg[:n])) for n in range(2, min(len(seg), 5)))


def _left_title(left: str, cls: WordClasses) -> bool:
    """A lowercase role word right before the run: "coach Hoddle", "striker Alan Shearer"."""
    if left[-1:] != " " or not left[-2:-1].islower():
        return False
    word = left[left.rfind(" ", 0, len(left) - 1) + 1:-1].lstrip("(\"'“‘")
    return word.islower() and bool(cls[word] & TITLE_WORD)


def _trim(tokens: list[str], sentence_start: bool, cls: WordClasses) -> tuple[list[str], bool]:
    """Cut at the last inner title, drop leading modifiers/plain words and trailing stop words."""
    titled = False
    for j in range(len(tokens) - 2, -1, -1):
        if cls[tokens[j]] & TITLE_WORD and cls[tokens[j + 1]] & NAMELIKE:
            tokens, titled = tokens[j + 1:], True
            sentence_start = False
            break
    i = 0
    while i < len(tokens):
        f = cls[tokens[i]]
        plain_start = i == 0 and sentence_start and f & ENGLISH and not f & (GIVEN | EAST_ASIAN_SURNAME)
        title = f & TITLE_WORD and i < len(tokens) - 1
        if not (f & (TITLE_MODIFIER | STOP) or plain_start or title):
            break
        titled = titled or bool(title)
        i += 1
    if len(tokens) - i >= 3 and not cls[tokens[i]] & (GIVEN | SURNAME) and _clear_given(cls[tokens[i + 1]]):
        i += 1  # "Unseeded Patrick Rafter", "Oriole Jamie Moyer": a label before a full name
    core = tokens[i:]
    # a trailing title abbreviation goes ("North Carolina Gov."), a trailing "Major" may be a surname
    while core and (cls[core[-1]] & STOP or (cls[core[-1]] & TITLE_WORD and core[-1].endswith("."))):
        if _nationality_surname(core, cls):
            break
        core = core[:-1]
    return core, titled


def _nationality_surname(core: list[str], cls: WordClasses) -> bool:
    """"Viorel Moldovan", "Ian English": a nationality word right after a clear given name is a
    surname; so is a listed surname that is a compass word ("Oliver North", "Adam West"), which
    is otherwise never a name ("North Sea", "West Germany") and came out as "Oliver"."""
    if len(core) < 2 or not _clear_given(cls[core[-2]]):
        return False
    last = core[-1]
    if last.casefold() in _COMPASS_SURNAMES:
        return bool(cls[last] & SURNAME)
    return bool(cls[last] & NATIONALITY) and not cls[last] & NON_NAME and not last.endswith("s")  # not "Democrats"


def _verdict(core: list[str], titled: bool, run: Run, last: bool, first_seg: bool, cls: WordClasses) -> int:
    words = [t for t in core if not cls[t] & PARTICLE]
    if not words or all(cls[t] & INITIAL for t in words):
        return NONE
    plain = words[:-1] if _nationality_surname(words, cls) else words
    if any(cls[t] & (ORG | STOP) for t in plain) or (len(core) > 1 and lex.is_place(" ".join(core))):
        return NONE
    if (last and facility_after(run, cls)) or (first_seg and not titled and _facility_before(run.left, cls)):
        return NONE
    sport = (last and _sport_after(run.right)) or (first_seg and _sport_before(run.left))
    cue = (last and _right_cue(run.right)) or (first_seg and _left_cue(run.left))
    if len(words) == 1:
        return _verdict_single(cls[words[0]], titled or sport, cue)
    return _verdict_multi(words, titled, cue or sport, cls)


def _verdict_multi(words: list[str], titled: bool, cue: bool, cls: WordClasses) -> int:
    first, rest = cls[words[0]], [cls[t] for t in words[1:]]
    if len(words) == 2 and lex.is_east_asian_name(words[0], words[1]):
        return STRONG
    if first & INITIAL:
        # "N. Korea", "W. Germany", "P.S. Indiana" (Public Service): a compass letter or an abbreviation
        # before a place; "I. Salisbury", "G. Hamilton" are people
        return NONE if rest[-1] & MAJOR_PLACE and (words[0][:1] in "NSEW" or len(words[0]) > 2) else STRONG
    maybe_given = first & GIVEN
    clear_given = _clear_given(first)
    # after a known given name a capitalised plain word is a surname ("Peter Such", "Michael Green"),
    # and so is a small town's name after a title or before a cue ("Samer Ammar Soliman, 42,")
    vouched = maybe_given or titled or cue
    if not all(f & NAMELIKE or (clear_given and not f & MAJOR_PLACE)
               or (vouched and f & PLACE and not f & (MAJOR_PLACE | ENGLISH)) or (maybe_given and not f & PLACE)
               for f in rest):
        return NONE
    if titled or clear_given:
        return STRONG
    if first & MAJOR_PLACE and all(f & ENGLISH and not f & SURNAME for f in rest):
        return NONE  # "West Texas Intermediate", "Paris Bourse"
    every = [first, *rest]
    plain = any(f & ENGLISH and not f & (GIVEN | SURNAME) for f in every)
    if cue and not plain and not all(f & ENGLISH for f in every):
        return STRONG
    if maybe_given and all(f & SURNAME or not f & ENGLISH for f in rest):
        return STRONG
    if first & NAMELIKE and (first & GIVEN or not all(f & ENGLISH for f in every)):
        return WEAK  # but not "Red Cross", "White Wheat": all ordinary words
    # "Newt Gingrich", "Sachin Tendulkar": an ordinary word or small town first, then a surname-like word
    if len(rest) == 1 and not first & (STOP | ORG | MAJOR_PLACE) and rest[0] & NAMELIKE \
            and not rest[0] & (ENGLISH | PLACE):
        return WEAK
    return NONE


def _clear_given(f: int) -> bool:
    """A given name that is no ordinary word or major place ("Patrick", not "Will" or "Jordan")."""
    return bool(f & GIVEN) and not f & (ENGLISH | MAJOR_PLACE)


def _verdict_single(f: int, titled: bool, cue: bool) -> int:
    if f & (INITIAL | MAJOR_PLACE) or not f & NAMELIKE:
        return NONE
    if titled and (not f & PLACE or f & SURNAME):  # "President Clinton" (a town too)
        return STRONG
    if cue and f & (SURNAME | GIVEN) and not f & PLACE:
        return STRONG
    return WEAK


def _sport_after(right: str) -> bool:
    """A minute, bowling figures or a dismissal after the name (cheap first-letter test first)."""
    nxt = right[1:2]
    return right[:1].isspace() and (nxt.isdigit() or nxt in "cblsnr \t") and bool(_SPORT_AFTER.match(right))


def _sport_before(left: str) -> bool:
    """A cricket dismissal right before the name: "c Healy b Warne", "lbw b Akram", "st Rashid"."""
    return left.endswith(_SPORT_BEFORE) or left in ("c ", "b ", "st ")


def _facility_before(left: str, cls: WordClasses) -> bool:
    """"the daily Le Monde", "club Hansa Rostock": a lowercase thing noun right before the run."""
    if left[-1:] != " " or not left[-2:-1].islower():
        return False
    word = left[left.rfind(" ", 0, len(left) - 1) + 1:-1]
    return word.islower() and lex.is_facility(word)


def firm_before(run: Run, cls: WordClasses) -> bool:
    """The run names a firm: "&" or "and Co" follows it ("Merrill Lynch & Co", "Sears, Roebuck and Co"),
    or "and" and a firm's last names ("Harper and Row Publishers Inc") after an untitled run."""
    right = run.right
    if right.startswith((" & ", " &")) or _AND_CO.match(right):
        return True
    m = _AND_NAMES_FIRM.match(right)
    if m is None or any(cls[t] & TITLE_WORD for t in run.tokens) or _left_title(run.left, cls):
        return False
    return not any(cls[w] & (ORG | TITLE_WORD | NATIONALITY) for w in m.group(1).split())


def story_thing(run: Run, cls: WordClasses) -> bool:
    """The run names a firm or a thing for the whole story: before "and Co", or before a thing noun
    when it has several words ("Louisiana Sweet grade") or the noun is one of :data:`_STORY_THINGS`."""
    if firm_before(run, cls):
        return True
    if not facility_after(run, cls):
        return False
    words = [t for t in run.tokens if t not in ("The", "A", "An")]  # "The Baker team": one word
    return len(words) > 1 or run.right[1:].split(" ", 1)[0].rstrip(".,;:") in _STORY_THINGS


def facility_after(run: Run, cls: WordClasses) -> bool:
    """"Charles de Gaulle airport", "Merrill Lynch & Co": a lowercase thing noun (or "&") after the run
    (not after a possessive: "Clinton's side")."""
    right = run.right
    if firm_before(run, cls) and (len(run.tokens) == 1 or right.startswith((" & ", " &"))):
        return True
    if strip_possessive(run.tokens[-1])[1]:
        return False
    if right[:1] != " " or not right[1:2].islower():
        return False
    m = _WORD.match(right, 1)
    return m is not None and lex.is_facility(m.group(0))


def _right_cue(right: str) -> bool:
    if _AGE.match(right) or _PAREN_MINUTE.match(right):
        return True
    m = _PAREN_PLACE.match(right)
    if m:
        inner = m.group(1).strip()
        return lex.is_place(inner) or lex.is_nationality(inner) or bool(lex.classify(inner) & STOP)
    if right[:1] != " " or not right[1:2].islower():
        return False
    m = _WORD.match(right, 1)
    return m is not None and lex.is_cue(m.group(0))


def _left_cue(left: str) -> bool:
    """"..., said Smith" - the verb before the name."""
    return left.endswith((" said ", " says ", " told ")) or left in ("said ", "says ", "told ")


def namelike_run(run: Run, cls: WordClasses) -> bool:
    """Every word could belong to a name (no place, organisation or stop word): for list items."""
    words = [strip_possessive(t)[0] for t in run.tokens]
    return (len(words) <= 4 and all(cls[w] & (NAMELIKE | SURNAME) for w in words)
            and not any(cls[w] & MAJOR_PLACE for w in words))
