"""The first stopping signal held back while a change is in flight.

A request abandoned half-way may still reach the API server after the undo that follows the
interruption, and make the change again behind the undo's back. So while ``deferred()`` is
open, the run's signal handler (``chaos.engine.signals``) asks ``defer`` first: the first
signal waits for the block to end (its request answered or failed, its entry in the run
record marked), then is raised again; a second one interrupts at once. Requests in flight
are bounded by the client's timeouts, and the Kubernetes driver starts no retry while a
signal waits (``stop_pending``), so the wait is one request at most.

Python runs signal handlers on the main thread only. A change in flight on another thread (a
background activity's) is counted instead: once the run stops (``stopping``), it starts no
retry, and the runner waits for it to be answered (``settle``) before the rollbacks undo it.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_depth = [0]
_pending: list[int] = []
_stopping = threading.Event()
_flight = threading.Condition()
_in_flight = [0]  # changes in flight on threads other than the main one


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block, the first stopping signal is raised again only at its end."""
    if not _on_main_thread():
        with _flight:
            _in_flight[0] += 1
        try:
            yield
        finally:
            with _flight:
                _in_flight[0] -= 1
                _flight.notify_all()
        return
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
        if _depth[0] == 0 and _pending:
            signal.raise_signal(_pending.pop())


def defer(signum: int) -> bool:
    """For a signal handler: True when ``signum`` is to wait for the end of ``deferred()``
    (the first signal inside one); False when the handler should act now (outside one, or a
    second signal, which also forgets the first)."""
    if _depth[0] == 0 or not _on_main_thread():
        return False
    if _pending:
        _pending.clear()
        return False
    _pending.append(signum)
    return True


def stop_pending() -> bool:
    """True while a signal waits for the change in flight on this thread, or, on another
    thread, once the run is stopping: start no new request for it."""
    if _on_main_thread():
        return bool(_pending)
    return _stopping.is_set()


def resume() -> None:
    """Requests on other threads retry again (a run starts, or its rollbacks do)."""
    _stopping.clear()


def stopping() -> None:
    """The run stops: a change in flight on another thread tries no more (see ``settle``)."""
    _stopping.set()


def in_flight() -> int:
    with _flight:
        return _in_flight[0]


# A signal that lands just before the main thread blocks in a wait is noted by the interpreter,
# but its handler runs only once the wait ends: the run's long waits (pauses, a process
# action, this module's ``settle``) wait in slices this long, so a signal at the wrong instant
# costs at most this.
WAIT_SLICE = 0.1


def settle(timeout: float) -> int:
    """Wait, ``timeout`` seconds at most, for the changes in flight on other threads to be
    answered; how many still are."""
    deadline = time.monotonic() + timeout
    with _flight:
        while _in_flight[0] and (left := deadline - time.monotonic()) > 0:
            _flight.wait(min(left, WAIT_SLICE))
        return _in_flight[0]
