"""Activities marked ``"background": true``, as the Chaos Toolkit runs them.

Each starts in a thread of its own and the phase (method or rollbacks) goes on at once;
at the phase's end the runner waits for all of them. Their journal entries land in the
phase's list like any other (in the order they started).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from chaos import signalstate
from chaos.defaults import SETTLE_TIMEOUT
from chaos.engine import signals
from chaos.experiment.journal import ActivityRun
from chaos.experiment.model import Activity

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

logger = logging.getLogger("chaosrun")

Execute = Callable[[Activity, list[ActivityRun]], ActivityRun]


class Background:
    """The background activities of one phase. ``wait()`` at the phase's end; leaving the
    ``with`` block by an exception (an interruption) abandons those not started yet."""

    def __init__(self, execute: Execute, phase: list[Activity]) -> None:
        self._execute = execute
        # One thread per background activity of the phase, as the Chaos Toolkit does.
        self._workers = max(sum(1 for a in phase if a.background), 1)
        self._pool: ThreadPoolExecutor | None = None
        self._started: list[tuple[Activity, Future[ActivityRun]]] = []

    def start(self, activity: Activity, into: list[ActivityRun]) -> None:
        if self._pool is None:
            # Imported here: most experiments have no background activity.
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="chaosrun-bg")
        logger.info("%s '%s' runs in the background", activity.type.capitalize(), activity.name)
        self._started.append((activity, self._pool.submit(self._execute, activity, into)))

    def wait(self) -> list[tuple[Activity, ActivityRun]]:
        """Wait for every started activity; ``(activity, journal entry)`` of those that
        ended (one interrupted in its thread is in the journal already, marked failed)."""
        if self._pool is None:
            return []
        from concurrent.futures import CancelledError

        logger.info("Waiting for %d background activit%s", *_count(len(self._started)))
        ended: list[tuple[Activity, ActivityRun]] = []
        try:
            for activity, future in self._started:
                # A pause in a background thread ends when a signal arrives (see signals).
                while not _done(future):
                    signals.checkpoint()
                try:
                    ended.append((activity, future.result()))
                except (signals.Interrupted, KeyboardInterrupt, CancelledError):
                    continue  # interrupted in its thread: execute recorded it as failed
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        return ended

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            return
        # The phase stopped early (an interruption): stop what has not started yet and let
        # the running ones end at their next checkpoint, without waiting here.
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def settle_in_flight() -> None:
    """For an interrupted run, before its rollbacks: let a background activity's change in
    flight be answered (undone first, it could land after its undo); it tries no more. Once
    none is left, the rollbacks' own requests, on any thread, retry as usual."""
    signalstate.stopping()
    waiting = signalstate.in_flight()
    if waiting:
        logger.info(
            "Waiting for %d change%s in flight in the background before rolling back",
            waiting,
            "" if waiting == 1 else "s",
        )
    if left := signalstate.settle(SETTLE_TIMEOUT):
        logger.warning(
            "%d background change%s still unanswered after %gs: rolling back anyway",
            left,
            "" if left == 1 else "s",
            SETTLE_TIMEOUT,
        )
        return  # a straggler must not try again behind its undo's back
    signalstate.resume()


def _done(future: Future[ActivityRun]) -> bool:
    from concurrent.futures import CancelledError

    try:
        future.exception(timeout=0.05)
    except TimeoutError:
        return False
    except CancelledError:
        return True
    return True


def _count(n: int) -> tuple[int, str]:
    return n, "y" if n == 1 else "ies"
