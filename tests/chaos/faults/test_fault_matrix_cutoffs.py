"""A NetworkPolicy create (``chaosrun partition``'s) and a cordon survive API faults on every
call and signals at every step: the policy ends deleted and the node schedulable, by the run's
own rollback or by ``chaosrun restore``.

The calls, in order: for the partition, the create (its entry written ahead) and the DELETE
that undoes it; for the cordon, reading the node (the value it had, written ahead next), the
PATCH that cordons it, reading it again (the undo) and the PATCH back.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from typing import Any

import pytest

from testbed.kube.resources import NETWORKPOLICIES, NODES
from testbed.polling import wait_until
from tests.chaos.faults.conftest import Rig
from tests.chaos.faults.test_fault_matrix import TRANSIENT, stop_and_release

POLICY = "chaosrun-partition"
CALLS: dict[str, dict[str, tuple[Any, ...]]] = {
    "partition": {
        "create": ("POST", r"/networkpolicies$"),
        "undo": ("DELETE", rf"/networkpolicies/{POLICY}$"),
    },
    "cordon": {
        "read": ("GET", r"/nodes/node-1$"),
        "cordon": ("PATCH", r"/nodes/node-1$"),
        "undo-read": ("GET", r"/nodes/node-1$", 2),
        "undo": ("PATCH", r"/nodes/node-1$", 2),
    },
}
CHANGE = {"partition": "create", "cordon": "cordon"}


def experiment_args(rig: Rig, what: str, pause: float = 0) -> list[str]:
    """The experiment ``chaosrun partition`` runs, or a cordon with the same rollback."""
    from chaos.experiment.cutoffs import PartitionChaos, partition_experiment

    experiment = partition_experiment(PartitionChaos(pause=pause), rig.frontend.url)
    experiment.pop("steady-state-hypothesis")
    if what == "cordon":
        provider = experiment["method"][0]["provider"]
        provider.update(module="chaosk8s.node.actions", func="cordon_node")
        provider["arguments"] = {"name": "node-1"}
    path = rig.home / f"{what}.json"
    path.write_text(json.dumps(experiment))
    return ["run", str(path), "--no-measure", "--journal-path", str(rig.journal_path)]


def changed(rig: Rig, what: str) -> bool:
    """The policy stands, or node-1 is cordoned."""
    if what == "partition":
        return any(
            p["metadata"]["name"] == POLICY and not p["metadata"].get("deletionTimestamp")
            for p in rig.cluster.store.items(NETWORKPOLICIES)
        )
    (node,) = [n for n in rig.cluster.store.items(NODES) if n["metadata"]["name"] == "node-1"]
    return "unschedulable" in (node.get("spec") or {})


def back_as_before(rig: Rig, what: str) -> Callable[[], bool]:
    return lambda: not changed(rig, what)


def _inject(rig: Rig, kind: str, what: str, call: str) -> None:
    method, path, *occurrence = CALLS[what][call]
    rig.proxy.add(kind, method, path, occurrence[0] if occurrence else 1)


def _assert_completed_and_back(rig: Rig, what: str, output: str, code: int) -> None:
    assert code == 0, output
    assert rig.journal()["status"] == "completed", output
    wait_until(back_as_before(rig, what), 30, f"the {what} undone")
    assert rig.open_records() == []
    assert rig.object_states() == ["restored"]


CASES = [(what, call) for what in CALLS for call in CALLS[what]]


@pytest.mark.parametrize("kind", TRANSIENT)
@pytest.mark.parametrize(("what", "call"), CASES)
def test_a_transient_fault_on_any_call_is_ridden_out(
    rig: Rig, what: str, call: str, kind: str
) -> None:
    _inject(rig, kind, what, call)

    result = rig.chaosrun(*experiment_args(rig, what))

    assert any(s.fault == kind for s in rig.proxy.seen), "the fault was never met"
    _assert_completed_and_back(rig, what, result.stdout + result.stderr, result.returncode)


@pytest.mark.parametrize("kind", ["applied-504", "applied-timeout", "applied-reset"])
@pytest.mark.parametrize("what", list(CALLS))
@pytest.mark.parametrize("which", ["change", "undo"])
def test_a_change_applied_whose_answer_is_lost_is_not_lost(
    rig: Rig, what: str, which: str, kind: str
) -> None:
    _inject(rig, kind, what, CHANGE[what] if which == "change" else "undo")

    result = rig.chaosrun(*experiment_args(rig, what))

    _assert_completed_and_back(rig, what, result.stdout + result.stderr, result.returncode)


SIGNALS = [signal.SIGKILL, signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT]
STEPS = ["after-write-ahead", "in-pause", "during-undo"]


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("what", list(CALLS))
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_signal_at_any_step_loses_nothing(
    rig: Rig, sig: signal.Signals, what: str, step: str
) -> None:
    held = {"after-write-ahead": CHANGE[what], "during-undo": "undo"}.get(step)
    if held is not None:
        _inject(rig, "hold", what, held)
    process = rig.spawn(*experiment_args(rig, what, pause=30 if step == "in-pause" else 0))
    if held is not None:
        wait_until(rig.proxy.held.is_set, 30, f"the run to reach {step}", interval=0.01)
    else:
        wait_until(lambda: changed(rig, what), 30, f"the {what}", interval=0.02)
    if step == "after-write-ahead":  # what undoes it is on disk before the change leaves
        (record,) = rig.records()
        assert [(o["op"], o["state"]) for o in record["objects"]] == [
            ("created" if what == "partition" else "cordoned", "changing")
        ]

    output = stop_and_release(rig, process, sig)

    if sig is signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
        restored = rig.chaosrun("restore")
        assert restored.returncode == 0, restored.stdout + restored.stderr
    else:
        journal = rig.journal()
        if step == "during-undo":  # the rollback goes on through the first signal
            assert journal["status"] == "completed", output
        else:
            assert process.returncode == 1, output
            assert journal["status"] == "interrupted", output
    wait_until(back_as_before(rig, what), 30, f"the {what} undone")
    assert rig.open_records() == []
    again = rig.chaosrun("restore")
    assert again.stdout.strip() == "Nothing to restore: no unfinished run records."
