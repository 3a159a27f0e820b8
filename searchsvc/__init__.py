"""searchsvc: a full-text search engine service for news."""

from .extract import Extraction, extract

__all__ = ["Extraction", "extract"]
__version__ = "0.1.0"
