"""A scale survives API faults on every call and signals at every step: the Deployment ends at
the count it had, by the run's own rollback or by ``chaosrun restore``.

The calls of ``chaosrun scale back --replicas 0`` (``back`` runs 1) touching ``back``, in
order: reading it (does it exist?), reading it again (the count it had, written ahead next), the
PATCH of its scale, reading it again (the rollback's undo), the PATCH back to 1.
"""

from __future__ import annotations

import signal

import pytest

from testbed.polling import wait_until
from tests.chaos.faults.conftest import Rig, judge_stopped
from tests.chaos.faults.test_fault_matrix import TRANSIENT, stop_and_release

CALLS = {
    "check": ("GET", r"/deployments/back$"),
    "read": ("GET", r"/deployments/back$", 2),
    "scale": ("PATCH", r"/deployments/back/scale$"),
    "undo-read": ("GET", r"/deployments/back$", 3),
    "undo": ("PATCH", r"/deployments/back/scale$", 2),
}


def scale_args(rig: Rig, pause: float = 0) -> list[str]:
    return [
        "scale",
        "back",
        "--replicas",
        "0",
        "--frontend-url",
        rig.frontend.url,
        "--pause",
        str(pause),
        "--no-measure",
        "--journal-path",
        str(rig.journal_path),
    ]


def replicas(rig: Rig) -> int | None:
    back = rig.back()
    return None if back is None else int(back["spec"]["replicas"])


def _inject(rig: Rig, kind: str, call: str) -> None:
    method, path, *occurrence = CALLS[call]
    rig.proxy.add(kind, method, path, occurrence[0] if occurrence else 1)


def _assert_completed_and_back(rig: Rig, output: str, code: int) -> None:
    assert code == 0, output
    assert rig.journal()["status"] == "completed", output
    assert replicas(rig) == 1
    assert rig.open_records() == []
    assert rig.object_states() == ["restored"]


@pytest.mark.parametrize("kind", TRANSIENT)
@pytest.mark.parametrize("call", list(CALLS))
def test_a_transient_fault_on_any_call_of_a_scale_is_ridden_out(
    rig: Rig, call: str, kind: str
) -> None:
    _inject(rig, kind, call)

    result = rig.chaosrun(*scale_args(rig))

    assert any(s.fault == kind for s in rig.proxy.seen), "the fault was never met"
    _assert_completed_and_back(rig, result.stdout + result.stderr, result.returncode)


@pytest.mark.parametrize("kind", ["applied-504", "applied-timeout", "applied-reset"])
@pytest.mark.parametrize("call", ["scale", "undo"])
def test_a_scale_applied_whose_answer_is_lost_is_not_lost(rig: Rig, call: str, kind: str) -> None:
    _inject(rig, kind, call)

    result = rig.chaosrun(*scale_args(rig))

    _assert_completed_and_back(rig, result.stdout + result.stderr, result.returncode)


SIGNALS = [signal.SIGKILL, signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT]
STEPS = {"after-write-ahead": CALLS["scale"], "in-pause": None, "during-undo": CALLS["undo"]}


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_signal_at_any_step_of_a_scale_loses_nothing(
    rig: Rig, sig: signal.Signals, step: str
) -> None:
    held = STEPS[step]
    if held is not None:
        method, path, *occurrence = held
        rig.proxy.add("hold", method, path, occurrence[0] if occurrence else 1)
    process = rig.spawn(*scale_args(rig, pause=30 if step == "in-pause" else 0))
    if held is not None:
        wait_until(rig.proxy.held.is_set, 30, f"the run to reach {step}", interval=0.01)
    else:
        wait_until(lambda: replicas(rig) == 0, 30, "the scale to 0", interval=0.02)
    if step == "after-write-ahead":  # the count it had is on disk before the PATCH leaves
        (record,) = rig.records()
        assert [(o["op"], o["previous"], o["state"]) for o in record["objects"]] == [
            ("scaled", 1, "changing")
        ]

    output = stop_and_release(rig, process, sig)

    judge_stopped(rig, process, sig, output, in_rollback=step == "during-undo")
    wait_until(lambda: replicas(rig) == 1, 30, "back at 1 replica again")
    assert rig.open_records() == []
    again = rig.chaosrun("restore")
    assert again.stdout.strip() == "Nothing to restore: no unfinished run records."


def test_a_scale_kept_in_the_cluster_is_undone_from_another_machine(rig: Rig) -> None:
    from tests.chaos.faults.conftest import stop

    process = rig.spawn(*scale_args(rig, pause=30), "--record-in-cluster")
    wait_until(lambda: replicas(rig) == 0, 30, "the scale to 0", interval=0.02)
    (configmap,) = rig.cluster_records()
    assert '"op": "scaled"' in configmap["data"]["record.json"]
    stop(process, signal.SIGKILL)
    for path in rig.records_dir.iterdir():  # this machine is gone with its disk
        path.unlink()

    restored = rig.chaosrun("restore", "--yes")

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "record on the cluster" in restored.stdout
    assert "  Deployment default/back: restored" in restored.stdout.splitlines()
    assert replicas(rig) == 1
    assert rig.cluster_records() == []
