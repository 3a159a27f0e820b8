"""Terminal job control for a rebuild's worker processes.

With ``rebuild_nice`` above 0 (the default), a parallel rebuild's workers run in
sessions of their own, so that the scheduler can give them less CPU than the
service (see ``indexer._lower_priority``). A terminal sends Ctrl-C and Ctrl-Z to
its foreground process group only, so they reach the parent and not the workers.
Ctrl-C is handled by the parent (it tells the workers to stop after their current
unit); :func:`forwarding_stops` handles Ctrl-Z:

* on SIGTSTP the parent stops every worker (SIGSTOP), then stops itself as the
  default action would. Whether it does stop is the kernel's call (it discards
  SIGTSTP in an orphaned process group), so once the parent runs again it
  continues the workers either way;
* on SIGCONT (``fg``, ``bg``, ``kill -CONT``) it continues them.

Signal handlers can only be set from the main thread; a rebuild started from another
thread (an application's), or where SIGTSTP is ignored or handled outside Python,
leaves job control as it was.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from types import FrameType


def send(pids: Iterable[int], sig: int) -> None:
    """Send ``sig`` to each of a rebuild's workers (a zero is a slot no worker took)."""
    for pid in pids:
        if pid:  # our unreaped child while the pool runs, so the pid cannot be anyone else's
            with contextlib.suppress(OSError):
                os.kill(pid, sig)


@contextlib.contextmanager
def forwarding_stops(pids: Callable[[], Iterable[int]]) -> Iterator[None]:
    """While the block runs, Ctrl-Z and a later continue reach the processes ``pids()`` lists."""
    if (not hasattr(signal, "SIGTSTP") or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTSTP) in (signal.SIG_IGN, None)  # no job control; a C handler
            or signal.getsignal(signal.SIGCONT) is None):
        yield
        return
    stopping = False

    def on_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:  # a second Ctrl-Z while the first is handled: one stop is enough
            return
        stopping = True
        try:
            send(pids(), signal.SIGSTOP)
            signal.signal(signal.SIGTSTP, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTSTP)  # stops here until continued, unless the kernel discards it
            signal.signal(signal.SIGTSTP, on_stop)
            send(pids(), signal.SIGCONT)
        finally:
            stopping = False

    def on_continue(signum: int, frame: FrameType | None) -> None:
        send(pids(), signal.SIGCONT)

    before = signal.signal(signal.SIGTSTP, on_stop), signal.signal(signal.SIGCONT, on_continue)
    try:
        yield
    finally:
        signal.signal(signal.SIGTSTP, before[0])
        signal.signal(signal.SIGCONT, before[1])


def reset_in_worker() -> None:
    """A worker forked inside :func:`forwarding_stops` inherits its handlers: back to the
    defaults first thing, or a continued worker would send SIGCONT to itself for ever (found
    by its test), and a Ctrl-Z reaching it before its own session would be ignored."""
    if hasattr(signal, "SIGTSTP"):
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        signal.signal(signal.SIGCONT, signal.SIG_DFL)
