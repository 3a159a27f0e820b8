"""Command line: ``searchsvc`` / ``python -m searchsvc``.

The forms below are relied on by tooling (``../shared/eval``, scripts, CI); extend
them, don't rename them::

    searchsvc index   --index DIR [--format F] [--skip-bad] [--discard-api-writes] PATH...
    searchsvc search  --index DIR [--match all|any] [--limit N] [--json] QUERY
    searchsvc search  --index DIR [options] --queries FILE.jsonl  # {"id","text"} -> {"id","hits":[{"id","score"}]}
    searchsvc extract                                       # JSONL {"id","text",...} -> {"id","people","dates"}
                                                            # (exit 1 after all lines if any was bad)
    searchsvc add     --index DIR [--format F] [--skip-bad] PATH...
    searchsvc delete  --index DIR ID...
    searchsvc info    --index DIR
    searchsvc check   --index DIR                           # files vs their recorded checksums (exit 3: damaged)
    searchsvc serve   [--index DIR] [--host H] [--port P] [--workers N]
    searchsvc settings
    searchsvc evaluate --index DIR --queries FILE.jsonl --qrels FILE [--match any] [--compare NAME=V,...]
                       [--save-run FILE]                # also a TREC run file

Library errors become messages on stderr and exit codes here, and only here:
0 success, 1 bad input (nothing published), 2 usage, 3 the index cannot serve right now (busy,
missing, damaged or unwritable, or a query over its time limit).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from .errors import (
    IndexBusyError,
    IndexDamagedError,
    IndexMissingError,
    IndexWriteError,
    InputError,
    QueryError,
    QueryTimeoutError,
    SearchsvcError,
)
from .journal import NAME as JOURNAL
from .loaders import READERS
from .query import MATCH_MODES
from .ranking import SORTS
from .settings import BY_NAME, SETTINGS, Settings, settings_table

EXIT_INPUT, EXIT_USAGE, EXIT_BUSY = 1, 2, 3

#: Library parameter names -> the options that set them, so that a message names what the user typed.
OPTIONS = {"limit": "--limit", "offset": "--offset", "sort": "--sort", "match": "--match", "people": "--people",
           "section": "--section", "date_from": "--from", "date_to": "--to", "mentions_from": "--mentions-from",
           "mentions_to": "--mentions-to", "depth": "--depth",
           "compare": "--compare", "set": "--set", "host": "--host", "port": "--port", "workers": "--workers"}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        # A bad record that a command could have skipped (not a path that does not exist, nor a
        # journalled write: --skip-bad does not skip those; the message says what does)
        if getattr(args, "skip_bad", None) is False and e.line is not None and not e.source.endswith(JOURNAL):
            print("nothing was written; --skip-bad skips bad records and writes the rest", file=sys.stderr)
        return EXIT_INPUT
    except (IndexBusyError, IndexMissingError, IndexDamagedError, IndexWriteError, QueryTimeoutError) as e:
        # the index, not the input: retrying later (or rebuilding) may help
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BUSY
    except QueryError as e:
        print(f"error: {usage_message(e)}", file=sys.stderr)
        return EXIT_USAGE
    except SearchsvcError as e:  # RebuildError and the rest
        print(f"error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # a file problem the commands did not foresee: still one line, not a traceback
        print(f"error: {e.filename}: {e.strerror}" if e.filename else f"error: {e}", file=sys.stderr)
        return EXIT_INPUT


def usage_message(e: QueryError) -> str:
    """The message of a bad parameter, naming the command-line option that set it.

    Most library messages already start with their parameter ("limit must be ...") or, for a
    setting, with where its value came from ("SEARCHSVC_PORT: must be ..."): prefixing
    ``e.param`` again said it twice, and in the library's name rather than the option's.
    """
    text = str(e)
    option = OPTIONS.get(e.param)
    if option is None or text.startswith(option):
        return text
    rest = text[len(e.param):]
    if text.startswith(e.param) and rest[:1] in (" ", ":"):
        return option + rest
    if e.param in BY_NAME:  # from the environment: the message names the variable
        return text
    return f"{option}: {text}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="searchsvc", description="Full-text search for news.")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help, description=help)
        c.set_defaults(run=run)
        return c

    c = command("index", cmd_index, "Full rebuild: index PATHs into a new generation and make it live.")
    _index_arg(c)
    c.add_argument("--format", choices=list(READERS), help="Reader for files named on their own, and for a folder's "
                   "files of that format's extensions or none (default: by extension: .txt, .jsonl/.ndjson, .sgm).")
    c.add_argument("--skip-bad", action="store_true", help="Skip malformed records instead of stopping.")
    c.add_argument("--discard-api-writes", action="store_true",
                   help="Forget documents written through the API instead of re-applying them.")
    c.add_argument("--quiet", action="store_true", help="No progress line.")
    c.add_argument("paths", nargs="+", metavar="PATH")

    c = command("search", cmd_search, "Search the index.")
    _index_arg(c)
    c.add_argument("--match", choices=MATCH_MODES, default="all")
    c.add_argument("--limit", type=int, default=10)
    c.add_argument("--offset", type=int, default=0)
    c.add_argument("--sort", choices=SORTS, default="relevance")
    c.add_argument("--people", action="append", help="Only documents naming this person (repeatable).")
    c.add_argument("--section")
    c.add_argument("--from", dest="date_from", help="Published on or after (YYYY[-MM[-DD]]).")
    c.add_argument("--to", dest="date_to", help="Published on or before (YYYY[-MM[-DD]]).")
    c.add_argument("--mentions-from", dest="mentions_from", help="Mentions a date on or after (YYYY[-MM[-DD]]).")
    c.add_argument("--mentions-to", dest="mentions_to", help="Mentions a date on or before (YYYY[-MM[-DD]]).")
    c.add_argument("--json", action="store_true", help="Print the results as JSON.")
    c.add_argument("--queries", metavar="FILE.jsonl",
                   help='Run {"id","text"} lines; print {"id","hits":[{"id","score"}]} per line.')
    c.add_argument("query", nargs="*", metavar="QUERY")

    command("extract", cmd_extract, 'People and dates: JSON Lines {"id","text","title"?,"published"?} '
            'on stdin -> {"id","people","dates"} on stdout.')

    c = command("add", cmd_add, "Add or replace documents in the live index (incremental).")
    _index_arg(c)
    c.add_argument("--format", choices=list(READERS))
    c.add_argument("--skip-bad", action="store_true")
    c.add_argument("--create", action="store_true",
                   help="start a new index if there is none at --index (else that is an error: a mistyped path)")
    c.add_argument("paths", nargs="+", metavar="PATH")

    c = command("delete", cmd_delete, "Delete documents by id from the live index.")
    _index_arg(c)
    c.add_argument("ids", nargs="+", metavar="ID")

    c = command("info", cmd_info, "Generation, document count and size of an index.")
    _index_arg(c)

    c = command("check", cmd_check, "Verify every file of the live generation against its recorded checksum.")
    _index_arg(c)

    c = command("serve", cmd_serve, "Serve the HTTP API and search page with gunicorn.")
    _index_arg(c)
    c.add_argument("--host")
    c.add_argument("--port", type=int)
    c.add_argument("--workers", type=int)

    command("settings", cmd_settings, "Print every setting, its environment variable and default.")

    c = command("evaluate", cmd_evaluate, "Relevance figures (nDCG@10, MAP, P@10, R@100) for judged queries.")
    from .evaluate import add_arguments as add_evaluate_arguments

    add_evaluate_arguments(c)
    return p


def _index_arg(c: argparse.ArgumentParser) -> None:
    c.add_argument("--index", default=None, help="Index directory (default: setting `index`, ./index).")


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    return Settings({"index": getattr(args, "index", None), **extra})


# -- commands ------------------------------------------------------------------


def cmd_index(args: argparse.Namespace) -> int:
    from .indexer import rebuild

    settings = _settings(args)
    progress = None if args.quiet else _progress_printer()
    report = rebuild(settings.index, args.paths, format=args.format, skip_bad=args.skip_bad,
                     discard_api_writes=args.discard_api_writes, settings=settings, progress=progress)
    if progress:
        # Written to a log, the last line shown may be seconds old ("3,779 documents" of 21,577).
        progress(report.documents, final=True)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for err in report.errors[:20]:
        print(f"skipped: {err}", file=sys.stderr)
    if report.skipped > 20:
        print(f"skipped: ... and {report.skipped - 20} more", file=sys.stderr)
    print(f"indexed {report.documents:,} documents into {settings.index}/{report.generation} "
          f"({report.skipped:,} skipped, {report.api_writes_applied:,} API writes re-applied) "
          f"in {report.seconds:.1f}s, {report.size_bytes / 1e6:.1f} MB")
    return 0


def _progress_printer() -> Callable[..., None]:
    started = time.perf_counter()
    tty = sys.stderr.isatty()
    last: list[Any] = [started, None]  # when a line was last written, and its count

    def show(done: int, final: bool = False) -> None:
        now = time.perf_counter()
        if not tty and (now - last[0] < 5 or done == last[1]) and not (final and done != last[1]):
            return  # a log gets a line every 5 s, and the total once
        last[:] = [now, done]
        rate = done / max(now - started, 1e-9)
        line = f"indexing: {done:,} documents, {rate:,.0f}/s"
        print(("\r" + line) if tty else line, end="\n" if final or not tty else "", file=sys.stderr, flush=True)

    return show


def cmd_search(args: argparse.Namespace) -> int:
    from .engine import SearchEngine
    from .highlight import as_terminal

    if args.queries and args.query:
        raise QueryError("give either QUERY or --queries FILE, not both", param="query")
    # The CLI raises max_limit to the limit asked for, so only the setting's own range bounds --limit.
    most = int(BY_NAME["max_limit"].maximum or 0)
    if not 0 <= args.limit <= most:
        raise QueryError(f"limit must be an integer from 0 to {most} (the largest max_limit)", param="limit")
    settings = _settings(args, max_limit=max(args.limit, 100))
    engine = SearchEngine(settings.index, settings)
    if args.queries:
        return _search_batch(engine, args)
    text = " ".join(args.query)
    results = engine.search(text, **_search_options(args))
    if args.json:
        print(json.dumps(results.to_dict(), ensure_ascii=False))
        return 0
    print(f"{results.total:,} results ({results.took_ms:.1f} ms)"
          + (" — no document has every word; showing documents with any" if results.relaxed else ""))
    if results.did_you_mean:
        print(f"did you mean: {results.did_you_mean}")
    tty = sys.stdout.isatty()  # bold on a terminal; plain text in a pipe
    for n, hit in enumerate(results.hits, args.offset + 1):
        meta = " · ".join(x for x in (hit.published or "", hit.section, hit.id) if x)
        print(f"\n{n}. {as_terminal(hit.title, tty)}  [{meta}] score {hit.score:.3f}")
        print(f"   {as_terminal(hit.snippet, tty)}")
        if hit.people:
            print(f"   people: {', '.join(hit.people)}")
    return 0


def _search_options(args: argparse.Namespace) -> dict[str, Any]:
    """The per-search flags, the same for one QUERY and for every line of --queries."""
    return {"match": args.match, "limit": args.limit, "offset": args.offset, "sort": args.sort,
            "people": args.people, "section": args.section, "date_from": args.date_from, "date_to": args.date_to,
            "mentions_from": args.mentions_from, "mentions_to": args.mentions_to}


def _search_batch(engine: Any, args: argparse.Namespace) -> int:
    from .judgments import iter_queries

    options = _search_options(args)
    for lineno, qid, text in iter_queries(args.queries):
        try:
            results = engine.search(text, **options, facets=False, snippets=False, relax=False)
            hits = [{"id": h.id, "score": h.score} for h in results.hits]
        except QueryError as e:
            if e.param != "q":  # a bad flag fails every query alike: one usage error, not one per line
                raise
            print(f"{args.queries}:{lineno}: {e}", file=sys.stderr)
            hits = []
        print(json.dumps({"id": qid, "hits": hits}, ensure_ascii=False))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract_record
    from .loaders.jsonl import decode_line

    bad = 0
    # Bytes where there are any, so that invalid UTF-8 is one bad line and not the end of the run.
    for lineno, raw in enumerate(getattr(sys.stdin, "buffer", sys.stdin), 1):
        if not raw.strip():
            continue
        try:
            rec = decode_line(raw, source="stdin", line=lineno)
            if not isinstance(rec, dict):
                raise InputError("expected a JSON object", source="stdin", line=lineno)
        except InputError as e:
            print(e, file=sys.stderr)
            bad += 1
            continue
        answer, warnings = extract_record(rec)
        for warning in warnings:
            print(f"stdin:{lineno}: {warning}", file=sys.stderr)
        print(json.dumps(answer, ensure_ascii=False))
    return EXIT_INPUT if bad else 0


def cmd_add(args: argparse.Namespace) -> int:
    from .document import Document
    from .loaders import iter_records
    from .store import IndexDir
    from .writer import IndexWriter

    settings = _settings(args)
    if not args.create and not IndexDir(settings.index).exists():
        # Added to a new index at a mistyped path, the documents would never reach the service.
        raise IndexMissingError(f"no index at {settings.index}; add --create to start one there")
    docs: list[Document] = []
    bad = 0
    for rec in iter_records(args.paths, format=args.format, max_chars=settings.max_document_chars):
        if isinstance(rec, InputError):
            if not args.skip_bad:
                raise rec
            bad += 1
            print(f"skipped: {rec}", file=sys.stderr)
        else:
            docs.append(rec)
    result = IndexWriter(settings.index, settings).put(docs)
    print(f"added {len(result.ids):,} documents ({result.created:,} new, {bad:,} skipped)")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from .writer import IndexWriter

    settings = _settings(args)
    result = IndexWriter(settings.index, settings).delete(args.ids)
    print(f"deleted {len(result.existed):,} of {len(result.ids):,} documents")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from .engine import SearchEngine
    from .native import status

    settings = _settings(args)
    info = SearchEngine(settings.index, settings).info()
    info["extraction"] = status()  # this install's extractors: compiled (mypyc) or pure Python
    print(json.dumps(info, indent=1))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .engine import SearchEngine

    settings = _settings(args)
    report = SearchEngine(settings.index, settings).check()
    print(json.dumps(report, indent=1))
    if not report["ok"]:
        print(f"searchsvc: the index at {settings.index} is damaged ({len(report['problems'])} problem(s), "
              "listed above); rebuild it (searchsvc index or scripts/rebuild_index.py)", file=sys.stderr)
        return 3
    if not report["checksums_recorded"]:
        print(f"searchsvc: {report['generation']} was built before checksums were recorded: its files were "
              "read but cannot be vouched for; the next rebuild records them", file=sys.stderr)
    elif report["unverified"]:
        print(f"searchsvc: {len(report['unverified'])} file(s) were first recorded after they were written (the "
              "generation predates checksums, or a crash came between a commit and its record): read, but not "
              "vouched for; the next rebuild records them all", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import serve
    from .web.auth import check_api_key

    settings = _settings(args, host=args.host, port=args.port, workers=args.workers)
    check_api_key(settings.api_key)  # here first: each gunicorn worker checks it too (create_app), and fails to boot
    return serve(settings)


def cmd_settings(args: argparse.Namespace) -> int:
    print(settings_table())
    # The table shows defaults; an operator also wants what this environment changes.
    current = Settings().as_dict()
    changed = [(s, current[s.name]) for s in SETTINGS if current[s.name] != s.default]
    print("\nIn effect here: " + ("the defaults" if not changed else "the defaults, except"))
    for s, value in changed:
        print(f"  {s.name} = {value!r}  ({s.env})")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import cli

    return cli(args)
