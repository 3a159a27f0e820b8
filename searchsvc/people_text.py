"""From raw text to candidate name runs.

Two moving parts:

* **Case restoration.**  ALL-CAPS lines (headlines, datelines, wire titles)
  carry no capitalisation signal.  Each word of such a line takes the case
  the rest of the document gives it mid-sentence ("SHEARER" -> "Shearer" when
  the body says "striker Alan Shearer"); other words are lowercased, so they
  are simply not candidates.  A document with no mixed-case text at all keeps
  its name-list words capitalised instead.
* **Runs.**  One regex over the whole text finds maximal sequences of
  capitalised words, initials ("P.", "J.R.") and name particles ("van der",
  "al-", "bin") within a line.  Each run comes with its line number and a
  little left/right context for the rules; single words that can never be a
  name are dropped right there, as this is the hot loop.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from . import people_lexicon as lex

_UP = "A-ZÀ-ÖØ-ÞĀ-Žſ"  # Latin-1 and Latin Extended-A upper case (and some lower: harmless)
_LOW = "a-zß-öø-ÿ"
_PARTICLE = "(?:" + "|".join(sorted(lex.PARTICLE_WORDS, key=len, reverse=True)) + ")" if lex.PARTICLE_WORDS else "(?!)"
# A token: initials ("P.", "J.R."), or a word with inner apostrophes/hyphens that keeps
# the period of a title abbreviation ("Mr.", "Gen.").  Python's look-behinds need a fixed
# width, hence one per abbreviation length.
_ABBREV_DOT = (r"(?:(?<=Mr|Dr|St|Jr|Sr|Lt|Ms|Fr|Mt)|(?<=Mrs|Gen|Col|Maj|Sgt|Rev|Gov|Sen|Rep|Adm|Mme)"
               r"|(?<=Capt|Prof|Cmdr|Brig)|(?<=Messrs))\.")
_TOKEN = rf"[{_UP}](?:\.(?:-?[{_UP}]\.)*|[\w'’]*(?:-[\w'’]+)*(?:{_ABBREV_DOT})?)"
# A run starts at a capital; a leading particle ("de Klerk", "al-Assad") is taken from
# the left context afterwards.
_RUN = re.compile(rf"{_TOKEN}(?:(?: |(?<=\.))(?:{_PARTICLE}[ -])*{_TOKEN})*")
_LEADING_PARTICLE = re.compile(rf"(?<![\w'’-]){_PARTICLE}[ -]$")
_SPLIT = re.compile(rf"(?<=\.)(?=[{_UP}][{_LOW}'’])| ")
_CAPS_WORD = re.compile(rf"[{_UP}][{_UP}'’-]*[{_UP}]")
_POSSESSIVE = re.compile(r"(?:'s|’s|s'|s’)$")


class Run(NamedTuple):
    """A maximal capitalised sequence: its tokens (possessive kept), line and context."""

    tokens: tuple[str, ...]
    line: int
    start: int  # character offsets in the whole text
    end: int
    left: str  # text before the run on its line (last 40 chars)
    right: str  # text after the run on its line (first 40 chars)
    starts_sentence: bool


def restored_text(text: str, title: str) -> str:
    """The title (if any) as the first line(s), then the text, with ALL-CAPS lines case-restored."""
    full = f"{title}\n{text}" if title else text
    lines = full.splitlines()
    caps = [i for i, line in enumerate(lines) if line.isupper() and _is_caps(line)]
    if not caps:
        return full
    if caps == [0]:  # the usual case: only the headline is in capitals
        mixed = "\n".join(lines[1:])
    else:
        capset = set(caps)
        mixed = "\n".join(line for i, line in enumerate(lines) if i not in capset)
    words = {w for i in caps for w in _CAPS_WORD.findall(lines[i])}
    forms = _document_forms(mixed, words) if mixed.strip() else None
    for i in caps:
        lines[i] = _restore(lines[i], forms)
    return "\n".join(lines)


def _is_caps(line: str) -> bool:
    """A line with several letters and no lowercase letter at all."""
    return line.isupper() and sum(map(str.isalpha, line[:80])) >= 4


def _document_forms(mixed: str, words: set[str]) -> dict[str, str]:
    """How the mixed-case text writes each ALL-CAPS word that it capitalises mid-sentence.

    "SHEARER" -> "Shearer" when the body says "... striker Alan Shearer"; a
    word the body only capitalises at a sentence start ("He said"), writes in
    lowercase, or never writes is left out, and so lowercased.  Plain words
    ("THE", "PROFIT") are not even looked for, and only the first few
    occurrences of the others are.
    """
    folded = mixed.lower()
    if len(folded) != len(mixed):  # exotic case mappings: keep offsets simple, restore nothing
        return {}
    forms: dict[str, str] = {}
    for word in words:
        f = lex.flags(word)
        if f & lex.NON_NAME or (f & lex.ENGLISH and not f & (lex.GIVEN | lex.SURNAME | lex.PLACE)):
            continue
        key = word.lower()
        pos, seen = folded.find(key), 0
        while pos > 1 and seen < _MAX_LOOKS:
            end = pos + len(key)
            form = mixed[pos:end]
            if (mixed[pos - 1] == " " and (mixed[pos - 2].islower() or mixed[pos - 2] in ",;")
                    and form[0].isupper() and not form.isupper() and not mixed[end:end + 1].isalnum()):
                forms[word] = form
                break
            pos, seen = folded.find(key, end), seen + 1
    return forms


_MAX_LOOKS = 8


def _restore(line: str, forms: dict[str, str] | None) -> str:
    """Lowercase an ALL-CAPS line except the words the document (or, lacking it, the name lists) capitalise."""
    if forms is None:
        # no mixed-case text anywhere: trust the name lists, not the dictionary
        forms = {w: w.capitalize() for w in _CAPS_WORD.findall(line)
                 if lex.flags(w) & (lex.GIVEN | lex.SURNAME) and not lex.flags(w) & lex.STOP}
    if not forms:
        return line.lower()
    return _CAPS_WORD.sub(lambda m: forms.get(m.group(0)) or m.group(0).lower(), line)


def runs_of(text: str, cls: lex.WordClasses) -> list[Run]:
    """Every capitalised run of the (case-restored, newline-joined) text that could hold a name.

    Single words that cannot ("The", "In", "U.S.", "London", a sentence-initial
    "Shares") are skipped here already: they are most runs, and this is the hot loop.
    """
    out: list[Run] = []
    line, counted = 0, 0
    for m in _RUN.finditer(text):
        run, start = m.group(0), m.start()
        single = " " not in run and "." not in run
        if single:
            f = cls[run]
            if f & _NEVER_ALONE:
                continue  # the commonest run: one word that is never a name, checked before any slicing
        left = text[max(0, start - 40):start]
        cut = left.rfind("\n")
        if cut >= 0:
            left = left[cut + 1:]
        if left[-1:] in (" ", "-") and left[-2:-1].islower() and _last_word(left) in lex.PARTICLE_WORDS:
            p = _LEADING_PARTICLE.search(left)
            if p:
                run, start, left = left[p.start():] + run, start - len(p.group(0)), left[:p.start()]
                single = False
        sentence_start = _starts_sentence(left)
        if single:
            if sentence_start and f & lex.ENGLISH and not f & (lex.GIVEN | lex.SURNAME):
                continue  # "Shares", "Leading": a sentence-initial plain word
            tokens: tuple[str, ...] = (run,)
        else:
            tokens = tuple(t for t in _SPLIT.split(run) if t) if "." in run else tuple(run.split(" "))
            if len(tokens) > _MAX_TOKENS:
                continue  # a headline or a table row, not a name
        end = m.end()
        right = text[end:end + 40]
        cut = right.find("\n")
        if cut >= 0:
            right = right[:cut]
        line += text.count("\n", counted, start)
        counted = start
        out.append(Run(tokens, line, start, end, left, right, sentence_start))
    return out


_MAX_TOKENS = 8

#: a single word of these kinds is never a person by itself (nor part of a list of people)
_NEVER_ALONE = lex.STOP | lex.MAJOR_PLACE | lex.ORG | lex.TITLE_MODIFIER | lex.SAINT


def _last_word(left: str) -> str:
    """The word just before a trailing space or hyphen ("bin " -> "bin", "al-" -> "al")."""
    cut = max(left.rfind(" ", 0, len(left) - 1), left.rfind("-", 0, len(left) - 1))
    return left[cut + 1:-1]


def _starts_sentence(left: str) -> bool:
    """Nothing but punctuation/quotes before it on the line, or a sentence end just before."""
    stripped = left.rstrip(" \"'“‘(-\n")
    return not stripped or stripped.endswith((".", "!", "?", ":", ";", "--"))


def strip_possessive(token: str) -> tuple[str, bool]:
    """("Putin's" -> "Putin", True); the apostrophe-s of a name is never part of it."""
    if "'" not in token and "’" not in token:
        return token, False
    m = _POSSESSIVE.search(token)
    if m and len(token) > 3:
        cut = token[:m.start()] + (token[m.start()] if m.group(0)[0] == "s" else "")
        return cut, True
    return token, False
