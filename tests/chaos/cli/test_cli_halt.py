"""``chaosrun halt`` against the tests' Kubernetes API server: a real run in its pause is
stopped and rolled back, new runs are refused until ``--clear``; the local target's file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chaos.engine.halt import LocalHalts, halt_check, refuse_if_halted
from chaos.errors import BadInput
from testbed.kube.cluster import FakeCluster, wait_until
from tests.chaos.cli.helpers import chaosrun, read_until, spawn
from tests.chaos.engine.http_target import Target


def deployment_args(kubeconfig: Path, target: Target, journal: Path, pause: str) -> list[str]:
    return [
        "deployment", "--kubeconfig", str(kubeconfig), "--frontend-url", target.url,
        "--pause", pause, "--no-measure", "--no-history", "--journal-path", str(journal),
    ]  # fmt: skip


def test_a_run_in_its_pause_is_halted_restored_and_new_runs_refused(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    fake_cluster.seed_demo()
    journal = tmp_path / "j.json"
    proc = spawn(*deployment_args(kubeconfig, target, journal, "60"))
    try:
        read_until(proc, "Pausing after activity for 60s...")
        # A foreground deletion: gone once the cluster's garbage collector has taken its pods.
        wait_until(lambda: fake_cluster.deployment("back") is None, what="back deleted")
        halted = chaosrun("halt", "--kubeconfig", kubeconfig, "--reason", "incident 4711")
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert halted.exit_code == 0, halted.output
    assert "Halt written: chaosrun-halt in default. It stopped 1 run(s)" in halted.output
    assert proc.returncode == 1, output
    assert "Experiment ended with status: interrupted" in output
    data = json.loads(journal.read_text())
    assert data["status"] == "interrupted"
    assert data["interruption"]["reason"].startswith(
        "halted by chaosrun-halt in default: incident 4711 (by "
    )
    assert data["rollbacks"][0]["status"] == "succeeded"
    assert data["chaosrun"]["halted"]["reason"] == "incident 4711"
    wait_until(lambda: fake_cluster.deployment("back"), what="back restored")

    refused = chaosrun(*deployment_args(kubeconfig, target, tmp_path / "k.json", "0"))
    assert refused.exit_code == 2, refused.output
    assert "refused: chaosrun-halt in default stands: incident 4711 (by " in refused.output
    assert "`chaosrun halt --clear` lifts it." in refused.output
    assert fake_cluster.deployment("back") is not None
    assert not (tmp_path / "k.json").exists()

    lifted = chaosrun("halt", "--kubeconfig", kubeconfig, "--clear")
    assert lifted.exit_code == 0 and "Halt lifted (1 stood)" in lifted.output
    again = chaosrun(*deployment_args(kubeconfig, target, tmp_path / "l.json", "0"))
    assert again.exit_code == 0, again.output


def test_halt_on_an_unreachable_cluster_is_one_sentence(tmp_path: Path) -> None:
    missing = tmp_path / "nothing"
    result = chaosrun("halt", "--kubeconfig", missing)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_the_local_halt_file(tmp_path: Path) -> None:
    halts = LocalHalts(tmp_path)
    refuse_if_halted(halts, ["default"])
    record = {"run_id": "r1"}
    check = halt_check(halts, ["default"], record)
    assert check() is None
    halts.write("default", {"reason": "stop", "who": "me", "when": "now"})
    with pytest.raises(BadInput, match=r"refused: the halt file .* stands: stop \(by me at now\)"):
        refuse_if_halted(halts, ["default"])
    assert check() == f"halted by the halt file {tmp_path / 'halt'}: stop (by me at now)"
    assert "stopped.r1" in (halts.read("default") or {})
    assert halts.clear("default") and halts.read("default") is None
