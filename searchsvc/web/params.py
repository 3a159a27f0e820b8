"""Reading request parameters and bodies, with errors that name the parameter.

Every problem raises :class:`~searchsvc.errors.QueryError` (400, ``param`` set)
or a Falcon 413/415, so the one error shape applies (see errors.py).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus, unquote_to_bytes

import falcon

from ..errors import QueryError
from ..settings import BOOLEANS

_INTEGER = re.compile(r"-?[0-9]+")


def single(req: falcon.Request, name: str) -> str | None:
    """The one value of a parameter that is not repeatable: ``q=oil&q=gas`` is refused, not
    silently read as one of them."""
    values = req.get_param_as_list(name)
    if not values:
        return None
    if len(values) > 1:
        raise QueryError(f"{name} is given {len(values)} times; it takes one value", param=name)
    return _utf8(req, name, values[0])


def _utf8(req: falcon.Request, name: str, value: str) -> str:
    # Falcon decodes percent-escapes that are not UTF-8 into U+FFFD: a client that sends latin-1
    # must learn it, not get results for a query it did not type. A U+FFFD the client sent itself
    # (%EF%BF%BD) is a character like another, so the parameter's raw values are decoded strictly
    # (looking for %EF%BF%BD in them let "%EF%BF%BD%FF" through).
    if "\ufffd" in value:
        for key, _, raw in (pair.partition("=") for pair in req.query_string.split("&")):
            if unquote_plus(key) == name:
                try:
                    unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
                except UnicodeDecodeError:
                    raise QueryError(f"{name} is not valid UTF-8 (percent-encode UTF-8 bytes)", param=name) from None
    return value


def text(req: falcon.Request, name: str, default: str = "", max_chars: int = 10_000) -> str:
    value = single(req, name)
    if value is None:
        return default
    if len(value) > max_chars:
        raise QueryError(f"{name} is longer than {max_chars:,} characters", param=name)
    return value


def texts(req: falcon.Request, name: str, max_items: int = 20) -> list[str]:
    """A repeatable parameter (``people=A&people=B``)."""
    values = req.get_param_as_list(name) or []
    if len(values) > max_items:
        raise QueryError(f"at most {max_items} {name} values", param=name)
    return [_utf8(req, name, v) for v in values if v.strip()]


def integer(req: falcon.Request, name: str, default: int, low: int, high: int) -> int:
    raw = single(req, name)
    if raw is None or raw == "":
        return default
    # ASCII digits only: int() also takes "1_0", " 1" and other scripts' digits
    if not _INTEGER.fullmatch(raw) or len(raw) > 20:
        raise QueryError(f"{name} must be an integer from {low} to {high}", param=name)
    value = int(raw)
    if not low <= value <= high:
        raise QueryError(f"{name} must be an integer from {low} to {high}", param=name)
    return value


def choice(req: falcon.Request, name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = single(req, name) or default
    if value not in allowed:
        raise QueryError(f"{name} must be one of {', '.join(allowed)}", param=name)
    return value


def flag(req: falcon.Request, name: str, default: bool) -> bool:
    raw = single(req, name)
    if raw is None or raw == "":
        return default
    value = BOOLEANS.get(raw.lower())
    if value is None:
        raise QueryError(f"{name} must be true or false (or 1/0, yes/no, on/off)", param=name)
    return value


def body_bytes(req: falcon.Request, max_bytes: int) -> bytes:
    """The request body, refusing (413) more than ``max_bytes`` whatever the framing."""
    encoding = (req.get_header("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":  # gzip bytes would be read as the JSON itself ("not valid UTF-8")
        raise falcon.HTTPUnsupportedMediaType(description=f"bodies are read as sent: Content-Encoding "
                                                          f"{encoding[:40]!r} is not accepted")
    # "Transfer-Encoding: gzip, chunked": gunicorn undoes only the chunking and passes the gzip on.
    codings = [c.strip().lower() for c in (req.get_header("Transfer-Encoding") or "").split(",") if c.strip()]
    other = [c for c in codings if c not in ("chunked", "identity")]
    if other:
        # As gunicorn answers "Transfer-Encoding: gzip" alone: 400, naming the headers.
        raise falcon.HTTPInvalidHeader(f"transfer coding {', '.join(other)[:40]!r} is not accepted "
                                       "(only chunked)", "Transfer-Encoding")
    length = req.content_length
    if length is not None and length > max_bytes:
        raise falcon.HTTPContentTooLarge(description=f"the body is {length:,} bytes; the limit is "
                                                     f"{max_bytes:,} (setting max_body_bytes)")
    # A chunked body has no Content-Length: Falcon's bounded_stream then reads nothing, but a
    # server that ends the stream with the body (gunicorn: wsgi.input_terminated) can be read.
    chunked = length is None and req.env.get("wsgi.input_terminated")
    try:
        data = (req.stream if chunked else req.bounded_stream).read(max_bytes + 1)
    except Exception as e:  # the server's own framing errors (gunicorn: a bad chunk size, a cut stream)
        raise QueryError(f"the body could not be read: {type(e).__name__}", param="body") from None
    if len(data) > max_bytes:
        raise falcon.HTTPContentTooLarge(description=f"the body is over the limit of {max_bytes:,} bytes "
                                                     "(setting max_body_bytes)")
    if length is not None and len(data) < length:  # the client stopped sending: never write part of it
        raise QueryError(f"the body ended after {len(data):,} of the {length:,} bytes its Content-Length "
                         "announced", param="body")
    # A byte order mark before the JSON (Windows tools write one), as the file loaders accept it
    return data.removeprefix(b"\xef\xbb\xbf")


def json_value(data: bytes, max_depth: int, what: str = "body") -> Any:
    """Parse JSON, refusing invalid UTF-8, invalid JSON and nesting deeper than ``max_depth``."""
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise QueryError(f"{what} is not valid UTF-8 (byte {e.start})", param=what) from None
    except RecursionError:
        raise QueryError(f"{what} is nested too deeply", param=what) from None
    except json.JSONDecodeError as e:
        raise QueryError(f"{what} is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}",
                         param=what) from None
    except ValueError as e:  # a number of more than 4,300 digits (Python's int conversion limit)
        raise QueryError(f"{what} is not valid JSON: {str(e).split(';')[0]}", param=what) from None
    if depth(value) > max_depth:
        raise QueryError(f"{what} is nested deeper than {max_depth} levels (setting max_json_depth)", param=what)
    return value


def depth_exceeded(raw: bytes, max_depth: int) -> bool:
    """Cheap pre-check of one JSON Lines record: more nested brackets than allowed?"""
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return False
    try:
        return depth(json.loads(raw)) > max_depth
    except (ValueError, RecursionError):
        return False  # the parser reports it


def depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item)
    return deepest
