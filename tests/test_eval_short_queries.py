"""scripts/eval_short_queries.py runs end to end on a tiny corpus (so it cannot rot)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import write_jsonl

ROOT = Path(__file__).resolve().parent.parent


def test_the_script_prints_a_share_per_weight(tmp_path: Path):
    # "Bank of England" in three stories; "bank" and "England" apart in three more.
    docs = [{"id": f"e{i}", "title": f"Story {i}", "body": f"Officials said Bank of England moved rates, day {i}."}
            for i in range(3)]
    docs += [{"id": f"n{i}", "title": f"Other {i}", "body": f"A bank in New England, England and more {i}."}
             for i in range(3)]
    corpus = write_jsonl(tmp_path / "c.jsonl", docs)
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_short_queries.py"), "--corpus", str(corpus),
                        "--format", "jsonl", "--min-docs", "3", "--weights", "0,1"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Bank of England" in r.stdout
    rows = re.findall(r"^\s+([\d.]+)\s+([\d.]+)\s+(\d+)$", r.stdout, re.M)
    assert [w for w, _, _ in rows] == ["0", "1"]
    assert all(0.0 <= float(share) <= 1.0 for _, share, _ in rows)
