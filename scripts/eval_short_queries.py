#!/usr/bin/env python3
"""Short name queries: does the top 10 hold the name the user typed?

TIME and CACM (scripts/eval_relevance.py) judge long natural-language queries; a news
search box mostly gets short ones, names and set phrases ("Bank of England", "Group of
Seven", "James Baker"), which those collections hardly have (1 and 4 of their queries
have at most four words). This script makes such queries from the corpus itself: the
most frequent capitalised two-to-three-word phrases of the bodies ("Bank of Japan",
"American Express"), a seeded sample of them, each searched *unquoted* as a user would
type it. A hit counts when its title or body contains the phrase (case-insensitive), so
the measure is the share of the top 10 that holds the name: a proxy, not a judgment of
relevance, but the failure it catches is real (an unquoted "Bank of England" ranked "BANK
NEW ENGLAND" first). It prints that share for several ``proximity_weight`` values side by
side, all from one index in one run.

    python scripts/eval_short_queries.py                       # ../shared/data/reuters21578
    python scripts/eval_short_queries.py --corpus DIR --format reuters --weights 0,1,2
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searchsvc import SearchEngine, Settings, rebuild  # noqa: E402

#: Two or three capitalised words, or two joined by of/de/the: "Bank of Japan", "Amoco Corp".
PHRASE = re.compile(r"\b([A-Z][a-z]+(?: (?:of|de|the) | )[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
#: Sentence openers that make a capitalised pair without naming anything.
OPENERS = {"The", "In", "But", "He", "It", "A", "This", "They", "We", "If", "As", "And"}


def main() -> int:
    a = parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index = a.index or Path(tmp) / "ix"
        if not a.index:
            rebuild(index, [a.corpus], format=a.format, skip_bad=True)
        texts, phrases = sample_phrases(index, a.phrases, a.min_docs, a.seed)
        if not phrases:
            print("no phrase occurs in enough documents; try --min-docs lower")
            return 1
        print(f"{len(phrases)} phrases in at least {a.min_docs} documents each (seed {a.seed}), e.g. "
              + ", ".join(phrases[:6]))
        print(f"{'proximity_weight':>16}  {'top-10 share holding the name':>30}  {'queries with none':>17}")
        for weight in a.weights:
            share, none = precision_at_10(index, texts, phrases, {**a.extra, "proximity_weight": weight})
            print(f"{weight:>16g}  {share:>30.3f}  {none:>17}")
    return 0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "data" / "reuters21578")
    p.add_argument("--format", default="reuters", help="reader for the corpus (text, jsonl, reuters)")
    p.add_argument("--index", type=Path, help="an index of the corpus already built (else one is built)")
    p.add_argument("--phrases", type=int, default=120, help="how many phrases to sample")
    p.add_argument("--min-docs", type=int, default=15, help="documents a phrase must occur in")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--weights", type=lambda s: [float(w) for w in s.split(",")], default=[0.0, 1.0, 2.0, 3.0])
    p.add_argument("--set", dest="settings", default="", metavar="K=V,...",
                   help="other settings for every run, e.g. proximity_candidates=30")
    a = p.parse_args()
    a.extra = dict(kv.split("=", 1) for kv in a.settings.split(",") if kv)
    return a


def sample_phrases(index: Path, count: int, min_docs: int, seed: int) -> tuple[dict[str, str], list[str]]:
    """Every document's lower-cased title and body by id, and a sorted sample of frequent phrases."""
    with SearchEngine(index) as engine:
        view = engine.view()
        texts, counts = {}, collections.Counter()
        for docnum in range(view.size):
            if not view.live[docnum]:
                continue
            doc = view.document(docnum)
            texts[doc.id] = f"{doc.title}\n{doc.body}".lower()
            counts.update(set(PHRASE.findall(doc.body)))
    # Sorted before sampling: most_common() orders ties by first sight, which followed the order the
    # rebuild's workers wrote segments in, so the same seed sampled other phrases from run to run.
    frequent = sorted(p for p, c in counts.items() if c >= min_docs and p.split()[0] not in OPENERS)
    random.seed(seed)
    return texts, sorted(random.sample(frequent, min(count, len(frequent))))


def precision_at_10(index: Path, texts: dict[str, str], phrases: list[str],
                    settings: dict[str, object]) -> tuple[float, int]:
    """Mean share of the top 10 holding its phrase, and how many queries had none in it."""
    shares, none = [], 0
    with SearchEngine(index, Settings({**settings, "result_cache": 0}, environ={})) as engine:
        for phrase in phrases:
            hits = engine.search(phrase, limit=10, facets=False, snippets=False).hits
            held = sum(phrase.lower() in texts[h.id] for h in hits)
            shares.append(held / 10)
            none += held == 0
    return sum(shares) / len(shares), none


if __name__ == "__main__":
    raise SystemExit(main())
