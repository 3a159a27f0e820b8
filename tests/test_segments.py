"""The NumPy posting decoder agrees with Whoosh's matcher on every term."""

from __future__ import annotations

import numpy as np

from searchsvc.engine import SearchEngine
from searchsvc.matching import decode_positions


def test_decoded_postings_equal_whoosh_matcher(built_index):
    with SearchEngine(built_index) as e:
        view = e.view()
        for seg in view.segments:
            reader = seg.reader
            for field in ("title", "body", "people", "person", "dates", "section", "id"):
                for term in reader.lexicon(field):
                    text = term.decode("utf-8")
                    m = reader.postings(field, text)
                    ids, weights, positions = [], [], []
                    while m.is_active():
                        ids.append(m.id())
                        weights.append(m.weight())
                        if field in ("title", "body", "people"):
                            positions.append(m.value_as("positions"))
                        m.next()
                    got_ids, got_tf = seg.postings(field, text)
                    assert got_ids.tolist() == ids and np.allclose(got_tf, weights), (field, text)
                    if positions:
                        pids, values = seg.positions(field, text)
                        assert pids.tolist() == ids
                        assert [decode_positions(v) for v in values] == positions


def test_lengths_and_published_columns(built_index):
    with SearchEngine(built_index) as e:
        view = e.view()
        seg = view.segments[0]
        for n in range(seg.size):
            assert seg.lengths("body")[n] == (seg.reader.doc_field_length(n, "body") or 0)
        published = {view.doc_id(n): int(k) for n, k in enumerate(view.published)}
        assert published["a6"] == 0 and published["a1"] > published["a3"] > 0
