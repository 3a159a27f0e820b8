"""The service mounted under a prefix in another WSGI app, as an embedding site would do it
(a minimal path dispatcher, like werkzeug's DispatcherMiddleware): for the browser tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from searchsvc.wsgi import app as searchsvc_app

PREFIX = "/news"


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if path == PREFIX or path.startswith(PREFIX + "/"):
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + PREFIX
        environ["PATH_INFO"] = path[len(PREFIX):]
        return searchsvc_app(environ, start_response)
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"the host site's own page"]
