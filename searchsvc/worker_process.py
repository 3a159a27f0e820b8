"""A parallel rebuild's worker processes: how they are set up and how the parent controls them.

Each worker is forked by the rebuild (``indexer._run_parts``) and, first thing:

* resets the signal handlers it inherited (:func:`reset_in_worker`);
* asks the kernel to kill it when the rebuild dies (:func:`die_with_parent`), so a
  killed rebuild leaves no worker, and no inherited lock, behind;
* with ``rebuild_nice`` above 0 (the default), lowers its priority and starts a
  session of its own whose autogroup it nices too (:func:`lower_priority`,
  :func:`nice_autogroup`), so that a rebuild beside the service takes the CPU the
  service leaves.

A terminal sends Ctrl-C and Ctrl-Z to its foreground process group only, so in
sessions of their own the workers get neither (at ``rebuild_nice`` 0, in the caller's
session, they ignore SIGINT: :func:`ignore_interrupts`). Ctrl-C is handled by the parent (it
tells the workers to stop after their current unit); :func:`forwarding_stops`
handles Ctrl-Z:

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
import ctypes
import os
import signal
import threading
import time
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


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the rebuild that forked it dies (Linux).

    A rebuild killed mid-way otherwise leaves its workers behind for good (blocked on
    the result pipe that nobody reads), and with them the rebuild.lock they inherited
    across the fork: an flock lives while any process holds it, so every later rebuild
    would fail with "another full rebuild is running".
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: no such call
        return
    if os.getppid() != parent:  # it died before the call took effect
        os._exit(1)


def lower_priority(nice: int) -> bool:
    """Run this worker at ``nice`` below the caller's priority (setting ``rebuild_nice``).

    A rebuild's workers want every core, and so do the service's: at equal priority, a
    rebuild on the machine that serves slows every query while it runs. The scheduler
    still gives a niced process any CPU nobody else wants, so on an idle machine the
    rebuild is as fast.

    A nice value alone is not enough on Linux with autogroups (a kernel option, often on;
    they group processes that no CPU-controlled cgroup holds): the scheduler first shares
    the CPU fairly between *sessions*, and nice only orders processes within one. So the
    worker also starts a session of its own and nices that session's group
    (:func:`nice_autogroup`). Only forked workers do this: a niced process cannot be
    un-niced without privileges, and the caller may be an application's own process.

    True when the worker is in a session of its own. At ``nice`` 0 it stays in the caller's
    session (a session of its own would also be an autogroup of its own, and take a larger
    share of the CPU than at nice 0 beside the caller), and :func:`ignore_interrupts` keeps
    a terminal's Ctrl-C for the rebuild's parent.
    """
    if not nice:
        return False
    with contextlib.suppress(OSError):  # not permitted here: the worker runs at the caller's priority
        os.nice(nice)
    try:
        os.setsid()
    except (OSError, AttributeError):  # not a Unix that has sessions
        return False
    nice_autogroup(nice)
    return True


def ignore_interrupts() -> None:
    """SIGINT ignored in a worker still in the terminal's foreground process group: Ctrl-C is
    the parent's to handle (it tells the workers to stop after their current unit); a worker
    interrupted mid-unit died with a KeyboardInterrupt traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def nice_autogroup(nice: int, patience: float = 2.0) -> None:
    """Set this session's autogroup nice value; without autogroups (a kernel option; not Linux;
    a read-only /proc) the process's nice value is all there is.

    An unprivileged process may set it once per 100 ms machine-wide (the kernel answers EAGAIN
    meanwhile), and a rebuild's workers start together: without retrying, only the first of
    them was niced (found by review, running as ``nobody``).
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            fd = os.open("/proc/self/autogroup", os.O_WRONLY)
        except OSError:
            return
        try:
            os.write(fd, str(nice).encode())
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                return
        except OSError:
            return
        finally:
            os.close(fd)
        time.sleep(0.02)


_PR_SET_PDEATHSIG = 1
