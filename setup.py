"""Build step: compile the people and dates extractors with mypyc, when it can.

Extraction is pure Python and was more than half of a rebuild's CPU. mypyc (part of
mypy) compiles these type-annotated modules to C extensions; on Reuters-21578 they
give the same people and dates 1.4-2x faster (the README's Operations section has the figures).

The compiled modules are copies, ``searchsvc/_fast_<module>.py`` with their imports
pointed at each other, so the pure-Python modules stay what the tests and editors
see. Each copy carries the SHA-256 of the sources it was made from;
``searchsvc.native`` uses them only while the sources are unchanged, so an edited
module is never shadowed by a stale build. Nothing here is required: without a C
compiler (or with SEARCHSVC_PURE_PYTHON=1) the build skips the extensions and
searchsvc runs the pure-Python extractors.

The build also saves the people flags table (``people_lexicon.write_flags_cache``),
so a rebuild worker loads it instead of building it from the word lists.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "searchsvc"))

import native_sources  # noqa: E402  (searchsvc/native_sources.py: the list and the copying, no imports)


class OptionalBuildExt(build_ext):
    """Build the extensions if possible; a failed build leaves the pure-Python modules in use."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as e:  # no compiler, no headers: still a working install
            self.warn(f"searchsvc: compiled extraction not built ({e}); using pure Python")

    def build_extension(self, ext) -> None:  # type: ignore[no-untyped-def]
        try:
            super().build_extension(ext)
        except Exception as e:
            self.warn(f"searchsvc: {ext.name} not built ({e}); using pure Python")


def extensions() -> list:
    if os.environ.get("SEARCHSVC_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    paths = native_sources.write_copies(ROOT / "searchsvc")
    try:
        return mypycify([str(p.relative_to(ROOT)) for p in paths], opt_level="3", group_name="searchsvc_fast")
    except (Exception, SystemExit) as e:  # mypyc refused the code (it exits on a type error): run it as Python
        print(f"searchsvc: mypyc failed ({e}); using pure Python", file=sys.stderr)
        return []


def save_lexicon() -> None:
    try:
        import people_lexicon  # searchsvc/people_lexicon.py imports only the standard library

        people_lexicon.write_flags_cache()
    except Exception as e:  # an optimisation: searchsvc builds the table itself without it
        print(f"searchsvc: people flags table not saved ({e})", file=sys.stderr)


save_lexicon()
setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
