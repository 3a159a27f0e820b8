"""The gunicorn worker: gunicorn's sync worker, with an idle timeout on each connection.

A sync worker serves one connection at a time, and gunicorn gives it no read
timeout: a client that sent half a request and then nothing held the worker
until gunicorn's own ``timeout`` (``request_timeout``, 30 s) killed it, and as
many such clients as workers stopped the whole service, each then answered 500
(an adversarial review: two idle connections froze both workers for 30 s).

Here a connection that sends or reads nothing for ``client_timeout`` seconds is
treated as one the client dropped: reading it gives end-of-data (gunicorn closes
a request line or headers cut short without a word; a body cut short is a 400
naming how much of it arrived), writing to it a broken pipe. A client trickling
a byte at a time is still stopped by ``request_timeout`` only: a service open to
the internet belongs behind a buffering reverse proxy (nginx), as gunicorn advises.

Not in :mod:`searchsvc.web`: gunicorn's master imports the worker class when it reads
its config, and importing that package loads the app and ``prometheus_client``
before ``on_starting`` turns on its multiprocess mode (metrics then counted nothing).
"""

from __future__ import annotations

import errno
import socket
from typing import Any

from gunicorn.workers.sync import SyncWorker

from .settings import Settings


class IdleTimeoutSocket:
    """A client socket whose reads and writes give up after ``timeout`` idle seconds."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        sock.settimeout(timeout)
        self._sock = sock

    def recv(self, size: int, *flags: int) -> bytes:
        try:
            return self._sock.recv(size, *flags)
        except TimeoutError:
            return b""  # as if the client had closed the connection

    def send(self, data: bytes, *flags: int) -> int:
        try:
            return self._sock.send(data, *flags)
        except TimeoutError:
            raise BrokenPipeError(errno.EPIPE, "the client read nothing") from None

    def sendall(self, data: bytes, *flags: int) -> None:
        try:
            self._sock.sendall(data, *flags)
        except TimeoutError:
            raise BrokenPipeError(errno.EPIPE, "the client read nothing") from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class IdleTimeoutWorker(SyncWorker):
    """gunicorn's sync worker, each client connection behind an :class:`IdleTimeoutSocket`."""

    def init_process(self) -> None:
        self.client_timeout = Settings().client_timeout
        super().init_process()

    def handle(self, listener: Any, client: socket.socket, addr: Any) -> None:
        if self.cfg.is_ssl:  # TLS wraps a real socket; it keeps the plain timeout
            client.settimeout(self.client_timeout)
            super().handle(listener, client, addr)
        else:
            super().handle(listener, IdleTimeoutSocket(client, self.client_timeout), addr)
