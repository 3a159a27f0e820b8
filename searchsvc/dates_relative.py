"""Expressions that only mean something relative to a reference time.

"yesterday", "Friday", "last month", "three years ago" are resolved against
the publication date (DCT); "that year", "the next day" against the last
explicit date of the text (:class:`~searchsvc.dates_resolve.Anchors`).
Each ``r_*`` function takes a mention and the anchors and returns values;
without a publication date they return nothing, since the text alone does
not fix the date.
"""

from __future__ import annotations

import datetime as dt

from .dates_lexicon import number_value, weekday_number
from .dates_patterns import Mention
from .dates_resolve import (
    MAX_YEAR,
    MIN_YEAR,
    YM,
    Anchors,
    Y,
    emit_days,
    infer_day,
    shift_month,
)

_DEICTIC = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_BACK = frozenset(("last", "this past", "the previous", "the day before"))
_AHEAD = frozenset(("next", "this coming", "coming", "the following", "the next", "the day after"))


def _norm(words: str | None) -> str:
    return " ".join((words or "").lower().split())


def r_deictic(m: Mention, a: Anchors) -> list[str]:
    if a.published is None:
        return []
    if "part" in m.parts:
        return []  # "yesterday afternoon": a TIME (part of day), not a calendar date
    offset = _DEICTIC[m.parts["word"].lower()]
    mod = _norm(m.parts.get("mod"))
    offset += {"the day before": -1, "the day after": 1}.get(mod, 0)
    return emit_days([a.published + dt.timedelta(days=offset)], a, m)


def r_weekday(m: Mention, a: Anchors) -> list[str]:
    p = a.published
    wday = weekday_number(m.parts["wday"])
    if p is None or wday is None:
        return []
    # "last Thursday night" names that Thursday too. TimeML writes it 1998-08-07TNI, no calendar
    # value, and so it was left out; given, TimeBank+AQUAINT's F1 went 0.918 -> 0.919 (P 0.925 ->
    # 0.918, R 0.911 -> 0.920), and a search by mentioned day finds "the earthquake last Thursday night".
    mod = _norm(m.parts.get("mod"))
    back = (p.weekday() - wday) % 7      # days since the latest such weekday (0 = DCT)
    ahead = (wday - p.weekday()) % 7
    if mod in _BACK:
        day = p - dt.timedelta(days=back or 7)
    elif mod in _AHEAD:
        day = p + dt.timedelta(days=ahead or 7)
    elif back == 0:
        day = p
    elif a.looks_back(m):
        day = p - dt.timedelta(days=back)
    elif mod == "this" or a.tense(m) == "future":
        day = p + dt.timedelta(days=ahead)
    else:
        day = p - dt.timedelta(days=back)
    if mod in ("the day before", "the day after"):
        day += dt.timedelta(days=-1 if mod == "the day before" else 1)
    return emit_days([day], a, m)


def _holiday_day(name: str, year: int) -> dt.date | None:
    key = " ".join(name.lower().replace("'s", "").split())
    fixed = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
             "new year day": (1, 1), "new year eve": (12, 31), "independence day": (7, 4),
             "fourth of july": (7, 4), "halloween": (10, 31), "valentine day": (2, 14),
             "veterans day": (11, 11), "boxing day": (12, 26)}
    if key in fixed:
        return dt.date(year, *fixed[key])
    # (month, weekday, n-th; n=-1 is the last): US federal rules.
    floating = {"thanksgiving": (11, 3, 4), "thanksgiving day": (11, 3, 4), "labor day": (9, 0, 1),
                "memorial day": (5, 0, -1)}
    if key == "election day":
        first_monday = _nth_weekday(year, 11, 0, 1)
        return first_monday + dt.timedelta(days=1)
    if key in floating:
        return _nth_weekday(year, *floating[key])
    return None


def _nth_weekday(year: int, month: int, wday: int, n: int) -> dt.date:
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(wday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - wday) % 7)


def r_holiday(m: Mention, a: Anchors) -> list[str]:
    p = a.published
    if p is None:
        return []
    mod = _norm(m.parts.get("mod"))
    cands = [d for d in (_holiday_day(m.parts["name"], y) for y in (p.year - 1, p.year, p.year + 1)) if d]
    if not cands:
        return []
    probe = cands[1] if len(cands) > 1 else cands[0]
    guess = infer_day(probe.month, probe.day, a, m, mod)
    if guess is None:
        return []
    # Floating holidays move within their month; take that year's real date.
    return emit_days([_holiday_day(m.parts["name"], guess.year)], a, m)


def r_ago(m: Mention, a: Anchors) -> list[str]:
    p = a.published
    num = m.parts["num"].lower()
    n = 2 if "couple" in num else number_value(num)
    unit = m.parts["unit"].lower().rstrip("s")
    direction = _norm(m.parts["dir"])
    if p is None or n is None or "half" in m.text.lower() or unit not in ("year", "month", "day"):
        return []
    if direction in ("later", "after", "before", "previously") or (direction == "earlier" and unit == "day"):
        return []  # narrative: "two years later", "ten days before the shooting" count from an event
    sign = 1 if direction in ("from now", "hence") else -1
    if unit == "year" and n == 1 and a.quarter_talk:
        return []  # "a year ago" in an earnings report names the year-ago quarter
    if unit == "year":
        # "profit rose in 1987 from a year earlier": counted from the sentence's own year
        base = a.year_in_sentence(m) if direction == "earlier" else None
        return _year((base or p.year) + sign * n)
    if unit == "month":
        return [YM(*shift_month(p.year, p.month, sign * n))]
    try:
        return emit_days([p + dt.timedelta(days=sign * n)], a, m)
    except OverflowError:
        return []


def _year(year: int) -> list[str]:
    return [Y(year)] if MIN_YEAR <= year <= MAX_YEAR else []


def r_year_adj(m: Mention, a: Anchors) -> list[str]:
    p = a.published
    if p is None or a.quarter_talk:
        return []
    if m.parts["what"].lower().startswith("month"):
        return [YM(*shift_month(p.year, p.month, -1))]
    return _year(p.year - 1)


_REL_SHIFT = {
    "this": 0, "the current": 0, "this coming": 1, "coming": 1, "the coming": 1, "next": 1,
    "the next": 1, "last": -1, "past": -1, "the past": -1, "this past": -1,
    "previous": -1, "the previous": -1, "the last": -1,
}


def r_rel_unit(m: Mention, a: Anchors) -> list[str]:
    p = a.published
    rel, unit = _norm(m.parts["rel"]), m.parts["unit"].lower()
    if p is None or rel not in _REL_SHIFT:
        return r_anaphor(m, a) if rel in ("that", "the same", "the following") else []
    shift = _REL_SHIFT[rel]
    if unit == "year":
        return _year(p.year + shift)
    if unit == "month":
        return [YM(*shift_month(p.year, p.month, shift))]
    return []  # weeks, quarters, decades: TimeML values that are not calendar dates


def r_unit_end(m: Mention, a: Anchors) -> list[str]:
    p = a.published
    if p is None:
        return []
    if "ye" in m.parts:
        return []  # "year-end" is annotated as a day, a month or the year: too unsure to emit
    unit = m.parts["unit"].lower()
    return [YM(p.year, p.month)] if unit.startswith("month") else [Y(p.year)]


_ANAPHOR_SHIFT = {"that": 0, "the same": 0, "later that": 0, "earlier that": 0,
                  "the following": 1, "the next": 1, "the previous": -1, "the preceding": -1,
                  "the prior": -1, "later in the": 0, "earlier in the": 0}


def r_anaphor(m: Mention, a: Anchors) -> list[str]:
    mod = _norm(m.parts.get("mod") or m.parts.get("rel"))
    unit = m.parts["unit"].lower()
    shift = _ANAPHOR_SHIFT.get(mod)
    if shift is None:
        return []
    if unit == "year":
        ref = a.ref_year if a.near(a.ref_year_at, m) else None
        if mod in ("later in the", "earlier in the") and a.published:
            ref = a.published.year  # news: "earlier in the year" is the current year
        return _year(ref + shift) if ref is not None else []
    if not a.near(a.ref_at, m):
        return []
    if unit == "month" and a.ref_month is not None:
        return [YM(*shift_month(*a.ref_month, shift))]
    if unit == "day" and a.ref_day is not None:
        return emit_days([a.ref_day + dt.timedelta(days=shift)], a, m)
    return []
