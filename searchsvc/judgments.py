"""Relevance judgement files: the queries (JSON Lines ``{"id", "text"}``) and the qrels.

Qrels may be ``qid<TAB>docid<TAB>grade`` (the project's shared form) or TREC's
``qid 0 docid grade``; any whitespace separates fields and ``#`` starts a comment line.
Every error is an :class:`~searchsvc.errors.InputError` naming the file and the line: a
duplicated query id, an id that is neither a string nor an integer, a text that is not a
string, bad UTF-8, a grade that is not an integer. ``searchsvc search --queries`` reads its
query file with :func:`iter_queries` too, so both commands accept the same files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .errors import InputError
from .loaders.jsonl import decode_line, text_line

Qrels = dict[str, dict[str, int]]


def read_queries(path: str | Path) -> dict[str, str]:
    """``{"id", "text"}`` JSON Lines -> {query id: text}, in file order."""
    queries: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for lineno, qid, text in iter_queries(path):
        key = str(qid)
        if key in first_line:  # a second text for an id would silently replace the first one's figures
            raise InputError(f"query id {key!r} is already on line {first_line[key]}", source=str(path),
                             line=lineno)
        first_line[key] = lineno
        queries[key] = text
    return queries


def iter_queries(path: str | Path) -> Iterator[tuple[int, str | int, str]]:
    """(line number, id, text) of each ``{"id", "text"}`` line; InputError names the file and line.

    An id is a string or an integer (JSON query files often number their topics); anything
    else, null included, is refused rather than turned into the query id "None".
    """
    source = str(path)
    for lineno, line in read_lines(path):
        if not line.strip():
            continue
        rec = decode_line(line, source=source, line=lineno)
        if not isinstance(rec, dict):
            raise InputError(f'expected {{"id", "text"}}, got {_json_type(rec)}', source=source, line=lineno)
        for key in ("id", "text"):
            if key not in rec:
                raise InputError(f'expected {{"id", "text"}}: no "{key}"', source=source, line=lineno)
        qid, text = rec["id"], rec["text"]
        if isinstance(qid, bool) or not isinstance(qid, (str, int)) or qid == "":
            raise InputError(f'"id" must be a non-empty string or an integer, got {_json_type(qid)}',
                             source=source, line=lineno)
        if not isinstance(text, str):
            raise InputError(f'"text" must be a string, got {_json_type(text)}', source=source, line=lineno)
        yield lineno, qid, text


def read_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of a UTF-8 file; InputError names the file, and the line of bad UTF-8."""
    source = str(path)
    try:
        with open(path, "rb") as f:  # bytes: a decoding error can then name its line
            for lineno, raw in enumerate(f, 1):
                yield lineno, text_line(raw, source=source, line=lineno)
    except OSError as e:  # missing, a directory, unreadable
        raise InputError(f"cannot read: {e.strerror or e}", source=source) from None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    return "an array" if isinstance(value, list) else "an object"


def parse_qrels(lines: Iterable[str], source: str = "<qrels>") -> Qrels:
    """Judgements from ``qid docid grade`` or TREC ``qid iteration docid grade`` lines."""
    qrels: Qrels = {}
    for lineno, line in enumerate(lines, 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if len(parts) == 3:
            qid, docid, grade = parts
        elif len(parts) == 4:
            qid, _, docid, grade = parts
        else:
            raise InputError(f"expected 'qid docid grade' or 'qid 0 docid grade', got {len(parts)} fields",
                             source=source, line=lineno)
        try:
            qrels.setdefault(qid, {})[docid] = int(grade)
        except ValueError:
            raise InputError(f"grade {grade!r} is not an integer", source=source, line=lineno) from None
    return qrels


def read_qrels(path: str | Path) -> Qrels:
    return parse_qrels((line for _, line in read_lines(path)), source=str(path))


def judged(queries: Mapping[str, str], qrels: Qrels) -> dict[str, str]:
    """The queries with at least one relevant document (the others cannot be measured)."""
    return {q: t for q, t in queries.items() if any(g > 0 for g in qrels.get(q, {}).values())}
