"""--max-percent and --min-healthy against the tests' Kubernetes API server (testbed/kube):
refused before any change on the far side of the edge, allowed on it, and a floor broken
during the pause stops the run."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import Result

from testbed.kube.cluster import FakeCluster
from tests.chaos.cli.helpers import chaosrun, read_until, spawn, write
from tests.chaos.engine.http_target import Target


def scene(cluster: FakeCluster, back: int = 2) -> None:
    cluster.apply_deployment("back", {"app": "back"}, replicas=back)
    cluster.wait_ready("app=back", count=back)


def builtin(kind: str, kubeconfig: Path, target: Target, journal: Path, *more: object) -> Result:
    """``chaosrun pod`` or ``deployment`` at once, unmeasured, recorded nowhere but ``journal``."""
    common = ("--frontend-url", target.url, "--pause", "0", "--no-measure", "--no-history")
    return chaosrun(kind, "--kubeconfig", kubeconfig, *common, "--journal-path", journal, *more)


def pod(kubeconfig: Path, target: Target, journal: Path, *more: object) -> Result:
    return builtin("pod", kubeconfig, target, journal, "--selector", "app=back", *more)


def kill_backends(**arguments: object) -> dict[str, object]:
    """A method's action terminating backend pods with chaosk8s' ``terminate_pods``."""
    return {
        "type": "action",
        "name": "kill",
        "provider": {
            "type": "python",
            "module": "chaosk8s.pod.actions",
            "func": "terminate_pods",
            "arguments": {"label_selector": "app=back", **arguments},
        },
    }


def test_max_percent_refuses_more_and_changes_nothing(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    scene(fake_cluster)
    before = fake_cluster.pod_names(selector="app=back")
    result = pod(kubeconfig, target, tmp_path / "j.json", "--all", "--max-percent", "50")
    assert result.exit_code == 2, result.output
    assert (
        "--max-percent 50: the selection is 2 of 2 pods matching app=back (100 %); "
        "nothing was changed." in result.output
    )
    assert "Traceback" not in result.output
    assert fake_cluster.pod_names(selector="app=back") == before
    assert not (tmp_path / "j.json").exists()


def test_max_percent_allows_exactly_its_share(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    scene(fake_cluster)
    (first, _) = sorted(fake_cluster.pod_names(selector="app=back"))
    journal = tmp_path / "j.json"
    result = pod(kubeconfig, target, journal, "--qty", "1", "--max-percent", "50")
    assert result.exit_code == 0, result.output
    assert json.loads(journal.read_text())["run"][0]["output"] == [first]


@pytest.mark.parametrize(("floor", "code"), [("1", 0), ("50%", 0), ("2", 2), ("51%", 2)])
def test_min_healthy_on_the_edge(
    fake_cluster: FakeCluster,
    kubeconfig: Path,
    target: Target,
    tmp_path: Path,
    floor: str,
    code: int,
) -> None:
    scene(fake_cluster)
    before = fake_cluster.pod_names(selector="app=back")
    result = pod(kubeconfig, target, tmp_path / "j.json", "--qty", "1", "--min-healthy", floor)
    assert result.exit_code == code, result.output
    if code == 2:
        assert (
            f"--min-healthy {floor}: the pods matching app=back in default would keep 1 Ready "
            "pod(s) of 2, fewer than 2; nothing was changed." in result.output
        )
        assert fake_cluster.pod_names(selector="app=back") == before
    else:
        assert fake_cluster.pod_names(selector="app=back") != before


def test_min_healthy_bad_value_is_one_sentence(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    scene(fake_cluster)
    result = pod(kubeconfig, target, tmp_path / "j.json", "--min-healthy", "lots")
    assert result.exit_code == 2
    assert "--min-healthy takes a number of pods or a percentage such as 50%, not 'lots'." in (
        result.output
    )


@pytest.mark.parametrize(("floor", "code"), [("1", 2), ("0", 0)])
def test_deleting_a_deployment_leaves_no_ready_pod(
    fake_cluster: FakeCluster,
    kubeconfig: Path,
    target: Target,
    tmp_path: Path,
    floor: str,
    code: int,
) -> None:
    scene(fake_cluster, back=1)
    journal = tmp_path / "j.json"
    result = builtin("deployment", kubeconfig, target, journal, "--min-healthy", floor)
    assert result.exit_code == code, result.output
    if code == 2:
        assert (
            "--min-healthy 1: Deployment default/back would keep 0 Ready pod(s) of 1, fewer "
            "than 1; nothing was changed." in result.output
        )
        assert fake_cluster.deployment("back") is not None
        assert len(fake_cluster.pods(selector="app=back")) == 1
    else:
        assert json.loads(journal.read_text())["status"] == "completed"


def test_the_file_extension_sets_the_limit(
    fake_cluster: FakeCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    scene(fake_cluster)
    before = fake_cluster.pod_names(selector="app=back")
    experiment = write(
        tmp_path / "e.json",
        {
            "title": "kill the backends",
            "description": "all of them",
            "extensions": [{"name": "chaosrun", "max-percent": 50}],
            "method": [kill_backends(all=True)],
        },
    )
    result = chaosrun(
        "run", experiment, "--kubeconfig", kubeconfig, "--no-history", "--journal-path",
        tmp_path / "j.json",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--max-percent 50: the selection is 2 of 2 pods matching app=back (100 %)" in (
        result.output
    )
    assert fake_cluster.pod_names(selector="app=back") == before


def _until_exit(proc: subprocess.Popen[str], cluster: FakeCluster) -> str:
    """Make every backend pod unready (replacements too) until the run ends."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        for pod in cluster.ready_pods(selector="app=back"):
            cluster.set_pod_ready(pod["metadata"]["name"], False)
        time.sleep(0.05)
    output, _ = proc.communicate(timeout=60)
    return output


def break_the_floor(proc: subprocess.Popen[str], cluster: FakeCluster) -> str:
    """Once the run pauses, its backends unready until it ends (exit 1); its output."""
    try:
        read_until(proc, "Pausing after activity for 60s...")
        output = _until_exit(proc, cluster)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, output
    return output


def test_a_floor_broken_during_the_pause_stops_the_run(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    scene(fake_cluster)
    journal = tmp_path / "j.json"
    marker = tmp_path / "rolled-back"
    experiment = write(
        tmp_path / "e.json",
        {
            "title": "one backend down",
            "description": "the other keeps serving",
            "method": [{**kill_backends(qty=1), "pauses": {"after": 60}}],
            "rollbacks": [
                {
                    "type": "action",
                    "name": "mark",
                    "provider": {"type": "process", "path": "touch", "arguments": str(marker)},
                }
            ],
        },
    )
    proc = spawn(
        "run",
        str(experiment),
        "--kubeconfig",
        str(kubeconfig),
        "--min-healthy",
        "1",
        "--no-history",
        "--journal-path",
        str(journal),
    )
    output = break_the_floor(proc, fake_cluster)
    assert "Experiment ended with status: interrupted" in output
    data = json.loads(journal.read_text())
    assert data["status"] == "interrupted"
    reason = data["interruption"]["reason"]
    assert reason.startswith("--min-healthy 1: the pods matching app=back in default has 0")
    assert data["rollbacks"][0]["status"] == "succeeded"
    assert marker.exists()
