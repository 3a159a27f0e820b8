"""The journal of writes made through the API (``PUT``/``DELETE``/``POST``).

A full rebuild indexes its source files from scratch; documents that only ever
arrived through the API are in no source file. So every API write is first
appended here (fsync'd) and then committed to the live generation, and every
rebuild re-applies the whole journal, in order, on top of its sources before it
goes live. The promise: **a write acknowledged with 2xx survives every later
rebuild** (an API put of an id that is also in the sources wins; an API delete
stays deleted) until an operator rebuilds with ``--discard-api-writes``.

One JSON object per line: ``{"op": "put", "doc": {...}}`` or
``{"op": "delete", "id": "..."}``. A line cut short by a crash is ignored (it was
never acknowledged). ``compact()`` keeps only the last operation per id.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .document import Document
from .errors import InputError

NAME = "journal.jsonl"
DAMAGED_NAME = "journal.damaged"
#: Noted on a write's error when its journal entries could not be taken back out.
KEPT = "its journal entry could not be removed, so the next full rebuild may still apply it"


class Journal:
    def __init__(self, index_path: Path) -> None:
        self.path = Path(index_path) / NAME
        #: (line number, bytes) of the complete lines the last snapshot() found not to be entries.
        self.damaged: list[tuple[int, bytes]] = []
        #: Where :meth:`keep_damaged` copies them before a compaction drops them.
        self.damaged_path = self.path.with_name(DAMAGED_NAME)

    def append(self, entries: list[dict[str, Any]]) -> int:
        """Durably add entries; returns the offset they start at. Caller holds the write lock.

        All or nothing: if writing fails (disk full), what was written is cut off again.
        """
        self._drop_torn_tail()
        start = self.size()
        if not entries:
            return start
        data = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries)
        try:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except BaseException as e:
            self.undo(start, e)
            raise
        return start

    def undo(self, offset: int, error: BaseException) -> None:
        """Cut the journal back to ``offset``: the entries after it were not applied (``error``
        says why). If that fails too (a disk gone read-only), ``error`` gets the note
        :data:`KEPT`: a later rebuild may still apply those entries, and whoever reports the
        error must not promise otherwise."""
        try:
            with open(self.path, "rb+") as f:
                f.truncate(offset)
                f.flush()
                os.fsync(f.fileno())
        except FileNotFoundError:
            pass
        except OSError:
            error.add_note(KEPT)

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def entries(self, start: int = 0) -> Iterator[dict[str, Any]]:
        """Complete entries from byte offset ``start`` on (damaged lines skipped)."""
        for entry, _, _, _ in self._entries(start):
            if entry is not None:
                yield entry

    def end(self) -> int:
        """The offset just past the last complete entry (what a discarding rebuild drops up to)."""
        return max((after for _, after, _, _ in self._entries(0)), default=0)

    def _entries(self, start: int) -> Iterator[tuple[dict[str, Any] | None, int, int, bytes]]:
        """(entry, offset just past its line, its line number counted from ``start``, the line);
        the entry is None for a complete line that is not one (damage, or a hand edit)."""
        if not self.path.exists():
            return
        with open(self.path, "rb") as f:
            f.seek(start)
            end = start
            for number, line in enumerate(f, 1):
                if not line.endswith(b"\n"):
                    break  # torn last line: never acknowledged
                end += len(line)
                try:
                    entry = json.loads(line)
                except (ValueError, RecursionError):
                    entry = None
                ok = isinstance(entry, dict) and entry.get("op") in ("put", "delete")
                yield (entry if ok else None), end, number, line

    def final_state(self, start: int = 0) -> dict[str, Document | None]:
        """id -> the document last put, or None when last deleted (entries from ``start`` on)."""
        return self.snapshot(start)[0]

    def snapshot(self, start: int = 0) -> tuple[dict[str, Document | None], int]:
        """``final_state(start)`` and the offset just past the last complete entry it read.

        Replay later entries from that offset, not from ``size()``: the file may end in
        a torn line (a writer killed mid-append), which the next append cuts off before
        writing its own entry from that very offset.
        """
        state: dict[str, Document | None] = {}
        end = start
        self.damaged = []
        for entry, after, number, line in self._entries(start):
            end = after
            if entry is None:
                # Disk damage (only the last line can be torn by a crash): it costs only itself, but
                # not without a word, nor for good (see keep_damaged).
                self.damaged.append((self._lines_before(start) + number, line))
                continue
            try:
                if entry["op"] == "put":
                    # Validated when it was accepted; no size cap on replay.
                    doc = Document.from_record(entry["doc"], max_chars=1 << 62)
                    state[doc.id] = doc
                else:
                    state[str(entry["id"])] = None
            except (KeyError, InputError) as e:
                # Only a journal written by hand or by an older version gets here (writes are
                # validated first): say which line, and how to get past it.
                what = e.message if isinstance(e, InputError) else f"no {e.args[0]!r}"
                raise InputError(f"a journalled write cannot be replayed: {what}; fix or remove that line, "
                                 "or rebuild with --discard-api-writes", source=str(self.path),
                                 line=self._lines_before(start) + number) from None
        return state, end

    def keep_damaged(self) -> None:
        """Append the damaged lines the last snapshot() found to :attr:`damaged_path` (those not
        there already: a rebuild that failed kept them in the journal too), before a compaction
        drops them from the journal: what remains of a write may be read by hand."""
        try:
            kept = set(self.damaged_path.read_bytes().splitlines(keepends=True))
        except FileNotFoundError:
            kept = set()
        new = [line for _, line in self.damaged if line not in kept]
        if not new:
            return
        with open(self.damaged_path, "ab") as f:
            f.write(b"".join(new))
            f.flush()
            os.fsync(f.fileno())

    def _lines_before(self, offset: int) -> int:
        with open(self.path, "rb") as f:
            return f.read(offset).count(b"\n")

    def compact(self) -> int:
        """Rewrite with one entry per id (damaged lines copied aside first: see keep_damaged);
        returns the number of entries kept."""
        state = self.final_state()
        self.keep_damaged()
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            for doc_id, doc in state.items():
                entry = {"op": "put", "doc": doc.to_record()} if doc else {"op": "delete", "id": doc_id}
                f.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        return len(state)

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def drop_before(self, offset: int) -> None:
        """Keep only the entries from byte ``offset`` (a line start) on. Caller holds the write lock."""
        try:
            with open(self.path, "rb") as f:
                f.seek(offset)
                rest = f.read()
        except FileNotFoundError:
            return
        if b"\n" not in rest:
            self.discard()
            return
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(rest)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def _drop_torn_tail(self) -> None:
        try:
            with open(self.path, "rb+") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                if size == 0:
                    return
                f.seek(size - 1)
                if f.read(1) == b"\n":
                    return
                # Find the last complete line and cut the rest.
                f.seek(0)
                data = f.read()
                f.truncate(data.rfind(b"\n") + 1)
        except FileNotFoundError:
            pass
