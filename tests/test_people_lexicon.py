"""The people flags table saved at build time: the same table, and never a stale one."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from searchsvc import people_lexicon as lex


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "flags.marshal"
    monkeypatch.setattr(lex, "FLAGS_CACHE", path)
    return path


def test_the_saved_table_is_the_built_table(cache: Path):
    assert lex.write_flags_cache() == cache
    assert lex._load_flags() == lex._flag_table()
    assert not list(cache.parent.glob(".flags.marshal.*"))  # the temporary file was renamed


@pytest.mark.parametrize("saved", [
    marshal.dumps((lex._CACHE_FORMAT, "made from other lists", {"smith": 0})),  # stale
    marshal.dumps((lex._CACHE_FORMAT + 1, None, {"smith": 0})),  # another format
    b"\x00not marshal",
    marshal.dumps(["a", "list"]),
    b"",
])
def test_a_stale_or_unreadable_table_is_rebuilt_from_the_lists(cache: Path, saved: bytes):
    cache.write_bytes(saved)
    assert lex._load_flags() == lex._flag_table()


def test_a_current_table_is_what_loads(cache: Path):
    # A table with the current hash is taken as it is (what makes the load fast), so the hash
    # has to cover everything the table is built from: an edit to a list changes it.
    cache.write_bytes(marshal.dumps((lex._CACHE_FORMAT, lex._sources_sha(), {"smith": 2})))
    assert lex._load_flags() == {"smith": 2}


def test_the_hash_follows_the_lists_and_the_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    before = lex._sources_sha()
    data = tmp_path / "people"
    data.mkdir()
    for path in lex._DATA.glob("*.txt"):
        (data / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(lex, "_DATA", data)
    assert lex._sources_sha() == before
    with open(data / "surnames.txt", "a", encoding="utf-8") as f:
        f.write("newname\n")
    assert lex._sources_sha() != before
    module = tmp_path / "people_lexicon.py"
    module.write_bytes(Path(lex.__file__).read_bytes() + b"# an edit\n")
    (data / "surnames.txt").write_bytes((lex._DATA / "surnames.txt").read_bytes())
    monkeypatch.setattr(lex, "__file__", str(module))
    assert lex._sources_sha() != before


def test_the_install_saved_a_current_table():
    # .ci/run installs with the build step; a missing or stale table would cost every rebuild worker.
    if os.environ.get("SEARCHSVC_REQUIRE_COMPILED") != "1":
        pytest.skip("only required where SEARCHSVC_REQUIRE_COMPILED=1 (CI)")
    fmt, made_from, _ = marshal.loads(lex.FLAGS_CACHE.read_bytes())
    assert (fmt, made_from) == (lex._CACHE_FORMAT, lex._sources_sha())
