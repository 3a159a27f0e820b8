"""From raw text to candidate name runs.

Two moving parts:

* **Case restoration.**  ALL-CAPS lines (headlines, datelines, wire titles)
  carry no capitalisation signal.  Each word of such a line takes the case
  the rest of the document gives it mid-sentence ("SHEARER" -> "Shearer" when
  the body says "striker Alan Shearer"); other words are lowercased, so they
  are simply not candidates.  A document with no mixed-case text at all
  capitalises its names by the name lists and each word's neighbours
  ("CHARLES DE GAULLE", "PREMIER CYRILLE ADOULA"; see :func:`_list_forms`).
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
#: "Putin's", "Reynolds'", and the bare apostrophe after other sibilants ("George Shultz' visit", "Marx'")
_POSSESSIVE = re.compile(r"(?:['’]s|[sxz]['’])$")


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
    if mixed.upper() != mixed:  # lowercase letters somewhere (not only "1996-08-30" lines)
        forms = _document_forms(mixed, {w for i in caps for w in _CAPS_WORD.findall(lines[i])})
    else:
        forms = _list_forms([lines[i] for i in caps])
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


# What a word of an ALL-CAPS document is, for :func:`_list_forms`.
_OTHER, _NAME, _AMBIGUOUS, _UNKNOWN, _PARTICLE_WORD, _TITLE_WORD = range(6)
_LISTED = (lex.GIVEN | lex.SURNAME | lex.ENGLISH | lex.PLACE | lex.TITLE | lex.TITLE_MODIFIER | lex.NATIONALITY
           | lex.ORG | lex.NON_NAME | lex.PARTICLE | lex.FACILITY | lex.CUE)


# A whole word (the look-behind keeps the scan linear) and the next, not consumed.
_BEFORE_CUE = re.compile(rf"(?<![{_UP}'’-])({_CAPS_WORD.pattern}) (?=([{_UP}]+)\b)")
#: Titles abbreviated with a point ("MR. ERHARD"); a sentence ending "... PRESIDENT." is no abbreviation.
_ABBREVIATIONS = frozenset("mr mrs ms dr st jr sr lt fr gen col maj sgt rev gov sen rep adm mme capt prof cmdr brig"
                           " messrs".split())
_INITIAL_BEFORE = re.compile(rf"(?:^|(?<=[\s(]))[{_UP}] ?\. $")  # "M. BUTCHER", "JOHN F . KENNEDY"


#: Particles written with a capital inside a name ("Gamal Abdel Nasser", "Ahmed Ben Bella", "Jean-Marie
#: Le Pen"): beside a name they are read like words no list knows.
_CAPITAL_PARTICLES = frozenset({"abd", "abdel", "abu", "ben", "le", "la"})


def _kind(word: str) -> tuple[int, int]:
    """(kind, list flags) of one ALL-CAPS word, its possessive ("KENNEDY'S") looked up without it."""
    f = lex.flags(strip_possessive(word.lower())[0])
    if f & lex.TITLE and f & lex.NON_NAME:  # "MR", "MRS": never a name, but a title
        return _TITLE_WORD, f
    if f & lex.STOP or (f & (lex.ORG | lex.PLACE) and not f & (lex.GIVEN | lex.SURNAME)):
        return _OTHER, f
    if f & lex.TITLE and not f & (lex.GIVEN | lex.SURNAME):  # "PRESIDENT"; not "SEN" (Amartya Sen)
        return _TITLE_WORD, f
    if f & lex.PARTICLE:  # "de", "van", "al" (also surnames): lowercase inside a name, as written
        return (_UNKNOWN if word.lower() in _CAPITAL_PARTICLES else _PARTICLE_WORD), f
    if f & (lex.GIVEN | lex.SURNAME):
        if f & lex.ENGLISH:
            return (_OTHER if f & lex.CUE else _AMBIGUOUS), f  # "SAID" is a name far less often than a verb
        return _NAME, f
    if f & _LISTED or ("-" in word and any(lex.flags(p) & (lex.ENGLISH | lex.STOP) for p in word.split("-"))):
        return _OTHER, f  # a plain word, or a compound of one ("HARD-LINE", "SINO-SOVIET")
    return _UNKNOWN, f


def _list_forms(lines: list[str]) -> dict[str, str]:
    """Which words of a document with no mixed-case text at all to capitalise.

    The name lists decide, helped by each word's neighbours on its line (words
    separated by one blank, or by name particles: "CHARLES DE GAULLE"):

    * a listed name that is no plain English word is a name ("KENNEDY");
    * a word no list knows is one beside a name, or after a title or an initial
      ("DIEM" in "NGO DINH DIEM", "ADOULA" in "PREMIER CYRILLE ADOULA"); a
      compound of plain words ("HARD-LINE") is no such word;
    * a surname that is also a plain word is one after a title or an initial
      ("PRESIDENT BROWN", "M. BUTCHER"), after a given name (one word between
      them at most: "GEORGE BROWN", "HENRY CABOT LODGE") or before a cue ("BAKER
      SAYS");
    * a given name that is also a plain word only opens a name, before a listed
      surname; before one that is a plain word too, only where the document has
      that surname say something ("JOHN SMITH ... SMITH SAID"). Not "WILL SOON",
      "KENNEDY WILL MEET" nor "PRESIDENT WILL VISIT";
    * particles stay lowercase inside a name ("Charles de Gaulle").

    A name ends at a possessive; a major place of two words ("VIET NAM", "SRI
    LANKA") holds none.

    A word capitalised once is capitalised everywhere in the document, as a
    writer would ("DIEM SAID" after "NGO DINH DIEM").
    """
    capital: set[str] = set()
    cued = {m.group(1) for line in lines for m in _BEFORE_CUE.finditer(line) if lex.flags(m.group(2)) & lex.CUE}
    for line in lines:
        found = list(_CAPS_WORD.finditer(line))
        kinds = [_kind(m.group(0)) for m in found]
        between = [line[found[i].end():found[i + 1].start()] for i in range(len(found) - 1)]
        for i, b in enumerate(between):  # "VIET NAM('S)", "SRI LANKA": a major place, no name in it
            if b == " " and lex.flags(f"{found[i].group(0)} {strip_possessive(found[i + 1].group(0).lower())[0]}") & (
                    lex.MAJOR_PLACE | lex.ORG):
                kinds[i] = kinds[i + 1] = (_OTHER, 0)
        abbreviated = [i > 0 and between[i - 1] == ". " and found[i - 1].group(0).lower() in _ABBREVIATIONS
                       for i in range(len(found))]
        # a name ends at a possessive: "KENNEDY'S HARD-LINE STANCE"
        words = _Words(kinds, [b == " " and not strip_possessive(m.group(0).lower())[1]
                               for b, m in zip(between, found)] + [False],
                       [a or bool(_INITIAL_BEFORE.search(line[max(0, m.start() - 5):m.start()]))
                        for a, m in zip(abbreviated, found)],
                       [m.group(0) in cued for m in found])
        # A sweep each way lets a name spread to both sides; two rounds at most keep the work
        # linear in the line on odd input (a megabyte of unknown words beside one name).
        order = list(range(len(found)))
        for _ in range(2):
            changed = False
            for i in order + order[::-1]:
                if not words.cap[i] and words.names(i):
                    words.cap[i] = changed = True
            if not changed:
                break
        for i in range(1, len(found)):  # "Mr. Erhard", as written: the rules read the title
            if abbreviated[i] and words.cap[i]:
                words.cap[i - 1] = True
        capital.update(m.group(0) for m, c in zip(found, words.cap) if c)
    return {w: _name_case(w) for w in capital}


def _name_case(word: str) -> str:
    """"O'BRIEN" -> "O'Brien", "KENNEDY'S" -> "Kennedy's", "JEAN-MARIE" -> "Jean-Marie", but
    "TSE-TUNG" -> "Tse-tung" and "DAE-JUNG" -> "Dae-jung": the syllables of an East Asian given
    name are short, the given names of a European compound mostly are not (not "Jean-Luc")."""
    parts = [p[:2] + p[2:].capitalize() if len(p) > 2 and p[1] in "'’" else p.capitalize() for p in word.split("-")]
    if len(parts) == 2 and (len(parts[0]) < 4 or len(parts[1]) < 4):
        parts[1] = parts[1].lower()
    return "-".join(parts)


class _Words:
    """The words of one ALL-CAPS line: kinds, blanks between them, initials before them, and
    which are capitalised so far (at first the listed names that are no plain words)."""

    def __init__(self, kinds: list[tuple[int, int]], joined: list[bool], initialled: list[bool],
                 cued: list[bool]) -> None:
        self.kinds = kinds
        self.joined = joined  # joined[i]: word i and the next are one blank apart
        self.initialled = initialled  # after an initial or a title's abbreviation ("M. BUTCHER", "MR. ERHARD")
        self.cued = cued  # somewhere in the document the word stands before "SAID", "TOLD", ...
        self.cap = [k == _NAME for k, _ in kinds]

    def names(self, i: int) -> bool:
        """Whether word i, an unknown or ambiguous word or a particle, is part of a name (see
        :func:`_list_forms`)."""
        kind, f = self.kinds[i]
        if kind == _PARTICLE_WORD:
            return self._particle_names(i, f)
        if kind not in (_AMBIGUOUS, _UNKNOWN):
            return False
        left, right = self.beside(i, -1), self.beside(i, 1)
        right_cap = right >= 0 and self.cap[right]
        if kind == _UNKNOWN:
            return (self.initialled[i] or (left >= 0 and (self.cap[left] or self.kinds[left][0] == _TITLE_WORD))
                    or right_cap)
        rkind, rf = self.kinds[right] if right >= 0 else (_OTHER, 0)
        if f & lex.GIVEN:
            # A given name that is also a plain word ("WILL", "JOHN") only opens a name: before a
            # listed surname, a plain-word one only where the document has it say something
            # ("JOHN SMITH ... SMITH SAID"); not "KENNEDY WILL MEET", "PRESIDENT WILL VISIT", "WILL FALL".
            return bool(rf & lex.SURNAME) and (rkind == _NAME or right_cap or (
                rkind == _AMBIGUOUS and self.cued[right]))
        # a surname that is also a plain word ("BROWN", "LODGE", "BAKER")
        if self.initialled[i] or (left >= 0 and self.kinds[left][0] == _TITLE_WORD):
            return True  # "M. BUTCHER", "PRESIDENT BROWN"
        if self.joined[i] and self.kinds[i + 1][1] & lex.CUE:
            return True  # "BAKER SAYS"
        # a given name before it, or two words before it ("GEORGE BROWN", "HENRY CABOT LODGE")
        before = self.beside(left, -1) if left >= 0 and self.cap[left] else -1
        if any(j >= 0 and self.cap[j] and self.kinds[j][1] & lex.GIVEN for j in (left, before)):
            return True
        return right_cap and rf & (lex.GIVEN | lex.SURNAME) == lex.SURNAME

    def _particle_names(self, i: int, f: int) -> bool:
        """Particles are lowercase inside a name ("DE GAULLE"), capitalised last in one ("KONG LE")
        or first before a listed name when they are given names too ("VAN MORRISON"; not yet "AL
        GORE": "GORE", a plain word too, waits for a given name that "AL" waits for)."""
        next_name = self.joined[i] and self.kinds[i + 1][0] in (_NAME, _AMBIGUOUS, _UNKNOWN, _PARTICLE_WORD)
        after_name = i > 0 and self.joined[i - 1] and self.cap[i - 1]
        if after_name:
            return not next_name
        return bool(f & lex.GIVEN) and self.joined[i] and self.cap[i + 1]

    def beside(self, i: int, step: int) -> int:
        """The index of word i's neighbour on the side ``step``, across name particles; -1 if none."""
        j = i
        while True:
            linked = self.joined[j] if step > 0 else j > 0 and self.joined[j - 1]
            if not linked:
                return -1
            j += step
            if self.kinds[j][0] != _PARTICLE_WORD:
                return j


def _restore(line: str, forms: dict[str, str]) -> str:
    """Lowercase an ALL-CAPS line except the words the document (or the name lists) capitalise."""
    if not forms:
        return line.lower()
    # the article "A" is no initial ("IN A ROADBLOCK"); _CAPS_WORD leaves one-letter words alone
    return _ARTICLE.sub("a", _CAPS_WORD.sub(lambda m: forms.get(m.group(0)) or m.group(0).lower(), line))


_ARTICLE = re.compile(r"(?<![\w.'’-])A(?= [a-z])")


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
        cut = token[:m.start()] + (token[m.start()] if m.group(0)[0] in "sxz" else "")
        return cut, True
    return token, False
