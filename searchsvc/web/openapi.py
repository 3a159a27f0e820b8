"""The OpenAPI 3.1 description of the HTTP API, served at ``/openapi.json``.

Written out by hand next to the resources it describes; ``tests/test_web.py``
validates it with openapi-spec-validator, checks that every route of the app
is described (and nothing else), and validates real responses against the
schemas here.
"""

from __future__ import annotations

from typing import Any

from ..engine import MAX_FACET_VALUES, MAX_PREFIX_CHARS
from ..facets import FACETS
from ..query import MATCH_MODES
from ..ranking import SORTS
from ..settings import Settings

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "Bad parameter or document", 401: "Missing or wrong API key", 403: "Writes disabled",
            404: "No such document", 413: "Body too large", 415: "Unsupported body type",
            503: "Index busy, missing, or the query hit the time limit (see Retry-After)"}
    return {str(c): _json(_ref("Error"), text[c]) for c in codes}


def _param(name: str, schema: dict[str, Any], description: str, where: str = "query",
           explode: bool | None = None) -> dict[str, Any]:
    p = {"name": name, "in": where, "schema": schema, "description": description, "required": where == "path"}
    if explode is not None:
        p["explode"] = explode
    return p


DOC_ID = _param("doc_id", {"type": "string", "maxLength": 200}, "Document id.", "path")
DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def build_spec(settings: Settings) -> dict[str, Any]:
    s = settings
    search_params = [
        _param("q", {"type": "string", "maxLength": s.max_query_chars}, "Query (Whoosh syntax; empty: everything)."),
        _param("match", {"type": "string", "enum": list(MATCH_MODES), "default": "all"}, "Require all words or any."),
        _param("limit", {"type": "integer", "minimum": 0, "maximum": s.max_limit, "default": 10}, "Hits per page."),
        _param("offset", {"type": "integer", "minimum": 0, "maximum": s.max_offset, "default": 0}, "Hits to skip."),
        _param("people", {"type": "array", "items": {"type": "string"}}, "Only documents naming every one of "
               "these people (repeat the parameter).", explode=True),
        _param("section", {"type": "string"}, "Only this section (case-insensitive)."),
        _param("from", DATE, "Published on or after (YYYY, YYYY-MM or YYYY-MM-DD)."),
        _param("to", DATE, "Published on or before."),
        _param("mentions_from", DATE, "Mentions a date on or after."),
        _param("mentions_to", DATE, "Mentions a date on or before."),
        _param("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"},
               "Order of hits; equally relevant hits newest first, then by id; equally new ones by relevance, "
               "then by id."),
        _param("facets", {"type": "boolean", "default": True}, "Include facet counts."),
        _param("facet_limit", {"type": "integer", "minimum": 1, "maximum": MAX_FACET_VALUES, "default": 10},
               "Values per facet, the most frequent first (the years newest first)."),
        _param("snippets", {"type": "boolean", "default": True}, "Include highlighted snippets."),
    ]
    document = {"type": "object", "required": ["id"], "additionalProperties": False, "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "body": {"type": "string"},
        "section": {"type": "string"}, "published": {"type": ["string", "null"]},
        "people": {"type": "array", "items": {"type": "string"}},
        "dates": {"type": "array", "items": DATE}, "source": {"type": "string"}}}
    facet = {"type": "array", "items": {"type": "object", "required": ["value", "count"],
                                        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}}}}
    hit = {"type": "object", "required": ["id", "score", "title", "snippet", "people", "dates", "published", "section"],
           "properties": {"id": {"type": "string"}, "score": {"type": "number"},
                          "title": {"type": "string", "description": "HTML: escaped text and <mark> only."},
                          "snippet": {"type": "string", "description": "HTML: escaped text and <mark> only."},
                          "people": {"type": "array", "items": {"type": "string"}},
                          "dates": {"type": "array", "items": {"type": "string"}},
                          "published": {"type": ["string", "null"]}, "section": {"type": "string"}}}
    results = {"type": "object", "required": ["query", "total", "hits", "took_ms", "generation"], "properties": {
        "query": {"type": "string"}, "match": {"type": "string"}, "sort": {"type": "string"},
        "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"},
        "hits": {"type": "array", "items": _ref("Hit")},
        "facets": {"type": "object", "properties": dict.fromkeys(FACETS, facet), "additionalProperties": False},
        "did_you_mean": {"type": ["string", "null"]},
        "relaxed": {"type": "boolean", "description": "No document had every word; hits match any word."},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "took_ms": {"type": "number"}, "generation": {"type": "string"}}}
    error = {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["status", "code", "message"], "properties": {
            "status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"},
            "param": {"type": "string", "description": "The offending query parameter, or the document field "
                      "(for a bad document: the same as field; body when the body as a whole is bad)."},
            "retry_after": {"type": "integer"},
            # A bad document (invalid_document) also says where, as a record error does.
            "field": {"type": "string"}, "record_id": {"type": "string"}, "source": {"type": "string"},
            "line": {"type": "integer"},
            "errors": {"type": "array", "items": _ref("RecordError")}},
        "additionalProperties": False}}}
    record_error = {"type": "object", "required": ["index", "message"], "properties": {
        "index": {"type": "integer"}, "line": {"type": "integer"}, "record_id": {"type": "string"},
        "field": {"type": "string"}, "message": {"type": "string"}}}
    write = {"type": "object", "required": ["id", "result"], "properties": {
        "id": {"type": "string"}, "result": {"type": "string", "enum": ["created", "updated", "deleted"]}}}
    bulk = {"type": "object", "required": ["written", "created", "failed", "errors"], "properties": {
        "written": {"type": "integer"}, "created": {"type": "integer"}, "failed": {"type": "integer"},
        "errors": {"type": "array", "items": _ref("RecordError")}}}
    health = {"type": "object", "required": ["status", "generation", "documents"], "properties": {
        "status": {"type": "string"}, "generation": {"type": "string"}, "documents": {"type": "integer"},
        "segments": {"type": "integer"}, "last_rebuild": {"type": ["string", "null"]},
        "index_size_bytes": {"type": "integer"},
        "limits": {"type": "object", "properties": {"max_limit": {"type": "integer"},
                                                     "max_offset": {"type": "integer"},
                                                     "max_query_chars": {"type": "integer"}}}}}
    suggestion = {"type": "object", "required": ["q", "suggestions"], "properties": {
        "q": {"type": "string"}, "suggestions": {"type": "array", "items": {
            "type": "object", "required": ["text", "kind", "count", "q"], "properties": {
                "text": {"type": "string"},
                "kind": {"type": "string", "enum": ["person", "word", "query"],
                         "description": "query: what was typed, its last word completed in the context of "
                                        "the others (several words typed)."},
                "count": {"type": "integer",
                          "description": "Documents the search for q (with the person as a people filter) finds "
                                         "with every word."},
                "q": {"type": "string", "description": "The query to search with when this is picked."}}}}}}
    body = {"required": True, "content": {JSON: {"schema": _ref("Document")}}}
    bulk_body = {"required": True, "content": {
        JSON: {"schema": {"type": "array", "items": _ref("Document")}},
        "application/x-ndjson": {"schema": {"type": "string", "description": "One document per line."}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "searchsvc", "version": "0.1.0",
                 "description": "Full-text search for news, with people and dates."},
        # Relative to where this document is served (OpenAPI 3.1, 4.8.5): an app mounted under a
        # prefix (/news/openapi.json) has its paths there (/news/search), not at the host's root.
        "servers": [{"url": "."}],
        "paths": {
            "/search": {"get": {"summary": "Ranked, highlighted, faceted search", "operationId": "search",
                                "parameters": search_params,
                                "responses": {"200": _json(_ref("SearchResults"), "Results"),
                                              **_errors(400, 503)}}},
            "/suggest": {"get": {"summary": "Autocomplete: people, words, queries", "operationId": "suggest",
                                 "parameters": [_param("q", {"type": "string", "maxLength": MAX_PREFIX_CHARS},
                                                       "What is typed: a word, or words whose last one is completed."),
                                                _param("limit", {"type": "integer", "minimum": 1, "maximum": 50},
                                                       "Suggestions.")],
                                 "responses": {"200": _json(_ref("Suggestions"), "Suggestions"),
                                               **_errors(400, 503)}}},
            "/documents": {"post": {"summary": "Add or replace many documents", "operationId": "putMany",
                                    "security": BEARER, "requestBody": bulk_body,
                                    "responses": {"200": _json(_ref("BulkResult"), "Written; bad records listed"),
                                                  **_errors(400, 401, 403, 413, 415, 503)}}},
            "/documents/{doc_id}": {
                "parameters": [DOC_ID],
                "get": {"summary": "One document", "operationId": "getDocument",
                        "responses": {"200": _json(_ref("Document"), "The document"), **_errors(400, 404, 503)}},
                "put": {"summary": "Add or replace a document", "operationId": "putDocument", "security": BEARER,
                        "requestBody": body,
                        "responses": {"200": _json(_ref("WriteResult"), "Replaced"),
                                      "201": _json(_ref("WriteResult"), "Created"),
                                      **_errors(400, 401, 403, 413, 415, 503)}},
                "delete": {"summary": "Delete a document", "operationId": "deleteDocument", "security": BEARER,
                           "responses": {"200": _json(_ref("WriteResult"), "Deleted"),
                                         **_errors(400, 401, 403, 404, 503)}}},
            "/documents/{doc_id}/similar": {
                "parameters": [DOC_ID],
                "get": {"summary": "More like this", "operationId": "similar",
                        "parameters": [_param("limit", {"type": "integer", "minimum": 0, "maximum": s.max_limit},
                                              "Hits.")],
                        "responses": {"200": _json(_ref("SearchResults"), "Similar documents"),
                                      **_errors(400, 404, 503)}}},
            "/health": {"get": {"summary": "Live generation and document count", "operationId": "health",
                                "responses": {"200": _json(_ref("Health"), "Serving"), **_errors(503)}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "operationId": "metrics",
                                 "responses": {"200": {"description": "Prometheus text format",
                                                       "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/openapi.json": {"get": {"summary": "This description", "operationId": "openapi",
                                      "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")}}},
            "/": {"get": {"summary": "The search page", "operationId": "page",
                          "responses": {"200": {"description": "HTML",
                                                "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        },
        "components": {
            "schemas": {"Document": document, "Hit": hit, "SearchResults": results, "Error": error,
                        "RecordError": record_error, "WriteResult": write, "BulkResult": bulk, "Health": health,
                        "Suggestions": suggestion},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
