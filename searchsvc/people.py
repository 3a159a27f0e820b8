"""Person names in news text: the people extractor.

Pipeline (model-free, deterministic, no state shared between calls):

1. :mod:`people_text` splits the text into lines, restores the case of
   ALL-CAPS lines from the rest of the document and finds capitalised runs.
2. :mod:`people_tables` marks the runs that results tables show to be teams,
   and the comma lists.
3. :mod:`people_rules` trims titles and other non-name words off each run
   and gives it a verdict (STRONG or WEAK) from name lists and cues.
4. Here, document-level consistency: a single-word WEAK candidate is kept
   when it is a word of a STRONG name of the same document ("Shearer" in a
   headline, "Putin's" later on); nothing that shares a word with a team is
   kept unless a title or initials vouch for it; a list whose items are mostly
   people makes its other items people too.  Finally :mod:`people_resolve`
   folds short mentions into the full name they refer to, after the mentions made
   only of a company's words in the same document are dropped ("Salomon" once
   "Salomon Brothers Inc" appeared).
"""

from __future__ import annotations

from .people_lexicon import MAJOR_PLACE, ORG, WordClasses, flags
from .people_resolve import canonical_names
from .people_rules import STRONG, WEAK, Candidate, candidates, namelike_run, story_thing
from .people_tables import list_groups, team_runs
from .people_text import Run, restored_text, runs_of, strip_possessive


def extract_people(text: str, title: str = "") -> list[str]:
    """Canonical names of the persons the text names, once each, in order of first mention."""
    if not isinstance(text, str):
        text = ""
    if not isinstance(title, str):
        title = ""
    cls = _word_classes()
    joined = restored_text(text, title)
    runs = runs_of(joined, cls)
    found = {i: candidates(run, cls) for i, run in enumerate(runs)}
    teams, rows = team_runs(runs)
    if teams or rows:
        _drop_teams(found, runs, teams, rows)
    teams |= rows
    people = _confirmed(found)
    _promote_lists(runs, joined, people, teams, cls)
    firms = _firm_words(runs, cls, {t for tokens in people.values() for t in tokens})
    if firms:
        _drop_firms(people, found, firms, runs, cls)
    return canonical_names([people[i] for i in sorted(people)])


def _firm_words(runs: list[Run], cls: WordClasses, named: set[str]) -> set[str]:
    """Words that name a company in this document: those before a company word in a run
    ("Salomon" of "Salomon Brothers Inc", "Ford" of "Ford Motor Co"; not the chairman named after
    it), those of a run before "and Co" or "&" ("Sears" of "Sears, Roebuck and Co") and the words
    of a listed firm at a run's start ("Goldman Sachs"). Only runs that share a
    word with a person found (``named``) are looked at: all of them cost 6 % of people extraction."""
    words: set[str] = set()
    for run in runs:
        tokens = run.tokens
        if named.isdisjoint(tokens):
            continue
        if story_thing(run, cls):  # "Sears, Roebuck and Co"; "Louisiana Sweet grade"; not "the Baker team"
            words.update(strip_possessive(t)[0].casefold() for t in tokens)
            continue
        if len(tokens) < 2:
            continue
        for j in range(1, len(tokens)):
            if cls[tokens[j]] & ORG:
                words.update(strip_possessive(t)[0].casefold() for t in tokens[:j])
                break
        else:
            for n in range(min(len(tokens), 4), 1, -1):
                if flags(" ".join(tokens[:n])) & ORG:
                    words.update(t.casefold() for t in tokens[:n])
                    break
    return words


def _drop_firms(people: dict[tuple[int, int], tuple[str, ...]], found: dict[int, list[Candidate]],
                firms: set[str], runs: list[Run], cls: WordClasses) -> None:
    """Drop the people made only of a company's words: "Salomon said", after "Salomon Brothers
    Inc" in the same story, is the firm (Reuters-21578 listed "Salomon" 17 times, "Goldman" 11,
    "Phelps" 14 among its people). A full name with a given name first stays ("Henry Ford"), and
    so does a titled one ("President Reagan" beside "the Reagan Administration"), unless the title
    is the firm's own word: "International Lease said", after "International Lease Finance Corp",
    and "Anchor Glass said", after "Anchor Glass Container Corp", are firms, not a sports
    international or a news anchor before a name (Reuters-21578 listed "Lease" and "Glass"). A given
    name that is also a major place does not vouch: "Louisiana Sweet was raised 50 cts", after "the
    Light Louisiana Sweet grade", is the crude oil."""
    for key in [k for k, tokens in people.items()
                if all(strip_possessive(t)[0].casefold() in firms for t in tokens)]:
        i, k = key
        c = found[i][k] if k < len(found.get(i, ())) else None
        named = c is not None and c.named and not cls[c.tokens[0]] & MAJOR_PLACE
        vouched = c is not None and (named or (c.sure and not _titled_by_firm(runs[i], c, firms)))
        if not vouched:
            del people[key]


def _titled_by_firm(run: Run, c: Candidate, firms: set[str]) -> bool:
    """The word right before the candidate (its title, if any), in its run or before it, is one
    of the firm's: a headline in capitals, case-restored, reads "international Lease"."""
    words = [strip_possessive(t)[0] for t in run.tokens]
    at = words.index(c.tokens[0]) if c.tokens[0] in words else 0
    before = words[at - 1] if at else run.left.rstrip().rpartition(" ")[2]
    return before.casefold() in firms


#: Token classes do not depend on the document: one memo serves them all (extraction of all
#: Reuters 8.0-8.4 s CPU instead of 8.2-9.2 s, alternating runs), emptied at this size so
#: hostile input cannot grow it for good.
#: Filling a missing key is a plain dict store: threads at worst classify a token twice.
_CLASSES_MAX = 200_000
_CLASSES = WordClasses()


def _word_classes() -> WordClasses:
    if len(_CLASSES) > _CLASSES_MAX:
        _CLASSES.clear()
    return _CLASSES


def _folded(c: Candidate) -> list[str]:
    return [w.casefold() for w in c.tokens]


def _drop_teams(found: dict[int, list[Candidate]], runs: list[Run], teams: set[int], rows: set[int]) -> None:
    """Drop team runs and whatever shares a word with a team.  Table rows are kept when they
    are full names with a given name ("Graeme Hick 1 2 0 8" is a player's row), and so are the
    words of such names elsewhere."""
    named = {w for i, cs in found.items() if i not in teams for c in cs if c.named for w in _folded(c)}
    team_words = {w.casefold() for i in teams | rows for w in runs[i].tokens} - named
    for i, cs in found.items():
        if i in teams:
            cs = []
        elif i in rows:
            cs = [c for c in cs if c.named or all(w in named for w in _folded(c))]
        found[i] = [c for c in cs if c.sure or c.named or not team_words.intersection(_folded(c))]


def _confirmed(found: dict[int, list[Candidate]]) -> dict[tuple[int, int], tuple[str, ...]]:
    """(run index, candidate index) -> the person: strong candidates, multi-word weak ones, and
    single weak words that belong to a strong name."""
    strong_words = {w for cs in found.values() for c in cs if c.verdict == STRONG for w in _folded(c)}
    out: dict[tuple[int, int], tuple[str, ...]] = {}
    for i, cs in found.items():
        for k, c in enumerate(cs):
            if c.verdict == STRONG or (c.verdict == WEAK and (len(c.tokens) > 1 or _folded(c)[0] in strong_words)):
                out[i, k] = c.tokens
    return out


def _promote_lists(runs: list[Run], text: str, people: dict[tuple[int, int], tuple[str, ...]], teams: set[int],
                   cls: WordClasses) -> None:
    """In a list of names, items that look like names are people when a third of the list are."""
    named_runs = {i for i, _ in people}
    for group in list_groups(runs, text):
        if any(i in teams for i in group):
            continue
        known = sum(i in named_runs for i in group)
        if known * 3 < len(group) or known < 2:
            continue
        for i in group:
            if i not in named_runs and namelike_run(runs[i], cls):
                people[i, 0] = tuple(strip_possessive(t)[0] for t in runs[i].tokens)
