"""HTTP load for the benchmark: gunicorn servers and a closed-loop client.

``Gunicorn(app, env)`` runs ``python -m gunicorn -c searchsvc/web/gunicorn.conf.py APP``
(the service's own settings) on a free loopback port. ``load(port, path_of, concurrency,
seconds)`` keeps ``concurrency`` connections busy for ``seconds`` (a new request as soon
as the previous answer arrives: closed loop). The client shares the machine's cores with
the server, so it should cost little: ``wrk`` (C, Debian package ``wrk``) is used when it
is installed, else an asyncio client in this process (about 0.4-0.7 ms of CPU a request,
several times wrk's). Gunicorn's sync workers close the connection after each answer,
so each request opens a new one, as real clients of such a server do.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live import LiveServer  # noqa: E402


class Gunicorn(LiveServer):
    """The service's own gunicorn (tests/live.py) serving ``app``, with a worker memory sampler."""

    def __init__(self, app: str, env: dict[str, str], workers: int = 2) -> None:
        super().__init__(Path(env.get("SEARCHSVC_INDEX", ROOT / "index")), workers, app,
                         env={**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'scripts'}"},
                         args=("--access-logfile", "/dev/null"), log_path=Path(os.devnull))
        self._peak_mb = 0.0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        # gunicorn recycles a worker after max_requests: its peak must be read before it goes,
        # so the peak is sampled all along, not only at the end.
        while not self._stop.wait(0.25):
            self._peak_mb = max(self._peak_mb, self._current_peak_mb())

    def __enter__(self) -> Gunicorn:
        super().__enter__()
        time.sleep(0.5)  # let every worker finish warming its view up
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        super().__exit__(*exc)

    def peak_rss_mb(self) -> float:
        """Largest VmHWM (peak resident set) of any worker so far, recycled ones included, in MB."""
        self._peak_mb = max(self._peak_mb, self._current_peak_mb())
        return self._peak_mb

    def _current_peak_mb(self) -> float:
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")]
        return max(peaks, default=0.0)


async def _one(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    return int(data[9:12]) if data[:5] == b"HTTP/" else 0


async def _load(port: int, path_of: Callable[[int], str], concurrency: int, seconds: float):
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    counter = [0]

    async def client() -> None:
        while time.perf_counter() < deadline:
            counter[0] += 1
            path = path_of(counter[0])
            started = time.perf_counter()
            try:
                status = await _one(port, path)
            except OSError:
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, statuses, time.perf_counter() - started


def load(port: int, path_of: Callable[[int], str], concurrency: int, seconds: float,
         client: str = "auto") -> dict[str, Any]:
    if client == "wrk" or (client == "auto" and shutil.which("wrk")):
        return _wrk(port, path_of, concurrency, seconds)
    cpu = time.process_time()
    latencies, statuses, elapsed = asyncio.run(_load(port, path_of, concurrency, seconds))
    cpu = time.process_time() - cpu
    latencies.sort()
    n = len(latencies)
    return {
        "concurrency": concurrency, "requests": n, "rps": n / elapsed,
        "p50_ms": latencies[n // 2] * 1000 if n else 0.0,
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0,
        "errors": sum(c for s, c in statuses.items() if s != 200),
        "client_cpu_ms_per_request": cpu / n * 1000 if n else 0.0,
        "client": "asyncio",
    }


_WRK_SCRIPT = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local n = math.random(#paths)
request = function()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def _wrk(port: int, path_of: Callable[[int], str], concurrency: int, seconds: float) -> dict[str, Any]:
    """The same closed loop driven by wrk; latencies from its histogram (microseconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths, script = Path(tmp, "paths.txt"), Path(tmp, "load.lua")
        paths.write_text("\n".join(path_of(i) for i in range(1000)) + "\n")
        script.write_text(_WRK_SCRIPT % paths)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run = subprocess.run(["wrk", "-t", str(min(concurrency, 2)), "-c", str(concurrency),
                              "-d", f"{max(1, round(seconds))}s", "-s", str(script), f"http://127.0.0.1:{port}"],
                             capture_output=True, text=True, timeout=seconds + 60)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((x for x in run.stdout.splitlines() if x.startswith("RESULT")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {run.stdout[-500:]} {run.stderr[-500:]}")
    requests, duration_us, p50_us, p99_us, errors = (int(v) for v in line.split()[1:])
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"concurrency": concurrency, "requests": requests, "rps": requests / (duration_us / 1e6),
            "p50_ms": p50_us / 1000, "p99_ms": p99_us / 1000, "errors": errors,
            "client_cpu_ms_per_request": cpu / max(requests, 1) * 1000, "client": "wrk"}
