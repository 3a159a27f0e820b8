"""The exceptions searchsvc raises.

Library code raises these; the edges (CLI, HTTP) turn them into exit codes and
JSON error responses. Each carries what a user needs to fix the problem: the
file and line of a bad record, the name of a bad parameter.
"""

from __future__ import annotations


class SearchsvcError(Exception):
    """Base class of every error the library raises on purpose."""


#: The most characters of a value from the input that an error repeats.
ECHO_CHARS = 80
#: The longest valid document id (document.MAX_ID_CHARS is this).
LONGEST_ID = 200


class InputError(SearchsvcError):
    """A record that cannot be indexed: names where it came from and what is wrong."""

    def __init__(self, message: str, *, source: str = "", line: int | None = None,
                 field: str | None = None, record_id: str | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        self.record_id = record_id
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.record_id:
            parts.append(f"id {echoed_id(self.record_id)!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join(parts) + ": " + self.message

    def detached(self) -> InputError:
        """This error without its traceback and chained errors, to be kept as a value (a skipped
        record's error in a rebuild's report). Caught, it held the frames that raised it, and so the
        raw line and parsed record of every bad record: 1,000,000 bad lines of 3 bytes each kept
        1.2 GB alive until the rebuild ended."""
        self.__traceback__ = None
        self.__context__ = None
        self.__cause__ = None
        return self

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {"message": self.message}
        for key in ("source", "line", "field", "record_id"):
            value = getattr(self, key)
            if value not in (None, ""):
                d[key] = echoed_id(value) if key == "record_id" else value
        return d


def echoed_id(record_id: str) -> str:
    """An id as messages and error bodies repeat it: whole when it could be valid (up to 200
    characters, which duplicate-id messages match on), else cut (a 5-million-character id made
    a 5 MB answer)."""
    return record_id if len(record_id) <= LONGEST_ID else record_id[:ECHO_CHARS] + "…"


class QueryError(SearchsvcError):
    """A bad search parameter (not a bad query string: those fall back to plain words)."""

    def __init__(self, message: str, *, param: str) -> None:
        self.param = param
        super().__init__(message)


class NotFoundError(SearchsvcError):
    """No document with that id."""


class IndexMissingError(SearchsvcError):
    """No index has been built at the given path yet."""

    #: A first rebuild of a news archive takes seconds to minutes: come back in a while.
    retry_after = 10


class IndexBusyError(SearchsvcError):
    """Another writer holds the index lock and did not release it within the timeout."""

    retry_after = 1


class IndexDamagedError(SearchsvcError):
    """The index's files cannot be read (missing or corrupt, not changing): rebuild it."""


class IndexWriteError(SearchsvcError):
    """The index could not be written (disk full, read-only file system). ``applied`` says whether the
    write was applied anyway (committed, with readers maybe not seeing it before the next write):
    False means retry it; None where that is not known."""

    retry_after = 5

    def __init__(self, message: str, *, applied: bool | None = None) -> None:
        super().__init__(message)
        self.applied = applied


class QueryTimeoutError(SearchsvcError):
    """A query ran past the configured time limit."""

    retry_after = 1


class RebuildError(SearchsvcError):
    """A full rebuild failed; the previous generation keeps serving."""


class RebuildWriteError(RebuildError, IndexWriteError):
    """A full rebuild could not write its generation (disk full, read-only, not a folder): a
    RebuildError to callers of rebuild(), and the index's problem, not the input's (CLI exit 3)."""
