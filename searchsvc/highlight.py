"""Highlighted titles and snippets: HTML-escaped text with only ``<mark>`` added.

The highlighter works on the stored text, not on Whoosh's highlight module
(which re-analyses every hit through its token chain and marks each word of a
phrase wherever it appears). For each hit:

1. the text is whitespace-normalised (newlines become spaces);
2. a regular expression built from the first letters of the query's stems finds
   candidate words in one C-level scan; each candidate is stemmed exactly as the
   index does (:mod:`searchsvc.analysis`) and kept only if it is a query term;
3. phrases are marked only where their words follow one another (nothing but
   spaces and punctuation between them), as one ``<mark>`` around the phrase;
   words that occur in the query only inside phrases are not marked alone;
4. the snippet is the ``fragments`` windows of ``fragment_chars`` characters
   holding the most distinct matched terms, cut at spaces, in text order,
   joined with " … "; with no match it is the start of the text.

Everything outside the marks goes through ``html.escape``, so a stored
``<script>`` comes out as text.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .analysis import fold, stem
from .matching import Marks

_WORD = re.compile(r"[^\W_]+")
# Between two words of one phrase: punctuation/space, or a possessive the analyser drops.
_PHRASE_GAP = re.compile(r"(?:['’`][sS])?[\W_]*")
ELLIPSIS = " … "
#: Snippets come from the first this many characters of a body (Lucene's default is 51,200),
#: so a hit costs the same however long its document is.
MAX_ANALYZED_CHARS = 50_000


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    term: str


class Highlighter:
    def __init__(self, marks: Marks, *, fragment_chars: int = 220, fragments: int = 2) -> None:
        self.fragment_chars = fragment_chars
        self.fragments = fragments
        self._fields: dict[str, tuple[frozenset[str], list[tuple[str, ...]]]] = {}
        for fieldname in ("title", "body"):
            # Names in `people` appear in the text too: mark them there.
            terms = set(marks.terms.get(fieldname, ())) | set(marks.terms.get("people", ()))
            phrases = [words for fields, words in marks.phrases if fieldname in fields or "people" in fields]
            self._fields[fieldname] = (frozenset(terms), phrases)
        wanted = {t for terms, phrases in self._fields.values() for t in terms}
        wanted |= {w for _, phrases in self._fields.values() for p in phrases for w in p}
        self._wanted = frozenset(wanted)
        heads = sorted({re.escape(t[:3]) for t in wanted if t}, key=len, reverse=True)
        self._candidates = (re.compile(r"(?<![^\W_])(?:{})[^\W_]*".format("|".join(heads)), re.IGNORECASE)
                            if heads else None)

    def title(self, text: str) -> str:
        text = " ".join(text.split())
        return render(text, self._spans(text, "title"))

    def snippet(self, body: str) -> str:
        cut = len(body) > MAX_ANALYZED_CHARS
        text = " ".join(body[:MAX_ANALYZED_CHARS].split())
        spans = self._spans(text, "body")
        if not spans:
            return _lead(text, self.fragment_chars)
        windows = choose_windows(text, spans, self.fragment_chars, self.fragments)
        parts = []
        for a, b in windows:
            inside = [s for s in spans if s.start >= a and s.end <= b]
            piece = render(text[a:b], [Span(s.start - a, s.end - a, s.term) for s in inside])
            parts.append(piece)
        lead = "" if windows[0][0] == 0 else "… "
        tail = "" if windows[-1][1] >= len(text) and not cut else " …"
        return lead + ELLIPSIS.join(parts) + tail

    # -- finding the marks ---------------------------------------------------

    def _spans(self, text: str, fieldname: str) -> list[Span]:
        terms, phrases = self._fields[fieldname]
        if not (terms or phrases) or self._candidates is None:
            return []
        tokens = self._tokens(text)
        spans = [Span(s, e, t) for s, e, t in tokens if t in terms]
        for phrase in phrases:
            spans.extend(_phrase_spans(text, tokens, phrase))
        return _merge(spans)

    def _tokens(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, stem) of the words that may be query terms."""
        wanted = self._wanted
        # With accents the folded form may not start with the same letters: scan every word.
        matches = self._candidates.finditer(text) if text.isascii() else _WORD.finditer(text)  # type: ignore[union-attr]
        out = []
        for m in matches:
            term = stem(fold(m.group().lower()))
            if term in wanted:
                out.append((m.start(), m.end(), term))
        return out


def _phrase_spans(text: str, tokens: list[tuple[int, int, str]], phrase: tuple[str, ...]) -> list[Span]:
    n = len(phrase)
    found = []
    for i in range(len(tokens) - n + 1):
        if tokens[i][2] != phrase[0]:
            continue
        ok = True
        for k in range(1, n):
            prev, cur = tokens[i + k - 1], tokens[i + k]
            if cur[2] != phrase[k] or not _PHRASE_GAP.fullmatch(text, prev[1], cur[0]):
                ok = False
                break
        if ok:
            found.append(Span(tokens[i][0], tokens[i + n - 1][1], " ".join(phrase)))
    return found


def _merge(spans: list[Span]) -> list[Span]:
    """Sort and drop spans inside or overlapping an earlier (longer) one."""
    spans.sort(key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for s in spans:
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out


def choose_windows(text: str, spans: list[Span], size: int, count: int) -> list[tuple[int, int]]:
    """Up to ``count`` non-overlapping windows with the most distinct terms, in text order.

    ``spans`` are sorted and do not overlap (as ``_merge`` returns them), so the spans inside
    a window are one run of the list, found by bisection: a document with tens of thousands
    of matches costs that many small steps, not their square.
    """
    starts = [s.start for s in spans]
    ends = [s.end for s in spans]
    scored = []
    for i, anchor in enumerate(spans):
        start = max(0, anchor.start - size // 4)
        end = min(len(text), start + size)
        start = max(0, end - size) if end == len(text) else start
        lo = bisect_left(starts, start, 0, i)  # spans before the anchor that start inside
        hi = bisect_right(ends, end, i)  # the anchor and those after it that end inside
        distinct = len({s.term for s in spans[lo:hi]})
        scored.append((-distinct, -(hi - lo), start, end))
    scored.sort()
    chosen: list[tuple[int, int]] = []
    for _, _, start, end in scored:
        if len(chosen) == count:
            break
        if any(start < b and a < end for a, b in chosen):
            continue
        chosen.append((start, end))
    chosen.sort()
    return [_snap(text, a, b, spans) for a, b in chosen]


def _snap(text: str, start: int, end: int, spans: list[Span]) -> tuple[int, int]:
    """Move window edges to spaces without cutting a mark."""
    if start > 0:
        space = text.find(" ", start, start + 30)
        if space != -1 and not any(s.start <= space < s.end for s in spans):
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", max(start, end - 30), end)
        if space != -1 and not any(s.start < space <= s.end for s in spans):
            end = space
    for s in spans:  # never end inside a mark
        if s.start < end < s.end:
            end = s.end
    return start, end


def render(text: str, spans: list[Span]) -> str:
    out, pos = [], 0
    for s in spans:
        out.append(html.escape(text[pos:s.start]))
        out.append("<mark>" + html.escape(text[s.start:s.end]) + "</mark>")
        pos = s.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _lead(text: str, size: int) -> str:
    if len(text) <= size:
        return html.escape(text)
    cut = text.rfind(" ", 0, size)
    cut = cut if cut > size // 2 else size
    return html.escape(text[:cut]) + " …"
