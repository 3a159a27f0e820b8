"""A real gunicorn serving the real app on a free loopback port, for the slow tests.

``LiveServer(index, workers=2, **settings)`` starts ``python -m gunicorn -c
searchsvc/web/gunicorn.conf.py searchsvc.wsgi:app`` exactly as ``searchsvc serve``
does (settings through ``SEARCHSVC_*`` variables), waits for ``/health`` (or any
answer), and stops the whole process group afterwards.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "searchsvc" / "web" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: An access-log line or one of gunicorn's [INFO] lines.
_ROUTINE = re.compile(r"\d+\.\d+\.\d+\.\d+ |\[[^\]]+\] \[\d+\] \[INFO\]")


class LiveServer:
    """``env`` adds to the environment as it is (the benchmark's PYTHONPATH), ``args`` to gunicorn's
    command line; ``log_path`` is where its output goes (default: beside the index)."""

    def __init__(self, index: Path, workers: int = 2, app: str = "searchsvc.wsgi:app", *,
                 env: dict[str, str] | None = None, args: tuple[str, ...] = (), log_path: Path | None = None,
                 **settings: Any) -> None:
        self.app = app
        self.index = Path(index)
        self.port = free_port()
        self.workers = workers
        self.settings = settings
        self.env = env or {}
        self.args = args
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = log_path or self.index.parent / f"gunicorn-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        env = dict(os.environ)
        env.update({"SEARCHSVC_INDEX": str(self.index), "SEARCHSVC_HOST": "127.0.0.1",
                    "SEARCHSVC_PORT": str(self.port), "SEARCHSVC_WORKERS": str(self.workers)})
        env.update({f"SEARCHSVC_{k.upper()}": str(v) for k, v in self.settings.items()})
        env.update(self.env)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(CONFIG), *self.args, self.app],
                                     cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()}")
            try:
                self.request("GET", "/openapi.json")
            except OSError:
                time.sleep(0.1)
                continue
            # One worker answers; gunicorn may not have forked the others yet (it pauses up to
            # 0.1 s between spawns), and tests compare worker pids before and after.
            if len(self.worker_pids()) >= self.workers:
                return self
            time.sleep(0.05)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within 30 s: {self.log()}")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""

    def tracebacks(self) -> str:
        """What the server logged besides access lines and gunicorn's info lines: tracebacks, warnings."""
        if not self.log_path.exists():
            return ""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(line for line in lines if not _ROUTINE.match(line))[-8000:]

    def worker_pids(self) -> list[int]:
        assert self.proc
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return sorted(int(p) for p in out.split())

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
            hdrs = {"Content-Type": "application/json"} if data is not None else {}
            hdrs.update(headers or {})
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        status, _, data = self.request(method, path, body, headers)
        return status, json.loads(data)
