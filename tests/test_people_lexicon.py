"""The people flags table saved at build time: the same table, and never a stale or damaged one."""

from __future__ import annotations

import hashlib
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


def saved(table: object, *, sources: bytes | None = None, payload: bytes | None = None) -> bytes:
    """A cache file as write_flags_cache lays it out, with any part replaced."""
    body = marshal.dumps(table) if payload is None else payload
    return lex._MAGIC + (sources or lex._sources_sha()) + hashlib.sha256(body).digest() + body


def test_the_saved_table_is_the_built_table(cache: Path):
    assert lex.write_flags_cache() == cache
    assert lex._load_flags() == lex._flag_table()
    assert [p.name for p in cache.parent.iterdir()] == ["flags.marshal"]  # no temporary file left


def test_a_current_intact_table_is_what_loads(cache: Path):
    # Taken as it is (what makes the load fast), so the hashes must cover everything it is made from.
    cache.write_bytes(saved({"smith": 2}))
    assert lex._load_flags() == {"smith": 2}


# A payload whose first length field asks marshal for 2 GB: never unmarshalled.
HUGE = b"(\xff\xff\xff\x7f"


@pytest.mark.parametrize("content", [
    lambda: saved({"smith": 0}, sources=b"\0" * 32),  # made from other lists
    lambda: saved({"smith": 0})[:-1] + b"\0",  # payload damaged after it was hashed
    lambda: saved({"smith": 0})[:40],  # truncated
    lambda: b"SSFLAGS0" + saved({"smith": 0})[8:],  # another format
    lambda: lex._MAGIC + lex._sources_sha() + hashlib.sha256(b"x").digest() + HUGE,
    lambda: saved(None, payload=b"\x00not marshal"),  # hashed but not a marshal payload
    lambda: saved(["a", "list"]),  # not a table
    lambda: b"",
])
def test_a_stale_or_damaged_table_is_rebuilt_from_the_lists(cache: Path, content):
    cache.write_bytes(content())
    assert lex._load_flags() == lex._flag_table()


def test_a_failed_save_leaves_no_temporary_file(cache: Path, monkeypatch: pytest.MonkeyPatch):
    def refuse(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        lex.write_flags_cache()
    assert list(cache.parent.iterdir()) == []


def test_the_hash_follows_the_lists_and_the_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    before = lex._sources_sha()
    original = lex._DATA
    data = tmp_path / "people"
    data.mkdir()
    for path in original.glob("*.txt"):
        (data / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(lex, "_DATA", data)
    assert lex._sources_sha() == before
    with open(data / "surnames.txt", "a", encoding="utf-8") as f:
        f.write("newname\n")
    assert lex._sources_sha() != before
    (data / "surnames.txt").write_bytes((original / "surnames.txt").read_bytes())
    assert lex._sources_sha() == before
    (data / "new_list.txt").write_text("x\n", encoding="utf-8")  # a list added
    assert lex._sources_sha() != before
    (data / "new_list.txt").unlink()
    module = tmp_path / "people_lexicon.py"
    module.write_bytes(Path(lex.__file__).read_bytes() + b"# an edit\n")
    monkeypatch.setattr(lex, "__file__", str(module))
    assert lex._sources_sha() != before


def test_the_install_saved_a_current_table():
    # .ci/run installs with the build step; a missing or stale table would cost every rebuild worker.
    if os.environ.get("SEARCHSVC_REQUIRE_COMPILED") != "1":
        pytest.skip("only required where SEARCHSVC_REQUIRE_COMPILED=1 (CI)")
    raw = lex.FLAGS_CACHE.read_bytes()
    assert raw.startswith(lex._MAGIC + lex._sources_sha())
    assert lex._load_flags() == lex._flag_table()
