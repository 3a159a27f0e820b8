"""The Whoosh schema: which article fields are indexed, how, and what is stored.

==========  ==========================================  =========================
field       indexed as                                  used for
==========  ==========================================  =========================
id          exact term, unique                          get/update/delete, ties
title       stemmed words with positions, length        ranking (weighted), phrases
body        stemmed words with positions, length        ranking, snippets (stored)
people      stemmed words of the names, positions;      ``people:putin``,
            a gap between names                         ``people:"Vladimir Putin"``
person      each full name as one exact term            people filter and facet
dates       each mentioned date as one exact term       ``dates:`` ranges, year facet
            (``YYYY`` / ``YYYY-MM`` / ``YYYY-MM-DD``)
section     exact term                                  section filter and facet
published   int64 column (:func:`published_key`)        sort, date filter, year facet
source      stored only                                 provenance
==========  ==========================================  =========================

Text fields index through :func:`searchsvc.analysis.terms` directly (see that
module for why); their analyzer is the same function wrapped for Whoosh's
query parser.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from whoosh import columns, fields, formats

from .analysis import NewsAnalyzer, terms
from .document import Document, format_published

#: Bumped when the on-disk layout changes; an index of another version is rebuilt.
SCHEMA_VERSION = 1
#: Positions skipped between two names in ``people`` so a phrase cannot span them.
NAME_GAP = 100
TEXT_FIELDS = ("title", "body", "people")


class NewsText(fields.TEXT):
    """Stemmed text with positions, indexed without Whoosh's token objects."""

    def __init__(self, stored: bool = False) -> None:
        super().__init__(analyzer=NewsAnalyzer(), phrase=True, stored=stored)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        positions: dict[str, list[int]] = defaultdict(list)
        if isinstance(value, (list, tuple)):
            start = 0
            for item in value:
                seq = terms(item)
                for i, term in enumerate(seq, start):
                    positions[term].append(i)
                start += len(seq) + NAME_GAP
        else:
            for i, term in enumerate(terms(value)):
                positions[term].append(i)
        encode = self.format.encode
        for term, plist in positions.items():
            yield term.encode("utf-8"), len(plist), float(len(plist)), encode(plist)


class ExactList(fields.KEYWORD):
    """A list of strings, each indexed as one exact term (no analysis, no frequencies)."""

    def __init__(self, stored: bool = False) -> None:
        super().__init__(stored=stored, scorable=False)
        self.format = formats.Existence()

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        items = [value] if isinstance(value, str) else value
        for item in dict.fromkeys(v for v in items if v):
            yield item.encode("utf-8"), 1, 1.0, b""


class Published(fields.COLUMN):
    """Stored as its ISO text; an int64 column (:func:`published_key`) for sorting and ranges."""

    stored = True

    def __init__(self) -> None:
        super().__init__(columns.NumericColumn("q", default=0))

    def to_column_value(self, value: Any) -> int:
        return published_key(value)


def published_key(value: str | dt.datetime | None) -> int:
    """Seconds since 0001-01-01 (0 means "no date"): an int64 that sorts by time."""
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.toordinal() * 86400 + value.hour * 3600 + value.minute * 60 + value.second


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=NewsText(stored=True),
        body=NewsText(stored=True),
        people=NewsText(stored=True),
        person=ExactList(),
        dates=ExactList(stored=True),
        section=fields.ID(stored=True),
        published=Published(),
        source=fields.STORED(),
    )


def whoosh_fields(doc: Document) -> dict[str, Any]:
    """The keyword arguments for ``writer.add_document`` / ``update_document``."""
    values: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "body": doc.body,
        "people": list(doc.people),
        "person": list(doc.people),
        "dates": list(doc.dates),
        "source": doc.source,
    }
    if doc.section:
        values["section"] = doc.section
    published = format_published(doc.published)
    if published:
        values["published"] = published
    return values


def document_from_stored(stored: dict[str, Any]) -> Document:
    """Rebuild a Document from a hit's stored fields."""
    published = stored.get("published")
    return Document(
        id=stored["id"],
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        section=stored.get("section", ""),
        published=dt.datetime.fromisoformat(published) if published else None,
        people=tuple(stored.get("people") or ()),
        dates=tuple(stored.get("dates") or ()),
        source=stored.get("source", ""),
    )
