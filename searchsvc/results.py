"""What a search answers: :class:`SearchResults` and its :class:`Hit`s.

Plain dataclasses, so that the CLI prints them, the HTTP layer serialises them and an
embedding app reads them alike; :func:`copied` is how the engine's result cache hands
out answers that share nothing mutable with what it keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any


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


def copied(results: SearchResults) -> SearchResults:
    """A copy that shares nothing mutable: a caller that edits its results must not edit the
    result cache (hits, their people and dates lists, warnings, facets)."""
    return replace(results, hits=[replace(h, people=list(h.people), dates=list(h.dates)) for h in results.hits],
                   warnings=list(results.warnings),
                   facets={k: [dict(v) for v in vs] for k, vs in results.facets.items()})


__all__ = ["Hit", "SearchResults", "copied"]
