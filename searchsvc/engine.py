"""``SearchEngine``: the one object the CLI, the HTTP service and embedding apps use.

It opens an index directory (see :mod:`searchsvc.store`), keeps one
:class:`~searchsvc.view.IndexView` of the live generation, and before each call
checks with one ``stat()`` whether ``CURRENT`` changed (a rebuild or a commit);
if so it opens the new table of contents, reusing every segment it already
knows. Searching is: parse (:mod:`.query`) -> match (:mod:`.matching`) ->
filter -> score and order (:mod:`.ranking`) -> highlight the page
(:mod:`.highlight`) -> facets (:mod:`.facets`) and did-you-mean (:mod:`.suggest`).

Calls are serialised by a lock: Whoosh's readers are not thread-safe. For
parallelism run several processes (gunicorn workers), each with its own engine,
opened after the fork.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError
from whoosh.reading import SegmentReader

from .document import Document, format_published
from .errors import IndexBusyError, IndexDamagedError, NotFoundError, QueryError, QueryTimeoutError
from .facets import facet_counts
from .highlight import Highlighter
from .matching import Deadline, Evaluator, date_mask
from .postings_cache import PostingsCache
from .query import parse_query
from .ranking import SORTS, BM25FParams, bm25f, order, rank
from .schema import build_schema
from .segments import SegmentView
from .settings import Settings
from .store import UNREADABLE, IndexDir, damage
from .suggest import COMMONER, did_you_mean, suggest
from .suggest import warm as warm_suggestions
from .view import IndexView, date_bounds

#: With fewer results than this, a did-you-mean is computed (only rare query words are checked).
DID_YOU_MEAN_BELOW = 50
#: Attempts to open the live generation when its files change underneath (see refresh).
REFRESH_ATTEMPTS = 10
SIMILAR_TERMS = 25
MAX_SUGGESTIONS = 50


class _Superseded(Exception):
    """A newer table of contents appeared while a view was being opened (see refresh)."""


def _check_still_listed(storage: FileStorage, toc: TOC, segids: set[str]) -> None:
    """Raise _Superseded if a segment just opened may have lost files while it was being opened.

    A Whoosh commit renames its new table of contents into place before it deletes the
    segments it merged (``clean_files``), and segment ids are never reused. So if the
    newest table of contents, read after the opening, still lists a segment, nothing of it
    was deleted during the opening; if it does not, a file may have gone before it was
    open, and Whoosh reads a missing column as an empty one (zero lengths, no dates).
    """
    latest = TOC._latest_generation(storage, "MAIN")
    if latest == toc.generation:
        return
    listed = {seg.segid for seg in TOC.read(storage, "MAIN", gen=latest, schema=toc.schema).segments} \
        if latest >= 0 else set()
    if not segids <= listed:
        raise _Superseded


@dataclass
class Hit:
    id: str
    score: float
    title: str
    snippet: str
    people: list[str]
    dates: list[str]
    published: str | None
    section: str

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its recursive deep copy cost more than the search.
        return {"id": self.id, "score": self.score, "title": self.title, "snippet": self.snippet,
                "people": list(self.people), "dates": list(self.dates), "published": self.published,
                "section": self.section}


@dataclass
class SearchResults:
    query: str
    match: str
    sort: str
    total: int
    offset: int
    limit: int
    hits: list[Hit]
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    did_you_mean: str | None = None
    #: True when no document had every word and the hits are those with any of them.
    relaxed: bool = False
    warnings: list[str] = field(default_factory=list)
    took_ms: float = 0.0
    generation: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["hits"] = [h.to_dict() for h in self.hits]
        d["facets"] = {k: [dict(v) for v in vs] for k, vs in self.facets.items()}
        d["warnings"] = list(self.warnings)
        return d


class SearchEngine:
    """Search an index directory built by ``searchsvc index`` / :func:`searchsvc.rebuild`."""

    def __init__(self, path: str | Path | None = None, settings: Settings | None = None) -> None:
        """Open the index at ``path``; without one, at the ``index`` setting (``./index`` by default)."""
        self.settings = settings or Settings()
        self.store = IndexDir(path if path is not None else self.settings.index)
        self.path = self.store.path
        self._lock = threading.RLock()
        self._cache = PostingsCache()
        self._segments: dict[tuple[str, str], SegmentView] = {}
        self._view: IndexView | None = None
        self._codebooks: dict[Any, Any] = {}
        #: (index stamp, parameters) -> results; a new commit or generation changes the stamp.
        self._results: OrderedDict[Any, SearchResults] = OrderedDict()
        self._stamp: bytes | None = None
        self._checked_at = 0.0
        #: Set by warm(): each refresh then builds everything before the view serves.
        self._warm_all = False
        s = self.settings
        self.params = BM25FParams.from_settings(s)

    # -- the live view -------------------------------------------------------

    def view(self) -> IndexView:
        """The current snapshot, refreshed if the index changed (at most every refresh_interval)."""
        with self._lock:
            now = time.monotonic()
            if self._view is None or now - self._checked_at >= self.settings.refresh_interval:
                self._checked_at = now
                self.refresh()
            assert self._view is not None
            return self._view

    def refresh(self) -> bool:
        """Open the latest generation/commit if ``CURRENT`` changed; True when it did.

        A commit writes its table of contents and then deletes the segments it merged; a
        rebuild removes old generations. Opening races with both: a file gone (or a newer
        table of contents, which means files of ours may be going) starts it again. An
        index that keeps changing faster than it can be opened is busy (503, try again).
        """
        with self._lock:
            stamps, problem = set(), None
            for attempt in range(1, REFRESH_ATTEMPTS + 1):
                try:
                    return self._refresh()
                except (FileNotFoundError, EmptyIndexError, _Superseded) as e:  # Empty: a generation being removed
                    problem = e
                except UNREADABLE as e:  # a file read while it was replaced, or a damaged one
                    problem = e
                stamps.add(self.store.stamp())  # only once something failed: no cost on the way of a query
                time.sleep(0.01 * attempt)
            if len(stamps) == 1 and not isinstance(problem, _Superseded):
                # Ten tries over half a second with no commit or rebuild in between: the files are not
                # changing, they are missing or damaged. Saying "busy" would have clients retry forever.
                raise IndexDamagedError(f"the index at {self.path} cannot be read ({damage(problem)}); "
                                        "rebuild it (searchsvc index)") from problem
            raise IndexBusyError(f"the index at {self.path} changed {REFRESH_ATTEMPTS} times while it was "
                                 "being opened; try again")

    def _refresh(self) -> bool:
        with self._lock:
            stamp = self.store.stamp()
            if stamp == self._stamp and self._view is not None:
                return False
            pointer = self.store.pointer()
            folder = str(self.store.generation_path(pointer.generation))
            storage = FileStorage(folder, readonly=True)
            schema = build_schema()
            toc = TOC.read(storage, "MAIN", schema=schema)
            segments, seen, opened = [], set(), []
            try:
                for seg in toc.segments:
                    key = (folder, seg.segid)
                    seen.add(key)
                    sv = self._segments.get(key)
                    if sv is None:
                        reader = SegmentReader(storage, toc.schema, seg, generation=toc.generation)
                        try:
                            sv = SegmentView(reader, self._cache)
                        except BaseException:
                            reader.close()
                            raise
                        self._segments[key] = sv
                        opened.append(key)
                    segments.append(sv)
                if opened:
                    _check_still_listed(storage, toc, {key[1] for key in opened})
                    if self.store.pointer().generation != pointer.generation:
                        # Two rebuilds since: this generation may be going (rmtree, file by file).
                        raise _Superseded
                if self._view is None or self._view.generation != pointer.generation:
                    self._codebooks = {}  # a new generation numbers its values afresh
                view = IndexView(segments, list(toc.segments), pointer.generation, folder, self._codebooks)
                view.warm()
                if self._warm_all:  # per-segment parts are cached: after a commit only new segments cost
                    self._warm(view)
            except BaseException:
                for key in opened:  # half-read segments must not be reused by the next attempt
                    self._segments.pop(key).close()
                raise
            # Only now that the new view is whole: a failure above leaves the old one serving.
            for key in [k for k in self._segments if k not in seen]:
                self._segments.pop(key).close()
            self._view = view
            self._stamp = stamp
            self._results.clear()
            return True

    def warm(self) -> None:
        """Build now what queries would build on first use; later refreshes then do too.

        That is the id order that breaks ranking ties (every id read and sorted: 47 ms on
        Reuters-21578) and did-you-mean's per-segment lexicon (0.1-0.3 s): without this
        the first browse query and the first query with a rare word of each server
        worker paid for them, and again after each rebuild. One-shot CLI searches do
        not call it, so they do not pay for what they may never use.
        """
        with self._lock:
            self._warm_all = True
            view = self.view()
            self._warm(view)
            view.id_rank  # noqa: B018  (a cached property: touching it builds it)

    @staticmethod
    def _warm(view: IndexView) -> None:
        """The per-segment parts (cached by the segments, so after a commit only new ones
        cost). The view-wide id order is left to the first query that needs it: it sorts
        every id again after each commit (5 ms on Reuters-21578, far more on big indexes)."""
        for seg in view.segments:
            seg.id_array()
        warm_suggestions(view)

    # -- searching -----------------------------------------------------------

    def search(self, query: str = "", *, match: str = "all", limit: int = 10, offset: int = 0,
               people: list[str] | tuple[str, ...] | str | None = None, section: str | None = None,
               date_from: str | dt.date | None = None, date_to: str | dt.date | None = None,
               mentions_from: str | dt.date | None = None, mentions_to: str | dt.date | None = None,
               sort: str = "relevance", facets: bool = True, snippets: bool = True,
               relax: bool = True) -> SearchResults:
        """Ranked, highlighted, faceted results; QueryError names a bad parameter.

        Date bounds are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` strings, or ``datetime.date``s."""
        started = time.perf_counter()
        s = self.settings
        limit = _check_int("limit", limit, 0, s.max_limit)
        offset = _check_int("offset", offset, 0, s.max_offset)
        date_from, date_to = _day(date_from), _day(date_to)
        mentions_from, mentions_to = _day(mentions_from), _day(mentions_to)
        _check_types(people, section=section, date_from=date_from, date_to=date_to, mentions_from=mentions_from,
                     mentions_to=mentions_to, facets=facets, snippets=snippets, relax=relax)
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}", param="sort")
        _check_text("q", query)
        parsed = parse_query(query, match, s)
        with self._lock:
            view = self.view()
            key = (self._stamp, query, match, limit, offset, tuple(people) if isinstance(people, list) else people,
                   section, date_from, date_to, mentions_from, mentions_to, sort, facets, snippets, relax)
            cached = self._results.get(key) if s.result_cache else None
            if cached is not None:
                self._results.move_to_end(key)
                answer = _copied(cached)
                answer.took_ms = round((time.perf_counter() - started) * 1000, 3)
                return answer
            filters = self._filters(view, people, section, date_from, date_to, mentions_from, mentions_to)
            deadline = Deadline(s.query_time_limit)
            ev = Evaluator(view, max_expansions=s.max_expansions, deadline=deadline,
                           stops=parsed.stops).run(parsed.query)
            mask = ev.mask if filters is None else ev.mask & filters
            relaxed = False
            strict_total = int(np.count_nonzero(mask))
            if relax and match == "all" and not strict_total and len({t.term for t in ev.terms}) > 1:
                any_parsed = parse_query(query, "any", s)
                ev_any = Evaluator(view, max_expansions=s.max_expansions, deadline=deadline,
                                   stops=any_parsed.stops).run(any_parsed.query)
                any_mask = ev_any.mask if filters is None else ev_any.mask & filters
                if any_mask.any():
                    ev, mask, relaxed = ev_any, any_mask, True
            ranked = rank(view, ev.terms, mask, self.params, sort=sort, feedback=match == "any" and not relaxed,
                          allowed=None if filters is None else view.live & filters)
            mask, docs, scores = ranked.mask, ranked.docs, ranked.scores
            deadline.check()
            page = order(view, docs, scores, sort, offset + limit)[offset:offset + limit]
            highlighter = Highlighter(ev.marks, fragment_chars=s.snippet_chars, fragments=s.snippet_fragments)
            hits = self._hits(view, docs, scores, page, highlighter, snippets, deadline, ev.warnings)
            results = SearchResults(
                query=query, match=match, sort=sort, total=len(docs), offset=offset, limit=limit, hits=hits,
                facets=facet_counts(view, mask) if facets else {}, relaxed=relaxed,
                warnings=ev.warnings, generation=view.generation)
            if strict_total < DID_YOU_MEAN_BELOW and parsed.words:
                try:
                    fixed = did_you_mean(view, query, parsed.words, deadline.check)
                    # A query that finds something is corrected only to one that finds far more: "oil
                    # tank" (12) is not "oil talks" (119), but "interst rates" (4) is "interest rates" (868).
                    if fixed and strict_total and self._total(view, fixed, match, filters, deadline) < (
                            COMMONER * strict_total):
                        fixed = None
                    results.did_you_mean = fixed
                except QueryTimeoutError:  # the results are complete: answer them without the suggestion
                    results.warnings.append("no did-you-mean: the query reached its time limit")
            if s.result_cache and not results.warnings:  # a partial answer is not kept
                self._results[key] = _copied(results)  # the caller may edit what it gets
                while len(self._results) > s.result_cache:
                    self._results.popitem(last=False)
        results.took_ms = round((time.perf_counter() - started) * 1000, 3)
        return results

    def _total(self, view: IndexView, query: str, match: str, filters: np.ndarray | None,
               deadline: Deadline) -> int:
        """How many documents ``query`` matches (all its words, as asked), with the filters."""
        try:
            parsed = parse_query(query, match, self.settings)
        except QueryError:
            return 0
        ev = Evaluator(view, max_expansions=self.settings.max_expansions, deadline=deadline,
                       stops=parsed.stops).run(parsed.query)
        return int(np.count_nonzero(ev.mask if filters is None else ev.mask & filters))

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
                first = _bound(lo, names[0], 0) if lo else dt.date.min.toordinal()
                last = _bound(hi, names[1], 1) if hi else dt.date.max.toordinal()
                masks.append(date_mask(view, fieldname, first, last))
        if not masks:
            return None
        out = masks[0]
        for m in masks[1:]:
            out = out & m
        return out

    # -- documents -----------------------------------------------------------

    def get(self, doc_id: str) -> Document:
        with self._lock:
            view = self.view()
            docnum = view.docnum_of(doc_id)
            if docnum is None:
                raise NotFoundError(f"no document with id {doc_id!r}")
            return view.document(docnum)

    def similar(self, doc_id: str, *, limit: int = 10) -> SearchResults:
        """Documents like ``doc_id``: its most distinctive terms, any of them, itself excluded."""
        from .analysis import STOP_STEMS
        from .analysis import terms as analyse

        limit = _check_int("limit", limit, 0, self.settings.max_limit)
        started = time.perf_counter()
        with self._lock:
            view = self.view()  # one view throughout: get() could refresh to another
            docnum = view.docnum_of(doc_id)
            if docnum is None:
                raise NotFoundError(f"no document with id {doc_id!r}")
            doc = view.document(docnum)
            counts: dict[str, int] = {}
            for t in analyse(doc.title + " " + doc.title + " " + doc.body[:20_000]):
                if t not in STOP_STEMS:  # "at": common, yet under the 50 % cut of a small index
                    counts[t] = counts.get(t, 0) + 1
            from .scoring import idf

            n = view.doc_count
            weighted = []
            for t, c in counts.items():
                df = view.df(t)
                if 1 < df < n * 0.5:
                    weighted.append((c * idf(df, n), t))
            top = [t for _, t in sorted(weighted, key=lambda x: (-x[0], x[1]))[:SIMILAR_TERMS]]
            from whoosh import query as wq

            q = wq.AndNot(wq.Or([wq.Term("text", t) for t in top]), wq.Term("id", doc_id)) if top else wq.NullQuery
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
        """Completions of ``prefix``: people names and title words, most frequent first."""
        limit = _check_int("limit", limit, 1, MAX_SUGGESTIONS)
        if not isinstance(prefix, str):
            raise QueryError("q must be a string", param="q")
        if len(prefix) > 200:
            raise QueryError("prefix longer than 200 characters", param="q")
        _check_text("q", prefix)
        with self._lock:
            view = self.view()
            return suggest(view, prefix, limit, Deadline(self.settings.query_time_limit).check)

    def info(self) -> dict[str, Any]:
        with self._lock:
            view = self.view()
            meta = self.store.meta(view.generation)
            return {
                "generation": view.generation,
                "documents": view.doc_count,
                "segments": len(view.segments),
                "built_at": meta.get("built_at"),
                "size_bytes": _folder_bytes(Path(view.path)),
                "path": str(self.path),
            }

    def close(self) -> None:
        with self._lock:
            for sv in self._segments.values():
                sv.close()
            self._segments.clear()
            self._view = None
            self._stamp = None
            self._cache.clear()

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _folder_bytes(folder: Path) -> int:
    """Bytes of the files in ``folder``; files a commit removes meanwhile (or the folder) count 0."""
    total = 0
    with contextlib.suppress(FileNotFoundError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file():
                    total += entry.stat().st_size
    return total


def _check_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int if it is an integer in range (a NumPy one too; not a bool, a float or a str)."""
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        raise QueryError(f"{name} must be an integer from {low} to {high}", param=name)
    return number


def _day(value: str | dt.date | None) -> str | None:
    """A ``datetime.date`` (or datetime) bound as the day it names; anything else unchanged
    (a wrong type is then named by :func:`_check_types`)."""
    return value.isoformat()[:10] if isinstance(value, dt.date) else value


def _check_types(people: object, **named: object) -> None:
    """Python callers' arguments (the HTTP layer and the CLI pass them already typed): a clear
    QueryError naming the parameter instead of a TypeError from deep inside a search. Flags take
    booleans or 0/1, not strings: ``snippets="no"`` would have meant yes."""
    if people is not None and not isinstance(people, str) and not (
            isinstance(people, (list, tuple)) and all(isinstance(p, str) for p in people)):
        raise QueryError("people must be a name or a list of names", param="people")
    for name, value in named.items():
        if name in ("facets", "snippets", "relax"):
            if not isinstance(value, int) or value not in (0, 1):
                raise QueryError(f"{name} must be True or False", param=name)
        elif value is not None and not isinstance(value, str):
            raise QueryError(f"{name} must be a string", param=name)
        elif isinstance(value, str):
            _check_text(name, value)
    for name in [people] if isinstance(people, str) else (people or []):
        _check_text("people", name)


def _check_text(param: str, value: object) -> None:
    """A str that cannot be UTF-8 (a lone surrogate, as ``surrogateescape`` decoding leaves in
    file names) would fail deep inside the stemmer or a wildcard: name the parameter instead."""
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise QueryError(f"{param} is not valid Unicode text (a lone surrogate at character {e.start + 1})",
                             param=param) from None


def _bound(value: str, param: str, which: int) -> int:
    # Exactly the documented forms: "1987-03-01junk" or a date-time was once cut to its first
    # ten characters and taken for a date.
    try:
        return date_bounds(value.strip())[which]
    except ValueError as e:
        raise QueryError(str(e), param=param) from None


__all__ = ["Hit", "SearchEngine", "SearchResults", "format_published"]


def _copied(results: SearchResults) -> SearchResults:
    """A copy that shares nothing mutable: a caller that edits its results must not edit the
    result cache (hits, their people and dates lists, warnings, facets)."""
    return replace(results, hits=[replace(h, people=list(h.people), dates=list(h.dates)) for h in results.hits],
                   warnings=list(results.warnings),
                   facets={k: [dict(v) for v in vs] for k, vs in results.facets.items()})
