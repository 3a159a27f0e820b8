"""gunicorn settings for searchsvc (``searchsvc serve`` passes this file with ``-c``).

Values come from the settings registry (``SEARCHSVC_*`` environment variables,
which ``searchsvc serve`` sets from its flags), so the service is configured in
one place. Why these defaults:

* ``sync`` workers, one per core: search is CPU-bound pure Python, so threads add
  no parallelism under the GIL, and Whoosh readers are not thread-safe; each
  connection idle for ``client_timeout`` is dropped (``searchsvc/gunicorn_worker.py``);
* no ``preload_app``: each worker builds its engine after the fork and opens the
  index files itself (a reader opened before a fork shares file offsets);
  ``post_worker_init`` warms it so the first request is not the slow one;
* ``max_requests`` with jitter (``worker_max_requests``) replaces a worker now and
  then, so a slow leak or fragmentation could never accumulate. Rarely: a new worker
  imports and warms up for ~0.4 s of CPU while the others serve alone, which at
  the former 5,000 cost ~6 % of throughput under load and raised p99 from ~12 ms
  to 150-250 ms (wrk, 8 clients on Reuters; CHANGELOG, Measured);
* request line/header limits refuse oversized headers before the app runs, and
  ``post_fork`` makes those refusals the app's JSON error shape, not gunicorn's HTML;
* Prometheus multiprocess mode: a fresh metrics folder per server, and workers
  that exit are marked dead so their gauges stop counting.
"""

import os
import shutil
import tempfile

from searchsvc.settings import Settings

_s = Settings()
bind = f"{_s.host}:{_s.port}"
workers = _s.workers or len(os.sched_getaffinity(0))
worker_class = "searchsvc.gunicorn_worker.IdleTimeoutWorker"  # sync, with an idle timeout per connection
timeout = _s.request_timeout
# On SIGTERM a worker may finish what it is answering for as long as a request may run at all:
# at 10 s, a bulk POST of 1,000 long articles (~17 s) was killed half-written.
graceful_timeout = timeout
keepalive = 5
max_requests = _s.worker_max_requests
max_requests_jitter = max_requests // 10
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# One server's control socket must not collide with another's (tests run several).
control_socket_disable = True
accesslog = "-"
# gunicorn's default format, without %(u)s: that is the user name of an `Authorization: Basic` header,
# where a client that sends the API key that way (`curl -u KEY:`) puts the key. No header is logged.
access_log_format = '%(h)s %(l)s - %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
errorlog = "-"
loglevel = "info"


def on_starting(server):
    folder = tempfile.mkdtemp(prefix="searchsvc-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    server._searchsvc_metrics_dir = folder


def on_exit(server):
    shutil.rmtree(getattr(server, "_searchsvc_metrics_dir", ""), ignore_errors=True)


def post_fork(server, worker):
    from searchsvc.web.errors import install_server_errors

    install_server_errors()


def post_worker_init(worker):
    engine = getattr(worker.wsgi, "engine", None)
    if engine is not None:
        try:
            engine.warm()  # open the index and build what the first queries would otherwise pay for
        except Exception as e:  # no index yet: requests will say so (503)
            worker.log.warning("searchsvc: index not ready: %s", e)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
