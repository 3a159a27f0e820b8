"""The HTTP ceilings for the benchmark: Falcon endpoints that do no search.

``/search`` answers a small constant JSON: what gunicorn, the client and the kernel cost
alone. ``/busy?ms=X`` first spends X ms of CPU, then answers the same: an app exactly as
costly as ours in-process, so its latency and throughput show what this machine allows
for that much work per request (on a VM, cores that idle between requests wake slowly,
which a trivial endpoint answering in microseconds never meets).
"""

import time

import falcon


class Ping:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"ok": True, "hits": []}


class Busy:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        seconds = min(req.get_param_as_float("ms", default=0.0, min_value=0.0), 1000.0) / 1000
        start = time.process_time()
        while time.process_time() - start < seconds:
            pass
        resp.media = {"ok": True, "hits": []}


app = falcon.App()
app.add_route("/search", Ping())
app.add_route("/busy", Busy())
