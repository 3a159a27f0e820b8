"""The HTTP ceiling for the benchmark: a Falcon app that answers a small constant JSON."""

import falcon


class Ping:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"ok": True, "hits": []}


app = falcon.App()
app.add_route("/search", Ping())
