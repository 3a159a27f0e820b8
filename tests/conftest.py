"""Shared fixtures: a small news corpus written to disk and indexes built from it.

The corpus is synthetic (no research-licensed data): short articles with known
people, sections, dates and words, chosen so that every search behaviour under
test has an exact expected answer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from searchsvc.engine import SearchEngine
from searchsvc.indexer import rebuild

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

CORPUS = [
    {"id": "a1", "title": "Putin meets Xi in Moscow", "section": "Russia", "published": "2025-05-08",
     "body": "Vladimir Putin met Xi Jinping at the Kremlin on Thursday. The leaders discussed the "
             "Power of Siberia pipeline and power politics.",
     "people": ["Vladimir Putin", "Xi Jinping"], "dates": ["2025-05-08"]},
    {"id": "a2", "title": "Pipeline talks stall", "section": "Energy", "published": "2025-05-10",
     "body": "Gas pipeline negotiations stalled again. Officials said the power of the market decides. "
             "Putin was not present.",
     "people": ["Vladimir Putin"], "dates": ["2025-05"]},
    {"id": "a3", "title": "Trump imposes tariffs", "section": "Economy", "published": "2025-04-02",
     "body": "Donald Trump imposed tariffs on imports. Markets fell sharply on the news.",
     "people": ["Donald Trump"], "dates": ["2025-04-02", "2025"]},
    {"id": "a4", "title": "Victory Day parade", "section": "Russia", "published": "2025-05-09",
     "body": "Soldiers marched across Red Square for the Victory Day parade. Xi Jinping attended.",
     "people": ["Xi Jinping"], "dates": ["2025-05-09", "1945"]},
    {"id": "a5", "title": "Hostile markup", "section": "Tests", "published": "2024-12-31",
     "body": "A body with <script>alert('x')</script> and <img src=x onerror=alert(1)> and "
             "<a href=\"javascript:alert(2)\">a link</a> about markets.",
     "people": [], "dates": []},
    {"id": "a6", "title": "Markets rally", "section": "Economy",
     "body": "Markets rallied after the central bank cut rates. Analysts expect more gains.",
     "people": [], "dates": ["2024"]},
    {"id": "b1", "title": "Tie one", "section": "Ties", "published": "2023-01-01",
     "body": "zebra crossing", "people": [], "dates": []},
    {"id": "b0", "title": "Tie zero", "section": "Ties", "published": "2023-01-01",
     "body": "zebra crossing", "people": [], "dates": []},
]


#: ``input_file(path, MISSING)`` leaves the path absent.
MISSING = b"missing"


def input_file(path: Path, content: bytes | None) -> Path:
    """An input for error tests: ``content`` written, a folder for None, nothing for MISSING."""
    if content is None:
        path.mkdir()
    elif content != MISSING:
        path.write_bytes(content)
    return path


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "news.jsonl", CORPUS)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, corpus_file: Path) -> Path:
    """A read-only index of CORPUS shared by the tests that only search."""
    path = tmp_path_factory.mktemp("index") / "ix"
    rebuild(path, [corpus_file])
    return path


@pytest.fixture
def engine(built_index: Path) -> SearchEngine:
    with SearchEngine(built_index) as e:
        yield e


@pytest.fixture
def fresh_index(tmp_path: Path, built_index: Path) -> Path:
    """A private copy of the corpus index that a test may change."""
    path = tmp_path / "ix"
    shutil.copytree(built_index, path)
    return path
