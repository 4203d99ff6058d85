"""A signal must end a pause even when its exception is swallowed by a finalizer."""

from __future__ import annotations

import gc
import os
import signal
import sys
import time

import pytest

from chaos.engine import signals


class _KillsOnCollect:
    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        # The handler runs here, inside the finalizer: Python prints "Exception ignored"
        # and the Interrupted it raised never reaches the run.
        for _ in range(1000):
            pass


def test_a_signal_swallowed_by_a_finalizer_still_ends_the_pause() -> None:
    hooked: list[object] = []
    previous = sys.unraisablehook
    sys.unraisablehook = hooked.append
    try:
        with signals.interruptible():
            obj = _KillsOnCollect()
            del obj
            gc.collect()
            started = time.monotonic()
            with pytest.raises(signals.Interrupted) as caught:
                signals.sleep(30)
    finally:
        sys.unraisablehook = previous
    assert caught.value.signame == "SIGTERM"
    assert hooked == []  # the swallowed Interrupted printed no "Exception ignored" traceback
    assert time.monotonic() - started < 5  # not the 30 s pause


def test_a_signal_during_the_pause_interrupts_it() -> None:
    with signals.interruptible():
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        previous = signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
        try:
            with pytest.raises(signals.Interrupted) as caught:
                signals.sleep(30)
        finally:
            signal.signal(signal.SIGALRM, previous)
    assert caught.value.signame == "SIGINT"


def test_a_new_run_starts_without_an_old_signal() -> None:
    with signals.interruptible(), pytest.raises(signals.Interrupted):
        os.kill(os.getpid(), signal.SIGTERM)
        signals.sleep(30)
    with signals.interruptible():
        signals.sleep(0.01)  # returns: the earlier run's signal is forgotten


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_next_activity_notices_a_swallowed_signal() -> None:
    with signals.interruptible():
        obj = _KillsOnCollect()
        del obj
        gc.collect()
        with pytest.raises(signals.Interrupted):
            signals.checkpoint()
