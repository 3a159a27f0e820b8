from __future__ import annotations

import itertools

import pytest

from searchsvc.highlight import Highlighter, as_terminal
from searchsvc.matching import Marks


def highlighter(terms=(), phrases=(), **kw) -> Highlighter:
    marks = Marks(terms={"body": set(terms), "title": set(terms)})
    marks.phrases = [(("title", "body", "people"), tuple(p)) for p in phrases]
    return Highlighter(marks, **kw)


@pytest.mark.parametrize("terms, phrases, text, expected", [
    (["putin"], [], "Putin's visit", "<mark>Putin</mark>&#x27;s visit"),
    (["meet"], [], "Meetings & meeting <b>", "<mark>Meetings</mark> &amp; <mark>meeting</mark> &lt;b&gt;"),
    ([], [["power", "polit"]], "power, politics and power.", "<mark>power, politics</mark> and power."),
    ([], [["power", "of", "siberia"]], "Power of Siberia power of", "<mark>Power of Siberia</mark> power of"),
    (["perez"], [], "Señor Pérez said", "Señor <mark>Pérez</mark> said"),
    # an accent with no composed form stays in its word, marked with it (it was cut off or unmarked)
    (["quebec"], [], "Q\u0301uebec talks", "<mark>Q\u0301uebec</mark> talks"),
    (["q"], [], "q\u0301 x", "<mark>q\u0301</mark> x"),
    (["xi"], [], "Xi-Putin talks", "<mark>Xi</mark>-Putin talks"),
    (["x"], [], "<script>alert('x')</script>", "&lt;script&gt;alert(&#x27;<mark>x</mark>&#x27;)&lt;/script&gt;"),
    ([], [], "nothing to mark", "nothing to mark"),
    (["att", "us"], [], "AT&T and the U.S.", "<mark>AT&amp;T</mark> and the <mark>U.S.</mark>"),  # whole words
    ([], [["att", "said"]], "AT&T said", "<mark>AT&amp;T said</mark>"),
])
def test_title_marks(terms, phrases, text, expected):
    assert highlighter(terms, phrases).title(text) == expected


def test_snippet_windows_prefer_distinct_terms_and_stay_short():
    body = ("filler " * 60) + "alpha here " + ("filler " * 60) + "alpha beta together " + ("filler " * 60)
    snippet = highlighter(["alpha", "beta"], fragment_chars=80, fragments=1).snippet(body)
    assert "<mark>alpha</mark> <mark>beta</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 80 + 10


def test_snippet_fragments_in_text_order_and_fallback():
    body = "alpha one. " + "filler " * 80 + "beta two."
    snippet = highlighter(["alpha", "beta"], fragment_chars=40, fragments=2).snippet(body)
    assert snippet.index("alpha") < snippet.index("beta") and " … " in snippet
    lead = highlighter(["zzz"], fragment_chars=30).snippet("word " * 50)
    assert lead.endswith(" …") and "<mark>" not in lead and len(lead) <= 32


@pytest.mark.parametrize("seed", range(40))
def test_snippet_fragments_begin_and_end_with_whole_words(seed: int):
    # A window whose last space came right after a mark ended mid-word: "assumed Volcker w …".
    import html
    import random

    rng = random.Random(seed)
    words = ["volcker", "texaco", "capital", "assumed", "would", "well", "be", "a", "of", "inflation"]
    body = " ".join(rng.choice(words) for _ in range(300))
    snippet = highlighter(["volcker", "texaco"], fragment_chars=rng.choice([40, 60, 90]), fragments=3).snippet(body)
    padded = f" {body} "
    for fragment in html.unescape(snippet.replace("<mark>", "").replace("</mark>", "")).strip("… ").split(" … "):
        assert f" {fragment} " in padded, (fragment, snippet)


@pytest.mark.parametrize("seed", range(40))
def test_snippet_fragments_never_start_inside_a_phrase(seed: int):
    # A window starting inside "mln stg" began "n stg" and lost the phrase's mark.
    import html
    import random

    rng = random.Random(seed)
    words = ["mln", "stg", "offer", "a", "of", "the", "company", "said", "mln stg", "mln stg"]
    body = " ".join(rng.choice(words) for _ in range(300))
    snippet = highlighter(phrases=[["mln", "stg"]], fragment_chars=rng.choice([40, 60, 90]), fragments=3).snippet(body)
    padded = f" {body} "
    fragments = html.unescape(snippet.replace("<mark>", "").replace("</mark>", "")).strip("… ").split(" … ")
    for fragment in fragments:
        assert f" {fragment} " in padded, (fragment, snippet)
    assert snippet.count("<mark>mln stg</mark>") == sum(f.count("mln stg") for f in fragments), snippet


def test_every_word_of_a_stem_is_found():
    from searchsvc.analysis import stem

    text = ("city cities fly flying flies trying tried army armies body bodies sky skies dying lying "
            "happy happiness studies studying")
    for word in set(text.split()):
        h = highlighter([stem(word)]).title(text)
        assert f"<mark>{word}</mark>" in h.split(), (word, h)



@pytest.mark.parametrize("bold, expected", [
    (True, "the \033[1mPutin\033[0m's \033[1mpipeline\033[0m & more"),
    (False, "the Putin's pipeline & more"),  # a pipe gets plain text: no markup, no entities
])
def test_as_terminal(bold: bool, expected: str):
    assert as_terminal("the <mark>Putin</mark>&#x27;s <mark>pipeline</mark> &amp; more", bold) == expected


def test_snippet_windows_never_overlap(monkeypatch: pytest.MonkeyPatch):
    # One window's end went out to a mark's end while the next one's start went back to its start:
    # "…<mark>mln stg</mark> … <mark>mln stg</mark> said…", the same words twice (a review found
    # 137 in 20,000 random snippets).
    import random

    from searchsvc import highlight

    chosen: list[list[tuple[int, int]]] = []
    original = highlight.pick_windows
    monkeypatch.setattr(highlight, "pick_windows", lambda *a, **k: chosen.append(original(*a, **k)) or chosen[-1])
    rng = random.Random(7)
    words = ["mln", "stg", "offer", "a", "of", "the", "company", "said", "mln stg", "dlrs for the"]
    for _ in range(4000):
        body = " ".join(rng.choice(words) for _ in range(rng.choice([30, 60, 120])))
        highlighter(["offer"], phrases=[["mln", "stg"], ["dlrs", "for", "the"]],
                    fragment_chars=rng.choice([20, 30, 40, 60]), fragments=rng.choice([2, 3])).snippet(body)
    assert len(chosen) == 4000
    overlapping = [w for w in chosen if any(c < b for (_, b), (c, _) in itertools.pairwise(w))]
    assert not overlapping, overlapping[:3]
