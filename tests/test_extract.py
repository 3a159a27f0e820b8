"""`extract_record`: the answer and the warnings of `searchsvc extract` for one record."""

from __future__ import annotations

import pytest

from searchsvc.extract import extract_record


@pytest.mark.parametrize("record, answer, warnings", [
    ({"id": "d1", "text": "Vladimir Putin spoke on May 9, 2025."},
     {"id": "d1", "people": ["Vladimir Putin"], "dates": ["2025-05-09"]}, []),
    ({"id": 7, "title": "Talks on Monday", "published": "2025-05-08"},  # the title is read: the Monday before
     {"id": 7, "people": [], "dates": ["2025-05-05"]}, []),
    ({"text": 5}, {"id": None, "people": [], "dates": []},
     ["text is not a string; read as '5'", "no id: answered with id null"]),
    ({"id": "w", "text": "Talks on Monday.", "published": "bogus"}, {"id": "w", "people": [], "dates": []},
     ["published ignored: not an ISO 8601 date or date-time: 'bogus' (expected e.g. 2025-05-08 or "
      "2025-05-08T10:30:00Z)"]),
    ({"id": "w", "title": None}, {"id": "w", "people": [], "dates": []}, ["no text and no title: nothing to read"]),
])
def test_extract_record(record: dict, answer: dict, warnings: list[str]):
    assert extract_record(record) == (answer, warnings)
