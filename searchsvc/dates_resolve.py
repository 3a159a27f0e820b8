"""Normalisation: turn a recognised mention into calendar values.

Values follow TIMEX3 at their own granularity: ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``. Expressions whose TimeML value is something else (weeks,
quarters, seasons, durations, ``PRESENT_REF`` ...) resolve to nothing.

Relative expressions are anchored on the publication date (the document
creation time, DCT) and, for narrative anaphora ("that year", "the next
day"), on the last explicit date the text mentioned. Without a publication
date only expressions that carry their own year survive.

Design choices, in TimeML's spirit and the news-domain rules of HeidelTime:

* A weekday names the DCT itself when it is the DCT's weekday, else the
  closest one before it, unless the clause is future-tense ("will meet
  Friday"), in which case the closest one after it (in
  :mod:`searchsvc.dates_relative`).
* A day or month without a year ("May 9", "in March") takes the year that
  puts it closest to the DCT, leaning the way the tense points
  (:func:`_pick`); "since May 9" and "Friday's" only look back.
* "a year ago", "year-earlier" in a report that talks about quarters name the
  year-ago *quarter* (``1988-Q3``), which is not a calendar value.

:class:`Anchors` carries this per document; it is created per call, so the
module keeps no state between calls.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .dates_context import Tense, sentence_bounds, tense_at
from .dates_lexicon import (
    month_number,
    ordinal_value,
    spelled_year_value,
)
from .dates_patterns import Mention

MIN_YEAR, MAX_YEAR = 1000, 2199
T = TypeVar("T")
_BACK_MODS = frozenset(("last", "this past", "past"))
_AHEAD_MODS = frozenset(("next", "this coming", "coming"))
_QUARTER_WORDS = ("quarter", "Quarter", "QUARTER", "qtr", "Qtr", "QTR")
#: How far back (characters) "that year", "the next day" may find their reference.
ANAPHOR_REACH = 400


@dataclass
class Anchors:
    """What relative expressions are resolved against, for one document."""

    published: dt.date | None
    text: str
    ref_year: int | None = None       # last year the text stated explicitly ...
    ref_year_at: int = -1             # ... and where
    ref_day: dt.date | None = None    # last day the text named
    ref_month: tuple[int, int] | None = None  # last (year, month) the text named
    ref_at: int = -1                  # where the last day or month was named
    _quarter_talk: bool | None = None
    #: Tense reads context; a "text" with thousands of bare weekdays is a list,
    #: not prose, and must not cost seconds: past this many reads, no cue.
    tense_budget: int = 2000

    @property
    def quarter_talk(self) -> bool:
        """The document reports quarterly figures: its "a year ago" is a quarter."""
        if self._quarter_talk is None:
            self._quarter_talk = any(map(self.text.__contains__, _QUARTER_WORDS))
        return self._quarter_talk

    def tense(self, m: Mention) -> Tense:
        if self.tense_budget <= 0:
            return None
        self.tense_budget -= 1
        return tense_at(self.text, m.start, m.end)

    def word_before(self, m: Mention) -> str:
        words = self.text[max(0, m.start - 16):m.start].split()
        return words[-1].lower() if words else ""

    def looks_back(self, m: Mention) -> bool:
        """"since May 9", "Friday's attack": the mention can only be in the past."""
        return self.word_before(m) == "since" or self.text.startswith(("'s", "\u2019s"), m.end)

    def saw_year(self, year: int, m: Mention) -> None:
        self.ref_year, self.ref_year_at = year, m.start

    def near(self, at: int, m: Mention) -> bool:
        """Is a reference made at ``at`` recent enough to anchor "that year" at ``m``?"""
        return at >= 0 and m.start - at <= ANAPHOR_REACH

    def year_in_sentence(self, m: Mention) -> int | None:
        """The explicit year stated earlier in ``m``'s sentence, if any."""
        if self.ref_year is None or self.ref_year_at < m.start - 300:
            return None
        start, _ = sentence_bounds(self.text, m.start, m.end)
        return self.ref_year if self.ref_year_at >= start else None


def Y(year: int) -> str:
    return f"{year:04d}"


def YM(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


#: How much dearer a candidate in the future is than one as far in the past,
#: by tense. Undated news mentions look back more often than ahead, so without
#: a tense cue the future costs a bit more; a cue makes the other side dear.
_FUTURE_COST = {None: 1.5, "past": 4.0, "future": 0.25}
_DEAR = max(_FUTURE_COST.values())


def _pick(candidates: Sequence[tuple[int, T]], tense: Callable[[], Tense], mod: str) -> T | None:
    """Pick among ``(signed distance from DCT, value)``: the nearest past or future one.

    ``tense`` is only called when the answer depends on it (it reads context).
    """
    past = [c for c in candidates if c[0] < 0 or (c[0] == 0 and mod not in _AHEAD_MODS)]
    future = [c for c in candidates if c[0] > 0 or (c[0] == 0 and not mod)]
    if mod == "last":
        past = [c for c in past if c[0] < 0]  # "last May" is never this May
    if mod in _BACK_MODS or not future:
        return max(past)[1] if past else None
    if mod in _AHEAD_MODS or not past:
        return min(future)[1]
    (back, before), (ahead, after) = max(past), min(future)
    if ahead == 0 or back == 0:
        return after if ahead == 0 else before  # the DCT's own day or month
    if ahead * _DEAR < -back:
        return after  # so much nearer that no tense would choose the other
    if -back * _DEAR < ahead:
        return before
    return after if ahead * _FUTURE_COST[tense()] < -back else before


def infer_day(month: int, day: int, a: Anchors, m: Mention, mod: str = "") -> dt.date | None:
    """The year for "May 9" / "Christmas": closest to the DCT, leaning with tense."""
    p = a.published
    if p is None:
        return None
    cands = []
    for year in (p.year - 1, p.year, p.year + 1):
        d = _day(year, month, day)
        if d is not None:
            cands.append(((d - p).days, d))
    if mod == "this":
        return next((d for _, d in cands if d.year == p.year), None)
    return _pick(cands, lambda: a.tense(m), mod)


def infer_month(month: int, a: Anchors, m: Mention, mod: str = "") -> tuple[int, int] | None:
    p = a.published
    if p is None:
        return None
    if mod == "this":
        return p.year, month
    cands = [((year * 12 + month) - (p.year * 12 + p.month), (year, month))
             for year in (p.year - 1, p.year, p.year + 1)]
    return _pick(cands, lambda: a.tense(m), mod)


def emit_days(values: list[dt.date | None], a: Anchors, m: Mention) -> list[str]:
    out = []
    for d in values:
        if d is not None and MIN_YEAR <= d.year <= MAX_YEAR:
            a.ref_day, a.ref_month, a.ref_at = d, (d.year, d.month), m.start
            out.append(d.isoformat())
    return out


def _year_of(m: Mention, a: Anchors) -> int | None:
    if "year" not in m.parts:
        return None
    year = int(m.parts["year"])
    a.saw_year(year, m)
    return year


def _day_of(parts: dict[str, str], key: str = "day") -> int | None:
    if key in parts:
        return int(parts[key])
    return ordinal_value(parts["dayword"]) if "dayword" in parts else None


def r_explicit_day(m: Mention, a: Anchors) -> list[str]:
    month = month_number(m.parts["month"]) if not m.parts["month"].isdigit() else int(m.parts["month"])
    year, day = _year_of(m, a), _day_of(m.parts)
    if month is None or year is None or day is None:
        return []
    return emit_days([_day(year, month, day)], a, m)


def r_numeric(m: Mention, a: Anchors) -> list[str]:
    raw = m.parts["year"]
    year = int(raw)
    if len(raw) == 2:
        pivot = a.published.year if a.published else 2000
        year = min((c * 100 + year for c in (pivot // 100 - 1, pivot // 100, pivot // 100 + 1)),
                   key=lambda y: abs(y - pivot))
    a.saw_year(year, m)
    return emit_days([_day(year, int(m.parts["month"]), int(m.parts["day"]))], a, m)


def r_month_day(m: Mention, a: Anchors) -> list[str]:
    """"May 9", "9 May 2025", "Friday, Oct. 23", "May 7-9": the year inferred when absent."""
    month, first = month_number(m.parts["month"]), _day_of(m.parts)
    if month is None or first is None:
        return []
    last = int(m.parts["day2"]) if "day2" in m.parts else None
    if last is not None and last <= first:
        last = None  # "May 9-3" is no range: keep the first day
    year = _year_of(m, a)
    if year is None:
        mod = " ".join(m.parts.get("mod", "").lower().split())
        start = infer_day(month, first, a, m, mod or ("this past" if a.looks_back(m) else ""))
        if start is None:
            return []
        year = start.year
    # TimeML tags a range's two ends ("May 7" and "9"), not the days between.
    days = [first] if last is None else [first, last]
    return emit_days([_day(year, month, day) for day in days], a, m)


def _month_value(year: int, month: int, a: Anchors, m: Mention) -> list[str]:
    a.ref_month, a.ref_at = (year, month), m.start
    return [YM(year, month)]


def r_month_year(m: Mention, a: Anchors) -> list[str]:
    if in_price_row(a.text, m.start, m.end):
        return []
    month = month_number(m.parts["month"])
    year = _year_of(m, a) if "year" in m.parts else spelled_year_value(m.parts.get("words", ""))
    if year is not None:
        a.saw_year(year, m)
    return _month_value(year, month, a, m) if month and year else []


def r_year(m: Mention, a: Anchors) -> list[str]:
    if "words" in m.parts:
        year = spelled_year_value(m.parts["words"])
        if year is None or (not m.text.lower().startswith("the year") and year < 1800):
            return []
    else:
        year = int(m.parts["year"])
        if in_price_row(a.text, m.start, m.end):
            return []
        if year < 1900 and m.kind == "year" and a.word_before(m) not in _YEAR_PREPOSITIONS:
            return []  # "1600 Pennsylvania Avenue", "Flight 1549": old years come after "in", "since" ...
        if (m.kind == "year" and a.published is not None and year > a.published.year
                and _LEVEL_AFTER.match(a.text, m.end) and a.word_before(m) not in _YEAR_OWNERS | _YEAR_PREPOSITIONS):
            # "DOW DROPS UNDER 2000 LEVEL" (in 1987) is an index level; a year's level is a past one's
            # ("below 1985 levels", "the 1986 level")
            return []
    if not MIN_YEAR <= year <= MAX_YEAR:
        return []
    a.saw_year(year, m)
    return [Y(year)]


#: A line of a commodity price table: a delivery month, then only prices ("MAY 1922   (1934)",
#: "JLY 1956 1967"), where each four-digit figure would read as a year.
_PRICE_ROW = re.compile(r"[ \t]*(?i:jan|feb|mar|mch|apr|may|jun|jly|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
                        r"(?:[ \t]+\(?[\d.,/]+\)?){2,}[ \t]*")
_MAX_ROW = 80


def in_price_row(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies on a line that is a price table's row (a line of prose never
    is: it has words other than the month)."""
    line_start = text.rfind("\n", max(0, start - _MAX_ROW), start) + 1
    if line_start == 0 and start > _MAX_ROW:
        return False
    line_end = text.find("\n", end, end + _MAX_ROW)
    if line_end == -1:
        line_end = len(text) if len(text) - end <= _MAX_ROW else -1
    return line_end != -1 and _PRICE_ROW.fullmatch(text, line_start, line_end) is not None


#: A level or a mark after a bare number later than the publication: an index or a price, unless a
#: year owns it ("the 2000 level" of a plan).
_LEVEL_AFTER = re.compile(r"[ \t]+(?i:levels?|marks?)\b")
_YEAR_OWNERS = frozenset("the its their this that".split())
_YEAR_PREPOSITIONS = frozenset(
    "in since of from until till by to between and before after during around about circa c. "
    "year the early late mid".split())


_NAME_BEFORE = ("annual", "`", "'", '"', "\u201c")
_CAPITAL_NEXT = re.compile(r"\s[A-Z]")
_NAME_AFTER = re.compile(r"\s+(?:of|for|on)\s+(?:the\s+)?[A-Z]")
#: Words after which a bare "May" is the month ("in May"), not the verb.
_MONTH_PREPOSITIONS = frozenset(
    "in since by until till through from during of on before after for between and to around "
    "about throughout early late mid".split())
_LOOSE_PREPOSITIONS = frozenset("and to of between for about around on".split())


def r_month(m: Mention, a: Anchors) -> list[str]:
    month = month_number(m.parts["month"])
    mod = " ".join(m.parts.get("mod", "").lower().replace("-", " ").split())
    prev = a.word_before(m)
    name_follows = _CAPITAL_NEXT.match(a.text, m.end) is not None
    if month is None:
        return []
    if not mod:
        # "May" is a modal verb, "June Smith" a person, "the annual March for Life" an event.
        if prev not in _MONTH_PREPOSITIONS and (m.parts["month"] == "May" or name_follows):
            return []
        if prev.endswith(_NAME_BEFORE) or _NAME_AFTER.match(a.text, m.end):
            return []
        if prev in _LOOSE_PREPOSITIONS and name_follows:
            return []
    last_word = mod.split()[-1] if mod else ""
    direction = {"last": "last", "past": "this past", "next": "next", "coming": "this coming",
                 "this": "this"}.get(last_word, "this past" if prev == "since" else "")
    ym = infer_month(month, a, m, direction)
    return _month_value(*ym, a, m) if ym else []


def r_month_rel_year(m: Mention, a: Anchors) -> list[str]:
    """"July last year", "April next year", "early October this year"."""
    month, p = month_number(m.parts["month"]), a.published
    if month is None or p is None:
        return []
    year = p.year + {"this": 0, "last": -1, "next": 1}[m.parts["rel"].lower()]
    return _month_value(year, month, a, m)


def r_year_range(m: Mention, a: Anchors) -> list[str]:
    """"1990-1995": like "May 7-9", TimeML tags the two ends."""
    first, last = int(m.parts["year"]), int(m.parts["year2"])
    if not MIN_YEAR <= first < last <= MAX_YEAR:
        return []
    a.saw_year(last, m)
    return [Y(first), Y(last)]
