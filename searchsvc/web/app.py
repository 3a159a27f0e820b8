"""The WSGI application: ``create_app(engine_or_settings)``.

The factory wires one :class:`~searchsvc.engine.SearchEngine` and one
:class:`~searchsvc.writer.IndexWriter` into the resources, installs the error
handlers (errors.py), metrics, security headers and optional CORS, and returns
a plain ``falcon.App`` that gunicorn serves (``searchsvc.wsgi:app``) or another
WSGI application mounts.

Nothing touches the index until the first request: under gunicorn each worker
therefore opens its own readers after the fork (the config warms them up in
``post_worker_init``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import falcon
import orjson

from ..engine import SearchEngine
from ..errors import SearchsvcError
from ..settings import Settings, settings_or_defaults
from ..writer import IndexWriter
from . import errors, resources
from .auth import check_api_key
from .metrics import CONTENT_TYPE, Metrics, MetricsMiddleware
from .openapi import build_spec

STATIC = Path(__file__).parent / "static"
#: The page loads only its own script and styles; nothing inline, no framing.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def create_app(engine_or_settings: SearchEngine | Settings | str | os.PathLike[str] | None = None) -> SearchApp:
    """The service for an engine (its index and settings), for settings (index from ``settings.index``)
    or for an index directory (with the default settings and the environment's)."""
    if isinstance(engine_or_settings, SearchEngine):
        engine = engine_or_settings
        settings = engine.settings
    else:
        settings = (Settings({"index": engine_or_settings}) if isinstance(engine_or_settings, (str, os.PathLike))
                    else settings_or_defaults(engine_or_settings))
        engine = SearchEngine(settings.index, settings)
    check_api_key(settings.api_key)
    writer = IndexWriter(engine.path, settings)
    metrics = Metrics(engine.info)

    middleware: list[Any] = [MetricsMiddleware(metrics), SecurityHeaders(), LenientStaticHeaders()]
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        middleware.append(falcon.CORSMiddleware(allow_origins="*" if "*" in origins else origins,
                                                expose_headers=["Retry-After"]))
        if "*" not in origins:
            middleware.append(VaryOrigin())
    app = SearchApp(middleware=middleware)
    app.engine = engine
    # orjson encodes a page of results in ~9 µs against ~150 µs for the json module.
    json_handler = falcon.media.JSONHandler(dumps=orjson.dumps, loads=orjson.loads)
    app.req_options.media_handlers.update({falcon.MEDIA_JSON: json_handler})
    app.resp_options.media_handlers.update({falcon.MEDIA_JSON: json_handler})
    app.req_options.auto_parse_qs_csv = False
    app.resp_options.secure_cookies_by_default = True

    app.add_error_handler(Exception, errors.handle_unexpected)
    app.add_error_handler(falcon.HTTPError, errors.handle_http_error)
    app.add_error_handler(SearchsvcError, errors.library_error_handler(engine.path))

    app.add_route("/search", resources.Search(engine, settings))
    app.add_route("/suggest", resources.Suggest(engine))
    app.add_route("/documents", resources.DocumentCollection(writer, settings))
    app.add_route("/documents/{doc_id}", resources.DocumentItem(engine, writer, settings))
    app.add_route("/documents/{doc_id}/similar", resources.Similar(engine, settings))
    app.add_route("/health", resources.Health(engine, settings))
    app.add_route("/metrics", MetricsResource(metrics))
    app.add_route("/openapi.json", OpenAPI(build_spec(settings)))
    app.add_route("/", Page())
    app.add_static_route("/static", str(STATIC), fallback_filename=None)
    return app


class SearchApp(falcon.App):
    """A falcon.App that exposes its engine (for gunicorn's warm-up hook and for embedding apps)."""

    engine: SearchEngine


class MetricsResource:
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = CONTENT_TYPE
        resp.data = self.metrics.render()

    on_head = on_get


class OpenAPI:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self.spec

    on_head = on_get


class Page:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        script_name = req.env.get("SCRIPT_NAME", "")
        if script_name and not req.env.get("PATH_INFO"):
            # Mounted under a prefix and asked for "/news": the page's relative URLs need "/news/".
            query = f"?{req.query_string}" if req.query_string else ""
            raise falcon.HTTPMovedPermanently(f"{script_name}/{query}")
        resp.content_type = falcon.MEDIA_HTML
        resp.data = (STATIC / "index.html").read_bytes()

    on_head = on_get


class LenientStaticHeaders:
    """Request headers that HTTP says to ignore when they are invalid, dropped before Falcon's static
    route answers them with a 400: an ``If-Modified-Since`` that is no date (RFC 9110 13.1.3), and
    a ``Range`` the route cannot serve, such as several ranges (a server may ignore a Range,
    14.2: the whole file then, 200)."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if not req.path.startswith("/static/"):
            return
        for key, parsed in (("HTTP_IF_MODIFIED_SINCE", lambda: req.if_modified_since),
                            ("HTTP_RANGE", lambda: req.range)):
            if key in req.env:
                try:
                    parsed()
                except falcon.HTTPBadRequest:
                    del req.env[key]


class VaryOrigin:
    """``Vary: Origin`` where the CORS answer depends on the asking origin (a list of origins):
    Falcon's CORS middleware does not say so, and a shared cache could then give one origin's
    answer, with its ``Access-Control-Allow-Origin``, to another, which the browser refuses."""

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        resp.append_header("Vary", "Origin")


class SecurityHeaders:
    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Content-Security-Policy", CSP)
        resp.set_header("X-Frame-Options", "DENY")
        resp.set_header("Referrer-Policy", "no-referrer")
        if req.path.startswith(("/search", "/suggest", "/documents", "/health", "/metrics")):
            resp.set_header("Cache-Control", "no-store")
        elif req.path == "/" or req.path.startswith("/static/"):
            # Revalidate on every load (a 304 thanks to the static route's ETag), so that after an
            # upgrade a browser never runs a mix of old and new page modules.
            resp.set_header("Cache-Control", "no-cache")
