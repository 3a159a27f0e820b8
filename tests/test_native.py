"""The compiled extractors: the same results as the pure-Python ones, and never a stale build."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from searchsvc import native, native_sources
from searchsvc.dates import extract_dates
from searchsvc.extract import extract
from searchsvc.people import extract_people

from .conftest import CORPUS

PACKAGE = Path(native.__file__).parent


@pytest.fixture(autouse=True)
def fresh_choice():
    for cached in (native.compiled, native._current_sha, native._warn_stale):
        cached.cache_clear()
    yield
    for cached in (native.compiled, native._current_sha, native._warn_stale):
        cached.cache_clear()


@pytest.mark.parametrize("source, copied", [
    ("from .people_text import Run, runs_of\n", "from ._fast_people_text import Run, runs_of\n"),
    ("from . import dates_relative as rel\n", "from . import _fast_dates_relative as rel\n"),
    ("from . import people_lexicon as lex\n", "from . import people_lexicon as lex\n"),  # data: not compiled
    ("from .people_lexicon import WordClasses\n", "from .people_lexicon import WordClasses\n"),
    ("from .dates_patterns import Mention\n", "from .dates_patterns import Mention\n"),
    ("    from .people import extract_people\n", "    from ._fast_people import extract_people\n"),
    ("x = 'from .people import y'\n", "x = 'from .people import y'\n"),  # not an import statement
])
def test_copies_import_each_other(source: str, copied: str):
    assert native_sources.copy_of(source, "abc").startswith(copied)
    assert native_sources.copy_of(source, "abc").endswith("SOURCE_SHA = 'abc'\n")


def test_every_compiled_module_exists_and_the_hash_follows_the_sources(tmp_path: Path):
    names = (*native_sources.MODULES, *native_sources.USED)
    for name in names:
        assert (PACKAGE / f"{name}.py").is_file()
    for edited in ("dates_scan", "people_lexicon"):  # a compiled module, and a pure one it calls
        for name in names:
            (tmp_path / f"{name}.py").write_bytes((PACKAGE / f"{name}.py").read_bytes())
        assert native_sources.source_sha(tmp_path) == native_sources.source_sha(PACKAGE)
        with open(tmp_path / f"{edited}.py", "a", encoding="utf-8") as f:
            f.write("# an edit\n")
        assert native_sources.source_sha(tmp_path) != native_sources.source_sha(PACKAGE)


TEXTS = [(r.get("body", ""), r.get("title", "")) for r in CORPUS] + [
    ("", ""), ("\x00\x01 binary-ish \ufffd", ""), ("SHEARER SCORES\nAlan Shearer said on Monday, May 5, 1997.", ""),
    ("Mr. Ali bin Hassan met Gen. de Klerk on 3/4/1996 and Vladimir Putin's aide last Tuesday.", "Talks"),
    ("x" * 5000 + " 1987 " * 300, "numbers"),
]


def test_compiled_extractors_give_the_pure_results():
    people, dates = native.extractors()
    if native.status() == "pure Python":
        pytest.skip("no compiled build in this install (pure Python in use)")
    published = dt.date(1997, 5, 7)
    for text, title in TEXTS:
        assert people(text, title=title) == extract_people(text, title=title)
        assert dates(text, published=published, title=title) == extract_dates(text, published=published, title=title)


def test_ci_builds_the_compiled_extractors():
    # .ci/run sets this: a build that silently fell back to pure Python would lose the speed-up.
    if os.environ.get("SEARCHSVC_REQUIRE_COMPILED") != "1":
        pytest.skip("only required where SEARCHSVC_REQUIRE_COMPILED=1 (CI)")
    assert native.status() == "compiled (mypyc)"


def test_a_stale_build_is_not_used(monkeypatch: pytest.MonkeyPatch):
    if native.compiled("people") is None:
        pytest.skip("no compiled build in this install")
    native.compiled.cache_clear()
    monkeypatch.setattr(native, "_current_sha", lambda: "edited since the build")
    with pytest.warns(UserWarning, match="older than their sources"):
        assert native.compiled("people") is None
    assert native.status() == "pure Python"
    assert native.extractors() == (extract_people, extract_dates)
    assert extract("Alan Shearer scored.").people == ["Alan Shearer"]


def test_the_switch_turns_compiled_extraction_off(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SEARCHSVC_COMPILED_EXTRACTION", "0")
    assert native.compiled("people") is None
    people, dates = native.extractors()
    assert people is extract_people and dates is extract_dates
