"""Recognition: find temporal expressions in text, without interpreting them.

One master regular expression is an ordered alternation of *kinds*
(``md`` "May 9", ``ago`` "three years ago", ``weekday`` "last Friday", ...).
Python's ``re`` takes the first alternative that matches at the leftmost
position, so the order of :data:`_KINDS` is the precedence: long, specific
forms ("Friday, Oct. 23, 1998") come before their parts ("Friday", "1998").

Some kinds exist only to *absorb* text that must not yield a calendar value
(decades "the 1990s", quarters "the third quarter of 1989", seasons, sets
"every May", durations "the past five years"); they swallow the year or month
inside them so that the smaller patterns never see it. TimeML gives these
non-calendar values (``199X``, ``1989-Q3``, ``1998-SU``, ``P5Y``).

Each kind's named groups are prefixed with the kind at build time
(``md__month``), so :func:`find_mentions` can hand the resolver a plain
``{"month": "May", "day": "9"}`` per mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .dates_lexicon import (
    MONTH_ALONE_RX, MONTH_RX, NUMBER_RX, NUMBER_WORD_RX, ORDINAL_WORD_RX,
    SPELLED_YEAR_RX, WEEKDAY_RX,
)

S = r"[ \t]*\n?[ \t]*(?<=\s)"          # one run of blanks, at most one line break
OS = r"[ \t]*\n?[ \t]*"                # optional blanks
YEAR = r"(?P<year>1[0-9]{3}|20[0-9]{2}|2100)(?![\d,.]\d|\d|s\b|'s\b|\u2019s\b|-?(?:odd|ish)\b)"
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
    r"|mln|million|billion|bln|francs?|marks?|yen|lire|pesos?|rupees?|yuan|stg|sterling|crowns?|hours?|minutes?)\b")


@dataclass(frozen=True)
class Mention:
    """One recognised expression: its kind, its named parts and its span."""

    kind: str
    parts: dict[str, str]
    start: int
    end: int
    text: str


# Order matters: earlier kinds win at the same start position.
_KINDS: list[tuple[str, str]] = [
    # --- absorbers: expressions whose TimeML value is not a calendar date ---
    ("set", rf"(?i:every|each)\s+(?:(?:{MONTH_ALONE_RX}|{WEEKDAY_RX})(?:\s+\d{{1,2}}\b)?|(?i:other\s+)?(?:year|month|week|day|quarter)\b)"),
    ("quarter", rf"(?:(?i:the\s+)\d{{4}}\s+(?i:period|quarter|half)\b|(?i:this|last|next)\s+(?i:year's|fiscal\s+year's)\s+(?i:{ORD})[- ](?i:quarter|half|period)"
                rf"|(?i:the\s+)?(?:(?i:fiscal|calendar)\s+)?(?:{YEAR}\s*[- ]?)?(?i:{ORD}[- ](?:quarter|half|period|qtr)|[QH][1-4]|nine[- ]months?)"
                rf"(?:\s+(?:(?i:of|in|for|ended|ending))?\s*(?:(?i:fiscal|calendar)\s+)?(?:\d{{4}}|(?i:this|last|next)\s+year)(?!\d))?"
                rf"|(?i:fiscal|calendar)\s+(?:year\s+)?\d{{4}}(?:/\d{{2,4}})?\s+(?i:{ORD}[- ](?:quarter|half)))"),
    ("season", rf"(?:(?i:early|mid|late|the)\s*-?\s*)?{SEASON}(?:\s+(?i:of\s+)?(?:\d{{4}}|(?i:this|last|next)\s+year)(?!\d))?"
               rf"|(?i:this|last|next|past|coming)\s+{SEASON}|\d{{4}}\s+{SEASON}"),
    ("decade", DECADE),
    ("clock", rf"(?:\d{{1,2}}(?:[:.]\d\d)?\s*(?i:a\.m\.|p\.m\.|am\b|pm\b)|(?i:noon|mid-?afternoon|mid-?morning))(?:\s+(?:[ECMP][SD]T|GMT|BST|local\s+time))?,?\s+(?:(?i:on)\s+)?"
              rf"(?:{WEEKDAY_RX}|(?i:today|yesterday|tomorrow)|{MONTH}\.?\s+\d{{1,2}}\b(?:,?\s+\d{{4}})?)"),
    ("week_of", rf"(?i:the\s+)?(?i:week|weekend)\s+(?i:of|beginning|starting|ending|ended)\s+{MONTH}\.?\s+\d{{1,2}}\b(?:,?\s+\d{{4}})?"),
    ("duration", rf"(?i:the|a|over\s+the|in\s+the|for\s+the|during\s+the|within\s+the)\s+(?i:past|last|next|previous|coming|first|following|ensuing|latest|final)\s+"
                 rf"(?i:{NUMBER_WORD_RX}|several|few|couple\s+of|\d+)\s+(?i:years?|months?|weeks?|days?|decades?|quarters?)\b"),
    # --- explicit calendar expressions ---
    ("iso", r"(?<![\d/.-])(?P<year>1[0-9]{3}|20[0-9]{2})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])(?![\d-])"),
    ("numeric", r"(?<![\d/.,-])(?P<month>0?[1-9]|1[0-2])/(?P<day>0?[1-9]|[12][0-9]|3[01])/(?P<year>(?:19|20)[0-9]{2}|[0-9]{2})(?![\d/])"),
    ("md_range", rf"{WDAY_PREFIX}{MONTH}{S}{DAY}{RANGE_SEP}{DAY2}(?:,?{S}{YEAR})?"),
    ("dm_range", rf"(?<![\d,.])(?P<day>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?{RANGE_SEP}{DAY2}{S}{MONTH}(?:,?{S}{YEAR})?"),
    ("mdy", rf"{WDAY_PREFIX}{MONTH}\.?{S}{DAY_OR_WORD},?{S}{YEAR}"),
    ("dmy", rf"{WDAY_PREFIX}(?<![\d,.])(?i:the\s+)?{DAY}(?:{S}of)?{S}{MONTH},?{S}{YEAR}"),
    ("month_rel_year", rf"(?:{PART_OF}\s*-?\s*(?:of\s+)?)?(?P<month>{MONTH_ALONE_RX}|May)(?:,|{S}(?i:of))?{S}(?P<rel>(?i:this|last|next))\s+(?i:year)\b"),
    ("my", rf"(?:{PART_OF}\s*-?\s*(?:of\s+)?)?{MONTH}(?:,|{S}(?i:of))?{S}(?:{YEAR}|(?P<words>(?i:{SPELLED_YEAR_RX}))\b)"),
    ("md", rf"(?P<mod>(?i:this\s+coming|this\s+past|last|next|this)\s+)?{WDAY_PREFIX}{MONTH}\.?{S}{DAY_OR_WORD}(?!:\d|\.\d)"),
    ("dm", rf"{WDAY_PREFIX}(?<![\d,.$])(?i:the\s+)?{DAY}(?:{S}of)?{S}{MONTH}"),
    ("year_mod", rf"(?P<pre>(?i:fiscal|calendar|FY|the\s+year|post|pre|mid|early|late|the\s+end\s+of|end-|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|the\s+close\s+of|the\s+summer\s+of)(?:\s+year)?\s*-?\s*){YEAR}"),
    ("spelled_year", rf"(?:(?i:the\s+year\s+)|(?<=\s))(?P<words>(?i:{SPELLED_YEAR_RX}))\b(?!-|\s+(?i:years?|of|or|to)\b|{S}{UNITS_AFTER_NUMBER})"),
    ("year", rf"(?<![\w$#.,/-]){YEAR}(?!{S}{UNITS_AFTER_NUMBER})(?!/|-[0-9])"),
    ("month", rf"(?P<mod>(?i:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|last|next|this|this\s+past|this\s+coming|in|since|by|until|till|through|from|during|of|on|before|after|for|between|and|to|around|about|as\s+of|throughout|in\s+early|in\s+late|in\s+mid|mid-)\s*-?\s*)?"
              rf"(?P<month>{MONTH_ALONE_RX}|May)(?![\w-])(?!\s+\d|,?\s+(?i:this|last|next)\s+year\b)"),
    # --- expressions relative to the document time ---
    ("generic_now", r"(?i:of\s+(?:today|tomorrow)\b|today's\s+(?:world|youth|society|generation|children|kids|standards|terms|dollars|economy|environment|culture|times|market|young))"),
    ("deictic", r"(?P<mod>(?i:the\s+day\s+before|the\s+day\s+after|early|late|earlier|later)\s+)?(?P<word>(?i:today|yesterday|tomorrow|tonight))(?!\w)(?P<part>\s+(?i:morning|afternoon|evening|night))?"),
    ("weekday", rf"(?P<mod>(?i:last|next|this\s+coming|this\s+past|this|coming|the\s+previous|the\s+following|the\s+next|the\s+day\s+before|the\s+day\s+after)\s+)?"
                rf"(?P<wday>{WEEKDAY_RX})(?!\w)(?P<part>\s+(?i:morning|afternoon|evening|night|noon))?"),
    ("holiday", r"(?P<mod>(?i:last|next|this)\s+)?(?P<name>Christmas(?:\s+Eve|\s+Day)?|New\s+Year's(?:\s+Eve|\s+Day)|Thanksgiving(?:\s+Day)?|Independence\s+Day|Fourth\s+of\s+July|Halloween|Valentine's\s+Day|Election\s+Day|Labor\s+Day|Memorial\s+Day|Veterans\s+Day|Boxing\s+Day)(?!\w)"),
    ("ago", rf"(?:{QUANT}\s+)?(?P<num>{NUMBER_RX}|(?i:a\s+couple\s+of))\s+{UNIT}(?:\s+(?i:and\s+a\s+half))?\s+(?P<dir>(?i:ago|earlier|before|later|after|from\s+now|hence|previously|back))\b"),
    ("year_adj", r"(?P<what>(?i:year|month)[- ](?:earlier|ago|before))\b"),
    ("anaphor", rf"(?P<mod>(?i:that|the\s+same|the\s+following|the\s+previous|the\s+preceding|the\s+next|later\s+that|earlier\s+that|later\s+in\s+the|earlier\s+in\s+the|the\s+prior))\s+(?P<unit>(?i:year|month|day))\b(?!-|\s+(?:of|and|or)\b)"),
    ("rel_unit", rf"(?P<pre>(?i:earlier|later|early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|the\s+rest\s+of|the\s+remainder\s+of|by\s+the\s+end\s+of|at\s+the\s+end\s+of)\s*-?\s*)?"
                 rf"{REL}\s+(?P<fiscal>(?i:fiscal|calendar|financial|business|school|academic|model)\s+)?{UNIT}(?![\w-])"),
    ("unit_end", r"(?P<pre>(?i:the\s+end\s+of\s+the|the\s+beginning\s+of\s+the|the\s+start\s+of\s+the|the\s+middle\s+of\s+the|the\s+rest\s+of\s+the|the\s+remainder\s+of\s+the|later\s+in\s+the|earlier\s+in\s+the)\s+)(?P<unit>(?i:year|month))\b"
                 r"|(?P<ye>(?i:year[- ]end|year's\s+end|end[- ]of[- ](?:the[- ])?year|month[- ]end))(?![\w-])"),
]

_TEMPLATE_GROUP = re.compile(r"\(\?P<(\w+)>")


def _build() -> tuple[re.Pattern[str], dict[str, list[tuple[str, int]]]]:
    branches = []
    for kind, rx in _KINDS:
        prefixed = _TEMPLATE_GROUP.sub(lambda m, k=kind: f"(?P<{k}__{m.group(1)}>", rx)
        branches.append(f"(?P<{kind}>{prefixed})")
    # A word boundary (or an opening quote/dash) must precede every mention.
    master = re.compile(r"(?<![\w'])(?:" + "|".join(branches) + ")")
    fields: dict[str, list[tuple[str, int]]] = {kind: [] for kind, _ in _KINDS}
    for name, index in master.groupindex.items():
        if "__" in name:
            kind, field = name.split("__", 1)
            fields[kind].append((field, index))
    return master, fields


MASTER, _FIELDS = _build()

#: Cheap pre-filter: a text with none of these cannot contain a mention.
TRIGGER = re.compile(
    r"\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
    r"|day|DAY|Day|year|Year|YEAR|month|Month|ago|night|Christmas|Thanksgiving|Halloween|teen|ty|thousand"
)


def find_mentions(text: str) -> Iterator[Mention]:
    """Yield the non-overlapping mentions in ``text``, left to right."""
    for m in MASTER.finditer(text):
        kind = m.lastgroup or ""
        parts = {}
        for field, index in _FIELDS.get(kind, ()):
            value = m.group(index)
            if value is not None:
                parts[field] = value
        yield Mention(kind, parts, m.start(), m.end(), m.group())
