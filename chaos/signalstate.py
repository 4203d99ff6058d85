"""The first stopping signal held back while a change is in flight.

A request abandoned half-way may still reach the API server after the undo that follows the
interruption, and make the change again behind the undo's back. So while ``deferred()`` is
open, the run's signal handler (``chaos.engine.signals``) asks ``defer`` first: the first
signal waits for the block to end (its request answered or failed, its entry in the run
record marked), then is raised again; a second one interrupts at once. Requests in flight
are bounded by the client's timeouts, and the Kubernetes driver starts no retry while a
signal waits (``stop_pending``), so the wait is one request at most.

Only the main thread is concerned: Python runs signal handlers there, and only there.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_depth = [0]
_pending: list[int] = []


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block, the first stopping signal is raised again only at its end."""
    if not _on_main_thread():
        yield
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
    """True while a signal waits for the change in flight on this thread: start no new
    request for it."""
    return bool(_pending) and _on_main_thread()
