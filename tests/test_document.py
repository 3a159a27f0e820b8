from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from searchsvc.document import Document, id_problem, merge_names, normalize_date_value, parse_published
from searchsvc.errors import InputError, QueryError


@pytest.mark.parametrize("doc_id, ok", [
    ("a1", True), ("000_7de0834fd2ad6f33", True), ("reuters:12", True), ("Ünïcode-id", True),
    ("", False), ("a/b", False), ("..", False), (".", False), ("a b", False), ("a\x00b", False),
    ("x" * 201, False), ("a?b", False), ("a#b", False), ("a\\b", False), ("a%2Fb", False), (12, False),
])
def test_ids(doc_id, ok):
    assert (id_problem(doc_id) is None) is ok


@pytest.mark.parametrize("record, field, message", [
    ({"id": "x", "title": "t", "colour": "red"}, "colour", "unknown field"),
    ({"title": "t"}, "id", "required"),
    ({"id": "x", "title": "", "body": "  \n "}, "body", "no text"),
    ({"id": "x", "title": 5}, "title", "must be a string"),
    ({"id": "x", "title": "t", "published": "yesterday"}, "published", "ISO 8601"),
    ({"id": "x", "title": "t", "published": "20000-01-01"}, "published", "ISO 8601"),
    ({"id": "x", "title": "t", "dates": ["20000"]}, "dates", "not a date"),
    ({"id": "x", "title": "t", "dates": ["2025-02-30"]}, "dates", "not a calendar date"),
    ({"id": "x", "title": "t", "dates": "2025"}, "dates", "list of strings"),
    ({"id": "x", "title": "t", "people": [1]}, "people", "list of strings"),
    ({"id": "x", "title": "t", "body": "b" * 101}, "body", "the limit is 100"),
    ({"id": "x", "title": "t", "published": "0001-01-01T00:00:00+01:00"}, "published", "out of the range"),
    ({"id": "x", "title": "t \ud800"}, "title", "lone surrogate"),
    ({"id": "x", "title": "t", "people": ["A \udfff"]}, "people", "lone surrogate"),
    ({"id": "x", "title": "t", "dates": ["2025-01-99999999999999999999"]}, "dates", "not a date"),
    ({"id": "x", "title": "t", "dates": ["１９８７"]}, "dates", "not a date"),  # fullwidth digits
    ({"id": "x", "title": "t", "dates": ["١٩٨٧-01"]}, "dates", "not a date"),  # Arabic-Indic
])
def test_bad_records_name_the_field(record, field, message):
    with pytest.raises(InputError) as exc:
        Document.from_record(record, source="f.jsonl", line=7, max_chars=100)
    assert exc.value.field == field
    assert message in str(exc.value)
    assert str(exc.value).startswith("f.jsonl:7")


def test_valid_record_roundtrip():
    doc = Document.from_record({"id": 42, "title": "T", "body": "B\x07ody", "published": "2025-05-08T10:00:00+02:00",
                                "people": [" Xi Jinping "], "dates": ["2025-05", "2025"]})
    assert doc.id == "42"
    assert doc.body == "Body"  # control characters dropped
    assert doc.published == dt.datetime(2025, 5, 8, 8, 0)  # converted to UTC
    assert doc.people == ("Xi Jinping",)
    assert doc.dates == ("2025", "2025-05")
    assert Document.from_record(doc.to_record()) == doc


@pytest.mark.parametrize("value, expected", [
    ("2025-05-08", dt.datetime(2025, 5, 8)), ("2025-05-08T10:30:00Z", dt.datetime(2025, 5, 8, 10, 30)),
    (None, None), ("", None), (dt.date(2020, 1, 2), dt.datetime(2020, 1, 2)),
])
def test_parse_published(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["2025", "2025-05", "2025-05-09"])
def test_date_values(value):
    assert normalize_date_value(value) == value


@pytest.mark.parametrize("first, second, expected", [
    (("Reagan",), ("Ronald Reagan",), ("Ronald Reagan",)),
    (("James Baker",), ("james baker", "Nakasone"), ("James Baker", "Nakasone")),
    ((), ("Xi Jinping", "Xi"), ("Xi Jinping",)),
])
def test_merge_names(first, second, expected):
    assert merge_names(first, second) == expected


def test_extraction_fills_only_what_is_missing():
    given = Document.from_record({"id": "x", "title": "t", "people": ["A B"], "dates": ["2020"]})
    assert given.with_extraction(["C D"], ["2021"]) == given
    # Built in Python, what it carries is kept (as a record's would be); only empty fields are extracted.
    built = Document(id="x", title="t", people=("Xi Jinping",))
    assert built.given == {"people"}
    assert built.with_extraction(["Vladimir Putin"], ["1987"]) == replace(built, dates=("1987",))
    # Hints (Reuters <PEOPLE> slugs) are passed as not given: merged with what is extracted.
    hinted = Document(id="x", title="t", people=("Reagan",), given=frozenset())
    assert hinted.with_extraction(["Ronald Reagan"], ["1987"]).people == ("Ronald Reagan",)


def test_extract_takes_published_as_a_date_or_an_iso_string():
    import datetime as dt

    from searchsvc import extract

    text = "They met on Thursday."
    want = ["2025-05-08"]
    assert extract(text, published=dt.date(2025, 5, 10)).dates == want
    assert extract(text, published="2025-05-10").dates == want  # as in a JSON record; it gave nothing
    assert extract(text, published=dt.datetime(2025, 5, 10, 12)).dates == want
    for bad in ("soon", 20250510):
        with pytest.raises(QueryError):
            extract(text, published=bad)


@pytest.mark.parametrize("record, longest", [
    ({"id": "x", **{f"k{i}": 1 for i in range(100_000)}}, 400),   # was every key: 1.1 MB
    ({"id": "x" * 5_000_000, "title": "t"}, 400),                  # was the whole id: 5 MB
    ({"id": "x", "k" * 1_000_000: 1}, 400),
])
def test_errors_repeat_only_a_bounded_part_of_the_input(record, longest: int):
    with pytest.raises(InputError) as exc:
        Document.from_record(record, source="f.jsonl", line=7)
    assert len(str(exc.value)) < longest and len(str(exc.value.to_dict())) < longest + 100


def test_a_valid_id_is_repeated_whole():
    # Duplicate-id messages match ids on this field: a 150-character id must not be cut.
    err = InputError("duplicate", record_id="x" * 150)
    assert err.record_id == "x" * 150 and err.to_dict()["record_id"] == "x" * 150 and "x" * 150 in str(err)


@pytest.mark.parametrize("given", ["Jos\u00e9 P\u00e9rez", "Jose\u0301 Pe\u0301rez"])
def test_text_is_stored_with_composed_accents(given: str):
    doc = Document.from_record({"id": "x", "title": given, "body": f"{given} spoke.", "people": [given]})
    assert (doc.title, doc.body, doc.people) == ("Jos\u00e9 P\u00e9rez", "Jos\u00e9 P\u00e9rez spoke.",
                                                  ("Jos\u00e9 P\u00e9rez",))
