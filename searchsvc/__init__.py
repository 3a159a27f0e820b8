"""searchsvc: a full-text search engine service for news.

The public API::

    from searchsvc import SearchEngine, rebuild, IndexWriter, Document, Settings

    rebuild("index", ["seeds/"])                  # full rebuild into a new generation
    engine = SearchEngine("index")
    results = engine.search("putin", match="all", people="Xi Jinping", limit=10)
    IndexWriter("index").put([Document(id="x1", title="...", body="...")])

``searchsvc.web.create_app(engine_or_settings)`` returns the Falcon WSGI app.
Everything else in the package is internal and may change.
"""

from .document import Document
from .engine import SearchEngine
from .errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexMissingError,
    IndexWriteError,
    InputError,
    NotFoundError,
    QueryError,
    QueryTimeoutError,
    RebuildError,
    SearchsvcError,
)
from .extract import Extraction, extract
from .indexer import RebuildReport, rebuild
from .loaders import iter_records
from .results import Hit, SearchResults
from .settings import SETTINGS, Settings
from .writer import IndexWriter, WriteResult

__all__ = [
    "SETTINGS",
    "Document",
    "Extraction",
    "Hit",
    "IndexBusyError",
    "IndexDamagedError",
    "IndexMissingError",
    "IndexWriteError",
    "IndexWriter",
    "InputError",
    "NotFoundError",
    "QueryError",
    "QueryTimeoutError",
    "RebuildError",
    "RebuildReport",
    "SearchEngine",
    "SearchResults",
    "SearchsvcError",
    "Settings",
    "WriteResult",
    "extract",
    "iter_records",
    "rebuild",
]
__version__ = "0.1.0"
