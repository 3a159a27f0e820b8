"""Scanning: find the mentions of :data:`~searchsvc.dates_patterns.KINDS` fast.

Trying the whole grammar at every word of a text costs ~20 us per word in
Python's ``re``; news text is mostly not about dates. So the scan works from
*anchors*, the words every date mention contains (a month name, "day",
"year", "month", four digits, ...), each found by a literal-prefixed regex
that ``re`` runs at memory speed:

1. collect the anchors of the text, left to right;
2. for each anchor not already inside a mention, walk back over the words
   that may open a mention ("the end of", "last", "about three", "10 p.m.");
3. from the leftmost such word on, try the *sub-grammar* of the anchor's
   family (only the kinds that can contain it, in grammar order) and keep the
   first match that reaches the anchor.

For every mention that holds an anchor (the only ones that can yield a
calendar value) this gives what one ordered alternation scanned over the whole
text gives (:func:`full_scan`; the tests check exactly that). The walk back is
bounded in characters, words and token length, so odd input (a megabyte
without blanks, thousands of weekdays in a row) stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .dates_patterns import KINDS, Mention

#: A plural unit only names a date before a direction ("three years ago").
_PLURAL_DATE = r"s(?=[ \t\n]+(?:ago|earlier|before|later|after|from|hence|previously|back|and[ \t\n]+a[ \t\n]+half)\b)"
_ANCHORS: dict[str, tuple[re.Pattern[str], ...]] = {
    "M": (re.compile(r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
                     r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![a-z])"),),
    "D": (re.compile(rf"day(?<!holiday)(?<!birthday)(?<!midday)(?:(?![a-z]|s\b)|{_PLURAL_DATE})"), re.compile("Day")),
    "Y": (re.compile(rf"year(?:(?![a-z])|{_PLURAL_DATE})"), re.compile("Year")),
    "O": (re.compile(rf"month(?:(?![a-z])|{_PLURAL_DATE})"), re.compile("Month")),
    "N": (re.compile(r"1\d\d\d(?!\d)"), re.compile(r"20\d\d(?!\d)")),
    "S": (re.compile(r"/\d\d?/\d"),),
}
#: The same anchors in capitals (headlines, old wire copy: "TALKS RESUME ON MARCH 3, 1987"): one
#: alternation of plain literals, which ``re`` scans ten times faster than the same with groups and
#: look-arounds; the word's end is checked for each match instead. Months by their full names
#: only, as the grammar's MONTH_RX ("MAY7" starts a price table's row).
_CAPS = re.compile(r"JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER"
                   r"|DAY|YEAR|MONTH")
_CAPS_FAMILY = {"DAY": "D", "YEAR": "Y", "MONTH": "O"}
_NOT_DAYS = ("HOLIDAY", "BIRTHDAY", "MIDDAY")
#: Rare anchors: the regex only runs on texts holding one of these fragments,
#: each checked with ``in`` at C speed ("New Year" is caught by "Year").
_RARE_HINTS = ("morrow", "onight", "hristmas", "hanksgiving", "alloween", "ineteen", "thousand")
_RARE = re.compile(r"[Tt]omorrow|[Tt]onight|Christmas|Thanksgiving|Halloween|[Nn]ineteen|thousand")

#: Words that may begin a mention (lower case; digits are handled apart).
_FIRST = frozenset("""
    the a an every each early mid late end last next this that past coming previous current
    following same earlier later fiscal calendar fy post pre noon afternoon midafternoon morning
    midmorning about nearly almost roughly around some only just more less over at by exactly
    barely fully precisely approximately several few first second third fourth final q1 q2 q3
    q4 h1 h2 spring summer autumn fall winter christmas new thanksgiving independence fourth
    labor memorial veterans valentine's boxing election halloween of
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
#: Words that may stand inside a mention, between its start and its anchor.
_OPENERS = _FIRST | frozenset("""
    of beginning start middle close half than least couple rest remainder and to or through
    till until thru a.m. p.m. am pm est edt cst cdt mst mdt pst pdt gmt bst local time week
    weekend starting ending ended quarter period qtr year year's years month months day days
    on in for latest ensuing prior preceding
""".split())
_NUMBERISH = re.compile(r"\$?[\d:.,/]+(?:st|nd|rd|th|s)?")
_EDGE = "\"'`(),;:\u201c\u201d\u2018\u2019"
_LOOKBACK = 64      # characters a mention may span before its anchor ...
_MAX_OPENERS = 6    # ... in at most this many words ("at the end of the year")
_LONGEST_WORD = 24  # "mid-1990", "Wednesday's", "yesterday"; longer runs hold no mention start

_TEMPLATE_GROUP = re.compile(r"\(\?P<(\w+)>")


def _compile(kinds: list[tuple[str, str]]) -> tuple[re.Pattern[str], dict[str, list[tuple[str, int]]]]:
    """One ordered alternation of ``kinds``; group names become ``kind__field``."""
    branches = []
    for kind, rx in kinds:
        prefixed = _TEMPLATE_GROUP.sub(rf"(?P<{kind}__\1>", rx)
        branches.append(f"(?P<{kind}>{prefixed})")
    # A word boundary (or an opening quote/dash) must precede every mention.
    pattern = re.compile(r"(?<![\w'])(?:" + "|".join(branches) + ")")
    fields: dict[str, list[tuple[str, int]]] = {kind: [] for kind, _ in kinds}
    for name, index in pattern.groupindex.items():
        if "__" in name:
            kind, field = name.split("__", 1)
            fields[kind].append((field, index))
    return pattern, fields


_GRAMMARS = {family: _compile([(kind, rx) for kind, families, rx in KINDS if family in families])
             for family in "MDYONSX"}


def _mention(m: re.Match[str], fields: dict[str, list[tuple[str, int]]]) -> Mention:
    kind = m.lastgroup or ""
    parts = {field: m.group(i) for field, i in fields.get(kind, ()) if m.group(i) is not None}
    return Mention(kind, parts, m.start(), m.end(), m.group())


#: (family, pattern, literal to test with ``in`` first, or "" when there is none).
_SCANS = [(family, pattern, pattern.pattern[:4] if pattern.pattern[:4].isalpha() else "")
          for family, patterns in _ANCHORS.items() for pattern in patterns]


def _anchors(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for family, pattern, literal in _SCANS:
        if literal and literal not in text:
            continue  # C-speed containment test saves a regex scan
        found += [(m.start(), family) for m in pattern.finditer(text)]
    for m in _CAPS.finditer(text):
        end = m.end()
        if end < len(text) and text[end].isalpha():
            continue
        word = m.group()
        if word == "DAY" and text.endswith(_NOT_DAYS, 0, end):
            continue
        found.append((m.start(), _CAPS_FAMILY.get(word, "M")))
    if any(map(text.__contains__, _RARE_HINTS)):
        found += [(m.start(), "X") for m in _RARE.finditer(text)]
    found.sort()
    return found


_INSIDE, _OPENS = 1, 2


def _role(token: str) -> int:
    """0: cannot be in a mention before its anchor; _INSIDE: can; _OPENS: can also begin it."""
    bare = token.strip(_EDGE).lower()
    if bare in _FIRST:
        return _OPENS
    if bare in _OPENERS:
        return _INSIDE
    if (bare[:1].isdigit() or bare[:1] == "$") and _NUMBERISH.fullmatch(bare):
        return _OPENS
    if "-" not in bare:
        return 0
    parts = [p for p in bare.split("-") if p]
    if not all(p in _OPENERS or _NUMBERISH.fullmatch(p) for p in parts):
        return 0
    return _OPENS if parts and (parts[0] in _FIRST or _NUMBERISH.fullmatch(parts[0])) else _INSIDE


def _starts(text: str, anchor: int, floor: int) -> list[int]:
    """Where a mention holding ``anchor`` may begin, leftmost first."""
    word, shortest = anchor, max(floor, anchor - _LONGEST_WORD)
    while word > floor and (text[word - 1].isalnum() or text[word - 1] in "'-"):
        word -= 1
        if word < shortest:
            return []  # deep inside a long token ("x1987x1987..."): no mention starts here
    # Inside a word ("Monday", "yesterday") only the word start can open a mention.
    starts = [anchor] if word == anchor or not text[anchor - 1].isalnum() else []
    if word != anchor:
        starts.append(word)
    lo = max(floor, word - _LOOKBACK)
    end = word
    for _ in range(_MAX_OPENERS):
        if end <= lo:
            break
        stop = end
        while stop > lo and text[stop - 1] in " \t\n\r":
            stop -= 1
        blank = max(text.rfind(" ", lo, stop), text.rfind("\n", lo, stop))
        if (blank < 0 and lo > floor) or stop <= lo:
            break  # a token cut by the window, or none
        begin = blank + 1 if blank >= 0 else lo
        token = text[begin:stop]
        if token[-1] in ".;:!?" and token not in ("a.m.", "p.m."):
            break  # the previous sentence or clause
        role = _role(token)
        if not role:
            break
        if role == _OPENS:
            starts.append(begin + len(token) - len(token.lstrip(_EDGE)))
        end = begin
    starts.reverse()
    return starts


def find_mentions(text: str) -> Iterator[Mention]:
    """Yield the non-overlapping mentions in ``text``, left to right."""
    covered = 0
    for anchor, family in _anchors(text):
        if anchor < covered:
            continue
        grammar, fields = _GRAMMARS[family]
        floor = covered
        for start in _starts(text, anchor, covered):
            if start < floor:
                continue
            m = grammar.match(text, start)
            if m is None:
                continue
            if m.end() <= anchor:
                floor = m.end()  # an anchorless mention: a full scan would resume after it
                continue
            covered = m.end()
            kind = m.lastgroup or ""
            parts = {field: m.group(i) for field, i in fields[kind] if m.group(i) is not None}
            yield Mention(kind, parts, m.start(), covered, m.group())
            break


def full_scan(text: str) -> Iterator[Mention]:
    """Reference scan: the whole grammar at every position (slow; for tests).

    Mentions without any anchor word cannot yield a calendar value ("last
    week", "the third quarter"); :func:`find_mentions` never sees them, so
    they are left out here too.
    """
    grammar, fields = _compile([(kind, rx) for kind, _, rx in KINDS])
    anchors = [position for position, _ in _anchors(text)]
    for m in grammar.finditer(text):
        if any(m.start() <= a < m.end() for a in anchors):
            yield _mention(m, fields)
