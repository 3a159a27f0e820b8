"""Every tunable in one registry: name, default, type and help.

Values come from, in rising order of precedence: the defaults below, environment
variables ``SEARCHSVC_<NAME>`` (upper case), and explicit overrides (CLI flags,
the mapping given to ``Settings({"max_limit": 50})``). ``searchsvc settings`` prints the table and
the README documents it; a test keeps the two in step.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import QueryError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    type: type = str
    minimum: float | None = None
    maximum: float | None = None
    secret: bool = False

    @property
    def env(self) -> str:
        return "SEARCHSVC_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    # Search
    Setting("max_limit", 100, "Largest `limit` a search may ask for.", int, 1, 10_000),
    Setting("max_offset", 10_000, "Deepest `offset` a search may ask for (deep paging costs a full sort).",
            int, 0, 1_000_000),
    Setting("max_query_chars", 4_000, "Longest query string accepted; longer ones are refused (400).",
            int, 10, 1_000_000),
    Setting("max_query_terms", 256, "Most terms a query may have after parsing; more are refused (400).",
            int, 1, 100_000),
    Setting("max_expansions", 512, "Most index terms a wildcard, prefix or fuzzy term may expand to.",
            int, 1, 1_000_000),
    Setting("query_time_limit", 2.0, "Seconds a query may run before it is stopped (503 + Retry-After).",
            float, 0.01, 600),
    Setting("snippet_chars", 220, "Characters per snippet fragment.", int, 20, 10_000),
    Setting("snippet_fragments", 2, "Fragments per snippet.", int, 1, 20),
    # Ranking (see scoring.py for the formulas)
    Setting("bm25_k1", 1.2, "BM25F term-frequency saturation.", float, 0.0, 10.0),
    Setting("bm25_b_title", 0.5, "BM25F length normalisation of the title.", float, 0.0, 1.0),
    Setting("bm25_b_body", 0.6, "BM25F length normalisation of the body (0.6: chosen on the development "
            "collections, between Robertson's 0.75 and Anserini's 0.4; see scripts/eval_relevance.py).",
            float, 0.0, 1.0),
    Setting("weight_title", 2.5, "BM25F weight of a title occurrence relative to the body.", float, 0.0, 100.0),
    Setting("weight_body", 1.0, "BM25F weight of a body occurrence.", float, 0.0, 100.0),
    Setting("weight_people", 0.0, "BM25F weight of the people names in unqualified words (0: names count "
            "once, as the title and body words they come from; `people:` queries still score).", float, 0.0, 100.0),
    Setting("proximity_weight", 1.0, "Term-proximity bonus (Büttcher et al. 2006) for queries of 2 to "
            "`proximity_max_terms` words, times this weight (0: off; 1: the paper's formula). On 120 short name "
            "queries over Reuters (`scripts/eval_short_queries.py`) it raised the share of the top 10 holding the "
            "name from 0.80 to 0.91.", float, 0.0, 100.0),
    Setting("proximity_max_terms", 4, "Most distinct query words the proximity bonus applies to: names and set "
            "phrases are short; on long queries it helped CACM and hurt TIME.", int, 2, 1000),
    Setting("proximity_candidates", 30, "Best BM25F results re-ranked by the proximity bonus (30: the short-query "
            "measure was 0.906 against 0.916 with 100 and 0.895 with 20 on 2026-12-07, for 0.35-0.46 instead "
            "of 0.46-0.55 ms more on the benchmark's in-process p50).", int, 1, 100_000),
    Setting("rm3_docs", 0, "Pseudo-relevance feedback (RM3) for match=any, sort=relevance: first-pass documents "
            "whose words re-weight and expand the query (0: off; 10 is Anserini's). Off: it hurt both "
            "development collections.", int, 0, 100),
    Setting("rm3_terms", 10, "RM3: words taken from each feedback document and added to the query.", int, 1, 100),
    Setting("rm3_query_weight", 0.5, "RM3: weight of the original query against the feedback words.",
            float, 0.0, 1.0),
    Setting("recency_half_life_days", 0.0, "sort=relevance: days after which the recency share of a score "
            "halves, counted from the newest article (0: off; undated articles get no boost).",
            float, 0.0, 1e6),
    Setting("recency_weight", 0.5, "Share of a score that decays with age when recency_half_life_days is set.",
            float, 0.0, 1.0),
    # Indexing
    Setting("max_document_chars", 4_000_000, "Largest title+body, in characters, a document may have.",
            int, 1, 1 << 40),
    Setting("lock_timeout", 5.0, "Seconds a writer waits for the index write lock before giving up.",
            float, 0.0, 3600),
    Setting("extract_workers", 0, "Worker processes of a rebuild (reading, extracting, indexing; 0: one per core).",
            int, 0, 256),
    Setting("rebuild_nice", 10, "Niceness a rebuild adds to its worker processes (0-19), so that a service on the "
            "same machine keeps answering while it runs; on an idle machine the workers still get all the CPU.",
            int, 0, 19),
    Setting("compiled_extraction", True, "Use the mypyc-compiled people/dates extractors when the install built "
            "them (same results, 1.4-2x faster; see searchsvc/native.py). Read from the environment only.", bool),
    # Service
    Setting("index", "index", "Index directory the service and CLI use."),
    Setting("host", "127.0.0.1", "Address `searchsvc serve` binds."),
    Setting("port", 8000, "Port `searchsvc serve` binds.", int, 0, 65535),
    Setting("workers", 0, "gunicorn worker processes (0: one per core).", int, 0, 256),
    Setting("api_key", "", "Bearer key for write endpoints (printable ASCII, no spaces); empty means the "
            "service is read-only.", secret=True),
    Setting("cors_origins", "", "Comma-separated origins allowed by CORS ('*' for any); empty: CORS off."),
    Setting("max_body_bytes", 16 * 1024 * 1024, "Largest request body accepted (413 above).", int, 1, 1 << 34),
    Setting("max_bulk_documents", 1000, "Most documents one POST /documents may carry (413 above): a request must "
            "finish well inside request_timeout.", int, 1, 1_000_000),
    Setting("max_json_depth", 32, "Deepest JSON nesting accepted in a request body.", int, 2, 1000),
    Setting("request_timeout", 30, "Seconds gunicorn lets a request run before recycling the worker.",
            int, 1, 3600),
    Setting("client_timeout", 10.0, "Seconds a connection may send or read nothing before the worker drops it "
            "(a client that stalls mid-request must not hold one of the few sync workers).", float, 0.1, 3600),
    Setting("worker_max_requests", 100_000, "Requests a gunicorn worker answers before it is replaced, plus up to "
            "10 % so that workers are not replaced together (0: never). A safety valve against slow leaks: a "
            "replacement costs ~0.4 s of CPU and a latency spike, and worker memory levels off (113-164 MB in the "
            "soak and load runs of docs/reliability.md).", int, 0, 1_000_000_000),
    Setting("refresh_interval", 0.0, "Seconds between checks for a new index generation/commit (0: every request).",
            float, 0.0, 60),
    Setting("result_cache", 256, "Search results kept per worker, per index version (0: off; the benchmark "
            "turns it off).", int, 0, 1_000_000),
)
BY_NAME = {s.name: s for s in SETTINGS}


class Settings:
    """Resolved values; attribute access (``settings.max_limit``)."""

    if TYPE_CHECKING:  # what attribute access returns, for type checkers (tests/test_settings.py pins it)
        max_limit: int
        max_offset: int
        max_query_chars: int
        max_query_terms: int
        max_expansions: int
        query_time_limit: float
        snippet_chars: int
        snippet_fragments: int
        bm25_k1: float
        bm25_b_title: float
        bm25_b_body: float
        weight_title: float
        weight_body: float
        weight_people: float
        proximity_weight: float
        proximity_max_terms: int
        proximity_candidates: int
        rm3_docs: int
        rm3_terms: int
        rm3_query_weight: float
        recency_half_life_days: float
        recency_weight: float
        max_document_chars: int
        lock_timeout: float
        extract_workers: int
        rebuild_nice: int
        compiled_extraction: bool
        index: str
        host: str
        port: int
        workers: int
        api_key: str
        cors_origins: str
        max_body_bytes: int
        max_bulk_documents: int
        max_json_depth: int
        request_timeout: int
        client_timeout: float
        worker_max_requests: int
        refresh_interval: float
        result_cache: int

    def __init__(self, overrides: Mapping[str, Any] | None = None, *,
                 environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        if overrides is not None and not isinstance(overrides, Mapping):
            raise QueryError(f"settings overrides must be a mapping of names to values, got {type(overrides).__name__}",
                             param="settings")
        values: dict[str, Any] = {}
        for s in SETTINGS:
            value = s.default
            if s.env in env:
                value = coerce(s, env[s.env], origin=s.env)
            values[s.name] = value
        for name, value in (overrides or {}).items():
            if value is None:
                continue
            if name not in BY_NAME:
                raise QueryError(f"unknown setting {name!r}", param=name)
            values[name] = coerce(BY_NAME[name], value, origin=name)
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **overrides: Any) -> Settings:
        merged = dict(self._values)
        merged.update({k: v for k, v in overrides.items() if v is not None})
        return Settings(merged, environ={})

    def as_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        return {k: ("***" if BY_NAME[k].secret and v and not reveal else v) for k, v in self._values.items()}


def settings_or_defaults(settings: object) -> Settings:
    """A caller's ``settings=`` argument: a :class:`Settings`, or None for the defaults (and the
    environment). A dict is refused with the way to make one, not an AttributeError later."""
    if settings is None:
        return Settings()
    if not isinstance(settings, Settings):
        hint = " (Settings({...}) makes one from a dict)" if isinstance(settings, Mapping) else ""
        raise QueryError(f"settings must be a searchsvc Settings, got {type(settings).__name__}{hint}",
                         param="settings")
    return settings


def coerce(setting: Setting, value: Any, *, origin: str) -> Any:
    """Convert and range-check one value; QueryError names where it came from."""
    if setting.type is bool:
        return _boolean(setting, value, origin)
    if setting.type is int and (isinstance(value, bool) or (isinstance(value, float) and not value.is_integer())):
        # int(5.9) is 5 and int(True) is 1: a value that is no integer must not be cut into one
        raise QueryError(f"{origin}: expected int, got {str(value)[:40]!r}", param=setting.name)
    if setting.type is float and isinstance(value, bool):
        raise QueryError(f"{origin}: expected float, got {value!r}", param=setting.name)
    if setting.type is str and not isinstance(value, (str, os.PathLike) if setting.name == "index" else str):
        # str() of anything succeeds: a list of CORS origins became "['https://a.example']" (CORS
        # then silently off), b"/srv/index" the path "b'/srv/index'"
        kind = "a str or os.PathLike" if setting.name == "index" else "a str"
        raise QueryError(f"{origin}: expected {kind}, got {type(value).__name__}", param=setting.name)
    try:
        result = setting.type(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        raise QueryError(f"{origin}: expected {setting.type.__name__}, got {str(value)[:40]!r}",
                         param=setting.name) from None
    # NaN compares false with every bound, so it passed the range check and reached the scoring.
    if isinstance(result, float) and not math.isfinite(result):
        raise QueryError(f"{origin}: expected a finite number, got {str(value)[:40]!r}", param=setting.name)
    if setting.minimum is not None and result < setting.minimum:
        raise QueryError(f"{origin}: must be at least {setting.minimum:g}", param=setting.name)
    if setting.maximum is not None and result > setting.maximum:
        raise QueryError(f"{origin}: must be at most {setting.maximum:g}", param=setting.name)
    return result


#: The words a flag may be given as, in settings, HTTP parameters and the environment alike.
BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _boolean(setting: Setting, value: Any, origin: str) -> bool:
    if isinstance(value, bool):
        return value
    # A typo ("ture") must not quietly mean False.
    result = BOOLEANS.get(str(value).strip().lower())
    if result is None:
        raise QueryError(f"{origin}: expected one of 1/0, true/false, yes/no, on/off, got {str(value)[:40]!r}",
                         param=setting.name)
    return result


def settings_table() -> str:
    """The Markdown table of all settings (the README embeds it)."""
    rows = ["| setting | env var | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = "(none)" if s.default == "" else s.default
        rows.append(f"| `{s.name}` | `{s.env}` | `{default}` | {s.help} |")
    return "\n".join(rows)
