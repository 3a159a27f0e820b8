"""Hostile and broken queries: the parser, the engine and ``/search`` never fail, and stay bounded.

Regression tests first (each failed before its fix), then property-based tests
(hypothesis, derandomized) that generate more than 10,000 queries in total:
through the engine, through the app in-process (falcon.testing), and a smaller
sample through a real gunicorn. Every answer is a result or a documented error
(400 naming the parameter, 503 with Retry-After), and every snippet and title is
escaped text with only ``<mark>`` added.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import falcon.testing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA, Levenshtein
from whoosh import query as wq

from searchsvc.document import Document
from searchsvc.engine import SearchEngine
from searchsvc.errors import QueryError, QueryTimeoutError
from searchsvc.matching import MAX_FUZZY_CHARS
from searchsvc.settings import Settings
from searchsvc.suggest import did_you_mean
from searchsvc.web import create_app
from searchsvc.web.openapi import build_spec
from searchsvc.writer import IndexWriter

from .conftest import CORPUS

# -- regressions ----------------------------------------------------------------


def test_a_long_fuzzy_term_is_refused_before_its_automaton_is_built(engine: SearchEngine):
    # Before: Whoosh built a Levenshtein automaton of the whole word (~2 ms a character)
    # and walked the lexicon with it, outside any deadline check: 34 s for 2,000 characters.
    with pytest.raises(QueryError, match="longer than 40 characters") as exc:
        engine.search("x" * 2000 + "~2")
    assert exc.value.param == "q"
    assert engine.search("p" * MAX_FUZZY_CHARS + "~2").total == 0  # at the cap: evaluated


def test_a_fuzzy_expansion_checks_the_deadline_for_each_segment(fresh_index: Path):
    # Whoosh's automaton walk of a lexicon took 4-7 s on Reuters under a 2 s limit; the fuzzy
    # index compares a segment's candidate buckets in C++ (ms), and the deadline is checked
    # before each segment.
    IndexWriter(fresh_index).put([Document(id="n1", title="Etaoin shrdlu")])  # a second segment
    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) > 1:
            raise QueryTimeoutError("deadline")

    with SearchEngine(fresh_index) as e, pytest.raises(QueryTimeoutError):
        assert len(e.view().segments) >= 2
        e.view().expand(wq.FuzzyTerm("body", "etaoin", maxdist=2, prefixlength=0), check)
    assert len(calls) == 2


def test_fuzzy_terms_are_whooshs_and_transpositions(engine: SearchEngine):
    """Whoosh's Levenshtein automaton finds a subset: the fuzzy index counts an adjacent
    transposition ("pipleine") as one edit, as Lucene does; everything else is the same."""
    view = engine.view()
    for word in ("putin", "markt", "pipelin", "zebr", "xx", "tarif", "ptuin", "amrket"):
        for maxdist, prefix in ((1, 0), (1, 1), (2, 0), (2, 2)):
            q = wq.FuzzyTerm("body", word, maxdist=maxdist, prefixlength=prefix)
            whoosh = {(f, t.decode() if isinstance(t, bytes) else t)
                      for seg in view.segments for f, t in q.expanded_terms(seg.reader)}
            ours = set(view.expand(q))
            assert whoosh <= ours, (word, maxdist, prefix)
            for _, term in ours - whoosh:
                assert Levenshtein.distance(word, term) > maxdist >= OSA.distance(word, term), (word, term)
                assert term.startswith(word[:prefix])
    assert {t for _, t in view.expand(wq.FuzzyTerm("body", "ptuin", maxdist=1, prefixlength=0))} >= {"putin"}


def test_did_you_mean_stops_at_the_deadline_and_the_results_still_come(engine: SearchEngine,
                                                                        monkeypatch: pytest.MonkeyPatch):
    # Before: did-you-mean expanded up to 12 fuzzy words with no deadline at all
    # (3-7 s for a 12-word query of unknown words on Reuters under a 2 s limit).
    view = engine.view()
    with pytest.raises(QueryTimeoutError):
        did_you_mean(view, "zebrra", ("zebrra",), check=lambda: (_ for _ in ()).throw(QueryTimeoutError("x")))

    from searchsvc import suggest

    def slow_closest(*args, **kwargs):
        raise QueryTimeoutError("query stopped after the time limit")

    monkeypatch.setattr(suggest, "_closest", slow_closest)
    results = engine.search("zebrra crossinng")
    assert results.total == 0 and results.did_you_mean is None
    assert results.warnings == ["no did-you-mean: the query reached its time limit"]


@pytest.mark.parametrize("query", ["published:19*", "published:1?87", "published:2025~", "oil~2/9", "putin~1/9",
                                   "source:x*", "source:[a to b]"])
def test_expansions_on_columns_and_prefixes_longer_than_the_word_are_not_errors(readonly_client, query):
    # Before: published:19* raised Whoosh's TermNotFound and oil~2/9 an IndexError: 500s.
    r = readonly_client.simulate_get("/search", params={"q": query})
    assert r.status_code == 200, r.text


@pytest.fixture
def readonly_client(built_index: Path) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(SearchEngine(built_index, Settings({}, environ={}))))


# -- generated queries ------------------------------------------------------------------

WORDS = ["putin", "xi", "jinping", "market", "markets", "pipeline", "power", "zebra", "crossing", "the", "of",
         "tariffs", "kremlin", "okapi", "siberia", "victory", "alert", "script", "a", "z"]
SYNTAX = ['"', "'", "(", ")", "[", "]", "{", "}", "AND", "OR", "NOT", "TO", "to", "ANDNOT", "ANDMAYBE", "-", "+",
          "*", "?", "~", "~1", "~2", "~9", "~2/9", "~/", "^", "^2", "^-1", "^1e309", "^nan", ":", "\\", "/", ">",
          "<", ">=", "<=", "=", "&&", "||", "!", ",", ";", "\t", "\n", "\r", "*a*", "a*", "p?t*", "?", "**"]
FIELDS = ["title:", "body:", "people:", "section:", "dates:", "published:", "id:", "person:", "source:",
          "nosuchfield:", "text:", "TITLE:", ":", "published:>", "dates:<", "title:[", "dates:["]
VALUES = ["0", "-1", "9" * 40, "1e309", "nan", "inf", "2025", "2025-05", "2025-05-09", "20000-01-01", "0000",
          "9999-12-31", "2025-13-40", "1945", "0001-01-01"]
ODD = ["Ünïcödé", "中文", "Путин", "ﷺ", "\u202e", "\u200b", "\ufeff", "😀", "\U0001d518", "İ", "ß", "ﬁ", "e\u0301",
       "\x00", "\x1b[31m", "\x7f", "\x85", "\u2028", "&amp;", "<script>", "<mark>", "</mark>", "%00", "%2e%2e"]
TOKENS = WORDS * 3 + SYNTAX + FIELDS + VALUES + ODD
TEXT = st.characters(blacklist_categories=("Cs",))  # any code point a URL can carry


def _soup(tokens: list[str], seps: list[str]) -> str:
    return "".join(t + s for t, s in zip(tokens, seps))


_ODD_SYNTAX = st.text(st.sampled_from('()"[]{}~^*?:+-\\ '), max_size=60)
#: Each kind of hostile query, with its weight (out of 100).
KINDS: dict[str, tuple[int, st.SearchStrategy[str]]] = {
    # syntax soup: operators, fields, values, odd characters and words, with or without spaces
    "soup": (36, st.builds(_soup, st.lists(st.sampled_from(TOKENS), max_size=40),
                           st.lists(st.sampled_from(["", " ", " ", "  "]), min_size=40, max_size=40))),
    # any text, control characters included
    "text": (14, st.text(TEXT, max_size=80)),
    # fuzzy on every word (the costliest kind: kept rarer)
    "fuzzy": (4, st.lists(st.tuples(st.sampled_from([*WORDS, "pipelin", "marekt", "kremln"]),
                                     st.sampled_from(["~", "~1", "~2", "~2/1"])), min_size=1, max_size=6)
              .map(lambda ws: " ".join(w + f for w, f in ws))),
    "wildcards and ranges": (10, st.sampled_from([
        "*", "a*", "*a*", "?", "*e", "p*n", "t?e", "title:*", "id:*", "dates:*", "*~2", "zz*", "title:[a to z]",
        "dates:[1900 to 2100]", "published:>2024", "published:[2025-05 to]", "dates:[to 1950]", "people:[a to c]"])),
    "phrases": (10, st.builds(lambda f, ws, slop, boost: f'{f}"{" ".join(ws)}"{slop}{boost}',
                              st.sampled_from(["", "title:", "body:", "people:", "nosuchfield:"]),
                              st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
                              st.sampled_from(["", "~0", "~1", "~3", "~999999999999", "~-1"]),
                              st.sampled_from(["", "^2", "^0", "^-3", "^99999999999999999999"]))),
    # unbalanced or deep nesting, up to the 4,000-character cap
    "nesting": (6, st.builds(lambda opener, depth, word, close:
                             (opener * depth)[:3990] + word + ")" * (depth * close // 4),
                             st.sampled_from(["(", "NOT (", "-(", "+(", '"(', "[("]), st.integers(1, 1999),
                             st.sampled_from(WORDS), st.integers(0, 4))),
    # many terms: near, at and over the 256-term cap, up to 1,000
    "many terms": (8, st.builds(lambda n, op, start: op.join(WORDS[(start + i) % 14] + str(i % 7) for i in range(n)),
                                st.sampled_from([200, 256, 257, 300, 1000]), st.sampled_from([" ", " OR ", " AND "]),
                                st.integers(0, 13))),
    # huge: 100 KB, or just past the 4,000-character cap
    "huge": (3, st.sampled_from(["x" * 100_000, "putin " * 20_000, "(" * 100_000, "é" * 4001, "a " * 2001,
                                 '"' * 4001, "\x00" * 100_000])),
    "odd words": (5, st.lists(st.sampled_from(WORDS + ODD), min_size=1, max_size=10).map(" ".join)),
    "odd syntax": (4, _ODD_SYNTAX),
}
assert sum(w for w, _ in KINDS.values()) == 100


def _weighted(*pairs: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    # one_of draws its branches evenly and merges identical ones: weight by distinct copies.
    return st.one_of(*[strategy.map(_same) for weight, strategy in pairs for _ in range(weight)])


def _same(x):
    return x


def hostile_query() -> st.SearchStrategy[str]:
    return _weighted(*KINDS.values())


def text_of(fragment: str) -> str:
    """The text of a title or snippet: only bare <mark> elements, everything else escaped."""
    assert re.fullmatch(r"(?:[^<>]|<mark>[^<>]*</mark>)*", fragment), fragment
    return html.unescape(fragment.replace("<mark>", "").replace("</mark>", ""))


STORED = {r["id"]: r for r in CORPUS}


def check_hits(hits: list) -> None:
    for hit in hits:
        stored = STORED[hit["id"]]
        assert text_of(hit["title"]) == " ".join(stored["title"].split())
        body = " ".join(stored["body"].split())
        for piece in text_of(hit["snippet"]).split("…"):
            assert piece.strip() in body, (piece, body)


def run_counted(test, examples: int) -> None:
    settings(max_examples=examples, derandomize=True, database=None, deadline=None,
             suppress_health_check=list(HealthCheck))(test)()


ENGINE_EXAMPLES = 4000
HTTP_EXAMPLES = 4700
RAW_EXAMPLES = 1000
LIVE_EXAMPLES = 300


@pytest.mark.slow
def test_generated_queries_through_the_engine(engine: SearchEngine):
    seen: Counter = Counter()
    queries: set[str] = set()
    calls: set[tuple] = set()

    @given(q=hostile_query(), match=st.sampled_from(["all", "any"]), limit=st.integers(0, 100),
           offset=st.sampled_from([0, 0, 1, 5, 10_000]), sort=st.sampled_from(["relevance", "newest", "oldest"]))
    def check(q, match, limit, offset, sort):
        queries.add(q)
        calls.add((q, match, limit, offset, sort))
        try:
            r = engine.search(q, match=match, limit=limit, offset=offset, sort=sort)
        except QueryError as e:
            assert e.param == "q" and str(e)
            seen["400"] += 1
            return
        except QueryTimeoutError:
            seen["503"] += 1
            return
        seen["200"] += 1
        d = r.to_dict()
        assert d["total"] >= len(d["hits"]) and len(d["hits"]) <= limit
        assert len({h["id"] for h in d["hits"]}) == len(d["hits"])
        if sort == "relevance":
            assert [h["score"] for h in d["hits"]] == sorted((h["score"] for h in d["hits"]), reverse=True)
        check_hits(d["hits"])

    run_counted(check, ENGINE_EXAMPLES)
    total = sum(seen.values())
    assert total >= ENGINE_EXAMPLES and len(calls) >= 0.6 * ENGINE_EXAMPLES, (total, len(calls))
    assert seen["200"] >= total // 2 and seen["400"] >= total // 50, seen
    print(f"\nengine: {total} generated queries ({len(calls)} distinct calls, {len(queries)} distinct strings): "
          f"{dict(seen)}")


PARAMS = ["q", "match", "limit", "offset", "people", "section", "from", "to", "mentions_from", "mentions_to",
          "sort", "facets", "snippets"]
SPEC = build_spec(Settings({}, environ={}))


def _validator(name: str):
    import jsonschema

    schema = {**SPEC["components"]["schemas"][name], "components": SPEC["components"]}
    return jsonschema.validators.validator_for(schema)(schema)


VALIDATORS = {name: _validator(name) for name in ("SearchResults", "Error")}


def _valid(body: dict, name: str) -> None:
    VALIDATORS[name].validate(body)


_JUNK = st.one_of(st.text(TEXT, max_size=30), st.sampled_from(VALUES + ODD + ["", " ", "true", "1", "١٠", "9" * 5000]))


def _mostly(valid: st.SearchStrategy) -> st.SearchStrategy:
    """A valid value seven times out of eight, junk otherwise."""
    return _weighted((7, valid), (1, _JUNK))


DATES = st.sampled_from(["2025", "2025-05", "2025-05-09", "1945", "0001-01-01", "9999-12-31", "2024-02-29"])


def hostile_params() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({"q": hostile_query()}, optional={
        "match": _mostly(st.sampled_from(["all", "any"])),
        "limit": _mostly(st.integers(0, 100).map(str) | st.sampled_from(["-1", "101", "1e2", " 5"])),
        "offset": _mostly(st.sampled_from(["0", "1", "10", "10000", "-1", "10001"])),
        "sort": _mostly(st.sampled_from(["relevance", "newest", "oldest"])),
        "from": _mostly(DATES), "to": _mostly(DATES), "mentions_from": _mostly(DATES), "mentions_to": _mostly(DATES),
        "people": st.lists(_mostly(st.sampled_from(["Xi Jinping", "Vladimir Putin", "xi jinping"])), max_size=22),
        "section": _mostly(st.sampled_from(["russia", "Economy", "s" * 300])),
        "facets": _mostly(st.sampled_from(["true", "false", "0", "yes"])),
        "snippets": _mostly(st.sampled_from(["true", "false"])),
        "index": _JUNK, "path": _JUNK,
    })


def check_response(status: int, headers: dict, body: dict, seen: Counter) -> None:
    seen[str(status)] += 1
    assert status in (200, 400, 503), (status, body)
    if status == 200:
        _valid(body, "SearchResults")
        check_hits(body["hits"])
        return
    _valid(body, "Error")
    err = body["error"]
    assert err["status"] == status and err["message"] and "Traceback" not in err["message"]
    if status == 400:
        assert err["param"] in PARAMS, err
    else:
        assert err["code"] in ("query_timeout", "index_busy") and headers["retry-after"] == "1"


@pytest.mark.slow
def test_generated_search_requests_in_process(readonly_client: falcon.testing.TestClient):
    seen: Counter = Counter()

    @given(params=hostile_params())
    def check(params):
        r = readonly_client.simulate_get("/search", params=params)
        assert r.headers["content-type"].startswith("application/json")
        check_response(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.json, seen)

    run_counted(check, HTTP_EXAMPLES)
    total = sum(seen.values())
    assert total >= HTTP_EXAMPLES and seen["200"] >= total // 4 and seen["400"] >= total // 10, seen
    print(f"\nin-process: {total} generated requests: {dict(seen)}")


@pytest.mark.slow
def test_generated_raw_query_strings_in_process(readonly_client: falcon.testing.TestClient):
    seen: Counter = Counter()
    raw = st.lists(st.one_of(st.sampled_from(["q=", "limit=", "offset=", "&", "=", "%", "%2", "%ZZ", "%00", "%FF",
                                              "%C0%AE", "%E2%80%AE", "+", "%26", "%3D", "people=", "q[]=", ";"]),
                             st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), max_size=5)), max_size=20)

    @given(parts=raw)
    def check(parts):
        r = readonly_client.simulate_get("/search", query_string="".join(parts))
        check_response(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.json, seen)

    run_counted(check, RAW_EXAMPLES)
    assert sum(seen.values()) >= RAW_EXAMPLES and seen["200"] >= RAW_EXAMPLES // 10, seen
    print(f"\nraw query strings: {sum(seen.values())} generated requests: {dict(seen)}")


# -- a real gunicorn --------------------------------------------------------------------

from .live import LiveServer  # noqa: E402


@pytest.mark.slow
def test_generated_requests_to_a_real_gunicorn(fresh_index: Path):
    seen: Counter = Counter()
    from urllib.parse import urlencode

    with LiveServer(fresh_index, workers=2) as server:
        pids = server.worker_pids()

        @given(params=hostile_params())
        def check(params):
            path = "/search?" + urlencode(params, doseq=True)
            status, headers, data = server.request("GET", path)
            if len(path) > 8150:  # past gunicorn's request-line cap: refused before the app runs, as JSON
                assert status == 414 and json.loads(data)["error"]["code"] == "request_line_too_long", data[:200]
                seen["refused by gunicorn"] += 1
                return
            assert headers["content-type"].startswith("application/json"), (status, data[:200])
            check_response(status, headers, json.loads(data), seen)

        run_counted(check, LIVE_EXAMPLES)
        # Past gunicorn's request-line cap (8,190 bytes): a 414 before the app runs, in the JSON shape.
        for q in ("x" * 100_000, "é" * 9000):
            status, _, data = server.request("GET", "/search?" + urlencode({"q": q}))
            assert status == 414 and json.loads(data)["error"]["param"] == "url", data[:200]
        assert server.worker_pids() == pids  # no worker died or was recycled on the way
        assert server.json("GET", "/search?q=putin")[1]["total"] == 2
    assert sum(seen.values()) >= LIVE_EXAMPLES and seen["200"] >= LIVE_EXAMPLES // 4, seen
    print(f"\ngunicorn: {sum(seen.values())} generated requests: {dict(seen)}")


@pytest.mark.slow
def test_the_time_limit_works_in_sync_workers(fresh_index: Path):
    """Cooperative, not SIGALRM: a slow query is stopped with a 503 and the worker goes on serving."""
    # 250 wildcards that each expand to every word: ~130 ms in-process on this corpus (240 fuzzy
    # terms were the expensive query until the fuzzy index made them take a few ms).
    expensive = " ".join(["?*"] * 250)
    with LiveServer(fresh_index, workers=2, query_time_limit=0.02) as server:
        pids = server.worker_pids()
        for _ in range(6):  # fresh connections: both workers get some
            status, headers, data = server.request("GET", "/search?" + urlencode({"q": expensive}))
            body = json.loads(data)
            assert status == 503 and headers["retry-after"] == "1", (status, data[:300])
            assert body["error"]["code"] == "query_timeout" and "query_time_limit" in body["error"]["message"]
            assert server.json("GET", "/search?q=putin")[1]["total"] == 2  # and the next query is fine
        assert server.worker_pids() == pids  # the same workers: none killed by gunicorn's timeout
        assert "WORKER TIMEOUT" not in server.log() and "Traceback" not in server.log()


CAPS = [
    ({"limit": "101"}, "limit", "from 0 to 100"), ({"offset": "10001"}, "offset", "from 0 to 10000"),
    ({"q": "x" * 4001}, "q", "4,000 characters"), ({"q": " ".join(f"w{i}" for i in range(257))}, "q", "limit is 256"),
    ({"q": "a*"}, "q", "max_expansions"), ({"q": "x" * 41 + "~"}, "q", "longer than 40 characters"),
]


@pytest.mark.slow
def test_caps_answer_400_with_a_clear_message_under_gunicorn(fresh_index: Path):
    with LiveServer(fresh_index, workers=1, max_expansions=3) as server:
        for query, param, words in CAPS:
            status, body = server.json("GET", "/search?" + urlencode(query))
            assert status == 400 and body["error"]["param"] == param and words in body["error"]["message"], body


from urllib.parse import urlencode  # noqa: E402

# -- snippets of huge documents ------------------------------------------------------------
from searchsvc import highlight  # noqa: E402
from searchsvc.highlight import MAX_ANALYZED_CHARS, Span, choose_windows  # noqa: E402
from searchsvc.matching import Deadline, Marks  # noqa: E402


def _reference_windows(text, spans, size, count):
    """choose_windows by brute force (quadratic): a window around each of the first MAX_ANCHORS
    marks, counting the marks (among the first 4 * MAX_ANCHORS) that lie wholly inside it."""
    scored = []
    considered = spans[:highlight.MAX_ANCHORS * 4]
    for anchor in considered[:highlight.MAX_ANCHORS]:
        start = max(0, anchor.start - size // 4)
        end = min(len(text), start + size)
        start = max(0, end - size) if end == len(text) else start
        inside = [s for s in considered if s.start >= start and s.end <= end]
        scored.append((-len({s.term for s in inside}), -len(inside), start, end))
    return highlight.pick_windows(text, spans, scored, count)  # the choice among scored windows is shared


def test_choosing_snippet_windows_answers_as_before():
    import random

    rng = random.Random(7)
    for _ in range(300):
        text = " ".join(rng.choice(["ab", "cde", "f", "ghij", "k"]) for _ in range(rng.randint(1, 400)))
        spans, pos = [], 0
        for word in text.split(" "):
            if rng.random() < 0.3:
                spans.append(Span(pos, pos + len(word) + (rng.random() < 0.1) * 3, word))  # some phrases
            pos += len(word) + 1
        spans = highlight._merge(spans)
        size, count = rng.choice([20, 40, 220]), rng.choice([1, 2, 3])
        assert choose_windows(text, spans, size, count) == _reference_windows(text, spans, size, count)


class _CountingList(list):
    """Counts the elements that slicing hands out (the work of choosing windows)."""

    sliced = 0

    def __getitem__(self, key):
        out = super().__getitem__(key)
        if isinstance(key, slice):
            _CountingList.sliced += len(out)
        return out


def test_choosing_windows_does_not_grow_with_the_square_of_the_matches():
    # Before: every match looked at every other one. A 3.4 MB document matching every eighth word
    # (75,000 matches) took 546 s of one worker for a search of 3 hits: past gunicorn's timeout.
    n = 4000
    text = " ".join("okapi" if i % 2 == 0 else "filler" for i in range(2 * n))
    spans = _CountingList(Span(m.start(), m.end(), "okapi") for m in re.finditer("okapi", text))
    assert len(spans) == n
    _CountingList.sliced = 0
    choose_windows(text, spans, 220, 2)
    assert _CountingList.sliced <= 40 * n  # the old way: ~n * n = 16,000,000


def test_snippets_come_from_the_first_50000_characters():
    marks = Marks()
    marks.add_term(("body",), "okapi")
    hl = highlight.Highlighter(marks)
    early = hl.snippet("okapi " + "filler " * (MAX_ANALYZED_CHARS // 7 + 10))
    late = hl.snippet("filler " * (MAX_ANALYZED_CHARS // 7 + 10) + "okapi")
    assert "<mark>okapi</mark>" in early and early.endswith(" …")
    assert "<mark>" not in late and late.endswith(" …")


def test_once_the_deadline_passes_the_other_hits_come_without_snippets(engine: SearchEngine,
                                                                      monkeypatch: pytest.MonkeyPatch):
    built = []
    real_hit, real_passed = SearchEngine._hit, Deadline.passed

    def counting_hit(self, *args, **kwargs):
        built.append(1)
        return real_hit(self, *args, **kwargs)

    monkeypatch.setattr(SearchEngine, "_hit", counting_hit)
    # The limit runs out once two hits are built.
    monkeypatch.setattr(Deadline, "passed", lambda self: len(built) >= 2 or real_passed(self))
    r = engine.search("markets OR zebra OR putin", match="any", limit=10)
    assert len(r.hits) >= 4
    assert [bool(h.snippet) for h in r.hits] == [True, True] + [False] * (len(r.hits) - 2)
    assert all(h.title for h in r.hits)
    assert "some snippets left out: the query reached its time limit" in r.warnings


@pytest.mark.slow
def test_a_search_over_huge_documents_full_of_matches(tmp_path: Path):
    import random

    rng = random.Random(3)
    words = ["market", "oil", "price", "bank", "okapi", "trade", "deal", "talks"]
    docs = [{"id": f"huge{i}", "title": f"Huge {i}", "body": " ".join(rng.choice(words) for _ in range(180_000)),
             "people": [], "dates": []} for i in range(4)]
    src = tmp_path / "huge.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in docs))
    from searchsvc.indexer import rebuild

    rebuild(tmp_path / "ix", [src])
    with SearchEngine(tmp_path / "ix") as e:
        for q in ("okapi", '"oil price"', "okapi market oil", "okap*"):
            r = e.search(q, limit=100)
            assert r.total == 4 and len(r.hits) == 4
            assert all("<mark>" in h.snippet for h in r.hits), q
