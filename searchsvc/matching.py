"""Which documents a query matches, evaluated with NumPy over an :class:`IndexView`.

Every node of the Whoosh query tree becomes a boolean mask over all documents:
terms and exact values from their posting lists, ``And``/``Or``/``Not`` by
element-wise logic, phrases by intersecting posting lists and then checking
positions only for the surviving documents (:mod:`.positions`), prefix/wildcard/fuzzy terms by
expanding them against the lexicon (capped by ``max_expansions``). Date values
are intervals: ``dates:2025-05`` matches a document that mentions any day of
May 2025 or May 2025 itself, and ``dates:[2025-05-01 to 2025-05-31]`` matches
mentions that lie inside that range (a mention of just "2025" does not).
``published`` ranges compare against the ``published`` column.

While walking the tree the evaluator also collects what the ranking and the
highlighter need from the *positive* parts of the query (not those under
``NOT``): the terms to score and the terms and phrases to mark.

Queries are bounded cooperatively: every node and every few hundred documents
of a phrase check look at a deadline and raise QueryTimeoutError past it. That
works in any thread and any gunicorn worker type, unlike SIGALRM.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import query as wq

from .analysis import STOP_STEMS, fold, prefix_stem, stem, value_key
from .errors import QueryError, QueryTimeoutError
from .positions import phrase_docs
from .schema import TEXT_FIELDS
from .scoring import edit_similarity
from .store import DAMAGED
from .view import IndexView, date_bounds
from .vocabulary import near_stems, word_distance, word_forms

#: Expansions of one prefix/wildcard/fuzzy term that take part in scoring (the most frequent).
SCORED_EXPANSIONS = 16
#: The running-text fields a ``people:`` term is also scored in (see Evaluator._as_prose).
PROSE_FIELDS = ("title", "body")
#: Longest word a fuzzy term may have (longer ones are refused: see Evaluator._expanded).
MAX_FUZZY_CHARS = 40


@dataclass(frozen=True)
class ScoreTerm:
    term: str
    fields: tuple[str, ...]
    boost: float = 1.0
    #: The expansions of one prefix, wildcard or fuzzy term share a group (the term as typed):
    #: a group is scored as one word (ranking.bm25f), each member's frequency times ``similarity``.
    group: str | None = None
    similarity: float = 1.0


@dataclass
class Marks:
    """What the highlighter marks: single terms per field, and phrases (term sequences)."""

    terms: dict[str, set[str]] = field(default_factory=dict)
    phrases: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)

    def add_term(self, fields: tuple[str, ...], term: str) -> None:
        for f in fields:
            self.terms.setdefault(f, set()).add(term)


@dataclass
class Evaluation:
    mask: np.ndarray
    terms: list[ScoreTerm]
    marks: Marks
    warnings: list[str]


class Deadline:
    def __init__(self, seconds: float | None) -> None:
        self.at = time.monotonic() + seconds if seconds else None
        self.seconds = seconds

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() > self.at

    def check(self) -> None:
        if self.passed():
            raise QueryTimeoutError(f"query stopped after the {self.seconds:g}s time limit "
                                    "(setting query_time_limit); simplify it or try again")


class Evaluator:
    def __init__(self, view: IndexView, *, max_expansions: int, deadline: Deadline,
                 stops: frozenset[str] = STOP_STEMS) -> None:
        self.view = view
        self.max_expansions = max_expansions
        self.deadline = deadline
        #: Stems not scored inside a phrase: the query's stopwords (see query.stop_stems).
        self.stops = stops
        self.terms: list[ScoreTerm] = []
        self._group_count = 0
        self.marks = Marks()
        self.warnings: list[str] = []

    def run(self, q: wq.Query) -> Evaluation:
        mask = self._eval(q, True, 1.0) & self.view.live
        return Evaluation(mask, self.terms, self.marks, self.warnings)

    # -- dispatch ------------------------------------------------------------

    def _eval(self, q: Any, positive: bool, boost: float) -> np.ndarray:
        self.deadline.check()
        boost *= getattr(q, "boost", 1.0) or 1.0
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return self._none()
        if isinstance(q, wq.Every):
            return self.view.live.copy()
        if isinstance(q, wq.And):
            return self._reduce(q.subqueries, positive, boost, np.logical_and)
        if isinstance(q, wq.Or):
            return self._reduce(q.subqueries, positive, boost, np.logical_or)
        if isinstance(q, wq.Not):
            return ~self._eval(q.query, not positive, boost)
        if isinstance(q, wq.AndNot):
            return self._eval(q.a, positive, boost) & ~self._eval(q.b, not positive, boost)
        if isinstance(q, wq.AndMaybe):
            required = self._eval(q.a, positive, boost)
            self._eval(q.b, positive, boost)  # scored and marked, not required
            return required
        if isinstance(q, wq.Require):
            return self._eval(q.a, positive, boost) & self._eval(q.b, False, boost)
        if isinstance(q, wq.Phrase):
            return self._phrase(q, positive, boost)
        if isinstance(q, wq.TermRange):
            return self._range(q, positive, boost)
        if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            return self._expanded(q, positive, boost)
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, positive, boost)
        return self._whoosh_fallback(q)

    def _reduce(self, subs: list[Any], positive: bool, boost: float, op: Any) -> np.ndarray:
        if not subs:
            return self._none()
        result = self._eval(subs[0], positive, boost)
        for sub in subs[1:]:
            result = op(result, self._eval(sub, positive, boost))
        return result

    # -- leaves --------------------------------------------------------------

    def _term(self, fieldname: str, text: str, positive: bool, boost: float) -> np.ndarray:
        fields = _text_fields(fieldname)
        if fields:
            mask = self._postings_mask(fields, text)
            if positive:
                self.terms.append(ScoreTerm(text, fields, boost))
                self.marks.add_term(fields, text)
                if fields == ("people",):
                    self._as_prose([text], boost, phrase=False)
            return mask
        if fieldname == "section":
            return self.exact_casefold("section", text)
        if fieldname == "id":
            return self._postings_mask(("id",), text)
        if fieldname in ("dates", "published"):
            bounds = self._bounds(fieldname, text)
            return self._date_mask(fieldname, *bounds) if bounds else self._none()
        return self._none()

    def _as_prose(self, words: list[str], boost: float, *, phrase: bool) -> None:
        """A ``people:`` term also scores (and marks) its words in the title and body, without
        matching there: the articles that name the person rank by how much they say of them. Scored
        by the names alone, every article naming Paul Volcker tied, and the empty ones (a headline
        only: the shortest list of names) came first."""
        for w in words:
            self.terms.append(ScoreTerm(w, PROSE_FIELDS, boost))
        if phrase and len(words) > 1:
            self.marks.phrases.append((PROSE_FIELDS, tuple(words)))
        else:
            for w in words:
                self.marks.add_term(PROSE_FIELDS, w)

    def _postings_mask(self, fields: tuple[str, ...], term: str) -> np.ndarray:
        mask = self._none()
        for f in fields:
            ids, _ = self.view.postings(f, term)
            mask[ids] = True
        return mask

    def exact_casefold(self, fieldname: str, value: str) -> np.ndarray:
        """Documents whose exact-term ``fieldname`` equals ``value`` ignoring case."""
        pairs = self.view.pairs(fieldname, key=value_key)
        mask = self._none()
        code = pairs.book.code(value.strip())
        if code is not None:
            mask[pairs.docs[pairs.codes == code]] = True
        return mask

    def _phrase(self, q: wq.Phrase, positive: bool, boost: float) -> np.ndarray:
        words = [w for w in q.words if w]
        if not words:
            return self._none()
        if len(words) == 1:
            return self._term(q.fieldname, words[0], positive, boost)
        fields = _text_fields(q.fieldname)
        if not fields:
            return self._none()
        mask = self._none()
        for f in fields:
            mask[self._phrase_docs(f, words, max(int(q.slop), 1))] = True
        if positive:
            # A phrase's stopwords must match in place but, as in a word query, are not scored.
            scored = [w for w in words if w not in self.stops] or words
            for w in scored:
                self.terms.append(ScoreTerm(w, fields, boost))
            if fields == ("people",):
                self._as_prose(scored, boost, phrase=int(q.slop) <= 1)  # "a b"~3 is marked word by word
            if int(q.slop) > 1:
                # "oil prices"~3: the words need not touch, so they are marked one by one (as a
                # phrase only where adjacent, a hit whose words were apart showed no mark at all)
                for w in scored:
                    self.marks.add_term(fields, w)
            else:
                self.marks.phrases.append((fields, tuple(words)))
        return mask

    def _phrase_docs(self, fieldname: str, words: list[str], slop: int) -> np.ndarray:
        return phrase_docs(self.view, fieldname, words, slop, self.deadline.check)

    def _expanded(self, q: Any, positive: bool, boost: float) -> np.ndarray:
        if not _text_fields(q.fieldname):
            return self._expanded_exact(q)
        fields = _text_fields(q.fieldname)
        text = fold(q.text.lower())
        if isinstance(q, wq.FuzzyTerm) and len(text) > MAX_FUZZY_CHARS:
            # No word is that long: a typo to correct is not what such a term is.
            raise QueryError(f"fuzzy term {q.text[:20]!r}… is longer than {MAX_FUZZY_CHARS} characters",
                             param="q")
        found: dict[tuple[str, str], None] = {}
        # The words seen for stems too, for a fuzzy term: "inflatoin~" is one edit from "inflation",
        # three from its stem "inflat". Only those each field holds, once: counted per field and
        # again beside what the lexicon gave, "oil~2" passed max_expansions.
        near = (sorted(near_stems(self.view, text, min(q.maxdist, 2), min(q.prefixlength, len(text))))
                if isinstance(q, wq.FuzzyTerm) else [])
        for f in fields:
            if isinstance(q, wq.Prefix):
                prefix = prefix_stem(text)
                if not prefix:
                    continue
                probe: Any = wq.Prefix(f, prefix)
            elif isinstance(q, wq.FuzzyTerm):
                probe = wq.FuzzyTerm(f, stem(text), maxdist=min(q.maxdist, 2), prefixlength=q.prefixlength)
            else:
                probe = wq.Wildcard(f, text)
            found.update(dict.fromkeys(self.view.expand(probe, self.deadline.check, self.max_expansions - len(found))))
            found.update(dict.fromkeys((f, t) for t in near if len(self.view.postings(f, t)[0])))
            if len(found) > self.max_expansions:
                raise QueryError(f"{_typed(q)!r} matches more than {self.max_expansions} index terms "
                                 "(setting max_expansions); make it more specific", param="q")
        asked = stem(text)
        pairs = list(found)
        if asked not in STOP_STEMS:
            # Stopwords are dropped from queries: nor may a pattern bring them back ("gas~" is not
            # "was", "has" or "as"; "th*" is not "the").
            pairs = [(f, term) for f, term in pairs if term not in STOP_STEMS]
        mask = self._none()
        sizes: dict[str, int] = {}
        for f, term in pairs:
            ids, _ = self.view.postings(f, term)
            mask[ids] = True
            sizes[term] = sizes.get(term, 0) + len(ids)
        if positive and sizes and fields[0] in TEXT_FIELDS:
            group = f"{self._group_count}:{_typed(q)}"
            self._group_count += 1  # the same term typed twice weighs twice, as a plain word does
            forms = word_forms(self.view) if isinstance(q, wq.FuzzyTerm) else {}
            similarity = {t: (_fuzzy_similarity(forms, text, t, asked) if isinstance(q, wq.FuzzyTerm)
                              else 1.0) for t in sizes}
            # The closest words first (the one typed, if the index has it), then the most frequent.
            prose = fields == ("people",)  # people:volck* scores its words in the text too (_as_prose)
            for term in sorted(sizes, key=lambda t: (-similarity[t], -sizes[t], t))[:SCORED_EXPANSIONS]:
                self.terms.append(ScoreTerm(term, fields, boost, group, similarity[term]))
                if prose:
                    self.terms.append(ScoreTerm(term, PROSE_FIELDS, boost, group, similarity[term]))
            for term in sizes:
                self.marks.add_term(fields, term)
                if prose:
                    self.marks.add_term(PROSE_FIELDS, term)
        return mask

    def _expanded_exact(self, q: Any) -> np.ndarray:
        """Prefix or wildcard on an exact-value field (``section:rus*``), ignoring case."""
        mask = self._none()
        if isinstance(q, wq.FuzzyTerm) or q.fieldname not in _EXACT_FIELDS:
            return mask
        pattern = q.text.casefold()
        if isinstance(q, wq.Prefix):
            pattern += "*"
        matching = [t for t in self.view.field_terms(q.fieldname) if fnmatch.fnmatchcase(t.casefold(), pattern)]
        if len(matching) > self.max_expansions:
            raise QueryError(f"{_typed(q)!r} matches more than {self.max_expansions} values "
                             "(setting max_expansions); make it more specific", param="q")
        for term in matching:
            self.deadline.check()
            mask[self.view.postings(q.fieldname, term)[0]] = True
        return mask

    def _range(self, q: wq.TermRange, positive: bool, boost: float) -> np.ndarray:
        if q.fieldname in ("dates", "published"):
            lo = self._bounds(q.fieldname, q.start) if q.start else (dt.date.min.toordinal(), 0)
            hi = self._bounds(q.fieldname, q.end) if q.end else (0, dt.date.max.toordinal())
            if lo is None or hi is None:
                return self._none()
            start = lo[1] + 1 if q.startexcl and q.start else lo[0]
            end = hi[0] - 1 if q.endexcl and q.end else hi[1]
            return self._date_mask(q.fieldname, start, end)
        terms = self.view.expand(q, self.deadline.check, self.max_expansions)
        if len(terms) > self.max_expansions:
            raise QueryError(f"the range matches more than {self.max_expansions} index terms "
                             "(setting max_expansions)", param="q")
        mask = self._none()
        for f, term in terms:
            mask[self.view.postings(f, term)[0]] = True
        return mask

    # -- dates ---------------------------------------------------------------

    def _bounds(self, fieldname: str, text: str) -> tuple[int, int] | None:
        try:
            return date_bounds(text.strip())
        except ValueError:
            self.warnings.append(f"{fieldname}: could not read {text!r} as a date "
                                 "(use YYYY, YYYY-MM or YYYY-MM-DD)")
            return None

    def _date_mask(self, fieldname: str, first: int, last: int) -> np.ndarray:
        return self.view.date_mask(fieldname, first, last)

    # -- helpers -------------------------------------------------------------

    def _none(self) -> np.ndarray:
        return np.zeros(self.view.size, dtype=bool)

    def _whoosh_fallback(self, q: Any) -> np.ndarray:
        from whoosh.reading import MultiReader
        from whoosh.searching import Searcher

        mask = self._none()
        try:
            reader = MultiReader([s.reader for s in self.view.segments])
            ids = list(q.docs(Searcher(reader, closereader=False)))
        except DAMAGED:
            raise  # the index's files, not the query: a 503 index_damaged, not partial results
        except Exception:  # Whoosh query types fail in many ways on hostile input
            self.warnings.append(f"part of the query could not be evaluated: {q!r}"[:200])
            return mask
        mask[np.array(ids, dtype=np.int64)] = True
        return mask


def _fuzzy_similarity(forms: dict[str, list[str]], word: str, term: str, asked: str) -> float:
    """How close a fuzzy term's match is: by the nearer of stems and words (vocabulary.word_distance)."""
    return edit_similarity(word_distance(forms, word, term, asked)[0], len(asked), len(term))


#: Fields of exact values a prefix or wildcard may be asked of (dates use ranges instead).
_EXACT_FIELDS = frozenset({"section", "id"})


def _text_fields(fieldname: str) -> tuple[str, ...]:
    if fieldname == "text":
        return TEXT_FIELDS
    if fieldname in TEXT_FIELDS:
        return (fieldname,)
    return ()


def _typed(q: Any) -> str:
    """An expanding term as the user typed it: Whoosh keeps a prefix without its "*"."""
    if isinstance(q, wq.Prefix):
        return f"{q.text}*"
    if isinstance(q, wq.FuzzyTerm):
        return f"{q.text}~{q.maxdist}"
    return str(q.text)
