from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from searchsvc.document import Document
from searchsvc.errors import InputError
from searchsvc.loaders import Unit, iter_records, plan, read_unit, reuters

from .conftest import write_jsonl

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


@pytest.mark.parametrize("entry, field, message", [
    ({"published": "2025-13-01"}, "published", "ISO 8601"),      # was blamed on s2.txt:1
    ({"publishd": "2025-05-08"}, "publishd", "unknown field(s) 'publishd'"),  # was ignored
    ({"dates": ["tomorrow"]}, "dates", "not a date"),
])
def test_seed_metadata_errors_name_metadata_json_and_its_line(tmp_path: Path, entry: dict, field: str, message: str):
    (tmp_path / "s1.txt").write_text("World\nA title\nBody.\n", encoding="utf-8")
    (tmp_path / "s2.txt").write_text("World\nB title\nBody.\n", encoding="utf-8")
    meta = tmp_path / "metadata.json"
    meta.write_text(json.dumps({"s1": {"published": "2025-05-08"}, "s2": entry}, indent=1), encoding="utf-8")
    good, err = list(iter_records([tmp_path]))
    assert isinstance(good, Document) and good.id == "s1"
    assert isinstance(err, InputError) and message in err.message
    assert (err.source, err.line, err.record_id, err.field) == (str(meta), 5, "s2", field)


@pytest.mark.parametrize("field", ["section", "published", "people", "dates"])  # section was "": line 1 lost
def test_seed_metadata_null_means_not_given(tmp_path: Path, field: str):
    (tmp_path / "s1.txt").write_text("World\nA title\nBody.\n", encoding="utf-8")
    (tmp_path / "metadata.json").write_text(json.dumps({"s1": {field: None}}), encoding="utf-8")
    [doc] = list(iter_records([tmp_path]))
    assert (doc.section, doc.published, doc.given & {"people", "dates"}) == ("World", None, frozenset())


WRAPPED = ("Interest rates will fall, Federal Reserve Board Chairman Paul\nVolcker said on Tuesday in a speech to the\n"
           "bankers.\n\nTreasury Secretary James Baker agreed with the view of\nthe chairman.\n")


@pytest.mark.parametrize("body, want", [
    # one paragraph per line (the format's own convention, blank lines or not between): kept as it is
    ("First paragraph.\nSecond paragraph.\n", "First paragraph.\nSecond paragraph."),
    ("\nA paragraph long enough to have been wrapped at forty\nA second paragraph.\n",
     "A paragraph long enough to have been wrapped at forty\nA second paragraph."),
    # paragraphs set apart by blank lines: long lines inside one are wraps
    (WRAPPED, "Interest rates will fall, Federal Reserve Board Chairman Paul Volcker said on Tuesday in a speech "
              "to the bankers.\nTreasury Secretary James Baker agreed with the view of the chairman."),
    ("Results, a list under a heading long enough to wrap:\n\nOne\nTwo\n", "Results, a list under a heading long "
     "enough to wrap:\nOne\nTwo"),
    # one paragraph per line with one blank line before a sign-off: sentences end their lines, kept
    ("The first paragraph of the story is long enough.\nThe second paragraph is long enough as well.\n\n"
     "Reporting by Jane Doe\n", "The first paragraph of the story is long enough.\nThe second paragraph is long "
     "enough as well.\nReporting by Jane Doe"),
])
def test_seed_bodies_with_hard_wrapped_paragraphs_are_unwrapped(tmp_path: Path, body: str, want: str):
    (tmp_path / "s1.txt").write_text("World\nA title\n" + body, encoding="utf-8")
    [doc] = list(iter_records([tmp_path]))
    assert doc.body == want


def test_a_name_wrapped_across_lines_is_one_person(tmp_path: Path):
    from searchsvc.extract import enrich

    (tmp_path / "s1.txt").write_text("World\nA title\n" + WRAPPED, encoding="utf-8")
    [doc] = list(iter_records([tmp_path]))
    assert enrich(doc).people == ("Paul Volcker", "James Baker")


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
    got = list(reuters._articles(text.encode("latin-1")))
    assert [a for a in got if a[2] != -1] == want
    # ... then the start tag no article closes, if any, so that a cut-off file is an error
    after = want[-1][2] + len("</REUTERS>") if want else 0
    unclosed = re.compile(r"<REUTERS\b").search(text, after)
    assert [a[0] for a in got if a[2] == -1] == ([unclosed.start()] if unclosed else [])
    assert all(a[2] != -1 for a in got[:-1])


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


JSONL_DOC = '{"id": "j", "title": "t"}\n'
SEED_DOC = "S\nT\nbody\n"
SGM_DOC = '<REUTERS NEWID="7"><TEXT><TITLE>T</TITLE><BODY>b</BODY></TEXT></REUTERS>\n'
NOT_ARTICLES = {"notes.csv": "id,title\n1,x\n", "settings.json": '{"a": 1}\n', "lewis.dtd": "<!ELEMENT x>\n",
                "feed.data": JSONL_DOC}


@pytest.mark.parametrize("format, files, want", [
    # The format's own extensions, and files with none (only --format says what those are) ...
    ("text", {"a.txt": SEED_DOC, "b": SEED_DOC, "r.sgm": SGM_DOC}, ["a.txt", "b"]),
    ("jsonl", {"a.jsonl": JSONL_DOC, "b.ndjson": JSONL_DOC, "feed": JSONL_DOC, "notes.txt": SEED_DOC},
     ["a.jsonl", "b.ndjson", "feed"]),
    # ... not another reader's: Reuters-21578 holds .txt lists of its categories beside the .sgm
    ("reuters", {"reut2-000.sgm": SGM_DOC, "all-people-strings.lc.txt": "abe\n"}, ["reut2-000.sgm"]),
    (None, {"a.txt": SEED_DOC, "b": SEED_DOC, "c.jsonl": JSONL_DOC}, ["a.txt", "c.jsonl"]),
])
def test_in_a_folder_an_explicit_format_reads_its_own_files_and_never_other_types(tmp_path: Path, format: str | None,
                                                                                 files: dict[str, str],
                                                                                 want: list[str]):
    # --format text read notes.csv as an article and settings.json as a bad record; --format
    # reuters read lewis.dtd. A file of another type is skipped without a word, as without --format.
    for name, text in {**files, **NOT_ARTICLES}.items():
        (tmp_path / name).write_text(text)
    assert [Path(u.path).name if isinstance(u, Unit) else str(u) for u in plan([tmp_path], format=format)] == want


def test_an_explicit_format_reads_a_file_named_on_its_own_whatever_its_extension(tmp_path: Path):
    (tmp_path / "feed.data").write_text(JSONL_DOC)
    assert [d.id for d in iter_records([tmp_path / "feed.data"], format="jsonl")] == ["j"]
    [err] = list(iter_records([tmp_path / "feed.data"]))
    assert "unknown file type" in str(err)


@pytest.mark.parametrize("name, content", [("a.jsonl", JSONL_DOC), ("a.txt", SEED_DOC), ("a.sgm", SGM_DOC)],
                         ids=["jsonl", "text", "reuters"])
def test_a_folder_name_that_is_not_utf_8_is_read_with_replacement_characters(tmp_path: Path, name: str,
                                                                             content: str):
    # Every record below such a folder was a bad one: "field 'source': contains a lone surrogate".
    folder = os.fsencode(tmp_path / "news") + b"/Caf\xe9"
    os.makedirs(folder)
    Path(os.fsdecode(folder), name).write_text(content)
    [doc] = list(iter_records([tmp_path / "news"]))
    assert isinstance(doc, Document) and doc.source == f"news/Caf\ufffd/{name}"


def test_missing_path_is_an_error(tmp_path: Path):
    [err] = list(iter_records([tmp_path / "nope"]))
    assert isinstance(err, InputError) and "no such file" in str(err)


def _dangling_link(root: Path) -> None:
    (root / "gone.txt").symlink_to(root / "nowhere.txt")
    (root / "loop").symlink_to(root)  # a symlinked folder is not followed, so this cannot loop


def _fifo(root: Path) -> None:
    os.mkfifo(root / "pipe.jsonl")  # reading it would wait for a writer forever


def _index_inside(root: Path) -> None:
    # The layout store.py describes, with an API write in its journal (not an article).
    ix = root / "index"
    (ix / "gen-000001").mkdir(parents=True)
    (ix / "CURRENT").write_text("gen-000001 2\n")
    (ix / "journal.jsonl").write_text('{"op": "put", "doc": {"id": "x"}}\n')
    (ix / ".build-1a2b").mkdir()
    (ix / ".build-1a2b" / "part.jsonl").write_text("not JSON\n")
    # A CURRENT file alone does not make an index folder: its articles are read.
    (root / "sub").mkdir()
    (root / "sub" / "CURRENT").write_text("x")
    (root / "sub" / "b.txt").write_text("S\nT2\nbody\n")


@pytest.mark.parametrize("setup, errors, titles", [
    (_dangling_link, ["gone.txt: cannot read: No such file or directory"], ["T"]),
    (_fifo, ["pipe.jsonl: not a regular file"], ["T"]),
    (_index_inside, [], ["T", "T2"]),
])
def test_a_folder_walk_reads_articles_and_names_what_it_cannot_read(tmp_path: Path, setup, errors: list[str],
                                                                     titles: list[str]):
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("S\nT\nbody\n")
    setup(root)
    units = plan([root])
    # Checked before anything is read: reading the FIFO would block the test instead of failing it.
    assert [str(u).removeprefix(f"{root}/") for u in units if isinstance(u, InputError)] == errors
    assert [r.title if isinstance(r, Document) else str(r) for u in units if isinstance(u, Unit)
            for r in read_unit(u)] == titles


def test_an_index_folder_given_as_input_is_an_error(tmp_path: Path):
    _index_inside(tmp_path)
    [err] = list(iter_records([tmp_path / "index"]))
    assert isinstance(err, InputError) and err.source == str(tmp_path / "index") and "index folder" in err.message


@pytest.mark.parametrize("unlisted", ["b", "."])
def test_a_folder_that_cannot_be_listed_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    unlisted: str):
    # Permissions cannot stand in for this: the tests may run as root, who lists any folder.
    for name, title in (("a", "T1"), ("b", "T2"), ("c", "T3")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_text(f"S\n{title}\nbody\n")
    denied = os.path.normpath(tmp_path / unlisted)
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.path.normpath(path) == denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    got = [r.title if isinstance(r, Document) else r for r in iter_records([tmp_path])]
    if unlisted == ".":
        [err] = got
    else:
        assert got[0] == "T1" and got[2] == "T3"
        err = got[1]
    assert isinstance(err, InputError) and os.path.normpath(err.source) == denied
    assert "cannot read folder: Permission denied" in str(err)


CUT = SGML + '<REUTERS NEWID="11">\n<DATE>2-MAR-1987</DATE>\n<TEXT><BODY>cut short'


@pytest.mark.parametrize("text, line, record_id, message", [
    (CUT, 24, "11", "<REUTERS> without </REUTERS>"),
    (SGML + "<REUTERS NEWID", 24, None, "<REUTERS> without </REUTERS>"),
    (SGML + '<REUTERS NEWID="12">\n<TEXT><TITLE>T</TITLE>\n\n<BODY>no end\n</TEXT>\n</REUTERS>\n', 27, "12",
     "<BODY> without </BODY>"),
    (SGML + '<REUTERS\nNEWID="13"\n>\n<TEXT><TITLE>no end\n<BODY>b</BODY></TEXT>\n</REUTERS>\n', 27, "13",
     "<TITLE> without </TITLE>"),
    (SGML + '<REUTERS NEWID="14">\n<TOPICS><D>x</D>\n<TEXT><BODY>b</BODY></TEXT>\n</REUTERS>\n', 25, "14",
     "<TOPICS> without </TOPICS>"),
    # A <DATE> that is none: dropped without a word before, and a fifth digit read as the year 9999
    (SGML + '<REUTERS NEWID="15">\n\n<DATE>26-FEB-99999 15:01:01.79</DATE>\n<TEXT><BODY>b</BODY></TEXT>\n'
     '</REUTERS>\n', 26, "15", "<DATE> '26-FEB-99999 15:01:01.79' is not a date"),
    (SGML + '<REUTERS NEWID="16">\n<DATE>31-FEB-1987 10:00:00.00</DATE>\n<TEXT><BODY>b</BODY></TEXT>\n'
     '</REUTERS>\n', 25, "16", "is not a calendar date"),
    (SGML + '<REUTERS NEWID="17">\n<DATE>garbage date</DATE>\n<TEXT><BODY>b</BODY></TEXT>\n</REUTERS>\n', 25,
     "17", "<DATE> 'garbage date' is not a date"),
])
def test_reuters_unclosed_or_bad_elements_are_errors(tmp_path: Path, text: str, line: int, record_id: str | None,
                                              message: str):
    path = tmp_path / "reut2-000.sgm"
    path.write_bytes(text.encode("latin-1"))
    *good, err = list(iter_records([path]))
    assert [r.id for r in good if isinstance(r, Document)] == ["7", "8"]
    assert isinstance(err, InputError) and message in err.message
    assert (err.source, err.line, err.record_id) == (str(path), line, record_id)
    assert err.field == {"<REUTERS>": None, "<BODY>": "body", "<TITLE>": "title", "<TOPICS>": "section",
                         "<DATE>": "published", "is": "published"}[message.split()[0]]


BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("content, want", [
    # only where the file starts: elsewhere it is still a bad record
    (BOM + b'{"id": "1", "title": "t"}\n{"id": "2", "title": "t"}\n' + BOM + b'{"id": "3", "title": "t"}\n',
     ["1", "2", 3]),
    (BOM + b'\n{"id": "2", "title": "t"}\n', ["2"]),
])
def test_jsonl_may_start_with_a_byte_order_mark(tmp_path: Path, content: bytes, want: list):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(content)
    assert [r.id if isinstance(r, Document) else r.line for r in iter_records([path])] == want


def test_jsonl_pieces_of_a_file_with_a_byte_order_mark_read_every_line_once(tmp_path: Path):
    path = tmp_path / "big.jsonl"
    path.write_bytes(BOM + "".join(json.dumps({"id": str(i), "title": "t"}) + "\n" for i in range(1, 201)).encode())
    for chunk in (1, 31, 32, 33, 500):
        ids = [r.id for u in plan([path], split_bytes=chunk) for r in read_unit(u)]
        assert ids == [str(i) for i in range(1, 201)], chunk


def test_seed_metadata_may_start_with_a_byte_order_mark(tmp_path: Path):
    (tmp_path / "s1.txt").write_text("World\nA title\nBody.\n", encoding="utf-8")
    (tmp_path / "metadata.json").write_bytes(BOM + json.dumps({"s1": {"published": "2025-05-08"}}).encode())
    [doc] = list(iter_records([tmp_path]))
    assert doc.published == dt.datetime(2025, 5, 8)


@pytest.mark.parametrize("as_", [str, Path])
def test_one_path_is_one_path_not_its_characters(tmp_path: Path, as_):
    # A str is an Iterable[str]: read character by character, "/tmp/..." walked the whole disk from "/".
    path = write_jsonl(tmp_path / "d.jsonl", [{"id": "a", "title": "One"}, {"id": "b", "title": "Two"}])
    records = list(iter_records(as_(path)))
    assert [r.id for r in records] == ["a", "b"]
    assert [r.id for r in iter_records([as_(path)])] == ["a", "b"]


@pytest.mark.parametrize("sources", [[[{"id": "a", "title": "x"}]], [None], [3]])
def test_sources_that_are_not_paths_are_named(sources):
    from searchsvc.errors import QueryError

    with pytest.raises(QueryError, match="sources must be file or folder paths") as exc:
        list(iter_records(sources))
    assert exc.value.param == "sources"


@pytest.mark.parametrize("line, says", [
    (b'{"id": "b2", "title": "Bad"\n', "invalid JSON: Expecting ',' delimiter at the end of the line"),
    (b'{"id": "b3", "title": "a\tb"}\n', "invalid JSON: Invalid control character at column 25"),
    (b'{"id": "b4", "title": x}\n', "invalid JSON: Expecting value at column 23"),
])
def test_a_json_error_names_its_column_in_the_line(tmp_path: Path, line: bytes, says: str):
    # json counts columns from the last newline it saw: a record cut short was "at column 1".
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "ok", "title": "fine"}\n' + line)
    error = list(iter_records([path]))[1]
    assert isinstance(error, InputError) and error.line == 2
    assert str(error).endswith(says), str(error)


@pytest.mark.parametrize("body, want", [
    # the wire's soft wraps join words; indented paragraphs and table rows stay lines
    ("Federal Reserve Board Chairman Paul\nVolcker said the slide\nwas enough.\n    Volcker has often\nsaid so.\n"
     " Reuter&#3;", "Federal Reserve Board Chairman Paul Volcker said the slide was enough.\n"
                    "    Volcker has often said so."),
    ("NY COCOA OPG\n      OPEN\n MAY7  1922L  1925H\n JUL7  1955L  1956H\n REUTER\n",
     "NY COCOA OPG\n      OPEN\n MAY7  1922L  1925H\n JUL7  1955L  1956H"),
    ("Prices from Reuters.\nReuters", "Prices from Reuters. Reuters"),  # not the sign-off
])
def test_reuters_bodies_are_unwrapped_and_lose_the_sign_off(tmp_path: Path, body: str, want: str):
    sgml = f'<REUTERS NEWID="9"><TEXT><TITLE>T</TITLE><BODY>{body}</BODY></TEXT></REUTERS>'
    (tmp_path / "reut2-000.sgm").write_bytes(sgml.encode("latin-1"))
    [doc] = list(iter_records([tmp_path]))
    assert doc.body == want


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_reuters_line_endings_are_normalised(tmp_path: Path, newline: str):
    # CRLF kept "\r" in the body: soft wraps were not joined and "Paul\r\nVolcker" gave the person "Paul".
    sgml = ('<REUTERS NEWID="9">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n<TEXT><TITLE>FED\nCHAIRMAN</TITLE>\n<BODY>'
            "Federal Reserve Board Chairman Paul\nVolcker said the slide\nwas enough.\n    Volcker has often\n"
            "said so.\n Reuter\n&#3;</BODY></TEXT></REUTERS>\n")
    (tmp_path / "unix.sgm").write_text(sgml)
    (tmp_path / "other.sgm").write_bytes(sgml.replace("\n", newline).encode("latin-1"))
    unix, other = list(iter_records([tmp_path / "unix.sgm"])), list(iter_records([tmp_path / "other.sgm"]))
    assert [(d.title, d.body, d.published) for d in other] == [(d.title, d.body, d.published) for d in unix]
    assert "Paul Volcker said" in other[0].body


@pytest.mark.parametrize("raw, title", [
    (b"\x93Quoted\x94 \x96 \x80 5", "\u201cQuoted\u201d \u2013 \u20ac 5"),  # Windows-1252 bytes: what they meant
    (b"undefined\x81\x8d", "undefined\x81\x8d"),  # two of the five Windows-1252 leaves undefined: kept
    (b"caf\xe9 M\xfcller", "caf\xe9 M\xfcller"),  # latin-1 letters stay
])
def test_reuters_c1_bytes_are_read_as_windows_1252(tmp_path: Path, raw: bytes, title: str):
    src = tmp_path / "c1.sgm"
    src.write_bytes(b'<REUTERS NEWID="7"><TEXT><TITLE>' + raw + b"</TITLE><BODY>Body.</BODY></TEXT></REUTERS>\n")
    [doc] = list(iter_records([src]))
    assert doc.title == title


def test_reuters_character_references_beyond_unicode_are_replaced(tmp_path: Path):
    # &#999999999; made chr() raise: the whole rebuild failed with a traceback, --skip-bad or not
    src = tmp_path / "refs.sgm"
    src.write_text('<REUTERS NEWID="5"><TEXT><TITLE>x &#55296; y</TITLE><BODY>b &#999999999; x &#65; '
                   f'&#{"9" * 5000}; z</BODY></TEXT></REUTERS>\n'
                   '<REUTERS NEWID="a/b"><TEXT><BODY>z</BODY></TEXT></REUTERS>\n', encoding="latin-1")
    doc, bad = list(iter_records([src]))
    assert isinstance(doc, Document) and doc.title == "x \ufffd y" and doc.body.startswith("b \ufffd x A ")
    assert isinstance(bad, InputError) and "numeric NEWID" in str(bad)


def test_seed_metadata_nested_too_deeply_is_an_error(tmp_path: Path):
    (tmp_path / "s1.txt").write_text("World\nA title\nBody.\n", encoding="utf-8")
    (tmp_path / "metadata.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    errors = [r for r in iter_records([tmp_path]) if isinstance(r, InputError)]
    assert errors and "nested too deeply" in str(errors[0])


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\x0c", "\x1c"])
def test_seed_lines_end_at_newlines_only(tmp_path: Path, separator: str):
    (tmp_path / "s1.txt").write_text(f"World\r\nTi{separator}tle\r\nBody.\r\n", encoding="utf-8")
    [doc] = list(iter_records([tmp_path]))
    assert (doc.section, doc.body) == ("World", "Body.")
    assert doc.title.replace(separator, "").replace(" ", "") == "Title"  # kept, or cleaned away


@pytest.mark.parametrize("text, title, body_start", [
    # unprocessed wire copy: the opening lines in capitals are the headline (wrapped ones joined)
    ("VOLCKER REAFFIRMS G\n-6 NEGOTIATING PROCESS\n    WASHINGTON, March 26 - Paul Volcker urged", "VOLCKER REAFFIRMS "
     "G-6 NEGOTIATING PROCESS", "    WASHINGTON, March 26 - Paul Volcker urged"),
    ("FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26\n    Two weeks ended Feb 25\n Net free reserves....644",
     "FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26", "    Two weeks ended Feb 25"),
    # no headline to take: no title, the body whole
    ("Zimbabwe's maize harvest fell.\n    More text.", "", "Zimbabwe's maize harvest fell."),
    ("ONLY A HEADLINE", "", "ONLY A HEADLINE"),
])
def test_reuters_articles_without_a_title_take_their_headline(tmp_path: Path, text: str, title: str, body_start: str):
    src = tmp_path / "unproc.sgm"
    src.write_text(f'<REUTERS NEWID="7"><TEXT TYPE="UNPROC">&#2;\n{text}\n&#3;</TEXT></REUTERS>\n', encoding="latin-1")
    [doc] = list(iter_records([src]))
    assert doc.title == title and doc.body.startswith(body_start.strip())
