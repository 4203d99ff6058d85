"""The selector swap of ``chaosrun latency --service`` survives API faults and signals: every
case ends with Service ``backend`` selecting its own pods again, the proxy and the shadow Service
gone, and no run record left open.

The calls of ``chaosrun latency --service backend --duration 0``, in order (after the checks):
reading the Service, creating the shadow Service, creating the proxy, reading the proxy until it
is Ready, the selector patch; then the rollback's: the selector patched back, the proxy and the
shadow deleted.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from typing import Any

import pytest

from testbed.kube.resources import DEPLOYMENTS, SERVICES, ApiError
from testbed.polling import wait_until
from tests.chaos.faults.conftest import Rig, stop

SHADOW = "backend-chaosrun-shadow"
PROXY = "backend-chaosrun-proxy"
ORIGINAL = {"app": "back"}
CALLS: dict[str, tuple[Any, ...]] = {
    "create-shadow": ("POST", r"/services$"),
    "create-proxy": ("POST", r"/deployments$"),
    "read-proxy": ("GET", rf"/deployments/{PROXY}$"),
    "swap": ("PATCH", r"/services/backend$"),
    "swap-back": ("PATCH", r"/services/backend$", 2),
    "delete-proxy": ("DELETE", rf"/deployments/{PROXY}$"),
    "delete-shadow": ("DELETE", rf"/services/{SHADOW}$"),
}
TRANSIENT = ("429", "503", "timeout", "reset")


def latency_args(rig: Rig, duration: float = 0) -> list[str]:
    return [
        "latency",
        "--service", "backend",
        "--frontend-url", rig.frontend.url,
        "--duration", str(duration),
        "--no-measure",
        "--journal-path", str(rig.journal_path),
    ]  # fmt: skip


def _get(rig: Rig, resource: Any, name: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = rig.cluster.store.get(resource, "default", name)
    except ApiError:
        return None
    return found


def selector(rig: Rig) -> dict[str, str]:
    service = _get(rig, SERVICES, "backend")
    assert service is not None
    return dict(service["spec"]["selector"])


def assert_back(rig: Rig) -> None:
    wait_until(lambda: _get(rig, DEPLOYMENTS, PROXY) is None, 30, "the proxy to go")
    assert selector(rig) == ORIGINAL
    assert _get(rig, SERVICES, SHADOW) is None
    assert rig.open_records() == []


def _inject(rig: Rig, kind: str, call: str) -> None:
    method, path, *occurrence = CALLS[call]
    rig.proxy.add(kind, method, path, occurrence[0] if occurrence else 1)


@pytest.mark.parametrize("kind", TRANSIENT)
@pytest.mark.parametrize("call", list(CALLS))
def test_a_transient_fault_on_any_call_of_the_swap_is_ridden_out(
    rig: Rig, call: str, kind: str
) -> None:
    _inject(rig, kind, call)
    result = rig.chaosrun(*latency_args(rig))
    assert any(s.fault == kind for s in rig.proxy.seen), "the fault was never met"
    assert result.returncode == 0, result.stdout + result.stderr
    assert rig.journal()["status"] == "completed"
    assert_back(rig)


@pytest.mark.parametrize("kind", ["applied-504", "applied-timeout", "applied-reset"])
@pytest.mark.parametrize("call", ["create-shadow", "create-proxy", "swap", "swap-back"])
def test_a_change_applied_whose_answer_is_lost_is_not_lost(rig: Rig, call: str, kind: str) -> None:
    _inject(rig, kind, call)
    result = rig.chaosrun(*latency_args(rig))
    assert result.returncode == 0, result.stdout + result.stderr
    assert_back(rig)


SIGNALS = [signal.SIGKILL, signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT]
# Where the run is when the signal arrives; ``hold`` parks that request in the proxy.
STEPS: dict[str, tuple[Any, ...] | None] = {
    "after-record": CALLS["create-shadow"],
    "before-swap": CALLS["swap"],
    "in-pause": None,
    "during-swap-back": CALLS["swap-back"],
}


def _bring_to(rig: Rig, step: str) -> subprocess.Popen[str]:
    held = STEPS[step]
    if held is not None:
        method, path, *occurrence = held
        rig.proxy.add("hold", method, path, occurrence[0] if occurrence else 1)
    process = rig.spawn(*latency_args(rig, 30 if step == "in-pause" else 0))
    if held is not None:
        wait_until(rig.proxy.held.is_set, 30, f"the run to reach {step}", interval=0.01)
    else:
        wait_until(lambda: selector(rig) != ORIGINAL, 30, "the swap", interval=0.02)
    if step == "after-record":  # written ahead: the original selector is on disk
        (record,) = rig.records()
        (entry,) = record["objects"]
        assert (entry["kind"], entry["state"]) == ("ServiceProxy", "changing")
        assert entry["manifest"]["selector"] == ORIGINAL
    return process


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_signal_at_any_step_of_the_swap_loses_nothing(
    rig: Rig, sig: signal.Signals, step: str
) -> None:
    process = _bring_to(rig, step)
    # The held request reaches the server just after the signal, as one already sent would.
    threading.Timer(0.2, rig.proxy.release).start()
    output = stop(process, sig)
    if sig is signal.SIGKILL:
        restored = rig.chaosrun("restore")
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "ServiceProxy default/backend" in restored.stdout
    elif step == "during-swap-back":  # the rollback goes on through the first signal
        assert rig.journal()["status"] == "completed", output
    else:
        assert process.returncode == 1, output
        assert rig.journal()["status"] == "interrupted", output
    assert_back(rig)
    again = rig.chaosrun("restore")
    assert again.stdout.strip() == "Nothing to restore: no unfinished run records."


def test_the_in_cluster_copy_of_the_record_undoes_the_swap_from_another_machine(rig: Rig) -> None:
    process = rig.spawn(*latency_args(rig, 30), "--record-in-cluster")
    wait_until(lambda: selector(rig) != ORIGINAL, 30, "the swap", interval=0.02)
    (configmap,) = rig.cluster_records()
    assert configmap["data"]["seal"].startswith("hmac-sha256:")
    rig.kill_with_its_machine(process)

    restored = rig.chaosrun("restore", "--yes")

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "ServiceProxy default/backend" in restored.stdout
    assert_back(rig)
    assert rig.cluster_records() == []
