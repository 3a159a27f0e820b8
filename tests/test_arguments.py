"""searchsvc.arguments: what Python callers may pass, and the QueryError naming what they may not."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from searchsvc.arguments import bound, check_int, check_text, check_types, day
from searchsvc.errors import QueryError


@pytest.mark.parametrize("value, ok", [
    (0, True), (10, True), (np.int64(7), True), (np.uint8(3), True),
    (11, False), (-1, False), (True, False), (3.0, False), ("3", False), (None, False),
])
def test_check_int(value, ok):
    if ok:
        result = check_int("limit", value, 0, 10)
        assert result == value and type(result) is int
    else:
        with pytest.raises(QueryError) as exc:
            check_int("limit", value, 0, 10)
        assert exc.value.param == "limit" and "from 0 to 10" in str(exc.value)


@pytest.mark.parametrize("value, want", [
    (dt.date(2025, 5, 9), "2025-05-09"), (dt.datetime(2025, 5, 9, 23, 59), "2025-05-09"),
    ("2025-05", "2025-05"), (None, None),
])
def test_day(value, want):
    assert day(value) == want


@pytest.mark.parametrize("people, named, param", [
    (3, {}, "people"), (["Xi", 2], {}, "people"), ("Pu\udcfftin", {}, "people"),
    (None, {"section": 5}, "section"), (None, {"section": "\ud800"}, "section"),
    (None, {"facets": "no"}, "facets"), (None, {"relax": 2}, "relax"),
])
def test_check_types_names_the_parameter(people, named, param):
    with pytest.raises(QueryError) as exc:
        check_types(people, **named)
    assert exc.value.param == param


def test_check_types_accepts_what_the_api_documents():
    check_types(["Xi Jinping", "Émile"], section="Économie", date_from="2025", facets=True, snippets=0, relax=1)
    check_types(None, section=None)
    check_text("q", "ASCII and ünïcödé alike")


@pytest.mark.parametrize("value, which, want", [
    ("2025", 0, dt.date(2025, 1, 1)), ("2025", 1, dt.date(2025, 12, 31)), ("2024-02", 1, dt.date(2024, 2, 29)),
    (" 2025-05-09 ", 0, dt.date(2025, 5, 9)),
])
def test_bound_is_the_first_or_last_day_as_an_ordinal(value, which, want):
    assert bound(value, "date_from", which) == want.toordinal()


def test_bound_refuses_other_forms():
    with pytest.raises(QueryError) as exc:
        bound("2025-05-01junk", "date_from", 0)
    assert exc.value.param == "date_from"


@pytest.mark.parametrize("value, message", [
    (" ", "' ' is not a date"),  # what was sent, not the '' left after stripping
    ("", "'' is not a date"),
    ("2020-13", "'2020-13' is not a calendar date: month must be in 1..12"),
])
def test_bound_quotes_the_value_sent(value, message):
    with pytest.raises(QueryError) as exc:
        bound(value, "date_from", 0)
    assert str(exc.value).startswith(message)
