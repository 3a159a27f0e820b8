"""Highlighted titles and snippets: HTML-escaped text with only ``<mark>`` added.

The highlighter works on the stored text, not on Whoosh's highlight module
(which re-analyses every hit through its token chain and marks each word of a
phrase wherever it appears). For each hit:

1. the text is whitespace-normalised (newlines become spaces);
2. the first four letters of each query stem (with y and i swapped where Snowball
   swaps them: "city" gives ``citi``) are looked up with ``str.find`` in the
   lower-cased text (C speed); each word found is stemmed exactly as the index does
   (:mod:`searchsvc.analysis`) and kept only if it is a query term;
3. phrases are marked only where their words follow one another (nothing but
   spaces and punctuation between them), as one ``<mark>`` around the phrase;
   words that occur in the query only inside phrases are not marked alone (the
   words of a sloppy phrase, ``"a b"~3``, come as single terms: they need not touch);
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
from collections.abc import Sequence
from typing import NamedTuple

from .analysis import WORD as _WORD  # the analyser's words: a combining accent stays in its word
from .analysis import compounds, fold, stem
from .matching import Marks

# Between two words of one phrase: punctuation/space, or a possessive/clitic the analyser drops.
_PHRASE_GAP = re.compile(r"(?:['’`](?:s|m|d|re|ve|ll))?[\W_]*", re.IGNORECASE)
ELLIPSIS = " … "
#: Windows are tried around the first this many marks only (long documents repeat themselves).
MAX_ANCHORS = 24
#: Snippets come from the first this many characters of a body (Lucene's default is 51,200),
#: so a hit costs the same however long its document is.
MAX_ANALYZED_CHARS = 50_000


class Span(NamedTuple):
    start: int
    end: int
    term: str


#: (start, end, term): a Span or a plain tuple, which is what the highlighter itself makes
#: (building a NamedTuple per mark was a twentieth of a snippet's cost).
Mark = tuple[int, int, str]


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
        #: surface word -> its stem when that is a query term, else None (one page shares it)
        self._memo: dict[str, str | None] = {}
        # The words a stem comes from start with its first four letters, but for the
        # y/i swaps of Snowball's endings (city -> citi, fly -> fli, dying -> die): see word_heads().
        heads = {h for t in wanted if t for h in word_heads(t)}
        # A head that extends another finds nothing new.
        self._heads = sorted(h for h in heads if not any(o != h and h.startswith(o) for o in heads))

    def title(self, text: str) -> str:
        text = " ".join(text.split())
        return render(text, self._spans(text, "title"))

    def snippet(self, body: str) -> str:
        cut = len(body) > MAX_ANALYZED_CHARS
        text = " ".join(body[:MAX_ANALYZED_CHARS].split())
        spans = self._spans(text, "body")
        if not spans:
            return _lead(text, self.fragment_chars)
        starts = [s[0] for s in spans]
        windows = choose_windows(text, spans, self.fragment_chars, self.fragments, starts)
        parts = [render(text, spans[bisect_left(starts, a):bisect_right(starts, b)], a, b) for a, b in windows]
        lead = "" if windows[0][0] == 0 else "… "
        tail = "" if windows[-1][1] >= len(text) and not cut else " …"
        return lead + ELLIPSIS.join(parts) + tail

    # -- finding the marks ---------------------------------------------------

    def _spans(self, text: str, fieldname: str) -> list[Mark]:
        terms, phrases = self._fields[fieldname]
        if not (terms or phrases) or not self._heads:
            return []
        tokens = self._tokens(text)
        spans = [token for token in tokens if token[2] in terms]
        if not phrases:
            return spans  # already in order and disjoint
        for phrase in phrases:
            spans.extend(_phrase_spans(text, tokens, phrase))
        return _merge(spans)

    def _tokens(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, stem) of the words that may be query terms, in text order."""
        memo = self._memo
        out = []
        for start, end in self._candidate_words(text):
            word = text[start:end]
            term = memo.get(word, "")
            if term == "":
                term = stem(fold(word.lower()))
                term = memo[word] = term if term in self._wanted else None
            if term is not None:
                out.append((start, end, term))
        if "." in text or "&" in text:
            out = _with_compounds(text, out, self._wanted)
        return out

    def _candidate_words(self, text: str) -> list[tuple[int, int]]:
        if not text.isascii():
            # With accents the folded form may not start with the same letters: every word.
            return [m.span() for m in _WORD.finditer(text)]
        # str.find is a C scan, some 15x faster than a regular expression of alternatives.
        low = text.lower()
        found = []
        for head in self._heads:
            i = low.find(head)
            while i != -1:
                if i == 0 or not low[i - 1].isalnum():
                    found.append((i, _WORD.match(low, i).end()))  # type: ignore[union-attr]
                i = low.find(head, i + 1)
        found.sort()
        return found


def word_heads(stem: str) -> set[str]:
    """Beginnings every word that stems to ``stem`` has (at most four letters; y/i both ways)."""
    heads = {stem[:4]}
    for i, ch in enumerate(stem[:4]):
        if ch in "iy":
            other = "y" if ch == "i" else "i"
            heads |= {h[:i] + other + h[i + 1:] for h in heads}
    if stem in ("die", "lie", "tie"):  # dying, lying, tying: Snowball's special forms
        heads.add(stem[0] + "yi")
    return heads


def _with_compounds(text: str, tokens: list[tuple[int, int, str]],
                    wanted: frozenset[str]) -> list[tuple[int, int, str]]:
    """``tokens`` with the words the analyser reads whole ("U.S." is ``us``, "AT&T" ``att``)."""
    found = []
    for start, end, word in compounds(text):
        term = stem(fold(word.lower()))
        if term in wanted:
            found.append((start, end, term))
    if not found:
        return tokens
    inside = [t for t in tokens if not any(a <= t[0] < b for a, b, _ in found)]
    return sorted(inside + found)


def _phrase_spans(text: str, tokens: list[Mark], phrase: tuple[str, ...]) -> list[Mark]:
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
            found.append((tokens[i][0], tokens[i + n - 1][1], " ".join(phrase)))
    return found


def _merge(spans: list[Mark]) -> list[Mark]:
    """Sort and drop spans inside or overlapping an earlier (longer) one."""
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[Mark] = []
    for s in spans:
        if out and s[0] < out[-1][1]:
            continue
        out.append(s)
    return out


def choose_windows(text: str, spans: Sequence[Mark], size: int, count: int,
                   starts: list[int] | None = None) -> list[tuple[int, int]]:
    """Up to ``count`` non-overlapping windows with the most distinct terms, in text order.

    One window per anchor mark (starting a quarter of a window before it); a sliding
    pair of pointers keeps the terms inside each window counted, so the whole choice
    is linear in the number of marks.
    """
    candidates = spans[:MAX_ANCHORS * 4]
    n = len(candidates)
    length, before = len(text), size // 4
    counts: dict[str, int] = {}
    lo = hi = 0  # candidates[lo:hi] lie inside the current window
    scored = []
    for anchor_start, _, _ in candidates[:MAX_ANCHORS]:
        start = anchor_start - before if anchor_start > before else 0
        end = start + size
        if end >= length:
            end = length
            start = length - size if length > size else 0
        while hi < n and candidates[hi][1] <= end:
            term = candidates[hi][2]
            counts[term] = counts.get(term, 0) + 1
            hi += 1
        while lo < hi and candidates[lo][0] < start:
            term = candidates[lo][2]
            if counts[term] == 1:
                del counts[term]
            else:
                counts[term] -= 1
            lo += 1
        scored.append((-len(counts), lo - hi, start, end))
    return pick_windows(text, spans, scored, count, starts)


def pick_windows(text: str, spans: Sequence[Mark], scored: list[tuple[int, int, int, int]],
                 count: int, starts: list[int] | None = None) -> list[tuple[int, int]]:
    """The best ``count`` non-overlapping windows of ``scored`` ((-distinct terms, -marks, start,
    end) each), in text order, their edges moved to spaces."""
    scored = sorted(scored)
    chosen: list[tuple[int, int]] = []
    for _, _, start, end in scored:
        if len(chosen) == count:
            break
        if any(start < b and a < end for a, b in chosen):
            continue
        chosen.append((start, end))
    chosen.sort()
    if starts is None:
        starts = [s[0] for s in spans]
    snapped: list[tuple[int, int]] = []
    for a, b in (_snap(text, a, b, spans, starts) for a, b in chosen):
        if snapped and a < snapped[-1][1]:
            # Snapping moved two windows onto the same mark (one's end out to it, the next one's
            # start back to it): one fragment, not the mark twice around an ellipsis.
            snapped[-1] = (snapped[-1][0], max(b, snapped[-1][1]))
        else:
            snapped.append((a, b))
    return snapped


def _covering(spans: Sequence[Mark], starts: list[int], pos: int) -> Mark | None:
    """The span with start <= pos < end, if any (spans do not overlap)."""
    i = bisect_right(starts, pos) - 1
    return spans[i] if i >= 0 and spans[i][0] <= pos < spans[i][1] else None


def _snap(text: str, start: int, end: int, spans: Sequence[Mark], starts: list[int]) -> tuple[int, int]:
    """Move window edges to spaces without cutting a mark."""
    if start > 0:
        inside = _covering(spans, starts, start)
        if inside is not None:  # never start inside a mark: "mln stg" was cut to "n stg", unmarked
            start = inside[0]
        else:
            space = text.find(" ", start, start + 30)
            phrase = _covering(spans, starts, space) if space != -1 else None
            if phrase is not None:  # the first space is inside a phrase: start where the phrase does
                start = phrase[0]
            elif space != -1:
                start = space + 1
    if end < len(text):
        space = text.rfind(" ", max(start, end - 30), end)
        # Ending at the space keeps what comes before it: only a mark that holds the space itself
        # (a phrase) may not be cut there. Checking the character before it left every window
        # whose last space followed a mark ending mid-word ("assumed <mark>Volcker</mark> w").
        if space != -1 and _covering(spans, starts, space) is None:
            end = space
    cut = _covering(spans, starts, end - 1) if end > 0 else None
    if cut is not None and cut[1] > end:  # never end inside a mark
        end = cut[1]
    return start, end


def render(text: str, spans: Sequence[Mark], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with the spans that lie wholly inside it marked."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s_start, s_end, _ in spans:
        if s_end > end:
            break
        out.append(_escape(text[pos:s_start]))
        out.append("<mark>" + _escape(text[s_start:s_end]) + "</mark>")
        pos = s_end
    out.append(_escape(text[pos:end]))
    return "".join(out)


_SPECIAL = re.compile(r"[&<>\"']").search


def _escape(text: str) -> str:
    # One C scan instead of html.escape's five replacements: most pieces have nothing to escape.
    return html.escape(text) if _SPECIAL(text) else text


def _lead(text: str, size: int) -> str:
    if len(text) <= size:
        return html.escape(text)
    cut = text.rfind(" ", 0, size)
    cut = cut if cut > size // 2 else size
    return html.escape(text[:cut]) + " …"


def as_terminal(snippet: str, bold: bool) -> str:
    """A rendered snippet for a terminal: its marks as bold (ANSI) when ``bold``, else dropped, and
    its entities decoded. A pipe (grep, less, a file) must get plain text, never markup or ``&#x27;``,
    which are the JSON API's."""
    return html.unescape(re.sub(r"</?mark>", lambda m: "" if not bold else "\033[0m" if "/" in m.group()
                                else "\033[1m", snippet))

