"""chaosrun pod / deployment / run against the fake Kubernetes API server (testbed/kube),
reached by the real ``kubernetes`` client through a kubeconfig file."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest

from testbed.kube.cluster import FakeCluster, wait_until
from testbed.procs import REPO_ROOT
from tests.chaos.cli.helpers import chaosrun, read_until, spawn, write
from tests.chaos.engine.http_target import Target
from tests.support.cli import run_chaosrun


def seeded(cluster: FakeCluster, target: Target) -> None:
    """back + front Deployments and the frontend Service whose load balancer is ``target``."""
    cluster.seed_demo(frontend_port=int(target.url.rsplit(":", 1)[1].rstrip("/")))


def test_pod_completed_and_a_new_pod_replaces_the_old(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    seeded(fake_cluster, target)
    target.breaker = True
    (old,) = fake_cluster.pod_names(selector="app=front")
    journal = tmp_path / "journal.json"
    result = chaosrun(
        "pod",
        "--kubeconfig",
        kubeconfig,
        "--pause",
        "0.3",
        "--journal-path",
        journal,
        "--probe-interval",
        "0.05",
    )
    assert result.exit_code == 0, result.output
    assert "Action: terminate-frontend-pod" in result.output
    assert "Pausing after activity for 0.3s..." in result.output
    assert "Experiment ended with status: completed" in result.output
    data = json.loads(journal.read_text())
    assert data["run"][0]["output"] == [old]
    # The frontend URL came from the Service's load-balancer address.
    assert data["experiment"]["configuration"]["frontend_url"].startswith("http://127.0.0.1:")
    assert data["measurements"]["samples"]
    # The frontend serves /breaker like v2: the measurement samples it too.
    assert data["measurements"]["breaker_url"].endswith(":" + target.url.split(":")[-1] + "breaker")
    assert {s["breaker"] for s in data["measurements"]["samples"]} == {"closed"}
    new = fake_cluster.wait_ready("app=front")
    assert old not in {p["metadata"]["name"] for p in new}


def test_pod_dry_run_names_the_pods_and_changes_nothing(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    seeded(fake_cluster, target)
    before = fake_cluster.pod_names()
    result = chaosrun(
        "pod",
        "--kubeconfig",
        kubeconfig,
        "--selector",
        "app",
        "--all",
        "--dry-run",
        "--journal-path",
        tmp_path / "j.json",
    )
    assert result.exit_code == 0, result.output
    for name in before:
        assert f"Dry run: would terminate pod default/{name}" in result.output
    assert fake_cluster.pod_names() == before
    assert not (tmp_path / "j.json").exists()


def test_pod_selector_matching_nothing_fails(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    seeded(fake_cluster, target)
    journal = tmp_path / "j.json"
    result = chaosrun(
        "pod",
        "--kubeconfig",
        kubeconfig,
        "--selector",
        "app=ghost",
        "--pause",
        "0",
        "--journal-path",
        journal,
        "--no-measure",
    )
    assert result.exit_code == 1
    assert "no pod matches label selector 'app=ghost' in namespace 'default'" in result.output
    data = json.loads(journal.read_text())
    assert data["status"] == "failed"
    assert "no pod matches" in "".join(data["run"][0]["exception"])


def test_pod_rand_records_the_seed(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    seeded(fake_cluster, target)
    journal = tmp_path / "j.json"
    result = chaosrun(
        "pod",
        "--kubeconfig",
        kubeconfig,
        "--rand",
        "--seed",
        "7",
        "--pause",
        "0.2",
        "--journal-path",
        journal,
        "--no-measure",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(journal.read_text())["chaosrun"]["seed"] == 7


def test_deployment_restored_after_the_run(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    seeded(fake_cluster, target)
    old_uid = fake_cluster.deployment("back")["metadata"]["uid"]  # type: ignore[index]
    journal = tmp_path / "j.json"
    result = chaosrun(
        "deployment",
        "--kubeconfig",
        kubeconfig,
        "--frontend-url",
        target.url,
        "--pause",
        "0.2",
        "--journal-path",
        journal,
        "--probe-interval",
        "0.05",
    )
    assert result.exit_code == 0, result.output
    assert "Action: stop-backend-service" in result.output
    assert "Rollback: restore-backend-service" in result.output
    restored = fake_cluster.deployment("back")
    assert restored is not None and restored["metadata"]["uid"] != old_uid
    data = json.loads(journal.read_text())
    assert data["run"][0]["output"] == ["back"]
    assert data["rollbacks"][0]["output"][0]["name"] == "back"
    assert data["chaosrun"]["restores"][0]["time_to_restore"] > 0
    # v1-like frontend: no breaker endpoint, so none is sampled.
    assert data["measurements"]["breaker_url"] is None
    fake_cluster.wait_ready("app=back")


def test_deployment_no_rollback_leaves_it_deleted(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    seeded(fake_cluster, target)
    result = chaosrun(
        "deployment",
        "--kubeconfig",
        kubeconfig,
        "--frontend-url",
        target.url,
        "--pause",
        "0",
        "--no-rollback",
        "--journal-path",
        tmp_path / "j.json",
        "--no-measure",
    )
    assert result.exit_code == 0, result.output
    assert "No declared rollbacks" in result.output
    wait_until(lambda: fake_cluster.deployment("back") is None, what="back to be gone")


def test_deployment_dry_run_changes_nothing(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    seeded(fake_cluster, target)
    result = chaosrun(
        "deployment", "--kubeconfig", kubeconfig, "--dry-run", "--journal-path", tmp_path / "j.json"
    )
    assert result.exit_code == 0, result.output
    assert "Dry run: would delete Deployment default/back" in result.output
    assert fake_cluster.deployment("back") is not None


def test_deployment_missing_is_bad_input(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target
) -> None:
    seeded(fake_cluster, target)
    result = chaosrun("deployment", "--kubeconfig", kubeconfig, "--name", "ghost")
    assert result.exit_code == 2
    assert "Deployment 'ghost' not found in namespace 'default'" in result.stderr


def test_missing_frontend_service_is_bad_input(
    fake_cluster: FakeCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    fake_cluster.apply_deployment("front", {"app": "front"})
    result = chaosrun("pod", "--kubeconfig", kubeconfig, "--journal-path", tmp_path / "j.json")
    assert result.exit_code == 2
    assert "frontend" in result.stderr and "Traceback" not in result.output
    fake_cluster.apply_service("frontend", {"app": "front"}, 80, 8080)  # ClusterIP: no LB
    result = chaosrun("pod", "--kubeconfig", kubeconfig, "--journal-path", tmp_path / "j.json")
    assert result.exit_code == 2
    assert "has no load-balancer address; pass --frontend-url" in result.stderr
    # A dry run checks no hypothesis, so it needs no frontend URL.
    fake_cluster.wait_ready("app=front")
    (name,) = fake_cluster.pod_names(selector="app=front")
    result = chaosrun("pod", "--kubeconfig", kubeconfig, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"Dry run: would terminate pod default/{name}" in result.output


def test_unreachable_context_is_bad_input(
    fake_cluster: FakeCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    for command in ("pod", "deployment"):
        result = chaosrun(command, "--kubeconfig", kubeconfig, "--context", "unreachable")
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output


def test_tutorial_file_runs_unchanged_but_for_url_and_pause(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    seeded(fake_cluster, target)
    (old,) = fake_cluster.pod_names(selector="app=front")
    raw = json.loads((REPO_ROOT / "experiments" / "pod.json").read_text())
    raw["method"][0]["pauses"]["after"] = 0.3  # the tutorial waits 10 s
    journal = tmp_path / "j.json"
    result = chaosrun(
        "run",
        write(tmp_path / "pod.json", raw),
        "--kubeconfig",
        kubeconfig,
        "--var",
        f"frontend_url={target.url}",
        "--journal-path",
        journal,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(journal.read_text())
    assert data["run"][0]["output"] == [old]
    assert data["run"][1]["activity"]["name"] == "all-services-are-healthy"


def test_sigterm_mid_pause_restores_the_deployment(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    seeded(fake_cluster, target)
    journal = tmp_path / "j.json"
    proc = spawn(
        "deployment",
        "--kubeconfig",
        str(kubeconfig),
        "--frontend-url",
        target.url,
        "--pause",
        "60",
        "--journal-path",
        str(journal),
        "--no-measure",
    )
    try:
        read_until(proc, "Pausing after activity for 60s...")
        gone = fake_cluster.deployment("back")
        assert gone is None or gone["metadata"].get("deletionTimestamp")
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, output
    assert "Experiment ended with status: interrupted" in output
    data = json.loads(journal.read_text())
    assert data["status"] == "interrupted"
    assert data["rollbacks"][0]["status"] == "succeeded"
    wait_until(lambda: fake_cluster.deployment("back"), what="back to be restored")
    fake_cluster.wait_ready("app=back")


def test_run_namespace_option_is_the_default_ns(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    fake_cluster.create_namespace("shop")
    fake_cluster.apply_deployment("front", {"app": "front"}, namespace="shop")
    fake_cluster.wait_ready("app=front", namespace="shop")
    (old,) = fake_cluster.pod_names("shop")
    raw = {
        "title": "Kill a pod in the namespace given on the command line",
        "description": "d",
        "method": [
            {
                "type": "action",
                "name": "kill",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.pod.actions",
                    "func": "terminate_pods",
                    "arguments": {"label_selector": "app=front"},
                },
            }
        ],
    }
    path = write(tmp_path / "e.json", raw)
    refused = chaosrun("run", path, "--kubeconfig", kubeconfig, "-n", "kube-system")
    assert refused.exit_code == 2
    assert "system namespace 'kube-system'" in refused.stderr
    journal = tmp_path / "j.json"
    result = chaosrun(
        "run", path, "--kubeconfig", kubeconfig, "-n", "shop", "--journal-path", journal
    )
    assert result.exit_code == 0, result.output
    assert json.loads(journal.read_text())["run"][0]["output"] == [old]
    new = fake_cluster.wait_ready("app=front", namespace="shop")
    assert old not in {p["metadata"]["name"] for p in new}


# ---- the selection guard: never every pod of a namespace ----------------------------------


@pytest.mark.parametrize("selector", ["", "   "])
def test_pod_with_a_blank_selector_is_refused(
    fake_cluster: FakeCluster, kubeconfig: Path, selector: str
) -> None:
    fake_cluster.seed_demo()
    before = fake_cluster.pod_names()
    result = run_chaosrun(
        "pod", "--kubeconfig", str(kubeconfig), "--selector", selector, "--all", timeout=60
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        "Error: --selector must not be empty without --name-pattern "
        "(chaosrun never terminates every pod of a namespace).\n"
    )
    assert fake_cluster.pod_names() == before


def test_pod_with_a_blank_selector_and_a_name_pattern_selects_by_name(
    fake_cluster: FakeCluster, kubeconfig: Path
) -> None:
    fake_cluster.seed_demo()
    (front,) = fake_cluster.pod_names(selector="app=front")
    result = run_chaosrun(
        "pod",
        "--kubeconfig",
        str(kubeconfig),
        "--selector",
        "",
        "--name-pattern",
        "^front-",
        "--all",
        "--dry-run",
        "--frontend-url",
        "http://127.0.0.1:9/",
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Dry run: would terminate pod default/{front}" in result.stdout
    assert "would terminate pod default/back-" not in result.stdout


def _terminating_experiment(func: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Kill pods",
        "description": "d",
        "method": [
            {
                "type": "action",
                "name": "kill",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.pod.actions",
                    "func": func,
                    "arguments": arguments,
                },
            }
        ],
    }


UNSELECTIVE = [
    ("terminate_pods", {"all": True}),
    ("terminate_pods", {"label_selector": "", "all": True}),
    ("terminate_pods", {"label_selector": "  ", "name_pattern": "", "all": True}),
    ("delete_pods", {"name": "front", "label_selector": ""}),
    ("delete_pods", {"name": "", "label_selector": "{name}"}),
]


@pytest.mark.parametrize(("func", "arguments"), UNSELECTIVE)
@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
def test_file_terminating_pods_with_no_selection_is_refused(
    fake_cluster: FakeCluster,
    kubeconfig: Path,
    tmp_path: Path,
    func: str,
    arguments: dict[str, Any],
    dry_run: bool,
) -> None:
    fake_cluster.seed_demo()
    before = fake_cluster.pod_names()
    path = write(tmp_path / "e.json", _terminating_experiment(func, arguments))
    journal = tmp_path / "j.json"
    args = ["run", str(path), "--kubeconfig", str(kubeconfig), "--journal-path", str(journal)]
    result = run_chaosrun(*args, *(["--dry-run"] if dry_run else []), timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    doing = "terminate" if func == "terminate_pods" else "delete"
    refusal = (
        f"refusing to {doing} pods with neither a label selector nor a name pattern "
        "(that would select every pod in the namespace)"
    )
    assert f"=> failed: {refusal}" in result.stdout
    assert "Dry run: would" not in result.stdout
    assert fake_cluster.pod_names() == before
    if not dry_run:
        data = json.loads(journal.read_text())
        assert data["status"] == "failed"
        assert refusal in "".join(data["run"][0]["exception"])
