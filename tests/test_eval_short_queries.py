"""scripts/eval_short_queries.py runs end to end on a tiny corpus (so it cannot rot)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import write_jsonl

ROOT = Path(__file__).resolve().parent.parent


def test_the_script_prints_a_share_per_weight(tmp_path: Path):
    # "Bank of England" in ten longer stories; "England" and "bank" far apart in ten short ones,
    # which plain BM25F ranks first; filler gives the two words an idf.
    docs = [{"id": f"e{i}", "title": f"Story {i}", "body": f"Officials in London said on Tuesday that the "
             f"Bank of England moved interest rates again, day {i} of a long week."} for i in range(10)]
    docs += [{"id": f"n{i}", "title": f"Other {i}", "body": f"England, so the story goes, once had one more bank {i}."}
             for i in range(10)]
    docs += [{"id": f"f{i}", "title": f"Filler {i}", "body": f"Nothing about markets or weather, number {i}."}
             for i in range(60)]
    corpus = write_jsonl(tmp_path / "c.jsonl", docs)
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_short_queries.py"), "--corpus", str(corpus),
                        "--format", "jsonl", "--min-docs", "3", "--weights", "0,1"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Bank of England" in r.stdout
    rows = re.findall(r"^\s+([\d.]+)\s+([\d.]+)\s+(\d+)$", r.stdout, re.M)
    # Without the bonus the short stories fill the top 10; with it, the ten that hold the name do.
    assert rows == [("0", "0.000", "1"), ("1", "1.000", "0")]
