"""The extractors to run: the mypyc-compiled copies when present and current, else pure Python.

``setup.py`` compiles copies of the extraction modules (:mod:`native_sources`).
They are used only if all of these hold; otherwise extraction runs the
pure-Python modules, which give the same results, more slowly:

* the setting ``compiled_extraction`` is on (``SEARCHSVC_COMPILED_EXTRACTION=0``
  turns it off; it is read from the environment, as extraction has no settings
  object);
* the compiled copies import (a build without a C compiler has none);
* they were made from the sources beside them (``SOURCE_SHA``, which also covers
  the pure modules they call): after an edit to an extraction module, a stale
  build is ignored, with a warning, until the package is installed again.
"""

from __future__ import annotations

import functools
import importlib
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import native_sources
from .errors import QueryError
from .settings import BY_NAME, coerce

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def compiled(module: str) -> Any | None:
    """The compiled copy of an extraction module, or None when the pure one must run."""
    if not _switched_on():
        return None
    try:
        fast = importlib.import_module(f"{__package__}.{native_sources.PREFIX}{module}")
    except ImportError:
        return None
    if not getattr(fast, "__file__", "").endswith((".so", ".pyd")):
        return None  # the generated Python copy, not a compiled build: no gain
    try:
        current = _current_sha()
    except OSError:  # sources not installed beside the build: nothing to check it against
        return None
    if getattr(fast, "SOURCE_SHA", None) != current:
        _warn_stale()
        return None
    return fast


def _switched_on() -> bool:
    # This one setting, not Settings(): a bad value of an unrelated setting must not stop extraction.
    setting = BY_NAME["compiled_extraction"]
    try:
        return bool(coerce(setting, os.environ.get(setting.env, setting.default), origin=setting.env))
    except QueryError:
        return True


@functools.cache
def _current_sha() -> str:
    return native_sources.source_sha(_PACKAGE)


@functools.cache
def _warn_stale() -> None:  # once per process, not once per module
    warnings.warn("searchsvc: the compiled extraction modules are older than their sources and are not "
                  "used; reinstall the package (pip install -e .) to rebuild them", stacklevel=3)


def _compiled_pair() -> tuple[Any, Any] | None:
    people, dates = compiled("people"), compiled("dates")
    return (people, dates) if people is not None and dates is not None else None


def extractors() -> tuple[Callable[..., list[str]], Callable[..., list[str]]]:
    """(extract_people, extract_dates) to use."""
    pair = _compiled_pair()
    if pair is not None:
        return pair[0].extract_people, pair[1].extract_dates
    from .dates import extract_dates
    from .people import extract_people

    return extract_people, extract_dates


def status() -> str:
    """``compiled`` or ``pure Python``, for ``searchsvc info`` and the benchmark's header."""
    return "compiled (mypyc)" if _compiled_pair() is not None else "pure Python"
