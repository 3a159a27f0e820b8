"""Reuters-21578 SGML (``reut2-NNN.sgm``).

Each ``<REUTERS NEWID="n">`` element is an article: ``<DATE>`` (like
``26-FEB-1987 15:01:01.79``) becomes ``published``, ``<TITLE>``/``<BODY>`` the
text, the first ``<TOPICS>`` entry the section, and ``<PEOPLE>`` slugs
("james-baker") become names that are merged with the extracted ones. The files
are latin-1 and hold ``&#N;`` control-character references that XML parsers
reject, so this reader uses regular expressions rather than an XML parser.

The wire copy is wrapped at about 70 columns, with paragraphs and table rows
indented: a line break between two words is a soft wrap and becomes a space
("Chairman Paul\nVolcker" is one name), an indented line stays a line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import InputError

_TAG_LEN = len(b"<REUTERS")
#: Bytes whose latin-1 character is a regular-expression word character (``\\w``: alphanumeric or _).
_WORD_BYTES = frozenset(b for b in range(256) if chr(b).isalnum() or b == ord("_"))
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_DATE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})(?!\d)(?:\s+(\d{1,2}):(\d{2}):(\d{2}))?")
_DATE_TEXT = re.compile(r"<DATE>(.{0,40})", re.S)
_TEXT = re.compile(r"<TEXT[^>]*>(.*?)</TEXT>", re.S)
_D = re.compile(r"<D>(.*?)</D>", re.S)
_ANY_TAG = re.compile(r"<[^>]+>")
_CHARREF = re.compile(r"&#(\d+);")
#: A soft wrap: a line break with a word right before and right after it (see the docstring).
#: The newline first: a pattern that opens with a look-behind is tried at every character, 20x slower.
_SOFT_WRAP = re.compile(r"\n(?=\S)(?<=\S\n)")
#: The sign-off that ends most stories, "Reuter" or "REUTER", with what follows it on its line.
_TRAILER = re.compile(r"(?:^|(?<=\W))REUTER\W*\Z", re.IGNORECASE)
#: The document field each element the reader takes becomes.
_FIELDS = {"TITLE": "title", "BODY": "body", "TOPICS": "section", "PEOPLE": "people"}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def read(path: Path, max_chars: int, label: str | None = None, *, start: int = 0, end: int | None = None,
         first_line: int = 1) -> Iterator[Document | InputError]:
    """The articles of the file, or of the piece [start, end) that :func:`split` cut."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read() if end is None else f.read(max(end - start, 0))
    source = str(path)
    provenance = label or path.name
    line, last = first_line, 0
    for at, gt, close in _articles(data):
        line += data.count(b"\n", last, at)
        last = at
        if close == -1:
            # A truncated file: without this its last article would vanish unnoticed.
            newid = _NEWID.search(data[at + _TAG_LEN:gt].decode("latin-1")) if gt != -1 else None
            yield InputError("<REUTERS> without </REUTERS> (is the file cut short?)", source=source, line=line,
                             record_id=newid.group(1) if newid else None)
            continue
        # latin-1: one byte per character, so byte offsets are character offsets
        inner = _newlines(data[gt + 1:close].decode("latin-1"))
        if not inner.isascii():
            inner = inner.translate(_C1_AS_CP1252)
        yield _article(data[at + _TAG_LEN:gt].decode("latin-1"), inner,
                       source=source, line=line, max_chars=max_chars, provenance=provenance)


def _newlines(text: str) -> str:
    """CRLF and CR line ends as LF, as the seed text reader has them: a copy saved with CRLF kept
    the CR in bodies, so soft wraps were not joined ("Paul" CR LF "Volcker" gave the person "Paul")."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _c1_table() -> dict[int, str | None]:
    """Latin-1's C1 control characters as the Windows-1252 characters their bytes stand for
    (0x93 is “); the five bytes Windows-1252 leaves undefined stay what they are, as WHATWG maps them."""
    table: dict[int, str | None] = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


#: A file labelled latin-1 but written in Windows-1252 (curly quotes, dashes) would otherwise hold
#: invisible C1 controls: the WHATWG encoding standard reads every latin-1 label as Windows-1252.
_C1_AS_CP1252 = _c1_table()


def split(path: str, size: int, chunk: int) -> list[Any]:
    """Pieces of about ``chunk`` bytes, each starting where an article does, with its first line.

    The file is scanned once here, and each piece is cut where the scan of the whole file
    finds an article: a piece then holds exactly the articles the whole file gives from
    there on (between two articles the scan meets no other ``<REUTERS`` tag), and a worker
    reads only its own bytes.
    """
    from . import Unit

    with open(path, "rb") as f:
        data = f.read(size)
    cuts = [0]
    for at, _, _ in _articles(data):
        if at >= cuts[-1] + chunk:
            cuts.append(at)
    units, line = [], 1
    for a, b in zip(cuts, [*cuts[1:], len(data)]):
        units.append(Unit(path, "reuters", a, b, line, b - a))
        line += data.count(b"\n", a, b)
    return units


def _articles(data: bytes) -> Iterator[tuple[int, int, int]]:
    """Where each ``<REUTERS attrs>inner</REUTERS>`` is: its start, the start tag's ``>``, the end tag.

    The matches of ``<REUTERS\\b([^>]*)>(.*?)</REUTERS>`` (re.S) on the latin-1 text, found
    with bytes.find: the regular expression's lazy scan for the end tag was a quarter of
    the reading time. Then, if a start tag follows the last match, one more triple for it
    with ``-1`` as its end tag (and as its ``>`` if it has none): no article after it can end.
    """
    at = 0
    while (start := data.find(b"<REUTERS", at)) != -1:
        after = start + _TAG_LEN
        if after < len(data) and data[after] in _WORD_BYTES:  # <REUTERSX: another tag
            at = after
            continue
        gt = data.find(b">", after)
        end = data.find(b"</REUTERS>", gt + 1) if gt != -1 else -1
        if end == -1:  # no complete article from here on
            yield start, gt, -1
            return
        yield start, gt, end
        at = end + len(b"</REUTERS>")


def _article(attrs: str, inner: str, *, source: str, line: int, max_chars: int,
             provenance: str) -> Document | InputError:
    newid = _NEWID.search(attrs)
    if not newid:
        return InputError('<REUTERS> without a numeric NEWID="..."', source=source, line=line)
    try:
        title = _tag(inner, "TITLE")
        body = _tag(inner, "BODY")
        section = next(iter(_list(inner, "TOPICS")), "")
        slugs = tuple(_slug_name(s) for s in _list(inner, "PEOPLE"))
    except _Unclosed as e:
        # Read as missing, an unclosed <BODY> gave an article with no body and no complaint.
        return InputError(f"<{e.name}> without </{e.name}>", source=source, record_id=newid.group(1),
                          field=_FIELDS[e.name], line=line + attrs.count("\n") + inner.count("\n", 0, e.offset))
    if not title and not body:
        # TYPE="UNPROC" articles have bare text inside <TEXT>.
        m = _TEXT.search(inner)
        body = _clean(_ANY_TAG.sub(" ", m.group(1))) if m else ""
    if not title:
        title, body = _headline(body)
    try:
        published = _published(inner)
    except ValueError as e:
        date_at = inner.find("<DATE>")
        return InputError(str(e), source=source, record_id=newid.group(1), field="published",
                          line=line + attrs.count("\n") + inner.count("\n", 0, date_at))
    rec = {
        "id": newid.group(1),
        "title": title,
        "body": _SOFT_WRAP.sub(" ", _strip_trailer(body)),
        "section": section,
        "source": provenance,
        "published": published,
    }
    try:
        doc = Document.from_record(rec, source=source, line=line, max_chars=max_chars)
    except InputError as e:
        return e.detached()
    # Hints, not given people (a record's "people" would be): merged with the extracted ones.
    return dataclasses.replace(doc, people=slugs) if slugs else doc


class _Unclosed(Exception):
    def __init__(self, name: str, offset: int) -> None:
        super().__init__(name)
        self.name = name
        self.offset = offset


def _element(inner: str, name: str) -> str | None:
    # str.find, not a regular expression: a lazy `.*?` scan per tag was most of the reading time.
    start = inner.find(f"<{name}>")
    if start == -1:
        return None
    end = inner.find(f"</{name}>", start + len(name) + 2)
    if end == -1:
        raise _Unclosed(name, start)
    return inner[start + len(name) + 2:end]


def _tag(inner: str, name: str) -> str:
    value = _element(inner, name)
    return _clean(value) if value else ""


def _list(inner: str, name: str) -> list[str]:
    value = _element(inner, name)
    return [_clean(d) for d in _D.findall(value)] if value else []


def _clean(value: str) -> str:
    if "&" not in value:
        return value.strip()
    value = _CHARREF.sub(_charref, value)
    return html.unescape(value).strip()


def _charref(m: re.Match[str]) -> str:
    """``&#N;``: below 32 a wire control code (``&#3;`` ends a story), dropped; past Unicode's last
    code point (``&#999999999;``, which made ``chr`` raise and the rebuild fail), U+FFFD."""
    digits = m.group(1).lstrip("0")
    if len(digits) > 7:  # no code point (and int() refuses 4,300 digits, as html.unescape would)
        return "\ufffd"
    code = int(digits or "0")
    if code < 32:
        return " "
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


#: The most lines, and the longest line, taken for the headline of an untitled article.
HEADLINE_LINES = 3
HEADLINE_CHARS = 120


def _headline(body: str) -> tuple[str, str]:
    """(title, body) of an article without ``<TITLE>`` (736 in Reuters-21578, unprocessed wire copy
    such as "FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26"): its opening lines in capitals, when they
    start at the margin and are short, wrapped ones joined ("VOLCKER REAFFIRMS G" / "-6 NEGOTIATING
    PROCESS"); else no title. Before, the page listed them as "Untitled (10136)"."""
    lines = body.split("\n")
    taken: list[str] = []
    for line in lines[:HEADLINE_LINES]:
        if not line or line[0].isspace() or not line.isupper() or len(line) > HEADLINE_CHARS:
            break
        taken.append(line.strip())
    rest = "\n".join(lines[len(taken):])
    if not taken or not rest.strip():
        return "", body
    head = taken[0]
    for line in taken[1:]:
        head += line if line.startswith("-") or head.endswith("-") else " " + line
    return head, rest.strip()


def _strip_trailer(body: str) -> str:
    """Drop the "Reuter" (or "REUTER") sign-off that ends most stories."""
    body = body.rstrip()
    # Only the end is searched: a pattern that opens with a look-behind is tried at every
    # character, and over whole bodies it doubled the time to read Reuters (0.56 -> 1.0 s).
    m = _TRAILER.search(body, max(0, len(body) - 16))
    return body[:m.start()].rstrip() if m else body


def _published(inner: str) -> dt.datetime | None:
    """The article's ``<DATE>``; ValueError when there is one and it is no date (it used to be
    dropped without a word, and "26-FEB-99999" read as the year 9999)."""
    m = _DATE.search(inner)
    if not m:
        if "<DATE>" not in inner:
            return None
        found = _DATE_TEXT.search(inner)
        raise ValueError(f"<DATE> {(found.group(1).split('<')[0] if found else '').strip()!r} is not a date "
                         "(expected DD-MON-YYYY HH:MM:SS)")
    day, mon, year, hh, mm, ss = m.groups()
    month = _MONTHS.get(mon.lower())
    try:
        return dt.datetime(int(year), month or 0, int(day), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        raise ValueError(f"<DATE> {m.group(0)[6:].strip()!r} is not a calendar date") from None


def _slug_name(slug: str) -> str:
    """``james-baker`` -> ``James Baker``; ``de-larosiere`` -> ``De Larosiere``."""
    return " ".join(part.capitalize() for part in slug.replace("_", "-").split("-") if part)
