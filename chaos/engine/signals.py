"""Turn SIGINT/SIGTERM into exceptions so a run can stop cleanly at any point."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from chaos import signalstate

logger = logging.getLogger("chaosrun")


class Interrupted(BaseException):
    """The run was asked to stop: by a signal (Ctrl-C, SIGTERM, SIGHUP or SIGQUIT), whose
    name ``signame`` holds, or by ``request_stop``, whose reason it holds instead."""

    def __init__(self, signame: str, *, requested: bool = False) -> None:
        super().__init__(signame)
        self.signame = signame
        # True when ``signame`` is the reason given to ``request_stop``, not a signal's name.
        self.requested = requested


# What stops a run wherever it is raised: a signal, Ctrl-C, or a provider calling
# ``sys.exit`` (the Chaos Toolkit takes ``SystemExit`` for an interruption too).
STOPPING: tuple[type[BaseException], ...] = (Interrupted, KeyboardInterrupt, SystemExit)


def interruption(exc: BaseException) -> tuple[str, dict[str, Any]]:
    """What the console says of a stopping exception, and the journal's ``interruption``."""
    if isinstance(exc, Interrupted) and exc.requested:
        return f"The run was interrupted: {exc.signame}", {"reason": exc.signame}
    if isinstance(exc, SystemExit):
        code = exc.code
        return f"Received the exit signal: {code}", {"reason": f"exit signal {code}"}
    name = exc.signame if isinstance(exc, Interrupted) else "SIGINT"
    reason = {"reason": f"received {name}", "signal": name}
    return f"Received a termination signal ({name})...", reason


# SIGHUP is what a closed terminal or SSH session sends; SIGQUIT is Ctrl-\. Left to their
# defaults they would end the run on the spot, with the chaos not rolled back.
_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


@contextmanager
def handling(handler: Any, signals: tuple[int, ...] = _SIGNALS) -> Iterator[None]:
    """Within the block ``handler`` receives ``signals`` (those that stop a run by default);
    the previous handlers come back afterwards. Off the main thread it changes nothing."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in signals:
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


# The last signal seen inside ``interruptible()``. An exception raised by a signal handler
# is swallowed when it lands in a finalizer (``__del__``, a weakref callback): Python prints
# "Exception ignored" and carries on. Pauses wait on this event too, so a signal lost that
# way still ends the pause instead of letting it run its full length.
_received = threading.Event()
_received_name: list[str] = []
_requested: list[bool] = [False]


def _raise(signum: int, frame: FrameType | None) -> None:
    name = signal.Signals(signum).name
    if signalstate.defer(signum):
        logger.warning(
            "Received %s while a change is in flight; the run stops once it is answered "
            "(send it again to stop at once)",
            name,
        )
        return
    _received_name[:] = [name]
    _requested[0] = False
    _received.set()
    raise Interrupted(name)


def request_stop(reason: str) -> None:
    """From any thread: stop the run as a signal would, at its next checkpoint or at once if
    it is pausing; ``reason`` (one sentence) is what the console and the journal say."""
    if _received.is_set():
        return  # the first reason to stop wins
    _received_name[:] = [reason]
    _requested[0] = True
    _received.set()


@contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, the stopping signals raise ``Interrupted`` wherever the run is, but
    for a change in flight, which first gets its answer (``chaos.signalstate``)."""
    _received.clear()
    signalstate.resume()
    previous_hook = sys.unraisablehook

    def quiet_hook(unraisable: Any) -> None:
        # A swallowed Interrupted is not lost (see ``_received``): no traceback for it.
        if not isinstance(unraisable.exc_value, Interrupted):
            previous_hook(unraisable)

    sys.unraisablehook = quiet_hook
    try:
        with handling(_raise):
            yield
    finally:
        sys.unraisablehook = previous_hook
        _received.clear()  # handled: rollbacks run after this block, under ``shielded()``


def checkpoint() -> None:
    """Raise ``Interrupted`` if a signal arrived whose exception was swallowed."""
    if _received.is_set():
        name = _received_name[0] if _received_name else "SIGINT"
        raise Interrupted(name, requested=_requested[0])


def sleep(seconds: float) -> None:
    """Sleep, but raise ``Interrupted`` as soon as a signal arrives (see ``_received``), in
    slices (``signalstate.WAIT_SLICE``)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if _received.wait(min(left, signalstate.WAIT_SLICE)):
            checkpoint()


@contextmanager
def shielded() -> Iterator[None]:
    """For rollbacks: the first signal only warns, a second one raises ``Interrupted``."""
    received: list[str] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if received:
            raise Interrupted(name)
        received.append(name)
        logger.warning(
            "Received %s while rolling back; the rollbacks continue "
            "(send it again to abandon them)",
            name,
        )

    with handling(handler):
        yield
