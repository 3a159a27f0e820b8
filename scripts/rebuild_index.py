#!/usr/bin/env python3
"""Rebuild the default index (``index/``) from ``seeds/``, or an index from the given paths.

    python scripts/rebuild_index.py                        # index/ from seeds/
    python scripts/rebuild_index.py --index /srv/ix news/  # any index, any sources

A full rebuild builds a new generation and switches to it atomically; every worker
of a running service picks it up on its next request. The options are those of
``searchsvc index``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searchsvc.cli import main  # noqa: E402


def run(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", default=str(ROOT / "index"))
    p.add_argument("--format", choices=["text", "jsonl", "reuters"])
    p.add_argument("--skip-bad", action="store_true")
    p.add_argument("--discard-api-writes", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("paths", nargs="*", default=[str(ROOT / "seeds")])
    a = p.parse_args(argv)
    args = ["index", "--index", a.index]
    if a.format:
        args += ["--format", a.format]
    args += [flag for flag, on in (("--skip-bad", a.skip_bad), ("--discard-api-writes", a.discard_api_writes),
                                   ("--quiet", a.quiet)) if on]
    return main([*args, *a.paths])


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
