"""Which modules are compiled with mypyc, and how their copies are made (see ``setup.py``).

The build copies each module below to ``_fast_<module>.py`` in the same package,
with imports among them pointed at the copies, plus ``SOURCE_SHA``: the SHA-256 of
all the original sources. :mod:`searchsvc.native` loads the compiled copies only
when that hash matches the sources next to them. This module imports nothing from
searchsvc, so ``setup.py`` can run it before the package is installed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

#: The extraction pipeline (hot per-token and per-run Python); the word lists and
#: the date grammar (people_lexicon, dates_lexicon, dates_patterns) are data and stay Python.
MODULES = ("people", "people_text", "people_rules", "people_tables", "people_resolve",
           "dates", "dates_scan", "dates_resolve", "dates_relative", "dates_context")
#: Pure modules the compiled code calls into: compiled code checks the types of what they
#: return, so an edit to them can break a build made before it; they are in the hash too.
USED = ("people_lexicon", "dates_lexicon", "dates_patterns")
PREFIX = "_fast_"
_IMPORT = re.compile(r"^(\s*from \.)(" + "|".join(MODULES) + r")( import )", re.M)
_IMPORT_MODULE = re.compile(r"^(\s*from \. import )(" + "|".join(MODULES) + r")\b", re.M)


def source_sha(package: Path) -> str:
    """SHA-256 over the original modules and the pure ones they use, in a fixed order."""
    h = hashlib.sha256()
    for name in (*MODULES, *USED):
        h.update(name.encode())
        h.update((package / f"{name}.py").read_bytes())
    return h.hexdigest()


def copy_of(source: str, sha: str) -> str:
    """A module's source with imports of the other compiled modules pointed at their copies."""
    text = _IMPORT.sub(lambda m: f"{m.group(1)}{PREFIX}{m.group(2)}{m.group(3)}", source)
    text = _IMPORT_MODULE.sub(lambda m: f"{m.group(1)}{PREFIX}{m.group(2)}", text)
    note = "#: The SHA-256 of the sources this compiled copy was made from (see native_sources)."
    return f"{text}\n\n{note}\nSOURCE_SHA = {sha!r}\n"


def write_copies(package: Path) -> list[Path]:
    """Write every ``_fast_<module>.py`` next to its module; returns their paths."""
    sha = source_sha(package)
    paths = []
    for name in MODULES:
        path = package / f"{PREFIX}{name}.py"
        path.write_text(copy_of((package / f"{name}.py").read_text(encoding="utf-8"), sha), encoding="utf-8")
        paths.append(path)
    return paths
