"""The HTTP resources: thin adapters from requests to :class:`SearchEngine` and :class:`IndexWriter`.

Each resource gets its collaborators through its constructor (the app factory
wires them); none holds state of its own. Library errors pass through untouched
and become HTTP errors in one place (errors.py). Every GET route answers HEAD as
well (``on_head = on_get``: the same status and headers, and Falcon drops the
body), as HTTP requires and as monitors probing ``/health`` expect.
"""

from __future__ import annotations

import io
from typing import Any, ClassVar, NoReturn

import falcon

from ..document import Document, id_problem
from ..engine import MAX_FACET_VALUES, MAX_PREFIX_CHARS, MAX_SUGGESTIONS, SearchEngine
from ..errors import InputError, NotFoundError, QueryError
from ..loaders.jsonl import parse_line
from ..query import MATCH_MODES
from ..ranking import SORTS
from ..settings import Settings
from ..writer import IndexWriter
from . import params
from .auth import require_key
from .errors import InvalidDocuments


class Search:
    def __init__(self, engine: SearchEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    #: The engine's keyword -> this endpoint's query parameter, for error messages.
    PARAMS: ClassVar[dict[str, str]] = {"date_from": "from", "date_to": "to"}

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        try:
            resp.media = self._search(req).to_dict()
        except QueryError as e:
            if e.param in self.PARAMS:
                e.param = self.PARAMS[e.param]
            raise

    on_head = on_get

    def _search(self, req: falcon.Request) -> Any:
        s = self.settings
        return self.engine.search(
            params.text(req, "q", max_chars=s.max_query_chars),
            match=params.choice(req, "match", "all", MATCH_MODES),
            limit=params.integer(req, "limit", 10, 0, s.max_limit),
            offset=params.integer(req, "offset", 0, 0, s.max_offset),
            people=params.texts(req, "people"),
            section=params.text(req, "section", max_chars=200) or None,
            date_from=params.text(req, "from", max_chars=40) or None,
            date_to=params.text(req, "to", max_chars=40) or None,
            mentions_from=params.text(req, "mentions_from", max_chars=40) or None,
            mentions_to=params.text(req, "mentions_to", max_chars=40) or None,
            sort=params.choice(req, "sort", "relevance", SORTS),
            facets=params.flag(req, "facets", True),
            snippets=params.flag(req, "snippets", True),
            facet_limit=params.integer(req, "facet_limit", 10, 1, MAX_FACET_VALUES),
        )


class Suggest:
    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        prefix = params.text(req, "q", max_chars=MAX_PREFIX_CHARS)
        limit = params.integer(req, "limit", 10, 1, MAX_SUGGESTIONS)
        resp.media = {"q": prefix, "suggestions": self.engine.suggest(prefix, limit=limit)}

    on_head = on_get


class Similar:
    def __init__(self, engine: SearchEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def on_get(self, req: falcon.Request, resp: falcon.Response, doc_id: str) -> None:
        _check_id(doc_id)
        limit = params.integer(req, "limit", 10, 0, self.settings.max_limit)
        resp.media = self.engine.similar(doc_id, limit=limit).to_dict()

    on_head = on_get


class DocumentItem:
    """``GET``/``PUT``/``DELETE /documents/{id}``."""

    def __init__(self, engine: SearchEngine, writer: IndexWriter, settings: Settings) -> None:
        self.engine = engine
        self.writer = writer
        self.settings = settings

    def on_get(self, req: falcon.Request, resp: falcon.Response, doc_id: str) -> None:
        _check_id(doc_id)
        resp.media = self.engine.get(doc_id).to_record()

    on_head = on_get

    def on_put(self, req: falcon.Request, resp: falcon.Response, doc_id: str) -> None:
        require_key(req, self.settings.api_key)
        _check_id(doc_id)
        kind = _media_type(req)
        if kind != "application/json":
            raise falcon.HTTPUnsupportedMediaType(description=f"send the document as application/json, not {kind!r}")
        record = params.json_value(params.body_bytes(req, self.settings.max_body_bytes), self.settings.max_json_depth)
        if not isinstance(record, dict):
            raise QueryError("body must be a JSON object (a document)", param="body")
        if record.get("id") is None:  # absent or null: the URL's
            record["id"] = doc_id
        body_id = record["id"]
        if isinstance(body_id, int) and not isinstance(body_id, bool):
            body_id = str(body_id)  # as POST and the loaders take an integer id (Document.from_record)
        if body_id != doc_id:
            raise QueryError(f"the body's id {str(record['id'])[:80]!r} differs from the URL's", param="id")
        doc = Document.from_record(record, source="PUT", max_chars=self.settings.max_document_chars)
        result = self.writer.put([doc])
        created = doc_id not in result.existed
        resp.status = falcon.HTTP_201 if created else falcon.HTTP_200
        resp.media = {"id": doc_id, "result": "created" if created else "updated"}

    def on_delete(self, req: falcon.Request, resp: falcon.Response, doc_id: str) -> None:
        require_key(req, self.settings.api_key)
        _check_id(doc_id)
        result = self.writer.delete([doc_id])
        if doc_id not in result.existed:
            raise NotFoundError(f"no document with id {doc_id!r}")
        resp.media = {"id": doc_id, "result": "deleted"}


class DocumentCollection:
    """``POST /documents``: a JSON array or JSON Lines of documents; bad ones are reported, the rest written."""

    LINES = ("application/x-ndjson", "application/jsonl", "application/json-lines", "application/jsonlines")

    def __init__(self, writer: IndexWriter, settings: Settings) -> None:
        self.writer = writer
        self.settings = settings

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        s = self.settings
        require_key(req, s.api_key)
        data = params.body_bytes(req, s.max_body_bytes)
        kind = _media_type(req)
        if kind in self.LINES:
            records = self._lines(data)
        elif kind == "application/json":
            records = self._array(data)
        else:
            raise falcon.HTTPUnsupportedMediaType(
                description=f"send application/json (an array) or application/x-ndjson, not {kind!r}")
        docs = [r for r in records if isinstance(r, Document)]
        errors = [_record_error(i, r) for i, r in enumerate(records) if isinstance(r, InputError)]
        if not docs:
            raise InvalidDocuments(f"no valid document among {len(records)}", errors)
        result = self.writer.put(docs)
        resp.media = {"written": len(result.ids), "created": result.created, "failed": len(errors),
                      "errors": errors}

    def _lines(self, data: bytes) -> list[Document | InputError]:
        out: list[Document | InputError] = []
        # Line by line (not one split of the whole body), stopping at the first record past the
        # limit: 8 million one-character lines were all parsed (30 s, a worker timeout: a 500)
        # before the count refused them.
        for n, raw in enumerate(io.BytesIO(data), 1):
            if raw.strip():
                if len(out) == self.settings.max_bulk_documents:
                    self._too_many()
                if params.depth_exceeded(raw, self.settings.max_json_depth):
                    out.append(InputError(f"nested deeper than {self.settings.max_json_depth} levels",
                                          source="body", line=n))
                    continue
                out.append(parse_line(raw, source="body", line=n, max_chars=self.settings.max_document_chars))
        return out

    def _array(self, data: bytes) -> list[Document | InputError]:
        value = params.json_value(data, self.settings.max_json_depth)
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            raise QueryError("body must be a JSON array of documents", param="body")
        if len(value) > self.settings.max_bulk_documents:
            self._too_many(len(value))
        out: list[Document | InputError] = []
        for rec in value:
            try:
                out.append(Document.from_record(rec, source="body", max_chars=self.settings.max_document_chars))
            except InputError as e:
                out.append(e)
        return out

    def _too_many(self, count: int | None = None) -> NoReturn:
        limit = self.settings.max_bulk_documents
        sent = f"{count:,}" if count is not None else f"more than {limit:,}"
        raise falcon.HTTPContentTooLarge(
            description=f"{sent} documents in one request; the limit is {limit:,} "
                        "(setting max_bulk_documents): send them in several requests")


class Health:
    def __init__(self, engine: SearchEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        info = self.engine.info()
        s = self.settings
        resp.media = {"status": "ok", "generation": info["generation"], "documents": info["documents"],
                      "segments": info["segments"], "last_rebuild": info["built_at"],
                      "index_size_bytes": info["size_bytes"],
                      # Clients (the search page) page and cap requests by these.
                      "limits": {"max_limit": s.max_limit, "max_offset": s.max_offset,
                                 "max_query_chars": s.max_query_chars}}

    on_head = on_get


def _media_type(req: falcon.Request) -> str:
    """The request's media type without parameters; JSON when the client names none."""
    return (req.content_type or "application/json").split(";")[0].strip().lower()


def _check_id(doc_id: str) -> None:
    problem = id_problem(doc_id)
    if problem:
        raise QueryError(f"id: {problem}", param="id")


def _record_error(index: int, err: InputError) -> dict[str, Any]:
    d = err.to_dict()
    d["index"] = index
    d.pop("source", None)
    return d
