from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from pathlib import Path

import pytest

from searchsvc.document import Document
from searchsvc.errors import InputError
from searchsvc.loaders import iter_records, plan, read_unit, reuters

# Synthetic Reuters-21578-shaped SGML: latin-1 text, &#N; wire codes, a PEOPLE slug.
SGML = (
    '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n'
    '<REUTERS TOPICS="YES" NEWID="7">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n'
    "<TOPICS><D>cocoa</D><D>coffee</D></TOPICS>\n<PEOPLE><D>james-baker</D></PEOPLE>\n"
    "<TEXT>&#2;\n<TITLE>COCOA &amp; COFFEE REVIEW</TITLE>\n<DATELINE>SALVADOR, Feb 26 - </DATELINE>"
    "<BODY>Treasury Secretary James Baker said cr\xe8me prices rose.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n"
    '<REUTERS TOPICS="NO" NEWID="8">\n<DATE> 2-MAR-1987 09:00:00.00</DATE>\n<TOPICS></TOPICS>\n'
    '<TEXT TYPE="UNPROC">&#2;\nUnprocessed wire text here.\n&#3;</TEXT>\n</REUTERS>\n'
    '<REUTERS TOPICS="NO" NEWID="9">\n<DATE>2-MAR-1987</DATE>\n<TEXT>&#2;\n</TEXT>\n</REUTERS>\n'
)


def test_seed_format_with_metadata(tmp_path: Path):
    (tmp_path / "s1.txt").write_text("World\nA title\nFirst paragraph.\n\nSecond paragraph.\n", encoding="utf-8")
    (tmp_path / "metadata.json").write_text(json.dumps({"s1": {"published": "2025-05-08"}}), encoding="utf-8")
    [doc] = list(iter_records([tmp_path]))
    assert (doc.id, doc.section, doc.title) == ("s1", "World", "A title")
    assert doc.body == "First paragraph.\nSecond paragraph."
    assert doc.published == dt.datetime(2025, 5, 8)


def test_seed_metadata_is_read_again_when_the_file_changes(tmp_path: Path):
    # One process (an app embedding the engine) rebuilding after the file was edited.
    (tmp_path / "s1.txt").write_text("World\nA title\nBody.\n", encoding="utf-8")
    meta = tmp_path / "metadata.json"
    for published in ("2025-05-08", "2024-01-31"):
        meta.write_text(json.dumps({"s1": {"published": published}}), encoding="utf-8")
        [doc] = list(iter_records([tmp_path]))
        assert doc.published == dt.datetime.fromisoformat(published)


def test_the_project_seed_loads():
    [doc] = list(iter_records([Path(__file__).parent.parent / "seeds"]))
    assert doc.section == "Russia" and doc.title.startswith("Xi, Putin meet in Moscow")
    assert doc.published == dt.datetime(2025, 5, 8)


@pytest.mark.parametrize("content, line, message", [
    (b"World\nTitle\nbody \xff\xfe bytes\n", 3, "not valid UTF-8"),
    (b"only one line", 1, "expected a section line"),
])
def test_seed_format_errors(tmp_path: Path, content: bytes, line: int, message: str):
    (tmp_path / "bad.txt").write_bytes(content)
    [err] = list(iter_records([tmp_path]))
    assert isinstance(err, InputError)
    assert err.line == line and message in str(err) and "bad.txt" in str(err)


def test_jsonl_good_and_bad_lines(tmp_path: Path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"id": "1", "title": "ok"}\n\n{"id": "2", "title": \n'
                     b'{"id": "3", "title": "caf\xe9"}\n[1, 2]\n{"id": "4", "title": "t", "extra": 1}\n'
                     b'{"id": "5", "body": "fine", "people": ["A B"], "dates": ["2020-01"]}\n'
                     b'{"id": "6", "title": "t", "n": ' + b"9" * 5000 + b'}\n')
    recs = list(iter_records([path]))
    kinds = [(type(r).__name__, r.id if isinstance(r, Document) else r.line) for r in recs]
    assert kinds == [("Document", "1"), ("InputError", 3), ("InputError", 4), ("InputError", 5),
                     ("InputError", 6), ("Document", "5"), ("InputError", 8)]
    assert "invalid JSON" in str(recs[6]) and "4300 digits" in str(recs[6])
    assert "invalid JSON" in str(recs[1]) and "UTF-8" in str(recs[2]) and "JSON object" in str(recs[3])
    assert recs[4].field == "extra"
    assert recs[5].given == frozenset({"people", "dates"})


def test_jsonl_split_keeps_line_numbers(tmp_path: Path):
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "title": f"doc {i}" * 5}) + "\n" for i in range(1, 501)))
    units = plan([path], split_bytes=2000)
    assert len(units) > 5
    ids = [r.id for u in units for r in read_unit(u)]
    assert ids == [str(i) for i in range(1, 501)]
    first_ids = [next(iter(read_unit(u))).id for u in units]
    assert [str(u.first_line) for u in units] == first_ids


def test_reuters_sgml(tmp_path: Path):
    (tmp_path / "reut2-000.sgm").write_bytes(SGML.encode("latin-1"))
    recs = list(iter_records([tmp_path]))
    doc, unproc, empty = recs
    assert doc.id == "7" and doc.title == "COCOA & COFFEE REVIEW" and doc.section == "cocoa"
    assert doc.published == dt.datetime(1987, 2, 26, 15, 1, 1)
    assert doc.body == "Treasury Secretary James Baker said cr\u00e8me prices rose."
    assert doc.people == ("James Baker",) and "people" not in doc.given
    assert unproc.body == "Unprocessed wire text here." and unproc.published == dt.datetime(1987, 3, 2, 9)
    assert isinstance(empty, InputError) and empty.line == 19 and "no text" in str(empty)


# What the article scanner must find: the matches of the regular expression it replaced.
ARTICLE_RE = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)


@pytest.mark.parametrize("text", [
    SGML,
    "",
    "<REUTERS>bare</REUTERS>",
    '<REUTERS NEWID="1">a</REUTERS><REUTERS NEWID="2">b</REUTERS>',
    '<REUTERSX NEWID="1">not one</REUTERSX><REUTERS NEWID="2">b</REUTERS>',
    '<REUTERS_ x><REUTERS NEWID="3">c</REUTERS>',
    '<REUTERS NEWID="1">no end tag',
    '<REUTERS NEWID="1">a</REUTERS><REUTERS NEWID="2">no end',
    '<REUTERS NEWID="1" no closing bracket',
    '<REUTERS\nNEWID="4"\n>multi\nline</REUTERS>',
    '<REUTERS NEWID="5"><REUTERS NEWID="6">nested</REUTERS></REUTERS>',
    '<REUTERS NEWID="7">a</REUTERS >then</REUTERS>',
    "<REUTERS\u00e9>unicode word char</REUTERS><REUTERS>x</REUTERS>",
    "<REUTERS NEWID=\"8\"></REUTERS>",
])
def test_reuters_articles_are_the_regular_expression_matches(text: str):
    want = [(m.start(), m.end(1), m.end(2)) for m in ARTICLE_RE.finditer(text)]
    assert list(reuters._articles(text.encode("latin-1"))) == want


def test_reuters_tag_ends_where_the_regular_expression_sees_a_word_boundary():
    for b in range(256):  # "<REUTERS" + every latin-1 character
        text = f"<REUTERS{chr(b)} x>body</REUTERS>"
        want = [(m.start(), m.end(1), m.end(2)) for m in ARTICLE_RE.finditer(text)]
        assert list(reuters._articles(text.encode("latin-1"))) == want, b


READS = SGML + '<REUTERS NEWID="10">\n<TEXT><BODY>Last one.</BODY></TEXT>\n</REUTERS>\n'


@pytest.mark.parametrize("text", [
    READS,
    # a tag inside an article's text is text: no piece may start there
    '<REUTERS NEWID="1">\n<TEXT><BODY>quoted <REUTERS NEWID="9"> tag</BODY></TEXT>\n</REUTERS>\n' + READS,
    "junk before\n" + READS + "junk after, <REUTERS NEWID=\"11\"> never closed\n",
])
@pytest.mark.parametrize("chunk", [1, 7, 60, 250, 10_000])
def test_reuters_pieces_read_every_article_once(tmp_path: Path, text: str, chunk: int):
    # Workers share a large file by pieces; each starts where an article does and knows its line.
    path = tmp_path / "reut2-000.sgm"
    path.write_bytes(text.encode("latin-1"))
    whole = list(reuters.read(path, 10_000))
    size = path.stat().st_size
    units = plan([path], split_bytes=chunk)
    assert units[0].start == 0 and units[-1].end in (size, None)
    assert all(a.end == b.start for a, b in itertools.pairwise(units))
    assert all(text.encode("latin-1")[u.start:].startswith(b"<REUTERS") for u in units[1:])
    if chunk < size:
        assert len(units) > 1
    pieces = [rec for u in units for rec in read_unit(u)]
    assert [repr(r) for r in pieces] == [repr(r) for r in whole]
    assert [r.line if isinstance(r, InputError) else r.origin for r in pieces] == \
        [r.line if isinstance(r, InputError) else r.origin for r in whole]


def test_folders_recurse_in_order_and_skip_what_is_not_an_article(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "x.txt").write_text("S\nT2\nbody\n")
    (tmp_path / "a" / "y.txt").write_text("S\nT1\nbody\n")
    (tmp_path / "a" / "README.md").write_text("not an article")
    (tmp_path / ".hidden.txt").write_text("S\nT\nbody\n")
    (tmp_path / "a" / "notes.csv").write_text("x,y")
    assert [d.title for d in iter_records([tmp_path])] == ["T1", "T2"]


def test_explicit_format_applies_to_unknown_extensions_only_in_folders(tmp_path: Path):
    (tmp_path / "feed.data").write_text('{"id": "1", "title": "t"}\n')
    (tmp_path / "notes.txt").write_text("S\nT\nbody\n")  # a .txt is a seed article, not JSON Lines
    assert [d.id for d in iter_records([tmp_path / "feed.data"], format="jsonl")] == ["1"]
    assert [d.id for d in iter_records([tmp_path], format="jsonl")] == ["1"]
    [err] = list(iter_records([tmp_path / "feed.data"]))
    assert "unknown file type" in str(err)


def test_missing_path_is_an_error(tmp_path: Path):
    [err] = list(iter_records([tmp_path / "nope"]))
    assert isinstance(err, InputError) and "no such file" in str(err)
