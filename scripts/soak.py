#!/usr/bin/env python3
"""Soak the service: a real gunicorn under concurrent searches and writes, with periodic full rebuilds.

    python scripts/soak.py                                   # 5 minutes, the test corpus + 3,000 synthetic articles
    python scripts/soak.py --duration 900 --clients 32 --workers 2
    python scripts/soak.py --corpus ../shared/data/reuters21578 --skip-bad --rebuild-every 30

The index is built in a temporary folder (``--keep DIR`` to keep it there);
``searchsvc index`` rebuilds it from the same sources every ``--rebuild-every``
seconds while the clients run (tests/loadgen.py: searchers, and writers whose
acknowledged writes are recorded and read back at once). At the end the script
verifies every acknowledged write against the service, rebuilds once more and
verifies again, then prints requests, statuses, p50/p99 latency, rebuilds and
writes verified. ``--kill-worker-every S`` also SIGKILLs a gunicorn worker that
often (its in-flight request fails: those are counted apart). Exit status 0 when
nothing failed and no acknowledged write was lost.

Data from ../shared is read in place, never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searchsvc.engine import SearchEngine  # noqa: E402
from searchsvc.indexer import rebuild  # noqa: E402
from tests import loadgen  # noqa: E402
from tests.corpus import write_corpus  # noqa: E402
from tests.live import LiveServer  # noqa: E402

KEY = "soak-key"


def default_corpus(folder: Path, synthetic: int, seed: int) -> list[Path]:
    """The project's test corpus (tests/conftest.py) and ``synthetic`` generated articles."""
    from tests.conftest import CORPUS

    test_corpus = folder / "test-corpus.jsonl"
    test_corpus.write_text("".join(json.dumps(r) + "\n" for r in CORPUS), encoding="utf-8")
    return [test_corpus, write_corpus(folder / "synthetic.jsonl", synthetic, seed=seed)]


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    p.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    p.add_argument("--writers", type=int, default=4, help="how many of the clients write (default 4)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--rebuild-every", type=float, default=45, help="seconds between rebuilds (0: none)")
    p.add_argument("--kill-worker-every", type=float, default=0, help="seconds between worker SIGKILLs (0: none)")
    p.add_argument("--corpus", nargs="*", help="files or folders the loaders read (default: test corpus + synthetic)")
    p.add_argument("--synthetic", type=int, default=3000, help="synthetic articles in the default corpus")
    p.add_argument("--skip-bad", action="store_true", help="rebuild with --skip-bad (Reuters has one bad record)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep", help="build the index in this folder and keep it")
    p.add_argument("--json", help="also write the summary as JSON to this file")
    a = p.parse_args(argv)

    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="searchsvc-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    ix = work / "index"
    sources = [Path(c) for c in a.corpus] if a.corpus else default_corpus(work, a.synthetic, a.seed)
    print(f"soak: index {ix}, sources {', '.join(map(str, sources))}", flush=True)
    started = time.monotonic()
    report = rebuild(ix, sources, skip_bad=a.skip_bad)
    print(f"soak: initial build {report.documents:,} documents in {time.monotonic() - started:.1f}s", flush=True)
    with SearchEngine(ix) as e:
        known = [h.id for h in e.search("*", limit=100).hits]

    rebuilds: list[dict] = []
    kills: list[int] = []
    done = threading.Event()
    stop_side = threading.Event()

    with LiveServer(ix, workers=a.workers, api_key=KEY) as server:
        first_pids = server.worker_pids()
        rss_start = {pid: rss_kb(pid) for pid in first_pids}

        def rebuilder() -> None:
            cmd = [sys.executable, "-m", "searchsvc", "index", "--quiet", "--index", str(ix)]
            cmd += ["--skip-bad"] if a.skip_bad else []
            while not stop_side.wait(a.rebuild_every):
                t0 = time.monotonic()
                r = subprocess.run(cmd + [str(s) for s in sources], cwd=ROOT, capture_output=True, text=True)
                rebuilds.append({"start": t0, "end": time.monotonic(), "exit": r.returncode,
                                 "stderr": r.stderr[-300:] if r.returncode else ""})
                print(f"soak: rebuild {len(rebuilds)}: exit {r.returncode} in {time.monotonic() - t0:.1f}s",
                      flush=True)
            done.set()

        def killer() -> None:
            rng = random.Random(a.seed)
            while not stop_side.wait(a.kill_worker_every):
                pids = server.worker_pids()
                if pids:
                    victim = rng.choice(pids)
                    os.kill(victim, signal.SIGKILL)
                    kills.append(victim)
                    print(f"soak: killed worker {victim}", flush=True)

        side = []
        if a.rebuild_every > 0:
            side.append(threading.Thread(target=rebuilder))
        else:
            done.set()
        if a.kill_worker_every > 0:
            side.append(threading.Thread(target=killer))
        for t in side:
            t.start()
        try:
            out = loadgen.run(server.port, KEY, clients=a.clients, writers=a.writers, seconds=a.duration,
                              seed=a.seed, known_ids=known)
        finally:
            stop_side.set()
            for t in side:
                t.join()
        end_pids = server.worker_pids()
        rss_end = {pid: rss_kb(pid) for pid in end_pids}
        problems = loadgen.verify(server.port, KEY, out)
        cmd = [sys.executable, "-m", "searchsvc", "index", "--quiet", "--index", str(ix)]
        final = subprocess.run(cmd + (["--skip-bad"] if a.skip_bad else []) + [str(s) for s in sources],
                               cwd=ROOT, capture_output=True, text=True)
        problems_after = loadgen.verify(server.port, KEY, out)
        health = server.json("GET", "/health")[1]

    windows = [(r["start"], r["end"]) for r in rebuilds]
    during = sum(1 for t, _, _ in out.acks if any(s <= t <= e for s, e in windows))
    ledger = loadgen.ledger(out)
    failures = list(out.failures)
    summary = {
        "duration_s": a.duration, "clients": a.clients, "writers": a.writers, "workers": a.workers,
        "documents_start": report.documents, "documents_end": health["documents"],
        "requests": out.total, "by_status": {str(k): v for k, v in sorted(out.statuses.items(), key=str)},
        "requests_per_s": round(out.total / a.duration, 1),
        "retries_503": out.retries, "failures": len(failures), "failure_examples": failures[:10],
        "p50_ms": round(out.percentile(50) * 1000, 1), "p99_ms": round(out.percentile(99) * 1000, 1),
        "max_ms": round(max(out.latencies, default=0) * 1000, 1),
        "writes_acknowledged": len(out.acks), "writes_during_rebuilds": during,
        "documents_written_alive": sum(1 for t in ledger.values() if t), "documents_deleted": sum(
            1 for t in ledger.values() if t is None),
        "read_your_writes_checked": out.read_your_writes,
        "writes_unanswered": sum(len(v) for v in out.uncertain.values()),
        "writes_lost_after_run": len(problems), "writes_lost_after_final_rebuild": len(problems_after),
        "lost_examples": (problems + problems_after)[:10],
        "rebuilds": len(rebuilds), "rebuilds_failed": sum(1 for r in rebuilds if r["exit"]) + (final.returncode != 0),
        "rebuild_seconds": [round(r["end"] - r["start"], 1) for r in rebuilds],
        "generations_seen": sorted(out.generations),
        "workers_killed": len(kills), "worker_pids_start": first_pids, "worker_pids_end": end_pids,
        "worker_rss_kb_start": rss_start, "worker_rss_kb_end": rss_end,
    }
    print("\n== soak summary ==")
    for key, value in summary.items():
        print(f"{key}: {value}")
    if a.json:
        Path(a.json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    # A killed worker's in-flight request fails by design: count only the others as failures.
    unexpected = len(failures) - (len(kills) if a.kill_worker_every else 0)
    ok = unexpected <= 0 and not problems and not problems_after and summary["rebuilds_failed"] == 0
    print("soak:", "OK" if ok else "FAILED")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
