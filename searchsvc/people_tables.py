"""Layout cues of results tables and lists: which runs are teams, which are list items.

Sports reports are mostly tables.  Their layout tells teams from players
where the words cannot ("Amica Wronki 3 Hutnik Krakow 0" vs "Hick 45"):

* a **team** is a run followed by a score when another run on the same line
  is too ("Bochum 1 (Jack 66th) Arminia Bielefeld 1"), a run heading a line
  of standings numbers ("Ajax 5 4 1 0 12 3 13"), or the label of a scorers
  line ("Gloria Bistrita - Ilie Lazar (32nd)");
* a **list** is a line's sequence of runs separated only by commas or "and"
  ("Given, Breen, Staunton, Irwin"): its items share a kind, so when enough of
  them are confirmed people the rest are too (see :mod:`people`).
"""

from __future__ import annotations

import re

from .people_text import Run

_SCORE_AFTER = re.compile(r"^(?: \([^()]{2,30}\))? \d{1,3}(?=\s*[.,]?\s*$| [(A-Z]| \d{1,3}-\d{1,3}\b)")
#: a team on its own: "Gloria Bistrita (Romania) 2 Valletta", "Ruch Chorzow win 6-1 on aggregate"
_TEAM_AFTER = re.compile(r"^(?: \([^()\d]{2,30}\) \d{1,2}(?= [(A-Z])| win \d{1,2}-\d{1,2}\b)")
#: a single football score after a name: "beat Hansa Rostock 1-0" (tennis has sets: "6-3 6-4")
_GOALS_AFTER = re.compile(r"^ \d-\d(?![\d-])(?! \d-\d)(?! ?\(\d)")
_STANDINGS_AFTER = re.compile(r"^(?:\s+\d{1,3}(?:\.\d+)?){3,}")
_LABEL_AFTER = re.compile(r"^ +[-:] +[A-Z]")
_LIST_GAP = re.compile(r"^(?:,|,? and|;) ?$")


def team_runs(runs: list[Run]) -> tuple[set[int], set[int]]:
    """Indices of the runs whose layout shows they name teams: (score-line teams, table-row heads).

    A table row head may still be a player ("Graeme Hick 1 2 0 8 4 4.00"); a
    run followed by a score on a line with another such run is a team.
    """
    scored: dict[int, list[int]] = {}
    heads: list[int] = []
    teams: set[int] = set()
    for i, run in enumerate(runs):
        right = run.right
        if right[:1] != " " or not (right[1:2].isdigit() or right[1:2] in "(-:w"):
            continue  # nothing table-like after the run: the common case
        if _SCORE_AFTER.match(right):
            scored.setdefault(run.line, []).append(i)
            if _TEAM_AFTER.match(right):
                scored[run.line].append(i)  # counts twice: enough evidence alone
        if (right.startswith(" win ") and _TEAM_AFTER.match(right)) or _GOALS_AFTER.match(right):
            teams.add(i)
        if not run.left.strip() and (_STANDINGS_AFTER.match(right) or _LABEL_AFTER.match(right)):
            heads.append(i)
    teams.update(i for found in scored.values() if len(found) >= 2 for i in found)
    rows = set()
    for i in heads:
        right = runs[i].right
        if _LABEL_AFTER.match(right) and i + 1 < len(runs) and runs[i + 1].line == runs[i].line:
            teams.add(i)  # "Gloria Bistrita - Ilie Lazar (32nd)": the label of a scorers line
        elif _standings(right):
            rows.add(i)
    return teams, rows - teams


def _standings(right: str) -> bool:
    """At least three numbers, some of them small: a league table, not golf scores (67 70 71)."""
    m = _STANDINGS_AFTER.match(right)
    return m is not None and any(int(float(n)) < 30 for n in m.group(0).split())


def list_groups(runs: list[Run], text: str) -> list[list[int]]:
    """Runs of the same line separated only by commas/"and", in groups of three or more."""
    groups: list[list[int]] = []
    current: list[int] = []
    for i in range(1, len(runs)):
        prev, cur = runs[i - 1], runs[i]
        if prev.line == cur.line and text[prev.end] in ",; " and _LIST_GAP.match(text[prev.end:cur.start]):
            current = current or [i - 1]
            current.append(i)
            continue
        if len(current) >= 3:
            groups.append(current)
        current = []
    if len(current) >= 3:
        groups.append(current)
    return groups
