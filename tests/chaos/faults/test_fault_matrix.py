"""Whatever chaosrun deletes comes back: API faults on every call of a run, signals at every
step, then the run's own rollback or ``chaosrun restore``.

Each case ends with Deployment ``back`` standing and a journal or a run record saying what
happened. The calls of ``chaosrun deployment --pause 0``, in order: the reachability check,
reading ``back`` (does it exist?), the hypothesis's pod list, reading ``back`` again (the
snapshot), the DELETE, the pod list of the second hypothesis, the create that restores it.
"""

from __future__ import annotations

import signal

import pytest

from testbed.polling import wait_until
from tests.chaos.faults.conftest import Rig, judge_stopped, stop

CALLS = {
    "version": ("GET", r"^/version"),
    "read-back": ("GET", r"/deployments/back$"),
    "list-pods": ("GET", r"/pods$"),
    "snapshot": ("GET", r"/deployments/back$", 2),
    "delete": ("DELETE", r"/deployments/back$"),
    "hypothesis-after": ("GET", r"/pods$", 2),
    "restore": ("POST", r"/deployments$"),
}
TRANSIENT = ("429", "503", "timeout", "reset")


def _inject(rig: Rig, kind: str, call: str) -> None:
    method, path, *occurrence = CALLS[call]
    rig.proxy.add(kind, method, path, occurrence[0] if occurrence else 1)


def _assert_completed_and_back(rig: Rig, output: str, code: int) -> None:
    assert code == 0, output
    rig.wait_back_standing()
    journal = rig.journal()
    assert journal["status"] == "completed"
    assert [r["name"] for r in journal["chaosrun"]["restores"]] == ["back"]
    assert rig.open_records() == []
    assert rig.object_states() == ["restored"]


@pytest.mark.parametrize("kind", TRANSIENT)
@pytest.mark.parametrize("call", list(CALLS))
def test_a_transient_fault_on_any_call_is_ridden_out(rig: Rig, call: str, kind: str) -> None:
    _inject(rig, kind, call)

    result = rig.chaosrun(*rig.deployment_args())

    assert any(s.fault == kind for s in rig.proxy.seen), "the fault was never met"
    _assert_completed_and_back(rig, result.stdout + result.stderr, result.returncode)


@pytest.mark.parametrize("kind", ["applied-504", "applied-timeout", "applied-reset"])
@pytest.mark.parametrize("call", ["delete", "restore"])
def test_a_change_applied_whose_answer_is_lost_is_read_back_not_assumed(
    rig: Rig, call: str, kind: str
) -> None:
    _inject(rig, kind, call)

    result = rig.chaosrun(*rig.deployment_args())

    _assert_completed_and_back(rig, result.stdout + result.stderr, result.returncode)
    if call == "delete":  # the DELETE went through: no second one was needed
        assert len(rig.proxy.requests("DELETE", r"/deployments/back$")) == 1


SIGNALS = [signal.SIGKILL, signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT]
# Where the run is when the signal arrives; ``hold`` parks that request in the proxy.
STEPS = {
    "after-snapshot": CALLS["delete"],
    "after-delete": CALLS["hypothesis-after"],
    "in-pause": None,
    "during-restore": CALLS["restore"],
}


def _bring_to(rig: Rig, step: str) -> object:
    held = STEPS[step]
    pause = 30 if step == "in-pause" else 0
    if held is not None:
        method, path, *occurrence = held
        rig.proxy.add("hold", method, path, occurrence[0] if occurrence else 1)
    process = rig.spawn(*rig.deployment_args(pause=pause))
    if held is not None:
        wait_until(rig.proxy.held.is_set, 30, f"the run to reach {step}", interval=0.01)
    else:
        wait_until(
            lambda: rig.object_states() == ["deleted"] and rig.back() is None,
            30,
            "the Deployment to be deleted",
            interval=0.02,
        )
    if step == "after-snapshot":
        # Written ahead: the snapshot is on disk before the DELETE leaves.
        (record,) = rig.records()
        assert [o["state"] for o in record["objects"]] == ["deleting"]
        assert record["objects"][0]["manifest"]["spec"]["selector"] == {
            "matchLabels": {"app": "back"}
        }
    return process


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_signal_at_any_step_loses_nothing(rig: Rig, sig: signal.Signals, step: str) -> None:
    process = _bring_to(rig, step)

    # The held request reaches the server just after the signal, as one already sent would.
    output = stop_and_release(rig, process, sig)

    judge_stopped(rig, process, sig, output, in_rollback=step == "during-restore")
    rig.wait_back_standing()
    assert rig.open_records() == []
    again = rig.chaosrun("restore")
    assert again.stdout.strip() == "Nothing to restore: no unfinished run records."


def stop_and_release(rig: Rig, process: object, sig: signal.Signals) -> str:
    import subprocess
    import threading

    assert isinstance(process, subprocess.Popen)
    threading.Timer(0.2, rig.proxy.release).start()
    return stop(process, sig)


def test_an_unwritable_journal_path_is_refused_before_any_chaos(rig: Rig) -> None:
    result = rig.chaosrun(
        "deployment",
        "--frontend-url",
        rig.frontend.url,
        "--no-rollback",
        "--journal-path",
        "/proc/x/j.json",
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --journal-path /proc/x/j.json cannot be written (no such file or directory); "
        "nothing was changed."
    ]
    assert rig.proxy.requests("DELETE") == []
    assert rig.back_standing()


def test_no_rollback_keeps_the_snapshot_for_restore(rig: Rig) -> None:
    result = rig.chaosrun(*rig.deployment_args("--no-rollback"))
    assert result.returncode == 0, result.stderr
    wait_until(lambda: rig.back() is None, 30, "the Deployment to go")
    assert "Deployment default/back is not restored" in result.stdout

    warned = rig.chaosrun(*rig.deployment_args("--dry-run"))
    assert "`chaosrun restore` puts it back" in warned.stderr

    listed = rig.chaosrun("restore", "--dry-run")
    assert listed.returncode == 0
    assert "  Deployment default/back: would restore" in listed.stdout.splitlines()
    assert rig.back() is None

    restored = rig.chaosrun("restore")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "  Deployment default/back: restored" in restored.stdout.splitlines()
    rig.wait_back_standing()
    assert rig.open_records() == []


def test_a_record_kept_in_the_cluster_restores_from_another_machine(rig: Rig) -> None:
    process = rig.spawn(*rig.deployment_args("--record-in-cluster", pause=30))
    wait_until(lambda: rig.back() is None, 30, "the Deployment to go", interval=0.02)
    (configmap,) = rig.cluster_records()
    assert configmap["metadata"]["labels"]["chaosrun.io/run-record"] == "true"
    assert configmap["data"]["seal"].startswith("hmac-sha256:")
    stop(process, signal.SIGKILL)
    for path in rig.records_dir.iterdir():  # this machine is gone with its disk
        path.unlink()

    restored = rig.chaosrun("restore", "--yes")

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "record on the cluster" in restored.stdout
    rig.wait_back_standing()
    assert rig.cluster_records() == []


def test_restore_leaves_a_different_deployment_alone_unless_forced(rig: Rig) -> None:
    result = rig.chaosrun(*rig.deployment_args("--no-rollback"))
    assert result.returncode == 0, result.stderr
    wait_until(lambda: rig.back() is None, 30, "the Deployment to go")
    rig.cluster.apply_deployment("back", {"app": "back"}, port=8081, image="chaosrun/back:v2")

    refused = rig.chaosrun("restore")
    assert refused.returncode == 1
    assert "with a different spec, so it was not overwritten" in refused.stdout
    assert len(rig.open_records()) == 1

    forced = rig.chaosrun("restore", "--force")
    assert forced.returncode == 0, forced.stdout
    assert "  Deployment default/back: replaced" in forced.stdout.splitlines()
    back = rig.back()
    assert back is not None
    assert back["spec"]["template"]["spec"]["containers"][0]["image"] == "chaosrun/back:latest"
    assert rig.open_records() == []
