#!/usr/bin/env python3
"""People and date extraction: both dev measures and the speed measure, in one run.

    python scripts/eval_extraction.py                 # defaults to ../shared beside the repo
    python scripts/eval_extraction.py --shared /path/to/shared --skip-speed

1. people, document-level F1 on CoNLL-2003 testa: ``shared/eval/conll_people.py`` run
   exactly as the project is judged (it pipes the texts through ``python -m searchsvc extract``);
2. dates, document-level F1 on TimeBank + AQUAINT: ``shared/eval/timex_dates.py``, likewise;
3. people in ALL-CAPS text (old wire copy, telegrams): CoNLL-2003 testa with every document
   uppercased, scored as in 1 with ``conll_people.py``'s own functions (in this process);
4. speed: :func:`searchsvc.extract.extract` over every Reuters-21578 article (title + body,
   with its date as ``published``), in this one process on one core.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    p.add_argument("--skip-speed", action="store_true")
    a = p.parse_args()
    data, evals = a.shared / "data", a.shared / "eval"
    run([sys.executable, str(evals / "conll_people.py"), str(data / "conll2003"), "testa", "--project", str(ROOT)],
        "people (CoNLL-2003 testa, document-level)")
    tbaq = data / "timeml" / "TBAQ-cleaned"
    run([sys.executable, str(evals / "timex_dates.py"), str(tbaq / "TimeBank"), str(tbaq / "AQUAINT"),
         "--project", str(ROOT)], "dates (TimeBank + AQUAINT, document-level)")
    all_caps(data / "conll2003", evals)
    if not a.skip_speed:
        speed(data / "reuters21578")
    return 0


def run(cmd: list[str], title: str) -> None:
    print(f"\n== {title}")
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    print(out.stdout.strip() or out.stderr.strip()[-2000:])
    print(f"({time.perf_counter() - started:.1f} s)")


def all_caps(conll: Path, evals: Path) -> None:
    from searchsvc.people import extract_people

    print("\n== people in ALL-CAPS text (CoNLL-2003 testa uppercased, document-level)")
    sys.path.insert(0, str(evals))
    import conll_people as c  # the shared scorer: its reader, gold names, folding and F1

    docs = c.read_split(str(conll / "eng.testa"))
    golds = [c.fold([n for s in d for n in c.entities([t for t, _ in s], [g for _, g in s])]) for d in docs]
    preds = [c.fold(extract_people(c.doc_text(d).upper())) for d in docs]
    p, r, f = c.score(golds, preds)
    print(f"docs={len(docs)}\nproject      P={p:.3f} R={r:.3f} F1={f:.3f}")


def speed(corpus: Path) -> None:
    from searchsvc import Document, extract, iter_records

    print("\n== speed (Reuters-21578, one core)")
    docs = [d for d in iter_records([corpus], format="reuters") if isinstance(d, Document)]
    chars = sum(len(d.title) + len(d.body) for d in docs)
    started_cpu, started = time.process_time(), time.perf_counter()
    people = dates = 0
    for d in docs:
        found = extract(d.body, title=d.title, published=d.published.date() if d.published else None)
        people += len(found.people)
        dates += len(found.dates)
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
    print(f"{len(docs):,} articles, {chars / 1e6:.1f} M characters: {cpu:.2f} s CPU ({wall:.2f} s wall), "
          f"{chars / cpu / 1e6:.1f} M chars/s; {people:,} people and {dates:,} dates found")


if __name__ == "__main__":
    raise SystemExit(main())
