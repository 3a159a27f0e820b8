"""Recognition grammar: the temporal expressions news text uses, by *kind*.

Each kind (``md`` "May 9", ``ago`` "three years ago", ``weekday`` "last
Friday", ...) is one regular expression with named parts; :data:`KINDS`
lists them in precedence order, since a scan takes the first kind that
matches at the leftmost position: long, specific forms ("Friday, Oct. 23,
1998") come before their parts ("Friday", "1998"). How the text is scanned
is :mod:`searchsvc.dates_scan`'s business; what a mention means is the
resolvers' (:mod:`searchsvc.dates_resolve`, :mod:`searchsvc.dates_relative`).

Some kinds exist only to *absorb* text that must not yield a calendar value
(decades "the 1990s", quarters "the third quarter of 1989", seasons, sets
"every May", durations "the past five years", clock times "10 p.m. Friday");
they swallow the year or month inside them so that the smaller patterns never
see it. TimeML gives these non-calendar values (``199X``, ``1989-Q3``,
``1998-SU``, ``P5Y``, ``1998-08-07T22:00``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .dates_lexicon import (
    MONTH_ALONE_RX, MONTH_RX, NUMBER_RX, NUMBER_WORD_RX, ORDINAL_WORD_RX,
    SPELLED_YEAR_RX, WEEKDAY_RX,
)

S = r"[ \t]*+\n?+[ \t]*+(?<=\s)"          # one run of blanks, at most one line break
OS = r"[ \t]*\n?[ \t]*"                # optional blanks
YEAR = r"(?P<year>1[0-9]{3}|20[0-9]{2}|2100)(?![\d,.]\d|\d|s\b|-?(?:odd|ish)\b)"
DAY = r"(?P<day>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?![\d,.]\d|\d|%)"
DAY_OR_WORD = rf"(?:{DAY}|(?P<dayword>(?i:{ORDINAL_WORD_RX}))\b)"
DAY2 = r"(?P<day2>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?![\d,.]\d|\d|%)"
MONTH = rf"(?P<month>{MONTH_RX})(?!\w)"
WDAY_PREFIX = rf"(?:{WEEKDAY_RX},?{S})?"
PART_OF = (r"(?i:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of"
           r"|the\s+close\s+of|the\s+first\s+half\s+of|the\s+second\s+half\s+of|end|end-|mid-)")
RANGE_SEP = r"(?:[ \t]*(?:-|\u2013|\u2014)[ \t]*|\s+(?:to|through|thru|until|till|and|or)\s+)"
ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th|final|last)"
SEASON = r"(?i:spring|summer|autumn|fall|winter)"
DECADE = (r"(?:(?:the\s+)?(?i:early|mid|late)?-?\s*(?:(?:1[0-9]|20)?[0-9]0'?s|'[0-9]0s)(?!\w)"
          r"|(?i:the\s+(?:early\s+|mid-?\s*|late\s+)?(?:nineteen[- ])?(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)))")
REL = r"(?P<rel>(?i:this|last|next|coming|past|previous|the\s+coming|the\s+past|this\s+past|this\s+coming|the\s+previous|the\s+current|the\s+following|the\s+same|that|the\s+next|the\s+last))"
UNIT = r"(?P<unit>(?i:years?|months?|weeks?|days?|decades?|centur(?:y|ies)|quarters?|fortnights?))"
QUANT = r"(?i:about|nearly|almost|roughly|around|some|only|just|more\s+than|less\s+than|over|at\s+least|exactly|barely|fully|a\s+full|precisely|approximately)"
UNITS_AFTER_NUMBER = (
    r"(?i:tonnes?|tons?|barrels?|bpd|shares?|dlrs?|dollars?|pct|percent|per\s+cent|people|persons|points?"
    r"|feet|foot|meters?|metres?|miles?|km|kilometers?|acres?|hectares?|ounces?|pounds?|lbs?|kg|bags?|units?"
    r"|cars?|vehicles?|employees|workers|jobs|troops|soldiers|votes?|seats?|cases?|members?|customers?"
    r"|mln|million|billion|bln|francs?|marks?|yen|lire|pesos?|rupees?|yuan|stg|sterling|crowns?|hours?|minutes?"
    r"|hrs|gmt|est|edt|cst|cdt|mst|mdt|pst|pdt|bst|cet|local\s+time)\b")


class Mention(NamedTuple):
    """One recognised expression: its kind, its named parts and its span."""

    kind: str
    parts: dict[str, str]
    start: int
    end: int
    text: str


#: (kind, anchor families, regex). Order matters: earlier kinds win at the same
#: start position. The families say which anchor words (see
#: :mod:`searchsvc.dates_scan`) a mention of the kind can contain: M month
#: name, D "day" (weekdays, today), Y "year", O "month", N four digits,
#: S a slashed date, X rarer words (tomorrow, Christmas, nineteen ...).
KINDS: list[tuple[str, str, str]] = [
    # --- absorbers: expressions whose TimeML value is not a calendar date ---
    ("set", "MDYO", rf"(?i:every|each)\s+(?:(?:{MONTH_ALONE_RX}|{WEEKDAY_RX})(?:\s+\d{{1,2}}\b)?|(?i:other\s+)?(?:year|month|week|day|quarter)\b)"),
    ("quarter", "NYO", rf"(?:(?i:the\s+)\d{{4}}\s+(?i:period|quarter|half)\b|(?i:this|last|next)\s+(?i:year's|fiscal\s+year's)\s+(?i:{ORD})[- ](?i:quarter|half|period)"
                rf"|(?i:the\s+)?(?:(?i:fiscal|calendar)\s+)?(?:{YEAR}\s*[- ]?)?(?i:{ORD}[- ](?:quarter|half|period|qtr)|[QH][1-4]|nine[- ]months?)"
                rf"(?:\s+(?:(?i:of|in|for|ended|ending))?\s*(?:(?i:fiscal|calendar)\s+)?(?:\d{{4}}|(?i:this|last|next)\s+year)(?!\d))?"
                rf"|(?i:fiscal|calendar)\s+(?:year\s+)?\d{{4}}(?:/\d{{2,4}})?\s+(?i:{ORD}[- ](?:quarter|half)))"),
    ("season", "NY", rf"(?:(?i:early|mid|late|the)\s*-?\s*)?{SEASON}(?:\s+(?i:of\s+)?(?:\d{{4}}|(?i:this|last|next)\s+year)(?!\d))?"
               rf"|(?i:this|last|next|past|coming)\s+{SEASON}|\d{{4}}\s+{SEASON}"),
    ("decade", "N", DECADE),
    ("clock", "DMX", rf"(?:\d{{1,2}}(?:[:.]\d\d)?\s*(?i:a\.m\.|p\.m\.|am\b|pm\b)|(?i:noon|mid-?afternoon|mid-?morning))(?:\s+(?:[ECMP][SD]T|GMT|BST|local\s+time))?,?\s+(?:(?i:on)\s+)?"
              rf"(?:{WEEKDAY_RX}|(?i:today|yesterday|tomorrow)|{MONTH}\.?\s+\d{{1,2}}\b(?:,?\s+\d{{4}})?)"),
    ("week_of", "M", rf"(?i:the\s+)?(?i:week|weekend)\s+(?i:of|beginning|starting|ending|ended)\s+{MONTH}\.?\s+\d{{1,2}}\b(?:,?\s+\d{{4}})?"),
    ("duration", "YODN", rf"(?i:the|a)\s+(?i:past|last|next|previous|coming|first|following|ensuing|latest|final)\s+"
                 rf"(?i:{NUMBER_WORD_RX}|several|few|couple\s+of|\d+)\s+(?i:years?|months?|weeks?|days?|decades?|quarters?)\b"),
    # --- explicit calendar expressions ---
    ("iso", "N", r"(?<![\d/.-])(?P<year>1[0-9]{3}|20[0-9]{2})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])(?![\d-])"),
    ("numeric", "NS", r"(?<![\d/.,-])(?P<month>0?[1-9]|1[0-2])/(?P<day>0?[1-9]|[12][0-9]|3[01])/(?P<year>(?:19|20)[0-9]{2}|[0-9]{2})(?![\d/])"),
    ("md", "MD", rf"(?P<mod>(?i:this\s+coming|this\s+past|last|next|this)\s+)?{WDAY_PREFIX}{MONTH}\.?{S}{DAY_OR_WORD}"
                 rf"(?:{RANGE_SEP}{DAY2})?(?:,?{S}{YEAR})?(?!:\d|\.\d)"),
    ("dm", "MD", rf"{WDAY_PREFIX}(?<![\d,.$])(?i:the\s+)?{DAY}(?:{RANGE_SEP}{DAY2})?(?:{S}of)?{S}{MONTH}(?:,?{S}{YEAR})?"),
    ("month_rel_year", "M", rf"(?:{PART_OF}\s*-?\s*(?:of\s+)?)?(?P<month>{MONTH_ALONE_RX}|May)(?:,|{S}(?i:of))?{S}(?P<rel>(?i:this|last|next))\s+(?i:year)\b"),
    ("my", "M", rf"(?:{PART_OF}\s*-?\s*(?:of\s+)?)?{MONTH}(?:,|{S}(?i:of))?{S}(?:{YEAR}|(?P<words>(?i:{SPELLED_YEAR_RX}))\b)"),
    ("year_mod", "NY", rf"(?P<pre>(?i:fiscal|calendar|FY|the\s+year|post|pre|mid|early|late|the\s+end\s+of|end-|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|the\s+close\s+of|the\s+summer\s+of)(?:\s+year)?\s*-?\s*){YEAR}"),
    ("spelled_year", "XY", rf"(?:(?i:the\s+year\s+)|(?<=\s))(?P<words>(?i:{SPELLED_YEAR_RX}))\b(?!-|\s+(?i:years?|of|or|to)\b|{S}{UNITS_AFTER_NUMBER})"),
    ("year_range", "N", rf"(?<![\w$#.,/-]){YEAR}[ \t]*[-\u2013][ \t]*(?P<year2>1[0-9]{{3}}|20[0-9]{{2}})(?![\d,.]\d|\d)"),
    ("year", "N", rf"(?<![\w$#.,/-]){YEAR}(?!{S}{UNITS_AFTER_NUMBER})(?!/|-[0-9])"),
    ("month", "M", rf"(?P<mod>(?i:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|last|next|this|this\s+past|this\s+coming)\s*-?\s*)?"
              rf"(?P<month>{MONTH_ALONE_RX}|May)(?![\w-])(?!\s+\d|,?\s+(?i:this|last|next)\s+year\b)"),
    # --- expressions relative to the document time ---
    ("generic_now", "DX", r"(?i:of\s+(?:today|tomorrow)\b|today's\s+(?:world|youth|society|generation|children|kids|standards|terms|dollars|economy|environment|culture|times|market|young))"),
    ("deictic", "DX", r"(?P<mod>(?i:the\s+day\s+before|the\s+day\s+after|early|late|earlier|later)\s+)?(?P<word>(?i:today|yesterday|tomorrow|tonight))(?!\w)(?P<part>\s+(?i:morning|afternoon|evening|night))?"),
    ("weekday", "D", rf"(?P<mod>(?i:last|next|this\s+coming|this\s+past|this|coming|the\s+previous|the\s+following|the\s+next|the\s+day\s+before|the\s+day\s+after)\s+)?"
                rf"(?P<wday>{WEEKDAY_RX})(?!\w)(?P<part>\s+(?i:morning|afternoon|evening|night|noon))?"),
    ("holiday", "XDMY", r"(?P<mod>(?i:last|next|this)\s+)?(?P<name>Christmas(?:\s+Eve|\s+Day)?|New\s+Year's(?:\s+Eve|\s+Day)|Thanksgiving(?:\s+Day)?|Independence\s+Day|Fourth\s+of\s+July|Halloween|Valentine's\s+Day|Election\s+Day|Labor\s+Day|Memorial\s+Day|Veterans\s+Day|Boxing\s+Day)(?!\w)"),
    ("ago", "YOD", rf"(?:{QUANT}\s+)?(?P<num>{NUMBER_RX}|(?i:a\s+couple\s+of))\s+{UNIT}(?:\s+(?i:and\s+a\s+half))?\s+(?P<dir>(?i:ago|earlier|before|later|after|from\s+now|hence|previously|back))\b"),
    ("year_adj", "YO", r"(?P<what>(?i:year|month)[- ](?:earlier|ago|before))\b"),
    ("anaphor", "YOD", rf"(?P<mod>(?i:that|the\s+same|the\s+following|the\s+previous|the\s+preceding|the\s+next|later\s+that|earlier\s+that|later\s+in\s+the|earlier\s+in\s+the|the\s+prior))\s+(?P<unit>(?i:year|month|day))\b(?!-|\s+(?:of|and|or)\b)"),
    ("rel_unit", "YOD", rf"(?P<pre>(?i:earlier|later|early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|the\s+rest\s+of|the\s+remainder\s+of|by\s+the\s+end\s+of|at\s+the\s+end\s+of)\s*-?\s*)?"
                 rf"{REL}\s+(?P<fiscal>(?i:fiscal|calendar|financial|business|school|academic|model)\s+)?{UNIT}(?![\w-])"),
    ("unit_end", "YO", r"(?P<pre>(?i:the\s+end\s+of\s+the|the\s+beginning\s+of\s+the|the\s+start\s+of\s+the|the\s+middle\s+of\s+the|the\s+rest\s+of\s+the|the\s+remainder\s+of\s+the|later\s+in\s+the|earlier\s+in\s+the)\s+)(?P<unit>(?i:year|month))\b"
                 r"|(?P<ye>(?i:year[- ]end|year's\s+end|end[- ]of[- ](?:the[- ])?year|month[- ]end))(?![\w-])"),
]
