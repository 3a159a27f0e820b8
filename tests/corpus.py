"""Synthetic news articles for load, fault and soak runs: deterministic for a seed, no real data.

Words come from a fixed vocabulary with a Zipf-like skew, so posting lists have
realistic shapes (a few long, many short); each article gets a title, a body,
a section, a publication date and, often, known people and dates, so rebuilds
spend their time as on real news (extraction is skipped for given fields).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sta", "ven", "dor", "pil", "gra", "tem", "bo", "chi", "fal", "quin",
             "zar", "mon", "tri", "lex", "par", "sol", "nu", "vir", "ost"]
COMMON = ("market oil price bank government minister talks trade deal rates inflation shares company election "
          "pipeline gas energy report officials said week year growth exports imports court law police army "
          "border summit leaders power crisis budget tax reform strike union workers profit loss").split()
PEOPLE = ["Vladimir Putin", "Xi Jinping", "Donald Trump", "Angela Merkel", "Ada Lovelace", "Nelson Mandela",
          "Indira Gandhi", "Simon Bolivar", "Marie Curie", "Kofi Annan"]
SECTIONS = ["Russia", "Energy", "Economy", "World", "Markets", "Politics", "Tests"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words = set(COMMON)
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def articles(n: int, seed: int = 1, vocab_size: int = 5000, words: int = 120,
             prefix: str = "syn") -> Iterator[dict[str, Any]]:
    """``n`` article records ``{id, title, body, section, published, people, dates}``."""
    rng = random.Random(seed)
    vocab = vocabulary(vocab_size, rng)
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]  # Zipf
    for i in range(n):
        body = rng.choices(vocab, weights, k=words)
        people = rng.sample(PEOPLE, rng.randint(0, 2))
        body[rng.randrange(len(body))] = people[0] if people else body[0]
        year, month, day = rng.randint(1985, 2025), rng.randint(1, 12), rng.randint(1, 28)
        yield {"id": f"{prefix}{i}", "title": " ".join(rng.choices(vocab, weights, k=rng.randint(3, 8))).capitalize(),
               "body": " ".join(body) + ".", "section": rng.choice(SECTIONS),
               "published": f"{year:04d}-{month:02d}-{day:02d}", "people": people,
               "dates": [f"{year:04d}-{month:02d}"] if rng.random() < 0.5 else []}


def write_corpus(path: Path, n: int, seed: int = 1, **kwargs: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for rec in articles(n, seed, **kwargs):
            f.write(json.dumps(rec) + "\n")
    return path
