"""One entry point for the people and dates a text mentions.

The indexer, ``searchsvc extract`` and the evaluation scripts all call
:func:`extract`; the actual work lives in :mod:`searchsvc.people` and
:mod:`searchsvc.dates` (or their mypyc-compiled copies, see
:mod:`searchsvc.native`). It is deterministic and never raises on odd input
(empty, binary-ish or huge text): whatever goes wrong inside yields fewer
results, not an exception.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from . import native
from .document import Document, parse_published
from .errors import QueryError

log = logging.getLogger(__name__)

#: Texts longer than this are cut before extraction: a 50 MB body must not
#: stall an ingest, and names/dates beyond the first megabyte add little.
MAX_EXTRACT_CHARS = 1_000_000


@dataclass(frozen=True)
class Extraction:
    people: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)


def extract(text: str, *, title: str = "", published: dt.date | str | None = None) -> Extraction:
    """Return the canonical person names and the calendar dates in ``title`` + ``text``.

    ``published`` (a date, or an ISO date string) anchors relative expressions ("Thursday",
    "last year"); without it only dates the text fixes by itself are returned. Dates are ``YYYY``,
    ``YYYY-MM`` or ``YYYY-MM-DD`` strings.
    """
    # The people word lists (~40 MB in memory) load on the first call, not on import:
    # service workers that only search never need them. The compiled extractors are
    # used when built and current (see searchsvc/native.py).
    for name, value in (("text", text), ("title", title)):
        if value is not None and not isinstance(value, str):  # bytes, a number: not text to read
            raise QueryError(f"{name} must be a string, got {type(value).__name__}", param=name)
    if isinstance(published, str):  # "2025-05-10" (an ISO date or date-time), as in a JSON record
        try:
            published = parse_published(published)
        except ValueError as e:
            raise QueryError(f"published: {e}", param="published") from None
    if isinstance(published, dt.datetime):
        published = published.date()
    if published is not None and not isinstance(published, dt.date):
        raise QueryError(f"published must be a date, got {type(published).__name__}", param="published")
    extract_people, extract_dates = native.extractors()
    text = (text or "")[:MAX_EXTRACT_CHARS]
    title = (title or "")[:10_000]
    try:
        people = extract_people(text, title=title)
    except Exception:  # extraction must never break an ingest
        log.exception("people extraction failed")
        people = []
    try:
        dates = extract_dates(text, published=published, title=title)
    except Exception:
        log.exception("date extraction failed")
        dates = []
    return Extraction(people=people, dates=dates)


def enrich(doc: Document) -> Document:
    """``doc`` with the people and dates it does not carry filled in by :func:`extract`."""
    if {"people", "dates"} <= doc.given:
        return doc
    found = extract(doc.body, title=doc.title, published=doc.published)
    return doc.with_extraction(found.people, found.dates)


def extract_record(rec: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``searchsvc extract``'s answer to one record ``{"id", "text", "title", "published"}``:
    ``{"id", "people", "dates"}``, and a warning for each thing it could not use.

    Lenient, as evaluation scripts feed it whole corpora: a record always gets its answer. No id
    answers with id null; a text or title that is not a string is read as its string form; a
    ``published`` that is not a date is ignored."""
    warnings = []
    for name in ("text", "title"):
        if rec.get(name) is not None and not isinstance(rec.get(name), str):
            warnings.append(f"{name} is not a string; read as {str(rec.get(name))[:40]!r}")
    if rec.get("id") is None:
        warnings.append("no id: answered with id null")
    if rec.get("text") is None and rec.get("title") is None:
        warnings.append("no text and no title: nothing to read")
    try:
        published = parse_published(rec.get("published"))
    except ValueError as e:
        warnings.append(f"published ignored: {e}")
        published = None
    found = extract("" if rec.get("text") is None else str(rec["text"]),
                    title="" if rec.get("title") is None else str(rec["title"]),
                    published=published.date() if published else None)
    return {"id": rec.get("id"), "people": found.people, "dates": found.dates}, warnings

