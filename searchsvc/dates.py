"""Calendar dates mentioned in news text.

The moving parts, one module each:

* :mod:`searchsvc.dates_lexicon`  - month/weekday names, number words;
* :mod:`searchsvc.dates_patterns` - recognition grammar: one regex per *kind*
  of expression, in precedence order;
* :mod:`searchsvc.dates_scan`     - finds :class:`~searchsvc.dates_patterns.Mention`
  objects fast, trying the grammar only around anchor words;
* :mod:`searchsvc.dates_context`  - tense and sentence clues around a mention;
* :mod:`searchsvc.dates_resolve`  - explicit forms and year inference;
* :mod:`searchsvc.dates_relative` - forms relative to the publication date or
  to an earlier date in the text.

This module wires them: every mention found goes to the resolver for its
kind. Values follow TimeML/TIMEX3 at their own granularity (``YYYY``,
``YYYY-MM``, ``YYYY-MM-DD``) and are returned once each, sorted. The title, if
any, is read as a first paragraph.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from . import dates_relative as rel
from . import dates_resolve as res
from .dates_patterns import Mention
from .dates_scan import find_mentions

Resolver = Callable[[Mention, res.Anchors], list[str]]
_CALENDAR = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")

#: Kind -> resolver. Kinds absent here (decades, quarters, seasons, sets,
#: durations) are recognised only so that nothing inside them is emitted.
_RESOLVERS: dict[str, Resolver] = {
    "iso": res.r_explicit_day,
    "numeric": res.r_numeric,
    "md": res.r_month_day,
    "dm": res.r_month_day,
    "my": res.r_month_year,
    "month_rel_year": res.r_month_rel_year,
    "month": res.r_month,
    "year": res.r_year,
    "year_mod": res.r_year,
    "spelled_year": res.r_year,
    "year_range": res.r_year_range,
    "deictic": rel.r_deictic,
    "weekday": rel.r_weekday,
    "holiday": rel.r_holiday,
    "ago": rel.r_ago,
    "year_adj": rel.r_year_adj,
    "rel_unit": rel.r_rel_unit,
    "unit_end": rel.r_unit_end,
    "anaphor": rel.r_anaphor,
}


def _as_date(published: object) -> dt.date | None:
    if isinstance(published, dt.datetime):
        return published.date()
    return published if isinstance(published, dt.date) else None


def _resolved(anchors: res.Anchors) -> Iterator[tuple[Mention, list[str]]]:
    for mention in find_mentions(anchors.text):
        resolver = _RESOLVERS.get(mention.kind)
        if resolver is None:
            yield mention, []
            continue
        try:
            values = resolver(mention, anchors)
        except (ValueError, OverflowError, KeyError, IndexError):
            values = []  # one odd mention must not cost the others
        # One gate for every resolver: arithmetic near year 1 or 9999 may leave the range.
        yield mention, [v for v in values if _CALENDAR.fullmatch(v) and res.MIN_YEAR <= int(v[:4]) <= res.MAX_YEAR]


def _anchors_for(text: object, published: object, title: object) -> res.Anchors:
    text = text if isinstance(text, str) else ""
    title = title if isinstance(title, str) else ""
    document = f"{title}\n\n{text}" if title else text
    return res.Anchors(published=_as_date(published), text=document)


def explain_dates(text: str, published: dt.date | None = None,
                  title: str = "") -> list[tuple[Mention, list[str]]]:
    """Every recognised mention with the values it gave, for debugging.

    Mention offsets are into ``title + "\\n\\n" + text`` (just ``text``
    without a title); :func:`extract_dates` is the union of the values.
    """
    return list(_resolved(_anchors_for(text, published, title)))


def extract_dates(text: str, published: dt.date | None = None, title: str = "") -> list[str]:
    """Dates as YYYY, YYYY-MM or YYYY-MM-DD strings, once each, sorted.

    ``published`` anchors relative expressions ("Thursday", "last year",
    "May 9"); without it only dates the text fixes by itself are returned.
    """
    found: set[str] = set()
    for _, values in _resolved(_anchors_for(text, published, title)):
        found.update(values)
    return sorted(found)
