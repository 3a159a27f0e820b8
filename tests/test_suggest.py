"""The words shown for stems: chosen from counts summed over the whole build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchsvc import indexer
from searchsvc.indexer import rebuild
from searchsvc.vocabulary import VOCAB_NAME, display_words, merge_word_counts


def test_other_forms_are_the_commonest_seen_twice():
    from searchsvc.vocabulary import OTHER_FORMS, other_forms

    counts = {"stock": ("stock", 9), "stocks": ("stock", 5), "stocked": ("stock", 2), "stockly": ("stock", 1),
              **{f"run{'s' * n}x": ("run", 10 - n) for n in range(OTHER_FORMS + 2)}}
    forms = other_forms(counts, display_words(counts))
    assert forms["stock"] == ["stocks", "stocked"]  # not the display word, nor a form seen once
    assert len(forms["run"]) == OTHER_FORMS and forms["run"][0] == "runsx"


@pytest.mark.parametrize("parts, want", [
    ([{"president": ("presid", 3), "presides": ("presid", 1)}], {"presid": "president"}),
    # split over two segments: "presides" wins in one, "president" in the sum
    ([{"president": ("presid", 1), "presides": ("presid", 2)}, {"president": ("presid", 4)}],
     {"presid": "president"}),
    # ties: the shorter, then the first alphabetically, whatever the order of the input
    ([{"meetings": ("meet", 2), "meet": ("meet", 2)}], {"meet": "meet"}),
    ([{"rises": ("rise", 2)}, {"riser": ("rise", 2)}], {"rise": "riser"}),
    ([{"riser": ("rise", 2)}, {"rises": ("rise", 2)}], {"rise": "riser"}),
    ([], {}),
])
def test_display_words(parts: list[dict[str, tuple[str, int]]], want: dict[str, str]):
    counts: dict[str, tuple[str, int]] = {}
    for part in parts:
        merge_word_counts(counts, part)
    assert display_words(counts) == want


def test_the_vocabulary_does_not_depend_on_how_workers_share_the_input(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    # "president" is in 60 documents; "presides" 45 times in one. Summed, "president" wins;
    # the worker that reads the "presides" document sees fewer than 45 "president"s, and
    # its choice of "presides" used to win the merge.
    docs = [{"id": f"d{i}", "title": f"Report {i}", "body": f"the president spoke on day {i} " + "filler " * 40}
            for i in range(60)]
    docs.insert(30, {"id": "x", "title": "Rules", "body": "presides " * 45})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")

    def vocab(name: str) -> dict[str, str]:
        report = rebuild(tmp_path / name, [path])
        return json.loads((tmp_path / name / report.generation / VOCAB_NAME).read_text(encoding="utf-8"))

    one = vocab("one")  # under PARALLEL_MIN_BYTES: one segment, in-process
    assert one["presid"] == "president"
    monkeypatch.setattr(indexer, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(indexer, "SPLIT_BYTES", 2_000)  # many pieces shared by the workers
    assert vocab("many") == one


def _docs(*groups: tuple[int, str]) -> list[dict[str, str]]:
    return [{"id": f"{i}-{n}", "title": f"Report {n}", "body": text} for i, (count, text) in enumerate(groups)
            for n in range(count)]


@pytest.mark.parametrize("groups, query, want", [
    # nothing found: the common neighbour is offered
    ([(1, "interst rates rose"), (30, "interest rates rose")], "interst rates", "interest rates"),
    ([(30, "interest rates rose")], "interst rates", "interest rates"),
    # something found: only a correction that finds at least 20 times more, and never for an English
    # word the index holds ("tank" is meant, as Reuters' "jute" is no "june")
    ([(2, "the oil tank leaked"), (45, "talks ended"), (10, "oil talks began")], "oil tank", None),
    ([(2, "the oil tank leaked"), (45, "oil talks began")], "oil tank", None),
    ([(2, "the oil tnak leaked"), (45, "oil tank began")], "oil tnak", "oil tank"),
    # never into a stopword, however common: "beet" is not "been"
    ([(2, "sugar beet crop"), (60, "sugar has been sold")], "sugar beet", None),
    # a wildcard is a pattern written on purpose: its pieces are not misspelt words
    ([(30, "the corp news")], "comp?ny", None),  # not "corp?ny"
    ([(30, "the corpany news"), (30, "planning ahead")], "corpny", "corpany"),
    ([(30, "petroleum planners met")], "petrolium plann*", "petroleum plann*"),
    # nor is a field name: "title:" is not a misspelt "tito" (still corrected: the word after it)
    ([(30, "tito visits"), (1, "the title")], "title:", None),
    ([(30, "tito visits"), (30, "zebra herd")], "body:zebar", "body:zebra"),
    # real words of some currency are not typos: "Finland" (39 Reuters stories) is not "Finance"
    ([(15, "Finland exports"), (400, "finance ministry")], "Finland", None),
    # two edits only for long words ("Nestle" is not "Net"), and never a correction that finds nothing
    ([(2, "Nestle shares"), (300, "net profit")], "Nestle", None),
    ([(40, "buffer stock talks"), (200, "cocoa buyers met")], "bufer stock", "buffer stock"),
    ([(60, "Sheikh Yamani spoke"), (50, "shien rates")], "shiek yamani", None),
    # typed words are compared with the words shown for stems, not only stem with stem: the stemmer
    # cuts a typo elsewhere ("inflatoin" is three edits from "inflat", one from "inflation")
    ([(30, "inflation rose")], "inflatoin", "inflation"),
    ([(30, "trade talks"), (5, "the trd index")], "tarde", "trade"),  # not "trd": "tard" is one from both
    ([(30, "coffee prices"), (200, "come what may")], "cofee", "coffee"),  # not "come" ("cofe")
    ([(30, "prices rose"), (200, "the pci index")], "prcies", "prices"),
    # every form of a stem counts, not the shown one alone: "stoks" is one edit from "stocks" (shown
    # "stock", two), so the rare "stos" is not preferred; nor a text's own rare typo, "tarrif"
    ([(40, "stocks fell"), (41, "stock rose"), (2, "the stos index")], "stoks", "stock"),
    ([(30, "tariffs rose"), (10, "a new tariff"), (3, "a tarrif cut")], "tarif", "tariffs"),
    # an unmatched quote is not offered back (it was: '"interest')
    ([(30, "interest rates rose")], '"interst', "interest"),
    ([(30, "interest rates rose")], '"interst rates"', '"interest rates"'),
])
def test_did_you_mean_only_when_the_correction_finds_far_more(tmp_path: Path, groups, query, want):
    from searchsvc import SearchEngine

    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in _docs(*groups)), encoding="utf-8")
    rebuild(tmp_path / "ix", [path])
    with SearchEngine(tmp_path / "ix") as e:
        assert e.search(query, facets=False).did_you_mean == want


# Several words typed: the last is completed in the context of the others. Titles give the
# candidate words; the words that directly follow the word before come first.
CONTEXT_DOCS = (
    [{"id": f"r{n}", "title": "Annual report", "body": "interest was high; the report came late"} for n in range(3)]
    + [{"id": f"i{n}", "title": "Interest rates", "body": "interest rates rose"} for n in range(2)]
    + [{"id": "p1", "title": "Pipeline deal", "body": "Vladimir Putin signed the gas pipeline deal.",
        "people": ["Vladimir Putin"]},
       {"id": "p2", "title": "Gas prices", "body": "Gas prices fell; Putin said nothing on the pipeline.",
        "people": ["Vladimir Putin"]}]
    # "of Reagan" is commoner than "of Representatives", but not after "House"; "reserves" is the
    # commonest form of its stem, but not after "Federal"
    + [{"id": f"h{n}", "title": "House vote", "body": "The House of Representatives voted. Gold reserves and oil "
        "reserves rose; reserves fell."} for n in range(4)]
    + [{"id": f"s{n}", "title": "Speech", "body": "A speech of Reagan at the house. The Federal Reserve said "
        "nothing of Reagan."} for n in range(3)]
    # an apostrophe or a hyphen is inside a word; a stopword's stem is no stopword ("underlying")
    + [{"id": "n1", "title": "Exchange news", "body": "New York's exchange reopened. Corn ex-farm prices rose."},
       {"id": "n2", "title": "Oil output", "body": "In 1987 oil output and the underlying trend rose."},
       # one name written two ways in one document is one document for it
       {"id": "m1", "title": "Smith speaks", "body": "Mary Smith spoke.", "people": ["Mary Smith", "mary  smith"]},
       {"id": "g1", "title": "Gorbachev visit", "body": "Gorbachev visited.", "people": ["Gorbachev"]},
       # an acronym is no headline; a sentence's end, or the title's, is between two words, an
       # abbreviation's point is not
       {"id": "o1", "title": "OPEC output", "body": "OPEC production fell. U.S. trade grew. Imports of oil. "
        "President Reagan spoke.", "people": []}]
)


def indexed(folder: Path, docs) -> Path:
    """An index of ``docs`` (records) built in ``folder``; its path."""
    path = folder / "in.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    rebuild(folder / "ix", [path])
    return folder / "ix"


@pytest.fixture(scope="module")
def context_engine(tmp_path_factory: pytest.TempPathFactory):
    from searchsvc import SearchEngine

    with SearchEngine(indexed(tmp_path_factory.mktemp("context"), CONTEXT_DOCS)) as e:
        yield e


@pytest.mark.parametrize("typed, first", [
    # "report" is with "interest" in more documents (3), "rates" right after it (2)
    ("interest r", {"text": "interest rates", "kind": "query", "count": 2, "q": "interest rates"}),
    ("Interest  R", {"text": "Interest rates", "kind": "query", "count": 2, "q": "Interest rates"}),
    ("gas pi", {"text": "gas pipeline", "kind": "query", "count": 2, "q": "gas pipeline"}),
    ("gas pr", {"text": "gas prices", "kind": "query", "count": 1, "q": "gas prices"}),
    # the words that follow the last two typed, in the form they have there
    ("house of r", {"text": "house of representatives", "kind": "query", "count": 4, "q": "house of representatives"}),
    ("federal re", {"text": "federal reserve", "kind": "query", "count": 3, "q": "federal reserve"}),
    ("interest - r", {"text": "interest - rates", "kind": "query", "count": 2, "q": "interest - rates"}),
    # a pasted headline stays in capitals, where NOT is a word: not "FED NOT expected", an operator
    ("HOUSE NOT V", {"text": "HOUSE NOT VOTE", "kind": "query", "count": 4, "q": "HOUSE NOT VOTE"}),
    ("OPEC PR", {"text": "OPEC PRODUCTION", "kind": "query", "count": 1, "q": "OPEC PRODUCTION"}),
    # an acronym before a word in lower case is no headline (it gave "OPEC PRODUCTION", "U.S. TRADE")
    ("OPEC pr", {"text": "OPEC production", "kind": "query", "count": 1, "q": "OPEC production"}),
    ("U.S. tr", {"text": "U.S. trade", "kind": "query", "count": 1, "q": "U.S. trade"}),
    # punctuation after a word typed before is not in the text's way
    ("interest, r", {"text": "interest, rates", "kind": "query", "count": 2, "q": "interest, rates"}),
    ("corn ex", {"text": "corn ex-farm", "kind": "query", "count": 1, "q": "corn ex-farm"}),
    ("the und", {"text": "the underlying", "kind": "query", "count": 1, "q": "the underlying"}),
    # numbers are not capitals: the completion keeps the case typed
    ("1987 oi", {"text": "1987 oil", "kind": "query", "count": 1, "q": "1987 oil"}),
    # a name holding every word typed: the name alone is the search
    ("vladimir pu", {"text": "Vladimir Putin", "kind": "person", "count": 2, "q": ""}),
    # one word: as before, with the word itself as the query
    ("pipe", {"text": "pipeline", "kind": "word", "count": 2, "q": "pipeline"}),
])
def test_completion_in_context(context_engine, typed: str, first: dict):
    assert context_engine.suggest(typed)[0] == first


@pytest.mark.parametrize("typed, absent", [
    ("xyzzy pi", "anything"),  # the words before find nothing: nothing to complete in their context
    ("title: pi", "anything"),  # nor when they are no query
    ("gas pi*", "anything"),  # the last word is a pattern: only names holding it all
    ("interest th", "interest the"),  # a stopword is no completion (a search drops it)
    ("house NOT v", "house NOT voted"),  # an operator would make the completion another query
    ("HOUSE NOT v", "HOUSE NOT VOTE"),  # ... as it is in capitals followed by lower case, as searched
    ("interest \u0301", "Vladimir Putin"),  # a last word that folds to nothing completes to nothing
    ("new york s", "new york s"),  # "New York's": "s" is no word that follows
])
def test_no_completion_in_context(context_engine, typed: str, absent: str):
    texts = [s["text"] for s in context_engine.suggest(typed)]
    assert absent not in texts and all(s["kind"] != "query" for s in context_engine.suggest(typed))


@pytest.mark.parametrize("typed, absent", [
    # "oil. President Reagan" (2 of the 3 Reuters stories where "president" came after "oil")
    ("oil pr", "oil president"),
    ("output op", "output opec"),  # the end of the title is no phrase with the body's start
])
def test_a_following_word_is_in_the_same_sentence(context_engine, typed: str, absent: str):
    assert absent not in [s["text"] for s in context_engine.suggest(typed, limit=50)]


def test_a_person_and_a_word_written_alike_are_both_offered(context_engine):
    # "Gorbachev" filters on the name, "gorbachev" finds every mention: two different searches
    assert [(s["text"], s["kind"]) for s in context_engine.suggest("gorb")] == [
        ("Gorbachev", "person"), ("gorbachev", "word")]


def test_a_name_written_two_ways_in_a_document_counts_it_once(context_engine):
    people = context_engine.search("smith").facets["people"]
    # shown as names are written, whichever spelling came first
    assert people == [{"value": "Mary Smith", "count": 1}]
    assert context_engine.suggest("mary") == [{"text": "Mary Smith", "kind": "person", "count": 1, "q": ""}]


def test_words_added_since_the_rebuild_are_offered_as_written(tmp_path: Path):
    # The vocabulary of display words is made by rebuilds; the stem of a word added later is no
    # word to offer ("agre" searches for "agr" and finds nothing).
    from searchsvc import Document, IndexWriter, SearchEngine

    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "title": "Oil output", "body": "Oil output rose."}) + "\n", encoding="utf-8")
    rebuild(tmp_path / "ix", [path])
    IndexWriter(tmp_path / "ix").put([Document(id="b", title="Ministers agreed", body="They agreed.")])
    with SearchEngine(tmp_path / "ix") as e:
        first = e.suggest("agre")[0]
        assert first == {"text": "agreed", "kind": "word", "count": 1, "q": "agreed"}
        assert e.search(first["q"], relax=False, facets=False).total == 1


@pytest.mark.parametrize("typed, kinds", [
    ("interest r", {"query"}), ("gas pi", {"query"}), ("gas p", {"query", "person"}),
    ("deal pu", {"person"}), ("vladimir pu", {"person"}), ("pipeline v", {"person"}), ("p", {"word", "person"}),
    ("int", {"word"}), ("house of r", {"query"}), ("the r", {"query"}), ("of r", {"query"}),
    ("HOUSE NOT V", {"query"}), ("HOUSE NOT v", set()), ("OPEC pr", {"query"}), ("interest - r", {"query"}),
    ("interest, r", {"query"}), ("corn ex", {"query"}),
    ("the und", {"query"}), ("1987 oi", {"query"}), ("new york s", set()), ("gorb", {"person", "word"}),
    ("mary", {"person"}), ("agre", set()),
    # the other words use query syntax: people among what they find, no completed queries
    ("title:pipeline v", {"person"}), ('"gas pipeline" v', {"person"}), ("house NOT v", set()),
    ("interest OR r", set()), ("+interest r", set()),
])
def test_each_count_is_what_its_search_finds(context_engine, typed: str, kinds: set[str]):
    # The promise a client relies on: picking a suggestion searches for q (plus the person as
    # a people filter), and finds `count` documents with every word.
    suggestions = context_engine.suggest(typed, limit=50)
    assert {s["kind"] for s in suggestions} == kinds
    for s in suggestions:
        people = [s["text"]] if s["kind"] == "person" else None
        assert context_engine.search(s["q"], people=people, relax=False, facets=False).total == s["count"], s


def test_words_merely_beside_are_those_the_context_makes_likelier(tmp_path: Path):
    """After "bank": "jakarta" (only in bank stories) is offered, "january" (in every story) is not,
    though more bank stories hold it; ranked by count alone it came first ("bank of january")."""
    from searchsvc import SearchEngine

    fillers = ["jet", "joint", "jump", "judge", "jury", "jersey"]
    docs = []
    for i in range(60):
        words = ["January", fillers[i % len(fillers)], fillers[(i + 1) % len(fillers)]]
        if i < 20:
            words.append("bank")
            if i < 6:
                words.append("Jakarta")
        docs.append({"id": f"d{i}", "title": " ".join(words), "body": "Story text."})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    rebuild(tmp_path / "ix", [path])
    with SearchEngine(tmp_path / "ix") as e:
        offered = [s["text"] for s in e.suggest("bank j", limit=20)]
        counts = {s["text"]: s["count"] for s in e.suggest("bank j", limit=20)}
    assert "bank jakarta" in offered and counts["bank jakarta"] == 6
    assert "bank january" not in offered  # in all 20 bank stories, but no likelier there than anywhere


def test_a_word_in_every_document_of_a_narrow_context_and_nowhere_else_is_offered(tmp_path: Path):
    """Such a word is as much likelier there as any word can be (all documents / the context's): a bar
    of 1.5 x the median lift, when the median candidate was that exclusive already, refused it."""
    from searchsvc import SearchEngine

    docs = [{"id": f"f{i}", "title": f"Grain report {i}", "body": "Wheat prices steady."} for i in range(200)]
    # "stripes" in every okapi story and no other, never right after "okapi"; four other words in one each
    others = [("savanna", "zoo"), ("sighted", "calf"), ("shy", "keeper"), ("spotted", "birth")]
    docs += [{"id": f"o{i}", "title": f"Stripes {s} okapi {after}", "body": "Zoo news."}
             for i, (s, after) in enumerate(others)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    rebuild(tmp_path / "ix", [path])
    with SearchEngine(tmp_path / "ix") as e:
        assert "okapi stripes" in [s["text"] for s in e.suggest("okapi s", limit=20)]


@pytest.mark.parametrize("query, found", [
    ("inflatoin~", {"inflation"}),  # a transposition is one edit, of the word typed
    ("inflatoin~2", {"inflation"}),
    ("tarde~", {"trade"}),
    ("pipelin~", {"pipeline"}),
    ("cofee~", {"coffee", "come"}),  # "cofe" is one edit from "come" too: a fuzzy term takes both
])
def test_fuzzy_terms_reach_the_words_meant(tmp_path: Path, query: str, found: set[str]):
    from searchsvc import SearchEngine

    words = ["inflation", "trade", "pipeline", "coffee", "come", "tariff"]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": w, "title": w.title(), "body": f"the {w}"}) + "\n" for w in words),
                    encoding="utf-8")
    rebuild(tmp_path / "ix", [path])
    with SearchEngine(tmp_path / "ix") as e:
        assert {h.id for h in e.search(query, facets=False, relax=False).hits} == found


@pytest.fixture(scope="module")
def echo_engine(tmp_path_factory: pytest.TempPathFactory):
    """"r" and "ab" are words of their own: in titles beside "plan", and after it in the text."""
    from searchsvc import SearchEngine

    folder = tmp_path_factory.mktemp("echo")
    docs = ([{"id": f"r{n}", "title": f"Plan R {n}", "body": "The plan r passed."} for n in range(6)]
            + [{"id": f"a{n}", "title": f"Talks {n}", "body": "The plan ab passed; the plan abandoned."}
               for n in range(6)]
            + [{"id": f"f{n}", "title": f"Grain report {n}", "body": "Wheat prices steady."} for n in range(48)])
    with SearchEngine(indexed(folder, docs)) as e:
        yield e


@pytest.mark.parametrize("typed, other", [
    ("plan r", None),  # a title word beside "plan" (Reuters' "house of r" offered "house of r")
    ("plan ab", "plan abandoned"),  # a word that follows in the text
    ("Plan  AB", "Plan abandoned"),  # in another case, or spacing, it is still what was typed
])
def test_what_was_typed_is_no_completion(echo_engine, typed: str, other: str | None):
    offered = echo_engine.suggest(typed, limit=50)
    assert " ".join(typed.casefold().split()) not in [s["q"].casefold() for s in offered]
    assert other is None or other in [s["text"] for s in offered]


def test_completions_do_not_depend_on_the_order_documents_were_indexed_in(tmp_path: Path):
    """The words that follow are read from a sample of the documents: taken in index order, it
    changed with the order of the input, and between rebuilds of the same input by several
    workers ("interest r", "gold m" on Reuters)."""
    from searchsvc import SearchEngine

    words = ["mine", "miner", "market"]
    docs = [{"id": f"g{i:03d}", "title": f"Gold news {i}", "body": f"The gold {words[i % 3]} opened.", "people": []}
            for i in range(450)]
    offered = []
    for name, order in (("forward", docs), ("reversed", docs[::-1])):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in order), encoding="utf-8")
        rebuild(tmp_path / name, [path])
        with SearchEngine(tmp_path / name) as e:
            offered.append(e.suggest("gold m"))
    assert offered[0] == offered[1] and offered[0]


def test_the_sample_reads_the_first_characters_of_each_document_and_looks_at_the_deadline(tmp_path: Path):
    # 150 documents of 4 MB each were folded and scanned whole, between looks at the deadline
    # every 32 documents: seconds past the time limit on every keystroke.
    import re

    import numpy as np

    from searchsvc import SearchEngine
    from searchsvc.autocomplete import _read_sample, _words_after
    from searchsvc.highlight import MAX_ANALYZED_CHARS

    pattern = re.compile(r"kilo lima (m\w*)")
    assert list(_words_after(pattern, {"body": "kilo lima mike"})) == ["mike"]
    assert list(_words_after(pattern, {"body": "x" * MAX_ANALYZED_CHARS + " kilo lima mike"})) == []
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "title": "t", "body": "kilo lima mike"}) + "\n"
                            for i in range(40)), encoding="utf-8")
    rebuild(tmp_path / "ix", [path])
    with SearchEngine(tmp_path / "ix") as e:
        looks: list[int] = []
        found = _read_sample(e.view(), np.arange(40), pattern, lambda: looks.append(1))
        assert found == [("mike", 40.0)] and len(looks) == 40


def test_a_fuzzy_term_counts_each_stem_it_reaches_once(tmp_path: Path):
    # The stems near the word typed were counted in every field, and again beside those the lexicon
    # gave: "oil~2" on Reuters passed max_expansions (512) with 228 distinct terms.
    from searchsvc import SearchEngine
    from searchsvc.settings import Settings

    docs = [{"id": "t", "title": "Trade", "body": "trade talks"}, {"id": "o", "title": "Other", "body": "others"}]
    with SearchEngine(indexed(tmp_path, docs), Settings({"max_expansions": 2}, environ={})) as e:
        assert [h.id for h in e.search("trad~", facets=False, relax=False).hits] == ["t"]
