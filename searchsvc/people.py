"""Person names in news text: the people extractor.

Pipeline (model-free, deterministic, no state shared between calls):

1. :mod:`people_text` splits the text into lines, restores the case of
   ALL-CAPS lines from the rest of the document and finds capitalised runs.
2. :mod:`people_rules` trims titles and other non-name words off each run
   and gives it a verdict (STRONG, WEAK or NONE) from name lists and cues.
3. Here, document-level consistency: a WEAK candidate is kept when its words
   belong to a STRONG name of the same document (so "Shearer" in a headline
   or "Putin's" later on count); then :mod:`people_resolve` folds short
   mentions into the full name they refer to and orders the result.
"""

from __future__ import annotations

from .people_resolve import canonical_names
from .people_rules import STRONG, WEAK, Candidate, candidates
from .people_text import lines_of, runs_of


def extract_people(text: str, title: str = "") -> list[str]:
    """Canonical names of the persons the text names, once each, in order of first mention."""
    if not isinstance(text, str):
        text = ""
    if not isinstance(title, str):
        title = ""
    found = [c for run in runs_of(lines_of(text, title)) for c in candidates(run)]
    return canonical_names(_confirmed(found))


def _confirmed(found: list[Candidate]) -> list[tuple[str, ...]]:
    """Strong candidates, plus weak ones made only of words of strong ones."""
    strong_words = {w.casefold() for c in found if c.verdict == STRONG for w in c.tokens}
    out = []
    for c in found:
        if c.verdict == STRONG or (c.verdict == WEAK and (len(c.tokens) > 1 or all(w.casefold() in strong_words for w in c.tokens))):
            out.append(c.tokens)
    return out
