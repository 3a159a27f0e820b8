"""The article record and its validation.

Every loader and the write API produce :class:`Document` through
:func:`Document.from_record`, so one set of rules decides what a valid article is:
an id that is safe in a URL and a file listing, text that is not empty and not
huge, dates that are real calendar values. A violation raises
:class:`~searchsvc.errors.InputError` naming the field.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import LONGEST_ID, InputError

#: Fields a record may carry; anything else is reported, not silently dropped.
FIELDS = ("id", "title", "body", "section", "published", "people", "dates", "source")

MAX_ID_CHARS = LONGEST_ID  # 200
#: Default cap on title + body characters (setting ``max_document_chars``).
DEFAULT_MAX_DOCUMENT_CHARS = 4_000_000
MAX_LIST_ITEMS = 1000
MAX_NAME_CHARS = 200

# Ids travel in URLs (/documents/{id}) and logs: no separators, no controls, no spaces.
_BAD_ID = re.compile(r"[\x00-\x20\x7f-\x9f/\\?#%\"<>`{}|^\[\]]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# fullmatch: "$" would allow a final newline; [0-9]: \d also took "１９８７" and "١٩٨٧"
_DATE_VALUE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


@dataclass(frozen=True)
class Document:
    """One article. ``dates`` are the dates it mentions, as ``YYYY``/``YYYY-MM``/``YYYY-MM-DD``."""

    id: str
    title: str = ""
    body: str = ""
    section: str = ""
    published: dt.datetime | None = None
    people: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    source: str = ""
    #: Which of people/dates the record itself carries: those are kept as they are, the others
    #: extracted. Left out (None), it is the ones that are not empty, so that
    #: ``Document(id=..., people=("Xi Jinping",))`` keeps exactly that list; loaders whose
    #: people are hints to merge with the extracted ones (Reuters slugs) pass ``frozenset()``.
    given: frozenset[str] = field(default=None, compare=False)  # type: ignore[arg-type]
    #: Where the record was read (file, line), for error messages; not part of the article.
    origin: tuple[str, int | None] = field(default=("", None), compare=False)

    def __post_init__(self) -> None:
        if self.given is None:
            object.__setattr__(self, "given", frozenset(f for f in ("people", "dates") if getattr(self, f)))

    @classmethod
    def from_record(cls, rec: Mapping[str, Any], *, source: str = "", line: int | None = None,
                    max_chars: int = DEFAULT_MAX_DOCUMENT_CHARS) -> Document:
        """Validate a mapping (a JSON record, a parsed article) into a Document."""
        def fail(message: str, fld: str | None = None) -> InputError:
            rid = rec.get("id") if isinstance(rec.get("id"), str) else None
            return InputError(message, source=source, line=line, field=fld, record_id=rid)

        if not isinstance(rec, Mapping):
            raise InputError(f"expected an object, got {type(rec).__name__}", source=source, line=line)
        unknown = sorted(str(k)[:80] for k in rec if k not in FIELDS)
        if unknown:
            # A body of 900,000 made-up keys gave a 10 MB message: name a few.
            more = f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
            named = ", ".join(map(repr, unknown[:10])) + more
            raise fail(f"unknown field(s) {named}; allowed: {', '.join(FIELDS)}", unknown[0])
        doc_id = rec.get("id")
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        problem = id_problem(doc_id)
        if problem or not isinstance(doc_id, str):
            raise fail(problem or "must be a string", "id")
        text = {}
        for name in ("title", "body", "section", "source"):
            value = rec.get(name)
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise fail(f"must be a string, got {type(value).__name__}", name)
            try:
                text[name] = clean_text(value)
            except ValueError as e:
                raise fail(str(e), name) from None
        if len(text["title"]) + len(text["body"]) > max_chars:
            raise fail(f"title and body are {len(text['title']) + len(text['body']):,} characters; "
                       f"the limit is {max_chars:,} (setting max_document_chars)", "body")
        if not (text["title"].strip() or text["body"].strip()):
            raise fail("document has no text: title and body are both empty", "body")
        if len(text["section"]) > MAX_NAME_CHARS:
            raise fail(f"longer than {MAX_NAME_CHARS} characters", "section")
        try:
            published = parse_published(rec.get("published"))
        except ValueError as e:
            raise fail(str(e), "published") from None
        given = set()
        people: tuple[str, ...] = ()
        if rec.get("people") is not None:
            people = _string_list(rec["people"], "people", fail)
            given.add("people")
        dates: tuple[str, ...] = ()
        if rec.get("dates") is not None:
            raw = _string_list(rec["dates"], "dates", fail)
            try:
                dates = tuple(sorted({normalize_date_value(v) for v in raw}))
            except ValueError as e:
                raise fail(str(e), "dates") from None
            given.add("dates")
        return cls(id=doc_id, title=text["title"], body=text["body"], section=text["section"].strip(),
                   published=published, people=people, dates=dates, source=text["source"],
                   given=frozenset(given), origin=(source, line))

    def validated(self, max_chars: int = DEFAULT_MAX_DOCUMENT_CHARS) -> Document:
        """This document checked as :meth:`from_record` checks a record, or its InputError.

        The dataclass itself checks nothing: a Document built in Python (``people="Putin"``,
        an id with a slash, no text) must not reach the index, nor the journal, whose every
        entry each later rebuild replays.
        """
        def listed(value: object) -> object:
            return list(value) if isinstance(value, tuple) else value

        rec = {"id": self.id, "title": self.title, "body": self.body, "section": self.section,
               "published": self.published, "source": self.source,
               "people": listed(self.people) if self.people else None,
               "dates": listed(self.dates) if self.dates else None}
        doc = Document.from_record(rec, source=self.origin[0] or "document", line=self.origin[1], max_chars=max_chars)
        given = self.given
        if isinstance(given, str) or not isinstance(given, (set, frozenset, tuple, list)) or \
                not all(isinstance(g, str) for g in given) or not set(given) <= {"people", "dates"}:
            raise InputError('given must be a set of "people" and/or "dates"', source=self.origin[0] or "document",
                             line=self.origin[1], record_id=self.id, field="given")
        return replace(doc, given=frozenset(given), origin=self.origin)

    def with_extraction(self, people: list[str], dates: list[str]) -> Document:
        """Fill in what the record did not carry.

        Values the record gave win; people a loader found without marking them
        given (Reuters ``<PEOPLE>`` slugs) are merged with the extracted ones.
        """
        if "people" in self.given:
            merged_people = self.people
        else:
            # The extractor already folds short forms into full names; only hints need merging.
            merged_people = merge_names(self.people, people) if self.people else tuple(people)
        merged_dates = self.dates if "dates" in self.given else tuple(sorted(set(dates)))
        return replace(self, people=merged_people, dates=merged_dates)

    def to_record(self) -> dict[str, Any]:
        """The JSON form (the shape of ``GET /documents/{id}`` and of the journal)."""
        return {"id": self.id, "title": self.title, "body": self.body, "section": self.section,
                "published": format_published(self.published), "people": list(self.people),
                "dates": list(self.dates), "source": self.source}


def id_problem(doc_id: object) -> str | None:
    """Why ``doc_id`` is not a valid document id, or None when it is."""
    if not isinstance(doc_id, str) or not doc_id:
        return "required: a non-empty string"
    if len(doc_id) > MAX_ID_CHARS:
        return f"longer than {MAX_ID_CHARS} characters"
    if doc_id in (".", ".."):
        return "'.' and '..' are not ids"
    bad = _BAD_ID.search(doc_id)
    if bad:
        return f"contains a character ids may not have ({bad.group()!r} at {bad.start()})"
    if not doc_id.isascii():
        for i, c in enumerate(doc_id):
            if c == "\ufffd":  # what a decoder puts for bytes that were not UTF-8 (e.g. %C0%AE in a URL)
                return f"is not valid UTF-8 (U+FFFD at {i})"
            if unicodedata.category(c)[0] in "CZ":  # invisible formatting (U+202E), separators (U+2028, U+00A0)
                return f"contains a character ids may not have ({c!r} at {i})"
    return None


def clean_text(value: str) -> str:
    """Drop control characters (not tab/newline) that wire formats leave in text, and compose
    accents (:func:`nfc`).

    ValueError for a lone surrogate (JSON's ``"\\ud800"``): such text cannot be stored
    as UTF-8 (journal, index) and would fail later, far from its cause.
    """
    if not value.isascii():
        if _SURROGATE.search(value):
            raise ValueError("contains a lone surrogate (an invalid \\uD800-\\uDFFF escape)")
        value = nfc(value)
    return _CONTROL.sub("", value) if _CONTROL.search(value) else value


def nfc(text: str) -> str:
    """``text`` with accents composed (NFC). Text pasted from macOS often writes "é" as "e" and a
    combining accent: such a word was two words to the tokenizer, no name to the extractor, and
    did not find its composed spelling."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def parse_published(value: object) -> dt.datetime | None:
    """ISO 8601 date or date-time (offsets converted to UTC) -> naive UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not an ISO 8601 date or date-time: {value[:40]!r} "
                             "(expected e.g. 2025-05-08 or 2025-05-08T10:30:00Z)") from None
    else:
        raise ValueError(f"must be an ISO 8601 string, got {type(value).__name__}")
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
        except OverflowError:  # 0001-01-01T00:00+01:00 is before the first representable instant
            raise ValueError(f"{value!r} is out of the range of dates (years 1-9999 in UTC)") from None
    return parsed


def format_published(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.time() == dt.time(0):
        return value.date().isoformat()
    return value.isoformat(timespec="seconds")


def normalize_date_value(value: str) -> str:
    """Check a mentioned-date value (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) and return it."""
    date_bounds(value.strip())
    return value.strip()


def not_a_date(value: str) -> ValueError:
    """The error for a value that is none of the date forms (quoted, at most 40 characters)."""
    return ValueError(f"{value[:40]!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")


def date_bounds(value: str) -> tuple[int, int]:
    """First and last day (proleptic ordinals) of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    The one validator of date values: documents, query ranges and filters all use it.
    ValueError (never OverflowError) for anything else.
    """
    m = _DATE_VALUE.fullmatch(value)
    if not m:
        raise not_a_date(value)
    year_text, month_text, day_text = m.groups()
    year = int(year_text)
    month = int(month_text) if month_text else None
    day = int(day_text) if day_text else None
    if year == 0:
        raise ValueError(f"{value!r}: year 0 is not a calendar year")
    try:
        if month is None:
            return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
        if day is None:
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return dt.date(year, month, 1).toordinal(), dt.date(year, month, last).toordinal()
        ordinal = dt.date(year, month, day).toordinal()
        return ordinal, ordinal
    except ValueError as e:
        raise ValueError(f"{value!r} is not a calendar date: {e}") from None


def merge_names(first: tuple[str, ...] | list[str], second: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Union of two name lists; a name contained word-wise in a longer one folds into it.

    Reuters ``<PEOPLE>`` gives "reagan" where the text says "Ronald Reagan": keep the
    full form once, case-insensitively.
    """
    names: dict[str, str] = {}
    for name in [*first, *second]:
        name = " ".join(name.split())
        if name and name.casefold() not in names:
            names[name.casefold()] = name
    keys = list(names)
    kept = []
    for key in keys:
        words = key.split()
        longer = any(len(other.split()) > len(words) and _contains_words(other.split(), words)
                     for other in keys if other != key)
        if not longer:
            kept.append(names[key])
    return tuple(kept)


def _contains_words(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def _string_list(value: object, name: str, fail: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise fail(f"must be a list of strings, got {type(value).__name__}", name)
    if len(value) > MAX_LIST_ITEMS:
        raise fail(f"more than {MAX_LIST_ITEMS} items", name)
    out = []
    for item in value:
        if not isinstance(item, str):
            raise fail(f"must be a list of strings, found {type(item).__name__}", name)
        try:
            item = clean_text(item).strip()
        except ValueError as e:
            raise fail(str(e), name) from None
        if len(item) > MAX_NAME_CHARS:
            raise fail(f"an item is longer than {MAX_NAME_CHARS} characters", name)
        if item:
            out.append(item)
    return tuple(out)
