"""The two systems the benchmark compares searchsvc with, built from the same documents.

* ``NaiveWhoosh``: what a newcomer writes: ``StemmingAnalyzer`` on title and body, one
  writer, the default (compound) segment format, ``MultifieldParser`` with AND,
  ``hit.highlights("body")`` for the snippet, no extraction.
* ``Fts5``: SQLite FTS5 with the porter tokenizer on an on-disk database,
  ``bm25()`` ranking, ``snippet()``/``highlight()`` for the snippet and title.

Both receive the documents already parsed; their build times cover indexing
only (searchsvc's covers reading the files and extracting people and dates too).
People filters become a phrase of the name and date ranges a filter on the
published date, the closest each system has.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from typing import Any


class NaiveWhoosh:
    name = "naive Whoosh"

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.searcher: Any = None

    def build(self, docs: list[Any]) -> float:
        from whoosh import fields, index
        from whoosh.analysis import StemmingAnalyzer

        os.makedirs(self.folder, exist_ok=True)
        schema = fields.Schema(id=fields.ID(stored=True), title=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
                               body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
                               published=fields.DATETIME(stored=True))
        started = time.perf_counter()
        ix = index.create_in(self.folder, schema)
        w = ix.writer(limitmb=256)
        for d in docs:
            w.add_document(id=d.id, title=d.title, body=d.body, published=d.published)
        w.commit()
        return time.perf_counter() - started

    def open(self) -> None:
        from whoosh import index, qparser

        self.ix = index.open_dir(self.folder)
        self.searcher = self.ix.searcher()
        self.parser = qparser.MultifieldParser(["title", "body"], self.ix.schema, group=qparser.AndGroup)

    def search(self, q: dict[str, Any]) -> list[tuple[str, str]]:
        from whoosh import query as wq

        text = q["text"] + (f' "{q["people"]}"' if q.get("people") else "")
        parsed = self.parser.parse(text)
        filt = None
        if q.get("date_from"):
            filt = wq.DateRange("published", _start(q["date_from"]), _end(q["date_to"]))
        hits = self.searcher.search(parsed, limit=10, filter=filt)
        return [(h["id"], h.highlights("body")) for h in hits]

    def close(self) -> None:
        if self.searcher:
            self.searcher.close()


class Fts5:
    name = "SQLite FTS5"

    def __init__(self, path: str) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None

    def build(self, docs: list[Any]) -> float:
        if os.path.exists(self.path):
            os.remove(self.path)
        started = time.perf_counter()
        db = sqlite3.connect(self.path)
        db.execute("create virtual table d using fts5(id unindexed, title, body, published unindexed, "
                   "tokenize='porter unicode61')")
        db.executemany("insert into d values (?, ?, ?, ?)",
                       ((x.id, x.title, x.body, x.published.isoformat() if x.published else None) for x in docs))
        db.commit()
        db.close()
        return time.perf_counter() - started

    def open(self) -> None:
        self.db = sqlite3.connect(self.path)

    def search(self, q: dict[str, Any]) -> list[tuple[str, str]]:
        assert self.db is not None
        match = fts_query(q["text"]) + (f' "{q["people"]}"' if q.get("people") else "")
        sql = ("select id, highlight(d, 1, '<mark>', '</mark>'), snippet(d, 2, '<mark>', '</mark>', '…', 24) "
               "from d where d match ?")
        args: list[Any] = [match]
        if q.get("date_from"):
            sql += " and published between ? and ?"
            args += [_start(q["date_from"]).isoformat(), _end(q["date_to"]).isoformat()]
        rows = self.db.execute(sql + " order by bm25(d) limit 10", args).fetchall()
        return [(r[0], r[2]) for r in rows]

    def close(self) -> None:
        if self.db:
            self.db.close()


def fts_query(text: str) -> str:
    """All-terms FTS5 query: quoted phrases kept, other words quoted one by one."""
    out, rest = [], text
    while '"' in rest:
        before, _, after = rest.partition('"')
        phrase, _, rest = after.partition('"')
        out += [f'"{w}"' for w in before.split()] + [f'"{phrase}"']
    out += [f'"{w}"' for w in rest.split()]
    return " ".join(out)


def _start(value: str) -> dt.datetime:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.datetime(parts[0], parts[1], parts[2])


def _end(value: str) -> dt.datetime:
    import calendar

    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.datetime(parts[0], 12, 31, 23, 59, 59)
    if len(parts) == 2:
        return dt.datetime(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1], 23, 59, 59)
    return dt.datetime(parts[0], parts[1], parts[2], 23, 59, 59)
