"""Terminal job control for a rebuild's worker processes.

A parallel rebuild's workers run in sessions of their own (so that the scheduler can
give them less CPU than the service, see ``indexer._lower_priority``). A terminal
sends Ctrl-C and Ctrl-Z to its foreground process group only, so they reach the
parent and not the workers. Ctrl-C is handled by the parent (it tells the workers to
stop after their current unit); :func:`forwarding_stops` handles Ctrl-Z:

* on SIGTSTP the parent stops every worker (SIGSTOP), then stops itself as the
  default action would (unless its process group is orphaned: the kernel then
  discards SIGTSTP, and so does this);
* on SIGCONT (``fg``, ``bg``, ``kill -CONT``) it continues them.

Signal handlers can only be set from the main thread; a rebuild started from another
thread (an application's) leaves job control as it was.
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


def _stoppable() -> bool:
    """Whether SIGTSTP would stop this process. The kernel discards it in an orphaned process
    group, one whose members have no parent in another group of the same session to continue
    them (POSIX); this checks our own parent, the shell or program that started us."""
    try:
        parent = os.getppid()
        return os.getsid(parent) == os.getsid(0) and os.getpgid(parent) != os.getpgrp()
    except OSError:
        return False


@contextlib.contextmanager
def forwarding_stops(pids: Callable[[], Iterable[int]]) -> Iterator[None]:
    """While the block runs, Ctrl-Z and a later continue reach the processes ``pids()`` lists."""
    if (not hasattr(signal, "SIGTSTP") or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTSTP) is signal.SIG_IGN):  # a shell without job control
        yield
        return

    def on_stop(signum: int, frame: FrameType | None) -> None:
        if not _stoppable():
            return  # as the kernel does: it discards SIGTSTP where nobody could continue the job
        send(pids(), signal.SIGSTOP)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stops here until continued
        signal.signal(signal.SIGTSTP, on_stop)

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
    defaults, or a continued worker would send SIGCONT to itself for ever (found by its test)."""
    if hasattr(signal, "SIGTSTP"):
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        signal.signal(signal.SIGCONT, signal.SIG_DFL)
