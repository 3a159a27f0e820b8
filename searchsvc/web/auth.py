"""Write authorisation: one bearer API key, compared in constant time.

With no key configured (setting ``api_key`` empty) the service is read-only and
every write answers 403. A missing or malformed ``Authorization`` header answers
401 with ``WWW-Authenticate: Bearer``; a wrong key answers the same 401, with no
hint of how it was wrong. The key is never logged or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import falcon

from ..errors import QueryError

#: What a key may hold: an HTTP header carries it, and servers decode headers as latin-1.
_KEY_FORM = re.compile(r"[!-~]*")


def check_api_key(api_key: str) -> None:
    """Refuse, when the service starts, a key no client could send: a byte that is not UTF-8
    made every write a 500, and a non-ASCII key never matched. Only the service checks it: the
    CLI's other commands do not use the key and must not fail on it."""
    if not _KEY_FORM.fullmatch(api_key):
        raise QueryError("SEARCHSVC_API_KEY (api_key) must be printable ASCII without spaces", param="api_key")


def require_key(req: falcon.Request, api_key: str) -> None:
    if not api_key:
        raise falcon.HTTPForbidden(description="writes are disabled: no API key is configured "
                                               "(setting api_key); the service is read-only")
    header = req.get_header("Authorization") or ""
    scheme, _, given = header.partition(" ")
    # Compare even when the scheme is wrong so timing says nothing about the key, and compare
    # digests: compare_digest returns early on different lengths, which would tell the key's length.
    ok = hmac.compare_digest(_digest(given.strip()), _digest(api_key))
    if scheme.lower() != "bearer" or not ok:
        raise falcon.HTTPUnauthorized(description="a valid API key is required: Authorization: Bearer <key>",
                                      challenges=["Bearer"])


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()
