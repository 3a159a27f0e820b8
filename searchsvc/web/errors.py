"""The one JSON error shape, and the mapping from library errors to HTTP statuses.

Every error response, whoever raised it (a library error, Falcon's own 404/405,
a body too large, an unexpected exception), has this body::

    {"error": {"status": 400, "code": "invalid_parameter",
               "message": "limit must be an integer from 0 to 100", "param": "limit"}}

``param`` names the offending query parameter or field when there is one;
``retry_after`` (seconds) accompanies 503s, which also carry a ``Retry-After``
header. Unexpected exceptions become a 500 with a fixed message; the traceback
goes to the server log, never to the client. ``tests/test_web.py`` pins the shape.

gunicorn refuses some requests before the app runs (a request line past 8,190 bytes,
too many or too large headers, a malformed request line) and would answer them with
an HTML page: :func:`install_server_errors`, run in each worker, makes those answers
this JSON shape too (``tests/test_server.py`` checks it over a real gunicorn).
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import falcon

from ..errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexMissingError,
    IndexWriteError,
    InputError,
    NotFoundError,
    QueryError,
    QueryTimeoutError,
    SearchsvcError,
)

log = logging.getLogger("searchsvc.web")
#: How an error message names the served index's directory (its path is the operator's business).
INDEX_PLACEHOLDER = "<index>"
#: What a 500 says, from the app or from gunicorn: the details are in the server log only.
INTERNAL_MESSAGE = "the server failed to answer this request; it has been logged"

#: library error -> (HTTP status, error code)
STATUS = {
    QueryError: (400, "invalid_parameter"),
    InputError: (400, "invalid_document"),
    NotFoundError: (404, "not_found"),
    IndexMissingError: (503, "index_missing"),
    IndexBusyError: (503, "index_busy"),
    IndexDamagedError: (503, "index_damaged"),
    IndexWriteError: (503, "index_unwritable"),
    QueryTimeoutError: (503, "query_timeout"),
}


def error_body(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The error shape; the only place it is built."""
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    return {"error": body}


def send_error(resp: falcon.Response, status: int, code: str, message: str,
               retry_after: int | None = None, **extra: Any) -> None:
    resp.status = falcon.code_to_http_status(status)
    resp.content_type = falcon.MEDIA_JSON
    resp.data = json.dumps(error_body(status, code, message, retry_after=retry_after, **extra)).encode()
    if retry_after is not None:
        resp.set_header("Retry-After", str(retry_after))


def handle_library_error(req: falcon.Request, resp: falcon.Response, ex: SearchsvcError, params: Any,
                         hide: Sequence[str] = ()) -> None:
    """A library error as the JSON shape; each path in ``hide`` (the served index's) reads ``<index>``
    in the message, and the full message goes to the server log."""
    status, code = next((v for k, v in STATUS.items() if isinstance(ex, k)), (500, "internal_error"))
    extra: dict[str, Any] = {}
    if isinstance(ex, QueryError):
        extra["param"] = ex.param
    if isinstance(ex, InputError):
        extra.update(ex.to_dict())
        extra.pop("message", None)
        extra["param"] = ex.field or "body"  # param names what is wrong in every error (see the docstring)
    message = str(ex)
    for path in hide:
        message = message.replace(path, INDEX_PLACEHOLDER)
    if message != str(ex):
        log.warning("%s %s: %s", req.method, req.path[:200], ex)
    send_error(resp, status, code, message, retry_after=getattr(ex, "retry_after", None), **extra)


def library_error_handler(index: str | Path) -> Callable[..., None]:
    """:func:`handle_library_error` for an app serving ``index``: clients are told what is wrong with
    the index (missing, damaged, busy, unwritable) but not where it lies on the server's disk."""
    # Absolute forms, and a relative one with a folder in it ("data/news-index"); a bare name ("index")
    # tells nothing, and replacing it would also replace the word wherever the message uses it.
    forms = {str(index), str(Path(index).absolute()), str(Path(index).resolve())}
    hide = sorted((f for f in forms if (Path(f).is_absolute() or os.sep in f) and f != "/"), key=len, reverse=True)

    def handle(req: falcon.Request, resp: falcon.Response, ex: SearchsvcError, params: Any) -> None:
        handle_library_error(req, resp, ex, params, hide)

    return handle


class InvalidDocuments(falcon.HTTPBadRequest):
    """A bulk write with not one valid document: 400 ``invalid_documents`` listing each record's error."""

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(description=message, code="invalid_documents")  # HTTPError's own "code" slot
        self.param = "body"
        self.errors = errors


def handle_http_error(req: falcon.Request, resp: falcon.Response, ex: falcon.HTTPError, params: Any) -> None:
    status = ex.status_code
    code = getattr(ex, "code", None) or _CODES.get(status, "http_error")
    message = ex.description or _DEFAULT_MESSAGES.get(status, "{title}").format(
        title=ex.title, method=req.method, path=req.path[:200])
    # A body too large or of the wrong type: the body is the culprit; a bad header or method is its own
    param = getattr(ex, "param", None) or ("body" if status in (413, 415) else None)
    if param is None and (isinstance(ex, falcon.HTTPInvalidHeader) or status == 416):
        param = "headers"
    if param is None and status == 400 and req.method not in falcon.COMBINED_METHODS:
        param, message = "method", f"{req.method[:20]!r} is not an HTTP method"
    send_error(resp, status, code, message, param=param, errors=getattr(ex, "errors", None))
    headers = ex.headers or {}
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)  # falcon allows both
    for name, value in pairs:
        resp.set_header(name, value)


def handle_unexpected(req: falcon.Request, resp: falcon.Response, ex: Exception, params: Any) -> None:
    if isinstance(ex, falcon.HTTPError):
        handle_http_error(req, resp, ex, params)
        return
    log.exception("unhandled error on %s %s", req.method, req.path)
    send_error(resp, 500, "internal_error", INTERNAL_MESSAGE)


_DEFAULT_MESSAGES = {
    404: "nothing at {path}",
    405: "{method} is not allowed on {path} (see the Allow header)",
}
_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    411: "length_required", 413: "payload_too_large", 415: "unsupported_media_type", 416: "range_not_satisfiable",
    503: "unavailable",
}


#: what gunicorn refuses before the app runs: status -> (code, param)
_SERVER_REFUSALS = {
    400: ("bad_request", "request"),
    403: ("forbidden", "request"),
    414: ("request_line_too_long", "url"),
    417: ("expectation_failed", "headers"),
    431: ("headers_too_large", "headers"),
    501: ("not_implemented", "headers"),
}


#: What a 400 from gunicorn names, from the words of its message ("Invalid HTTP Header: 'X Y'",
#: "Invalid HTTP method: 'G@T'", "Unsupported transfer coding: 'gzip'", "Invalid chunk size: ...").
_REFUSED_PARTS = (("header", "headers"), ("line folding", "headers"), ("transfer coding", "headers"),
                  ("method", "method"), ("chunk", "body"))


def server_error_response(status: int, reason: str, detail: str) -> bytes:
    """The whole HTTP answer to a request gunicorn refused, with the JSON error body."""
    code, param = _SERVER_REFUSALS.get(status, ("internal_error", None))
    if status == 400:
        param = next((part for words, part in _REFUSED_PARTS if words in detail.lower()), param)
    if status >= 500 and status != 501:
        message = INTERNAL_MESSAGE
    else:
        message = f"{reason.lower()}: {detail}" if detail else reason.lower()
    body = json.dumps(error_body(status, code, message, param=param)).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


def _write_server_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    from gunicorn import util

    # non-blocking, as gunicorn writes its own: a client that reads nothing cannot hold the worker
    util.write_nonblock(sock, server_error_response(status_int, reason, mesg))


def install_server_errors() -> None:
    """Make gunicorn answer the requests it refuses with the JSON error shape.

    gunicorn's worker writes those answers through ``gunicorn.util.write_error(sock,
    status, reason, message)`` (the same signature since gunicorn 19); replacing it is the
    one seam it offers short of copying its error handling into a worker class.
    """
    from gunicorn import util

    util.write_error = _write_server_error
