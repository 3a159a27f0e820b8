"""The ALL-CAPS people measure of ``scripts/eval_extraction.py``, on a tiny CoNLL-format file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVALS = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(ROOT / "scripts"))

# Two documents in CoNLL-2003's layout: token, POS, chunk, NER tag.
CONLL = """-DOCSTART- -X- O O

Charles NNP I-NP I-PER
de NNP I-NP I-PER
Gaulle NNP I-NP I-PER
met VBD I-VP O
Konrad NNP I-NP I-PER
Adenauer NNP I-NP I-PER
. . O O

-DOCSTART- -X- O O

Prices NNS I-NP O
will MD I-VP O
fall VB I-VP O
. . O O
"""


@pytest.mark.skipif(not (EVALS / "conll_people.py").exists(), reason="no ../shared/eval beside the project")
def test_all_caps_measure_scores_uppercased_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import eval_extraction

    (tmp_path / "eng.testa").write_text(CONLL, encoding="latin-1")
    eval_extraction.all_caps(tmp_path, EVALS)
    out = capsys.readouterr().out
    assert "docs=2" in out and "P=1.000 R=1.000 F1=1.000" in out, out
