"""Words of the calendar: month and weekday names, number words, spelled years.

This module only knows vocabulary; it neither finds mentions in text
(:mod:`searchsvc.dates_patterns`) nor decides what they mean
(:mod:`searchsvc.dates_resolve`). The regex fragments here are shared by the
recogniser so that a month spelling is defined once.
"""

from __future__ import annotations

import re

#: Month spellings -> month number. Bare abbreviations without a dot ("Jan",
#: "Aug") are newswire style ("Feb 26") and are only accepted next to a day or
#: year by the recogniser, never alone.
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}

# Capitalised on purpose: lower-case "may", "march" and "sun" are ordinary words.
MONTH_FULL_RX = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
MONTH_ABBR_RX = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
#: A month as written before a day or a year: full name, or abbreviation with
#: an optional dot; upper-case forms ("FEB") occur in wire headlines.
MONTH_RX = (rf"(?:{MONTH_FULL_RX}|{MONTH_ABBR_RX}\.?|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY"
            r"|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)")
#: A month standing alone needs the full name (or "Sept."/"Jan." with a dot).
MONTH_ALONE_RX = rf"(?:{MONTH_FULL_RX}|{MONTH_ABBR_RX}\.)"
WEEKDAY_RX = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
              r"|MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY)")

_UNITS = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
    "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}

_UNIT_WORDS = "|".join(sorted((k for k in _UNITS if k not in ("a", "an", "zero")), key=len, reverse=True))
_TEN_WORDS = "|".join(_TENS)
#: "three", "twenty-five", "Eighty", "a", "a few" is deliberately absent (vague).
NUMBER_WORD_RX = rf"(?:(?:{_TEN_WORDS})(?:[- ](?:{_UNIT_WORDS}))?|{_UNIT_WORDS}|an?)"
NUMBER_RX = rf"(?:\d{{1,4}}|(?i:{NUMBER_WORD_RX}))"
_ORD_UNITS = "|".join(k for k in _ORDINALS if k not in ("twentieth", "thirtieth"))
#: "eighth", "twenty-first", "thirtieth" (spelled day of month).
ORDINAL_WORD_RX = rf"(?:(?:twenty|thirty)[- ](?:{_ORD_UNITS})|{_ORD_UNITS}|twentieth|thirtieth)"
#: "nineteen ninety-six", "nineteen eighty", "two thousand (and) one".
SPELLED_YEAR_RX = (
    rf"(?:(?:nineteen|eighteen|twenty)[- ](?:(?:{_TEN_WORDS})(?:[- ](?:{_UNIT_WORDS}))?"
    rf"|hundred|oh[- ](?:{_UNIT_WORDS})|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
    rf"|two thousand(?:(?: and)? (?:{_UNIT_WORDS}|ten|eleven|twelve))?)"
)

_SPLIT = re.compile(r"[\s-]+")


def number_value(word: str) -> int | None:
    """Value of a cardinal such as "3", "three", "twenty-five" or "a"."""
    w = word.strip().lower()
    if w.isdigit():
        return int(w)
    total = 0
    for part in _SPLIT.split(w):
        if part in _UNITS:
            total += _UNITS[part]
        elif part in _TENS:
            total += _TENS[part]
        else:
            return None
    return total


def ordinal_value(word: str) -> int | None:
    """Value of a spelled ordinal ("eighth", "twenty-first"); digits with suffix too."""
    w = word.strip().lower()
    digits = re.match(r"(\d+)", w)
    if digits:
        return int(digits.group(1))
    total = 0
    for part in _SPLIT.split(w):
        if part in _ORDINALS:
            total += _ORDINALS[part]
        elif part in _TENS:
            total += _TENS[part]
        else:
            return None
    return total or None


def spelled_year_value(words: str) -> int | None:
    """"nineteen ninety-six" -> 1996, "two thousand and one" -> 2001."""
    parts = [p for p in _SPLIT.split(words.strip().lower()) if p != "and"]
    if parts[:2] == ["two", "thousand"]:
        after = number_value(" ".join(parts[2:])) if parts[2:] else 0
        return None if after is None else 2000 + after
    if not parts or parts[0] not in ("nineteen", "eighteen", "twenty"):
        return None
    century = _UNITS.get(parts[0], _TENS.get(parts[0], 0)) * 100
    tail = parts[1:]
    if tail == ["hundred"]:
        return century
    if tail and tail[0] == "oh":
        tail = tail[1:]
    value = number_value(" ".join(tail)) if tail else None
    return None if value is None or value >= 100 else century + value


def month_number(word: str) -> int | None:
    return MONTHS.get(word.strip().rstrip(".").lower())


def weekday_number(word: str) -> int | None:
    return WEEKDAYS.get(word.strip().lower())
