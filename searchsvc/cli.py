"""Command line: ``searchsvc`` / ``python -m searchsvc``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from .extract import extract


def _parse_published(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def cmd_extract(args: argparse.Namespace) -> int:
    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"stdin line {lineno}: invalid JSON: {e}", file=sys.stderr)
            continue
        ex = extract(str(rec.get("text") or ""), title=str(rec.get("title") or ""),
                     published=_parse_published(rec.get("published")))
        print(json.dumps({"id": rec.get("id"), "people": ex.people, "dates": ex.dates}))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="searchsvc")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("extract", help="JSON Lines {id,text,title?,published?} on stdin -> people and dates")
    args = p.parse_args(argv)
    return {"extract": cmd_extract}[args.command](args)
