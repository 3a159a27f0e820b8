"""``SearchEngine``: the one object the CLI, the HTTP service and embedding apps use.

It opens an index directory (see :mod:`searchsvc.store`) and keeps the newest
:class:`~searchsvc.view.IndexView` of it open (:mod:`searchsvc.live`: before each call
one small read of ``CURRENT`` tells whether a rebuild or a commit happened), with a
result cache keyed by that version. Python callers' arguments are checked by
:mod:`searchsvc.arguments`; answers are :mod:`searchsvc.results`. Searching is:
parse (:mod:`.query`) -> match (:mod:`.matching`) -> filter -> score and order
(:mod:`.ranking`) -> highlight the page (:mod:`.highlight`) -> facets (:mod:`.facets`)
and did-you-mean (:mod:`.suggest`).

Calls are serialised by a lock: Whoosh's readers are not thread-safe. For
parallelism run several processes (gunicorn workers), each with its own engine,
opened after the fork.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .arguments import SearchRequest, bound, check_id, check_int, check_text, check_types, day
from .autocomplete import suggest
from .checksums import MANIFEST, size_problems, snapshot, verify
from .document import Document
from .errors import IndexDamagedError, NotFoundError, QueryError, QueryTimeoutError, echoed_id
from .facets import facet_counts
from .highlight import Highlighter
from .live import LiveView, toc_check, warm_segments
from .matching import Deadline, Evaluation, Evaluator
from .query import ParsedQuery, parse_query, similar_query
from .ranking import SORTS, BM25FParams, bm25f, order, rank
from .results import Hit, SearchResults, copied
from .settings import Settings, settings_or_defaults
from .store import DAMAGED, IndexDir, damaged, folder_bytes
from .suggest import COMMONER, did_you_mean
from .view import IndexView

#: With fewer results than this, a did-you-mean is computed (only rare query words are checked).
DID_YOU_MEAN_BELOW = 50
#: The most completions one suggest() call returns, and the longest prefix it completes.
MAX_SUGGESTIONS = 50
#: The most values a search's ``facet_limit`` may ask for per facet.
MAX_FACET_VALUES = 100
MAX_PREFIX_CHARS = 200


class SearchEngine:
    """Search an index directory built by ``searchsvc index`` / :func:`searchsvc.rebuild`."""

    def __init__(self, path: str | Path | None = None, settings: Settings | None = None) -> None:
        """Open the index at ``path``; without one, at the ``index`` setting (``./index`` by default)."""
        self.settings = settings_or_defaults(settings)
        self.store = IndexDir(path if path is not None else self.settings.index)
        self.path = self.store.path
        self._lock = threading.RLock()
        self._live = LiveView(self.store)
        #: (index stamp, parameters) -> results; a new commit or generation changes the stamp.
        self._results: OrderedDict[Any, SearchResults] = OrderedDict()
        self._checked_at = 0.0
        self.params = BM25FParams.from_settings(self.settings)

    # -- the live view -------------------------------------------------------

    def view(self) -> IndexView:
        """The current snapshot, refreshed if the index changed (at most every refresh_interval).

        Internal to the engine's calls, which hold its lock while they use it; a script or test
        may use it from a single thread (a call from another thread may refresh the view and
        close the segments it holds)."""
        with self._lock:
            now = time.monotonic()
            if self._live.view is None or now - self._checked_at >= self.settings.refresh_interval:
                self._checked_at = now
                self.refresh()
            assert self._live.view is not None
            return self._live.view

    def refresh(self) -> bool:
        """Open the latest generation/commit if the index changed; True when it did (see :mod:`.live`)."""
        with self._lock:
            changed = self._live.refresh()
            if changed:
                self._results.clear()
            return changed

    def warm(self) -> None:
        """Build now what queries would build on first use; later refreshes then do too.

        That is the id order that breaks ranking ties (every id read and sorted: 47 ms on
        Reuters-21578) and did-you-mean's per-segment lexicon (0.1-0.3 s): without this
        the first browse query and the first query with a rare word of each server
        worker paid for them, and again after each rebuild. One-shot CLI searches do
        not call it, so they do not pay for what they may never use.
        """
        with self._lock:
            self._live.warm_all = True
            view = self.view()
            warm_segments(view)
            view.id_rank  # noqa: B018  (a cached property: touching it builds it)

    # -- searching -----------------------------------------------------------

    def search(self, query: str = "", *, match: str = "all", limit: int = 10, offset: int = 0,
               people: list[str] | tuple[str, ...] | str | None = None, section: str | None = None,
               date_from: str | dt.date | None = None, date_to: str | dt.date | None = None,
               mentions_from: str | dt.date | None = None, mentions_to: str | dt.date | None = None,
               sort: str = "relevance", facets: bool = True, snippets: bool = True,
               relax: bool = True, facet_limit: int = 10) -> SearchResults:
        """Ranked, highlighted, faceted results; QueryError names a bad parameter.

        Date bounds are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` strings, or ``datetime.date``s;
        ``facet_limit`` values per facet, up to :data:`MAX_FACET_VALUES`."""
        started = time.perf_counter()
        s = self.settings
        date_from, date_to = day(date_from), day(date_to)
        mentions_from, mentions_to = day(mentions_from), day(mentions_to)
        check_types(people, section=section, date_from=date_from, date_to=date_to, mentions_from=mentions_from,
                     mentions_to=mentions_to, facets=facets, snippets=snippets, relax=relax)
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}", param="sort")
        check_text("q", query)
        request = SearchRequest(
            query, match, check_int("limit", limit, 0, s.max_limit), check_int("offset", offset, 0, s.max_offset),
            tuple(people) if isinstance(people, list) else people, section, date_from, date_to, mentions_from,
            mentions_to, sort, bool(facets), bool(snippets), bool(relax),
            check_int("facet_limit", facet_limit, 1, MAX_FACET_VALUES))
        parsed = parse_query(query, match, s)
        with self._reading():
            view = self.view()
            key = (self._live.stamp, request)
            cached = self._results.get(key) if s.result_cache else None
            if cached is not None:
                self._results.move_to_end(key)
                answer = copied(cached)
                answer.took_ms = round((time.perf_counter() - started) * 1000, 3)
                return answer
            results = self._answer(view, request, parsed)
            if s.result_cache and not results.warnings:  # a partial answer is not kept
                self._results[key] = copied(results)  # the caller may edit what it gets
                while len(self._results) > s.result_cache:
                    self._results.popitem(last=False)
        results.took_ms = round((time.perf_counter() - started) * 1000, 3)
        return results

    def _answer(self, view: IndexView, r: SearchRequest, parsed: ParsedQuery) -> SearchResults:
        """Match, relax, rank, page, highlight, count facets and suggest: one search, uncached."""
        s = self.settings
        filters = self._filters(view, r.people, r.section, r.date_from, r.date_to, r.mentions_from, r.mentions_to)
        deadline = Deadline(s.query_time_limit)
        ev, mask = self._match(view, parsed, filters, deadline)
        relaxed = False
        strict_total = int(np.count_nonzero(mask))
        if r.relax and r.match == "all" and not strict_total and len({t.group or t.term for t in ev.terms}) > 1:
            # No document has every word: the documents with any of them, said so (relaxed)
            ev_any, any_mask = self._match(view, parse_query(r.query, "any", s), filters, deadline)
            if any_mask.any():
                ev, mask, relaxed = ev_any, any_mask, True
        ranked = rank(view, ev.terms, mask, self.params, sort=r.sort, feedback=r.match == "any" and not relaxed,
                      allowed=None if filters is None else view.live & filters)
        mask, docs, scores = ranked.mask, ranked.docs, ranked.scores
        deadline.check()
        page = order(view, docs, scores, r.sort, r.offset + r.limit)[r.offset:r.offset + r.limit]
        highlighter = Highlighter(ev.marks, fragment_chars=s.snippet_chars, fragments=s.snippet_fragments)
        hits = self._hits(view, docs, scores, page, highlighter, r.snippets, deadline, ev.warnings)
        results = SearchResults(
            query=r.query, match=r.match, sort=r.sort, total=len(docs), offset=r.offset, limit=r.limit, hits=hits,
            facets=facet_counts(view, mask, r.facet_limit) if r.facets else {}, relaxed=relaxed,
            warnings=ev.warnings, generation=view.generation)
        if strict_total < DID_YOU_MEAN_BELOW and parsed.words:
            try:
                results.did_you_mean = self._did_you_mean(view, r.query, parsed, r.match, strict_total, filters,
                                                          deadline)
            except QueryTimeoutError:  # the results are complete: answer them without the suggestion
                results.warnings.append("no did-you-mean: the query reached its time limit")
        return results

    def _match(self, view: IndexView, parsed: ParsedQuery, filters: np.ndarray | None,
               deadline: Deadline) -> tuple[Evaluation, np.ndarray]:
        """The evaluated query and the documents it matches within the filters."""
        ev = Evaluator(view, max_expansions=self.settings.max_expansions, deadline=deadline,
                       stops=parsed.stops).run(parsed.query)
        return ev, (ev.mask if filters is None else ev.mask & filters)

    def _did_you_mean(self, view: IndexView, query: str, parsed: ParsedQuery, match: str, found: int,
                      filters: np.ndarray | None, deadline: Deadline) -> str | None:
        """The query with its rare words corrected, if that is worth offering: one that finds
        something, and when the query itself finds something, far more: "oil tank" (12 on
        Reuters) is not "oil talks" (119), but "interst rates" (4) is "interest rates" (868)."""
        counted: dict[str, int] = {}  # the chosen correction was counted while it was chosen

        def count(text: str) -> int:
            if text not in counted:
                try:
                    parsed_text = parse_query(text, match, self.settings)
                except QueryError:
                    counted[text] = 0
                else:
                    counted[text] = int(np.count_nonzero(self._match(view, parsed_text, filters, deadline)[1]))
            return counted[text]

        fixed = did_you_mean(view, query, parsed.words, deadline.check, count)
        if fixed is None:
            return None
        # Never a correction that finds nothing either ("shiek yamani" is not "shien yamani": 0).
        return fixed if count(fixed) >= max(COMMONER * found, 1) else None

    def _hits(self, view: IndexView, docs: np.ndarray, scores: np.ndarray, page: np.ndarray, hl: Highlighter,
              snippets: bool, deadline: Deadline, warnings: list[str]) -> list[Hit]:
        """The page's hits; once the deadline has passed, the rest come without snippets (and a warning)."""
        hits = []
        for i in page:
            if snippets and deadline.passed():
                snippets = False
                warnings.append("some snippets left out: the query reached its time limit")
            hits.append(self._hit(view, int(docs[i]), float(scores[i]), hl, snippets))
        return hits

    def _hit(self, view: IndexView, docnum: int, score: float, hl: Highlighter, snippets: bool) -> Hit:
        stored = view.stored(docnum)
        body = stored.get("body", "")
        return Hit(
            id=stored["id"],
            score=round(score, 6),
            title=hl.title(stored.get("title", "")),
            snippet=hl.snippet(body) if snippets else "",
            people=list(stored.get("people") or []),
            dates=list(stored.get("dates") or []),
            published=stored.get("published"),
            section=stored.get("section", ""),
        )

    def _filters(self, view: IndexView, people: list[str] | tuple[str, ...] | str | None, section: str | None,
                 date_from: str | None, date_to: str | None, mentions_from: str | None,
                 mentions_to: str | None) -> np.ndarray | None:
        masks = []
        ev = Evaluator(view, max_expansions=self.settings.max_expansions, deadline=Deadline(None))
        for name in [people] if isinstance(people, str) else (people or []):
            if name.strip():
                masks.append(ev.exact_casefold("person", name))
        if section and section.strip():  # blank is no filter, as for people
            masks.append(ev.exact_casefold("section", section))
        for fieldname, lo, hi, names in (("published", date_from, date_to, ("date_from", "date_to")),
                                          ("dates", mentions_from, mentions_to, ("mentions_from", "mentions_to"))):
            if lo or hi:
                first = bound(lo, names[0], 0) if lo else dt.date.min.toordinal()
                last = bound(hi, names[1], 1) if hi else dt.date.max.toordinal()
                if first > last:  # an empty range is a mistake to name, not a search for nothing
                    raise QueryError(f"the date range starts after it ends ({lo} > {hi})", param=names[0])
                masks.append(view.date_mask(fieldname, first, last))
        if not masks:
            return None
        out = masks[0]
        for m in masks[1:]:
            out = out & m
        return out

    # -- documents -----------------------------------------------------------

    def get(self, doc_id: str) -> Document:
        check_id(doc_id)
        with self._reading():
            view = self.view()
            docnum = view.docnum_of(doc_id)
            if docnum is None:
                raise NotFoundError(f"no document with id {echoed_id(doc_id)!r}")
            return view.document(docnum)

    def similar(self, doc_id: str, *, limit: int = 10) -> SearchResults:
        """Documents like ``doc_id``: its most distinctive terms, any of them, itself excluded."""
        limit = check_int("limit", limit, 0, self.settings.max_limit)
        check_id(doc_id)
        started = time.perf_counter()
        with self._reading():
            view = self.view()  # one view throughout: get() could refresh to another
            docnum = view.docnum_of(doc_id)
            if docnum is None:
                raise NotFoundError(f"no document with id {echoed_id(doc_id)!r}")
            doc = view.document(docnum)
            q = similar_query(doc, view.df, view.doc_count)
            deadline = Deadline(self.settings.query_time_limit)
            ev = Evaluator(view, max_expansions=self.settings.max_expansions, deadline=deadline).run(q)
            docs = np.flatnonzero(ev.mask)
            scores = bm25f(view, ev.terms, docs, self.params)
            page = order(view, docs, scores, "relevance", limit)
            hl = Highlighter(ev.marks, fragment_chars=self.settings.snippet_chars,
                             fragments=self.settings.snippet_fragments)
            hits = self._hits(view, docs, scores, page, hl, True, deadline, ev.warnings)
            return SearchResults(query=f"similar:{doc_id}", match="any", sort="relevance", total=len(docs),
                                 offset=0, limit=limit, hits=hits, generation=view.generation, warnings=ev.warnings,
                                 took_ms=round((time.perf_counter() - started) * 1000, 3))

    def suggest(self, prefix: str, *, limit: int = 10) -> list[dict[str, Any]]:
        """Completions of ``prefix``, most frequent first: people, title words, and for several
        words the query completed in their context (:mod:`searchsvc.autocomplete`)."""
        limit = check_int("limit", limit, 1, MAX_SUGGESTIONS)
        if not isinstance(prefix, str):
            raise QueryError("q must be a string", param="q")
        if len(prefix) > MAX_PREFIX_CHARS:
            raise QueryError(f"prefix longer than {MAX_PREFIX_CHARS} characters", param="q")
        check_text("q", prefix)
        deadline = Deadline(self.settings.query_time_limit)
        with self._reading():
            view = self.view()

            def matching(text: str) -> np.ndarray:
                return self._match(view, parse_query(text, "all", self.settings), None, deadline)[1]

            return suggest(view, prefix, limit, deadline.check, matching)

    def info(self) -> dict[str, Any]:
        """The live index's generation, size and build time (``/health``, ``searchsvc info``);
        IndexDamagedError when one of its files has another size than when it was written."""
        with self._lock:
            view = self.view()
            cut = size_problems(Path(view.path))
            if cut:
                raise IndexDamagedError(f"the index at {self.path} is damaged ({'; '.join(cut[:3])}); "
                                        "rebuild it (searchsvc index)")
            meta = self.store.meta(view.generation)
            return {
                "generation": view.generation,
                "documents": view.doc_count,
                "segments": len(view.segments),
                "built_at": meta.get("built_at"),
                "size_bytes": folder_bytes(Path(view.path)),
                "path": str(self.path),
            }

    def check(self) -> dict[str, Any]:
        """Read every file of the live generation and compare it with the checksums recorded
        when it was written (:mod:`.checksums`); ``ok`` is false and ``problems`` says which
        files differ when the index is damaged. The write lock is held only while the record is
        read, the segments opened and the files opened (up to ``checksums.MAX_OPEN`` of them; past
        that they are read under it): writers wait for that, not for the reading."""
        self.store.pointer()  # IndexMissingError for a mistyped path, before a lock file is made there
        # read_only: the check writes nothing, and a read-only copy of an index is one to check
        with self.store.write_lock(self.settings.lock_timeout, read_only=True):
            generation = self.store.pointer().generation
            folder = self.store.generation_path(generation)
            try:
                needed: tuple[str, ...] | None
                needed, unopened = toc_check(folder)
            except Exception as e:  # a garbled TOC fails in many ways (unpickling); all of them are damage
                needed, unopened = None, [f"the table of contents cannot be read ({type(e).__name__}: {e})"[:300]]
            if self.store.meta(generation).get("checksums") and not (folder / MANIFEST).exists():
                unopened.append(f"{MANIFEST}: missing (this generation was built with one)")
            snap = snapshot(folder)
            if snap.by_name:  # too many files to hold open: read them while nothing can delete one
                found = verify(snap, needed)
        if not snap.by_name:
            found = verify(snap, needed)
        problems = found.problems + unopened
        return {"generation": generation, "ok": not problems, "problems": problems,
                "files": found.files, "size_bytes": found.bytes, "checksums_recorded": found.recorded,
                "unrecorded": found.unrecorded, "unverified": found.unverified}

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """The engine's lock, and a segment file found garbled in the middle of a call named as
        the index's damage (503 ``index_damaged`` over HTTP), not an internal error."""
        with self._lock:
            try:
                yield
            except DAMAGED as e:
                raise damaged(self.path, e) from e

    def close(self) -> None:
        with self._lock:
            self._live.close()
            self._results.clear()

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["MAX_FACET_VALUES", "MAX_PREFIX_CHARS", "MAX_SUGGESTIONS", "SearchEngine"]
