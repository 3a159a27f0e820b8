"""Write authorisation: one bearer API key, compared in constant time.

With no key configured (setting ``api_key`` empty) the service is read-only and
every write answers 403. A missing or malformed ``Authorization`` header answers
401 with ``WWW-Authenticate: Bearer``; a wrong key answers the same 401, with no
hint of how it was wrong. The key is never logged or echoed.
"""

from __future__ import annotations

import hmac

import falcon


def require_key(req: falcon.Request, api_key: str) -> None:
    if not api_key:
        raise falcon.HTTPForbidden(description="writes are disabled: no API key is configured "
                                               "(setting api_key); the service is read-only")
    header = req.get_header("Authorization") or ""
    scheme, _, given = header.partition(" ")
    # Compare even when the scheme is wrong so timing says nothing about the key.
    ok = hmac.compare_digest(given.strip().encode("utf-8"), api_key.encode("utf-8"))
    if scheme.lower() != "bearer" or not ok:
        raise falcon.HTTPUnauthorized(description="a valid API key is required: Authorization: Bearer <key>",
                                      challenges=["Bearer"])
