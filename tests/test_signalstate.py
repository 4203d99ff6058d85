"""A first stopping signal waits for the change in flight; a second one does not
(``chaos.signalstate`` with the run's handler of ``chaos.engine.signals``)."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from chaos import signalstate
from chaos.drivers.kubernetes.retry import Backoff
from chaos.engine import signals
from chaos.signalstate import deferred, stop_pending


def _kill_self(sig: signal.Signals = signal.SIGTERM) -> None:
    os.kill(os.getpid(), sig)


def test_the_first_signal_is_raised_when_the_change_is_over() -> None:
    steps: list[str] = []
    with signals.interruptible(), pytest.raises(signals.Interrupted) as caught:
        with deferred():
            _kill_self()
            steps.append("answered")
            assert stop_pending()
            steps.append("marked")
        steps.append("after the change")
    assert steps == ["answered", "marked"]
    assert caught.value.signame == "SIGTERM"
    assert not stop_pending()


def test_a_second_signal_interrupts_at_once() -> None:
    steps: list[str] = []
    with signals.interruptible(), pytest.raises(signals.Interrupted) as caught, deferred():
        _kill_self(signal.SIGINT)
        steps.append("first")
        _kill_self(signal.SIGTERM)
        steps.append("second")
    assert steps == ["first"]
    assert caught.value.signame == "SIGTERM"
    assert not stop_pending()


def test_a_failed_change_is_marked_before_the_signal_is_raised() -> None:
    steps: list[str] = []
    with signals.interruptible(), pytest.raises(signals.Interrupted), deferred():
        try:
            _kill_self()
            raise LookupError("refused")
        except LookupError:
            steps.append("marked untouched")
    assert steps == ["marked untouched"]


def test_nested_blocks_raise_at_the_outermost_end() -> None:
    steps: list[str] = []
    with signals.interruptible(), pytest.raises(signals.Interrupted), deferred():
        with deferred():
            _kill_self()
        steps.append("outer block goes on")
    assert steps == ["outer block goes on"]


def test_outside_a_run_the_signal_acts_as_it_would_anyway() -> None:
    steps: list[str] = []
    # Python's own handler, whatever this process inherited (a shell's background job starts
    # with SIGINT ignored): nothing of ours to wait for.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), deferred():
            _kill_self(signal.SIGINT)
            steps.append("went on")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert steps == []


def test_no_retry_is_started_while_a_signal_waits() -> None:
    waited: list[bool] = []
    with signals.interruptible(), pytest.raises(signals.Interrupted), deferred():
        _kill_self()
        waited.append(Backoff(60).wait("the API answered 503"))
    assert waited == [False]
    assert Backoff(60, first=0.01).wait("the API answered 503")  # no signal: tried again


def test_a_change_in_flight_on_another_thread_is_waited_for_and_then_tries_no_more() -> None:
    in_change, answer = threading.Event(), threading.Event()
    seen: list[bool] = []

    def background_change() -> None:
        with deferred():
            in_change.set()
            answer.wait(10)
            seen.append(stop_pending())  # the run stopped meanwhile: no retry

    thread = threading.Thread(target=background_change)
    thread.start()
    try:
        assert in_change.wait(10)
        assert signalstate.in_flight() == 1
        signalstate.stopping()
        assert signalstate.settle(0.2) == 1  # still unanswered
        threading.Timer(0.1, answer.set).start()
        assert signalstate.settle(10) == 0
        assert seen == [True]
        assert not stop_pending()  # the main thread is not concerned
    finally:
        answer.set()
        thread.join(10)
        signalstate.resume()
    probe: list[bool] = []
    other = threading.Thread(target=lambda: probe.append(stop_pending()))
    other.start()
    other.join(10)
    assert probe == [False]
