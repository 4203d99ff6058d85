"""A signal that lands while a change's request is in flight: the run waits for the answer,
marks the change, then stops and undoes it, so the change cannot reach the API server after
its undo. A second signal stops the run at once, and the wait never outlasts the request's
timeout.

The cordon's PATCH is ``late`` in the proxy: parked while later requests pass it, as an
abandoned request can be overtaken on its way to the server.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path

from testbed.polling import wait_until
from tests.chaos.faults.conftest import Rig
from tests.chaos.faults.test_fault_matrix_cutoffs import changed, experiment_args
from tests.support.cli import spawn_chaosrun

CORDON = ("PATCH", r"/nodes/node-1$")
WAITING = "while a change is in flight"


class Run:
    """The cordon experiment (or ``args``) as a child process, its output read as it comes."""

    def __init__(self, rig: Rig, read_timeout: float, args: list[str] | None = None) -> None:
        env = {**rig.env(), "CHAOSRUN_KUBE_READ_TIMEOUT": str(read_timeout)}
        args = args if args is not None else experiment_args(rig, "cordon")
        self.process = spawn_chaosrun(*args, env=env)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def signal(self, sig: signal.Signals = signal.SIGTERM) -> None:
        os.kill(self.process.pid, sig)

    def waiting_or_ended(self, waiting: str = WAITING) -> bool:
        return waiting in self.output or self.process.poll() is not None

    def end(self) -> int:
        code = self.process.wait(timeout=120)
        self._reader.join(timeout=10)
        return code


def _started(rig: Rig, read_timeout: float, args: list[str] | None = None) -> Run:
    rig.proxy.add("late", *CORDON)
    run = Run(rig, read_timeout, args)
    wait_until(rig.proxy.held.is_set, 30, "the cordon's PATCH in flight", interval=0.01)
    return run


def _all_landed(rig: Rig) -> None:
    """Every request the proxy took has reached the server: nothing can land later."""
    wait_until(lambda: rig.proxy.forwarded() == len(rig.proxy.seen), 30, "every request landed")


def test_a_signal_during_the_change_waits_for_its_answer_then_undoes_it(rig: Rig) -> None:
    run = _started(rig, read_timeout=60)

    run.signal()
    wait_until(run.waiting_or_ended, 30, "the run to wait for the PATCH", interval=0.02)
    rig.proxy.release()
    code = run.end()

    _assert_interrupted_and_undone(rig, code, run.output)
    cordons = rig.proxy.requests(*CORDON)
    assert len(cordons) == 2, "the cordon and its undo, nothing more"


def _assert_interrupted_and_undone(rig: Rig, code: int, output: str) -> None:
    _all_landed(rig)
    assert code == 1, output
    assert rig.journal()["status"] == "interrupted", output
    assert not changed(rig, "cordon"), "the cordon landed after its undo:\n" + output
    assert rig.open_records() == []
    assert rig.object_states() == ["restored"]


def test_a_second_signal_stops_the_run_at_once(rig: Rig) -> None:
    run = _started(rig, read_timeout=60)

    try:
        run.signal(signal.SIGINT)
        wait_until(run.waiting_or_ended, 30, "the run to wait for the PATCH", interval=0.02)
        assert WAITING in run.output, run.output
        run.signal(signal.SIGINT)
        code = run.end()
        assert rig.proxy.forwarded() < len(rig.proxy.seen), "the PATCH was waited for"
    finally:
        rig.proxy.release()

    assert code == 1, run.output
    assert rig.journal()["status"] == "interrupted", run.output


def test_the_wait_ends_with_the_request_timeout_and_starts_no_retry(rig: Rig) -> None:
    run = _started(rig, read_timeout=3)

    run.signal()
    try:
        code = run.end()  # the PATCH is still parked: the client gave up on it
        assert rig.proxy.forwarded() < len(rig.proxy.seen), "the PATCH was answered"
    finally:
        rig.proxy.release()

    assert code == 1, run.output
    assert rig.journal()["status"] == "interrupted", run.output
    assert len(rig.proxy.requests(*CORDON)) == 1, "the PATCH was sent again: " + run.output
    assert "not trying again: the run is stopping" in run.output


BACKGROUND_WAITING = "Waiting for 1 change in flight in the background before rolling back"


def test_a_background_change_in_flight_is_answered_before_its_undo(rig: Rig) -> None:
    """The cordon runs in the background while the method goes on; the signal reaches the
    main thread, whose rollbacks wait for the cordon's answer before they undo it."""
    args = experiment_args(rig, "cordon")
    path = Path(args[1])
    experiment = json.loads(path.read_text())
    experiment["method"][0]["background"] = True
    experiment["method"].append(
        {
            "type": "action",
            "name": "meanwhile",
            "provider": {
                "type": "process",
                "path": sys.executable,
                "arguments": ["-c", "import time; time.sleep(60)"],
            },
        }
    )
    path.write_text(json.dumps(experiment))
    run = _started(rig, read_timeout=60, args=args)

    try:
        wait_until(lambda: "Action: meanwhile" in run.output, 30, "the method")
        run.signal()
        wait_until(
            lambda: run.waiting_or_ended(BACKGROUND_WAITING),
            30,
            "the rollbacks to wait for the cordon",
            interval=0.02,
        )
        assert BACKGROUND_WAITING in run.output, run.output
    finally:
        rig.proxy.release()
    code = run.end()

    _assert_interrupted_and_undone(rig, code, run.output)
