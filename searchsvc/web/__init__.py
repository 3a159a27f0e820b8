"""The HTTP service: a Falcon app over the engine (see app.py)."""

from .app import create_app

__all__ = ["create_app"]
