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

from typing import NamedTuple

from .dates_lexicon import (
    MONTH_ALONE_RX,
    MONTH_RX,
    NUMBER_RX,
    NUMBER_WORD_RX,
    ORDINAL_WORD_RX,
    SPELLED_YEAR_RX,
    WEEKDAY_RX,
)


def words(*phrases: str) -> str:
    """Case-insensitive alternation of phrases; a space matches any run of blanks."""
    return "(?i:" + "|".join(p.replace(" ", r"\s+") for p in phrases) + ")"


S = r"[ \t]*+\n?+[ \t]*+(?<=\s)"  # one run of blanks, at most one line break
YEAR = r"(?P<year>1[0-9]{3}|20[0-9]{2}|2100)(?![\d,.]\d|\d|s\b|-?(?:odd|ish)\b)"
DAY = r"(?P<day>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?![\d,.]\d|\d|%)"
DAY_OR_WORD = rf"(?:{DAY}|(?P<dayword>(?i:{ORDINAL_WORD_RX}))\b)"
DAY2 = r"(?P<day2>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?![\d,.]\d|\d|%)"
MONTH = rf"(?P<month>{MONTH_RX})(?!\w)"
WDAY_PREFIX = rf"(?:{WEEKDAY_RX},?{S})?"
PART_OF = words("early", "mid", "late", "the end of", "the beginning of", "the start of", "the middle of",
                "the close of", "the first half of", "the second half of", "end", "end-", "mid-")
RANGE_SEP = r"(?:[ \t]*(?:-|\u2013|\u2014)[ \t]*|\s+(?:to|through|thru|until|till|and|or)\s+)"
ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th|final|last)"
#: after "Month NNNN": another price ("Aug 1165/1168", "Jul 1268 1270 1274") makes it a row of a
#: commodity price table (a delivery month and its prices), not a month and year
NOT_PRICES = (r"(?![ \t]*/[ \t]*\d|[ \t]+\d{3,}\b"
              # a futures table's row of delivery months and figures: "VOLUME FOR ... MAY 1414 JLY 1199"
              r"|[ \t]+(?i:jan|feb|mar|apr|may|jun|jly|jul|aug|sep|sept|oct|nov|dec)[ \t]+\d"
              # a quote in a price table, in capitals: "May 1350 BID  Jul 1365 BID" (in prose, "the March
              # 1987 bid" is a month)
              r"|[ \t]+(?:BID|ASK|ASKED|OFFERED|NOM|TRADES?|TRADED)\b)")
SEASON = words("spring", "summer", "autumn", "fall", "winter")
THIS_LAST_NEXT_YEAR = rf"{words('this', 'last', 'next')}\s+year"
DECADE_WORDS = words("twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties")
DECADE = (rf"(?:the\s+)?{words('early', 'mid', 'late')}?-?\s*(?:(?:1[0-9]|20)?[0-9]0'?s|'[0-9]0s)(?!\w)"
          rf"|{words('the')}\s+(?:{words('early', 'late')}\s+|{words('mid')}-?\s*)?(?:{words('nineteen')}[- ])?{DECADE_WORDS}")
REL = ("(?P<rel>" + words("this", "last", "next", "coming", "past", "previous", "the coming", "the past",
                          "this past", "this coming", "the previous", "the current", "the following",
                          "the same", "that", "the next", "the last") + ")")
UNIT = r"(?P<unit>(?i:years?|months?|weeks?|days?|decades?|centur(?:y|ies)|quarters?|fortnights?))"
QUANT = words("about", "nearly", "almost", "roughly", "around", "some", "only", "just", "more than", "less than",
              "over", "at least", "exactly", "barely", "fully", "a full", "precisely", "approximately")
#: Words after a four-digit number that make it a quantity or a clock time.
UNITS_AFTER_NUMBER = words(
    "tonnes?", "tons?", "barrels?", "bpd", "shares?", "dlrs?", "dollars?", "pct", "percent", "per cent",
    "people", "persons", "points?", "feet", "foot", "meters?", "metres?", "miles?", "km", "kilometers?",
    "acres?", "hectares?", "ounces?", "pounds?", "lbs?", "kg", "bags?", "units?", "cars?", "vehicles?",
    "employees", "workers", "jobs", "troops", "soldiers", "votes?", "seats?", "cases?", "members?",
    "customers?", "mln", "million", "billion", "bln", "francs?", "marks?", "yen", "lire", "pesos?",
    "rupees?", "yuan", "stg", "sterling", "crowns?", "hours?", "minutes?", "hrs", "gmt", "est", "edt",
    "cst", "cdt", "mst", "mdt", "pst", "pdt", "bst", "cet", "local time", r"local [A-Z][a-z]+ time") + r"\b"
#: What makes a four-digit number after a day a clock time, on the same line ("APRIL 07 1100 EST").
CLOCK_AFTER_NUMBER = words("gmt", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "bst", "cet",
                           "hours?", "hrs", "local time", r"local [A-Z][a-z]+ time") + r"\b"
AM_PM = words(r"a\.m\.", r"p\.m\.", r"am\b", r"pm\b")
YEARS_QUARTER = words("year's", "fiscal year's")
TODAYS = words("today's")
YEAR_END = words("year[- ]end", "year's end", "end[- ]of[- ](?:the[- ])?year", "month[- ]end")
CLOCK = (rf"(?:\d{{1,2}}(?:[:.]\d\d)?\s*{AM_PM}"
         rf"|{words('noon', 'mid-?afternoon', 'mid-?morning')})(?:\s+(?:[ECMP][SD]T|GMT|BST|local\s+time))?")
HOLIDAY = (r"Christmas(?:\s+Eve|\s+Day)?|New\s+Year's(?:\s+Eve|\s+Day)|Thanksgiving(?:\s+Day)?"
           r"|Independence\s+Day|Fourth\s+of\s+July|Halloween|Valentine's\s+Day|Election\s+Day"
           r"|Labor\s+Day|Memorial\s+Day|Veterans\s+Day|Boxing\s+Day")


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
    ("set", "MDYO",
     (rf"{words('every', 'each')}\s+(?:(?:{MONTH_ALONE_RX}|{WEEKDAY_RX})(?:\s+\d{{1,2}}\b)?"
      rf"|{words('other')}?\s*(?:year|month|week|day|quarter)\b)")),
    ("quarter", "NYO",
     (rf"(?:{words('the')}\s+\d{{4}}\s+{words('period', 'quarter', 'half')}\b"
      rf"|{words('this', 'last', 'next')}\s+{YEARS_QUARTER}\s+(?i:{ORD})[- ]{words('quarter', 'half', 'period')}"
      rf"|{words('the')}?\s*(?:{words('fiscal', 'calendar')}\s+)?(?:{YEAR}\s*[- ]?)?"
      rf"(?i:{ORD}[- ](?:quarter|half|period|qtr)|[QH][1-4]|nine[- ]months?)"
      rf"(?:\s+{words('of', 'in', 'for', 'ended', 'ending')}?\s*(?:{words('fiscal', 'calendar')}\s+)?"
      rf"(?:\d{{4}}|{THIS_LAST_NEXT_YEAR})(?!\d))?"
      rf"|{words('fiscal', 'calendar')}\s+(?:year\s+)?\d{{4}}(?:/\d{{2,4}})?\s+(?i:{ORD}[- ](?:quarter|half)))")),
    ("season", "NY",
     (rf"(?:{words('early', 'mid', 'late', 'the')}\s*-?\s*)?{SEASON}(?:\s+{words('of')}?\s*(?:\d{{4}}|{THIS_LAST_NEXT_YEAR})(?!\d))?"
      rf"|{words('this', 'last', 'next', 'past', 'coming')}\s+{SEASON}|\d{{4}}\s+{SEASON}")),
    ("decade", "N", DECADE),
    ("clock", "DMX",
     (rf"{CLOCK},?\s+(?:{words('on')}\s+)?"
      rf"(?:{WEEKDAY_RX}|{words('today', 'yesterday', 'tomorrow')}|{MONTH}\.?\s+\d{{1,2}}\b(?:,?\s+\d{{4}})?)")),
    ("week_of", "M",
     (rf"(?:{words('the')}\s+)?{words('week', 'weekend')}\s+{words('of', 'beginning', 'starting')}"
      rf"\s+{MONTH}\.?\s+\d{{1,2}}\b(?:,?\s+\d{{4}})?")),
    ("duration", "YODN",
     (rf"{words('the', 'a')}\s+{words('past', 'last', 'next', 'previous', 'coming', 'first', 'following', 'ensuing', 'latest', 'final')}"
      rf"\s+(?:(?i:{NUMBER_WORD_RX})|{words('several', 'few', 'couple of')}|\d+)\s+"
      rf"{words('years?', 'months?', 'weeks?', 'days?', 'decades?', 'quarters?')}\b")),
    # --- explicit calendar expressions ---
    ("iso", "N",
     r"(?<![\d/.-])(?P<year>1[0-9]{3}|20[0-9]{2})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])(?![\d-])"),
    ("numeric", "NS",
     r"(?<![\d/.,-])(?P<month>0?[1-9]|1[0-2])/(?P<day>0?[1-9]|[12][0-9]|3[01])/(?P<year>(?:19|20)[0-9]{2}|[0-9]{2})(?![\d/])"),
    ("md", "MD",
     # "EARNINGS MAY 10 PCT HIGHER", "IT MAY 2 BILLION DLRS": a unit after the day makes "May" the verb
     (rf"(?P<mod>{words('this coming', 'this past', 'last', 'next', 'this')}\s+)?{WDAY_PREFIX}{MONTH}\.?{S}{DAY_OR_WORD}"
      rf"(?!{S}{UNITS_AFTER_NUMBER})(?:{RANGE_SEP}{DAY2})?(?:,?{S}{YEAR}(?![ \t]+{CLOCK_AFTER_NUMBER}))?(?!:\d|\.\d)")),
    ("dm", "MD",
     rf"{WDAY_PREFIX}(?<![\d,.$])(?:{words('the')}\s+)?{DAY}(?:{RANGE_SEP}{DAY2})?(?:{S}of)?{S}{MONTH}(?:,?{S}{YEAR})?"),
    ("month_rel_year", "M",
     (rf"(?:{PART_OF}\s*-?\s*(?:of\s+)?)?(?P<month>{MONTH_ALONE_RX}|May)(?:,|{S}{words('of')})?{S}"
      rf"(?P<rel>{words('this', 'last', 'next')})\s+{words('year')}\b")),
    ("my", "M",
     rf"(?:{PART_OF}\s*-?\s*(?:of\s+)?)?{MONTH}(?:,|{S}{words('of')})?{S}(?:{YEAR}{NOT_PRICES}"
     rf"|(?P<words>(?i:{SPELLED_YEAR_RX}))\b)"),
    ("year_mod", "NY",
     (rf"(?P<pre>(?:{words('fiscal', 'calendar', 'FY', 'the year', 'post', 'pre', 'mid', 'early', 'late', 'the end of', 'end-')}"
      rf"|{words('the beginning of', 'the start of', 'the middle of', 'the close of', 'the summer of')})"
      rf"(?:\s+year)?\s*-?\s*){YEAR}")),
    ("spelled_year", "XY",
     (rf"(?:{words('the year')}\s+|(?<=\s))(?P<words>(?i:{SPELLED_YEAR_RX}))\b"
      rf"(?!-|\s+{words('years?', 'of', 'or', 'to')}\b|{S}{UNITS_AFTER_NUMBER})")),
    ("year_range", "N",
     # "1100-1350 lbs": a range of weights, not of years
     rf"(?<![\w$#.,/-]){YEAR}[ \t]*[-\u2013][ \t]*(?P<year2>1[0-9]{{3}}|20[0-9]{{2}})(?![\d,.]\d|\d)"
     rf"(?!{S}{UNITS_AFTER_NUMBER})"),
    # a letter straight after is a code or a price, not a year ("1922L 1925H" in a commodity table)
    # "between 1900 and 2300 hours": the unit after the second number is the first's too
    # "(NYFD 2044)": a wire service's story code, not a year; "DOW FALLS 404 POINTS TO 1844": a level
    # (a code alone in its parentheses: "(BASE 1967 EQUALS 100)" is a year)
    ("year", "N", rf"(?<![\w$#.,/-])(?!(?:(?<=\([A-Z]{{3}} )|(?<=\([A-Z]{{4}} )|(?<=\([A-Z]{{5}} ))\d{{4}}\))"
                  rf"(?<!(?i:points to ))(?<!(?i:points at ))"
                  rf"{YEAR}(?![^\W\d_])(?!{S}{UNITS_AFTER_NUMBER})(?!/|-[0-9])"
                  # "until 1500 (1400 GMT)": a clock time, given again in another zone
                  rf"(?!{S}\(\d{{4}}{S}{CLOCK_AFTER_NUMBER})"
                  rf"(?!{S}{words('and', 'to', 'or')}{S}\d{{3,4}}{S}{UNITS_AFTER_NUMBER})"),
    ("month", "M",
     (rf"(?P<mod>{words('early', 'mid', 'late', 'the end of', 'the beginning of', 'the start of', 'the middle of')}"
      rf"\s*-?\s*|{words('last', 'next', 'this', 'this past', 'this coming')}\s+)?"
      rf"(?P<month>{MONTH_ALONE_RX}|May)(?![\w-])(?!\s+\d|,?\s+{THIS_LAST_NEXT_YEAR}\b)")),
    # --- expressions relative to the document time ---
    ("generic_now", "DX",
     (rf"{words('of')}\s+{words('today', 'tomorrow')}\b"
      rf"|{TODAYS}\s+{words('world', 'youth', 'society', 'generation', 'children', 'kids', 'standards', 'terms')}"
      rf"|{TODAYS}\s+{words('dollars', 'economy', 'environment', 'culture', 'times', 'market', 'young')}")),
    ("deictic", "DX",
     (rf"(?P<mod>{words('the day before', 'the day after', 'early', 'late', 'earlier', 'later')}\s+)?"
      rf"(?P<word>{words('today', 'yesterday', 'tomorrow', 'tonight')})(?!\w)"
      rf"(?P<part>\s+{words('morning', 'afternoon', 'evening', 'night')})?")),
    ("weekday", "D",
     (rf"(?P<mod>{words('last', 'next', 'this coming', 'this past', 'this', 'coming', 'the previous', 'the following')}\s+"
      rf"|{words('the next', 'the day before', 'the day after')}\s+)?"
      rf"(?P<wday>{WEEKDAY_RX})(?!\w)(?P<part>\s+{words('morning', 'afternoon', 'evening', 'night', 'noon')})?")),
    ("holiday", "XDMY", rf"(?P<mod>{words('last', 'next', 'this')}\s+)?(?P<name>{HOLIDAY})(?!\w)"),
    ("ago", "YOD",
     (rf"(?:{QUANT}\s+)?(?P<num>{NUMBER_RX}|{words('a couple of')})\s+{UNIT}(?:\s+{words('and a half')})?\s+"
      rf"(?P<dir>{words('ago', 'earlier', 'before', 'later', 'after', 'from now', 'hence', 'previously', 'back')})\b")),
    ("year_adj", "YO", r"(?P<what>(?i:year|month)[- ](?:earlier|ago|before))\b"),
    ("anaphor", "YOD",
     (rf"(?P<mod>{words('that', 'the same', 'the following', 'the previous', 'the preceding', 'the next', 'the prior')}"
      rf"|{words('later that', 'earlier that', 'later in the', 'earlier in the')})"
      rf"\s+(?P<unit>{words('year', 'month', 'day')})\b(?!-|\s+(?:of|and|or)\b)")),
    ("rel_unit", "YOD",
     (rf"(?P<pre>(?:{words('earlier', 'later', 'early', 'late', 'mid', 'the end of', 'the beginning of', 'the start of')}"
      rf"|{words('the middle of', 'the rest of', 'the remainder of', 'by the end of', 'at the end of')})\s*-?\s*)?"
      rf"{REL}\s+(?P<fiscal>{words('fiscal', 'calendar', 'financial', 'business', 'school', 'academic', 'model')}\s+)?"
      rf"{UNIT}(?![\w-])")),
    ("unit_end", "YO",
     (rf"(?P<pre>(?:{words('the end of the', 'the beginning of the', 'the start of the', 'the middle of the')}"
      rf"|{words('the rest of the', 'the remainder of the', 'later in the', 'earlier in the')})\s+)"
      rf"(?P<unit>{words('year', 'month')})\b"
      rf"|(?P<ye>{YEAR_END})(?![\w-])")),
]
