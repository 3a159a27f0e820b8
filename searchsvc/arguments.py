"""Python callers' arguments to :class:`~searchsvc.engine.SearchEngine`, checked.

The HTTP layer and the CLI hand the engine values they have already parsed; an app that
embeds it may pass anything. These checks turn a wrong type or value into a
:class:`~searchsvc.errors.QueryError` naming the parameter, instead of a ``TypeError``
from deep inside a search, and take the forms a Python caller naturally has (NumPy
integers, ``datetime.date`` bounds).
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass

from .document import date_bounds, not_a_date
from .errors import QueryError


@dataclass(frozen=True)
class SearchRequest:
    """One search's parameters once checked; hashable, so that with the index's version it keys
    the result cache."""

    query: str
    match: str
    limit: int
    offset: int
    people: tuple[str, ...] | str | None
    section: str | None
    date_from: str | None
    date_to: str | None
    mentions_from: str | None
    mentions_to: str | None
    sort: str
    facets: bool
    snippets: bool
    relax: bool
    facet_limit: int


def check_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int if it is an integer in range (a NumPy one too; not a bool, a float or a str)."""
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        raise QueryError(f"{name} must be an integer from {low} to {high}", param=name)
    return number


def day(value: str | dt.date | None) -> str | None:
    """A ``datetime.date`` (or datetime) bound as the day it names; anything else unchanged
    (a wrong type is then named by :func:`check_types`). An aware datetime names its day in UTC,
    the time zone ``published`` is kept in (8 May 22:30 in New York is 9 May there)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(dt.UTC)
    return value.isoformat()[:10] if isinstance(value, dt.date) else value


def check_flag(name: str, value: object) -> None:
    """A flag given by a Python caller: a bool, or 0/1 (``"no"`` would have meant yes)."""
    if not isinstance(value, int) or value not in (0, 1):
        raise QueryError(f"{name} must be True or False", param=name)


def check_types(people: object, **named: object) -> None:
    """Python callers' arguments (the HTTP layer and the CLI pass them already typed): a clear
    QueryError naming the parameter instead of a TypeError from deep inside a search. Flags take
    booleans or 0/1, not strings: ``snippets="no"`` would have meant yes."""
    if people is not None and not isinstance(people, str) and not (
            isinstance(people, (list, tuple)) and all(isinstance(p, str) for p in people)):
        raise QueryError("people must be a name or a list of names", param="people")
    for name, value in named.items():
        if name in ("facets", "snippets", "relax"):
            check_flag(name, value)
        elif value is not None and not isinstance(value, str):
            raise QueryError(f"{name} must be a string", param=name)
        elif isinstance(value, str):
            check_text(name, value)
    for name in [people] if isinstance(people, str) else (people or []):
        check_text("people", name)


def check_text(param: str, value: object) -> None:
    """A str that cannot be UTF-8 (a lone surrogate, as ``surrogateescape`` decoding leaves in
    file names) would fail deep inside the stemmer or a wildcard: name the parameter instead."""
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise QueryError(f"{param} is not valid Unicode text (a lone surrogate at character {e.start + 1})",
                             param=param) from None


def check_id(value: object) -> str:
    """A document id given by a Python caller: a str that is valid Unicode (an int is refused
    rather than guessed at: ids are strings, and "5" and 5 are not told apart everywhere)."""
    if not isinstance(value, str):
        raise QueryError(f"the document id must be a string, got {type(value).__name__}", param="id")
    check_text("id", value)
    return value


def bound(value: str, param: str, which: int) -> int:
    # Exactly the documented forms: "1987-03-01junk" or a date-time was once cut to its first
    # ten characters and taken for a date.
    if not value.strip():
        # Quote what was sent: "from= " is not the empty string ''.
        raise QueryError(str(not_a_date(value)), param=param)
    try:
        return date_bounds(value.strip())[which]
    except ValueError as e:
        raise QueryError(str(e), param=param) from None


__all__ = ["SearchRequest", "bound", "check_flag", "check_id", "check_int", "check_text", "check_types", "day"]
