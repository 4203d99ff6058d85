"""--max-percent and --min-healthy on ``scale``, ``partition``, ``drain`` and ``latency``
against the tests' Kubernetes API server: refused before any change on the far side of the
edge (nothing changed, no journal), allowed on it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from testbed.kube.cluster import FakeCluster
from testbed.kube.resources import DEPLOYMENTS, NETWORKPOLICIES, NODES, PODS, SERVICES
from tests.chaos.cli.helpers import chaosrun, spawn
from tests.chaos.cli.test_cli_blast import break_the_floor, builtin, scene
from tests.chaos.engine.http_target import Target


def replicas(cluster: FakeCluster, name: str = "back") -> int:
    found = cluster.deployment(name)
    assert found is not None
    return int(found["spec"]["replicas"])


def refused(result: Result, sentence: str) -> None:
    assert result.exit_code == 2, result.output
    assert f"{sentence}; nothing was changed." in result.output
    assert "Traceback" not in result.output


@dataclass(frozen=True)
class Cli:
    """A built-in command against the tests' cluster, unmeasured, its journal ``journal``."""

    kubeconfig: Path
    target: Target
    journal: Path

    def __call__(self, command: str, *more: object) -> Result:
        return builtin(command, self.kubeconfig, self.target, self.journal, *more)

    def ran(self) -> dict[str, Any]:
        """The journal's first activity (the change)."""
        return dict(json.loads(self.journal.read_text())["run"][0])


@pytest.fixture
def cli(kubeconfig: Path, target: Target, tmp_path: Path) -> Cli:
    return Cli(kubeconfig, target, tmp_path / "j.json")


@pytest.mark.parametrize(
    ("to", "share", "code"), [("2", "50", 0), ("1", "50", 2), ("8", "0", 0), ("3", "24", 2)]
)
def test_scale_max_percent_counts_the_replicas_a_scale_down_removes(
    fake_cluster: FakeCluster,
    cli: Cli,
    to: str,
    share: str,
    code: int,
) -> None:
    scene(fake_cluster, back=4)
    result = cli("scale", "back", "--replicas", to, "--max-percent", share)
    if code == 2:
        removed = 4 - int(to)
        refused(
            result,
            f"--max-percent {share}: the selection is {removed} of 4 replicas of Deployment "
            f"default/back ({removed * 25} %)",
        )
        assert not cli.journal.exists()
    else:
        assert result.exit_code == 0, result.output
        assert cli.ran()["status"] == "succeeded"
    assert replicas(fake_cluster) == 4  # refused, or scaled back by the rollback


@pytest.mark.parametrize(("floor", "code"), [("2", 0), ("50%", 0), ("3", 2), ("51%", 2)])
def test_scale_min_healthy_counts_the_ready_replicas_left(
    fake_cluster: FakeCluster,
    cli: Cli,
    floor: str,
    code: int,
) -> None:
    scene(fake_cluster, back=4)
    result = cli("scale", "back", "--replicas", "2", "--min-healthy", floor)
    if code == 2:
        refused(
            result,
            f"--min-healthy {floor}: Deployment default/back would keep 2 Ready pod(s) of 4, "
            "fewer than 3",
        )
        assert [r for r in fake_cluster.api.requests if r.path.endswith("/scale")] == []
    else:
        assert result.exit_code == 0, result.output
    assert replicas(fake_cluster) == 4


def mark_one(cluster: FakeCluster, selector: str = "app=back") -> str:
    """Label one pod of ``selector`` ``cut=yes`` (its ReplicaSet still owns it)."""
    name = sorted(cluster.pod_names(selector=selector))[0]
    pod = cluster.store.get(PODS, "default", name)
    cluster.store.update_meta(
        PODS, "default", name, labels={**pod["metadata"]["labels"], "cut": "yes"}
    )
    return name


def policies(cluster: FakeCluster) -> list[str]:
    return [p["metadata"]["name"] for p in cluster.store.items(NETWORKPOLICIES)]


@pytest.mark.parametrize(
    ("selector", "share", "code"),
    [("cut=yes", "50", 0), ("app=back", "50", 2), ("cut=yes", "49", 2)],
)
def test_partition_max_percent_counts_the_pods_of_their_workloads(
    fake_cluster: FakeCluster,
    cli: Cli,
    selector: str,
    share: str,
    code: int,
) -> None:
    scene(fake_cluster)
    mark_one(fake_cluster)
    result = cli("partition", "--selector", selector, "--max-percent", share)
    if code == 2:
        cut = 1 if selector == "cut=yes" else 2
        refused(
            result,
            f"--max-percent {share}: the selection is {cut} of 2 pods of the workloads of "
            f"{selector} ({cut * 50} %)",
        )
        assert [
            r
            for r in fake_cluster.api.requests
            if "networkpolicies" in r.path and r.method == "POST"
        ] == []
    else:
        assert result.exit_code == 0, result.output
        assert cli.ran()["status"] == "succeeded"
    assert policies(fake_cluster) == []


@pytest.mark.parametrize(("floor", "code"), [("1", 0), ("2", 2)])
def test_partition_min_healthy_counts_a_pod_cut_off_as_lost(
    fake_cluster: FakeCluster,
    cli: Cli,
    floor: str,
    code: int,
) -> None:
    scene(fake_cluster)
    mark_one(fake_cluster)
    result = cli("partition", "--selector", "cut=yes", "--min-healthy", floor)
    if code == 2:
        assert result.exit_code == 2, result.output
        assert "--min-healthy 2: ReplicaSet default/back-" in result.output
        assert "would keep 1 Ready pod(s) of 2, fewer than 2; nothing was changed." in result.output
    else:
        assert result.exit_code == 0, result.output
    assert policies(fake_cluster) == []


def two_nodes_one_pod_each(cluster: FakeCluster) -> None:
    """``back``'s two pods: one on node-1, one on node-2."""
    scene(cluster, back=1)
    cluster.add_node("node-2")
    cluster.store.patch(NODES, None, "node-1", {"spec": {"unschedulable": True}})
    cluster.store.patch(DEPLOYMENTS, "default", "back", {"spec": {"replicas": 2}})
    cluster.wait_ready("app=back", count=2)
    cluster.store.patch(NODES, None, "node-1", {"spec": {"unschedulable": None}})
    hosts = sorted(p["spec"].get("nodeName") for p in cluster.ready_pods(selector="app=back"))
    assert hosts == ["node-1", "node-2"]


def cordoned(cluster: FakeCluster, node: str = "node-1") -> bool:
    return bool(cluster.store.get(NODES, None, node).get("spec", {}).get("unschedulable"))


DRAIN = ("node-1", "--timeout", "30")


def evictions(cluster: FakeCluster) -> list[Any]:
    return [r for r in cluster.api.requests if r.path.endswith("/eviction")]


@pytest.mark.parametrize(("share", "code"), [("50", 0), ("49", 2)])
def test_drain_max_percent_counts_the_nodes_of_the_cluster(
    fake_cluster: FakeCluster,
    cli: Cli,
    share: str,
    code: int,
) -> None:
    two_nodes_one_pod_each(fake_cluster)
    result = cli("drain", *DRAIN, "--max-percent", share)
    if code == 2:
        refused(
            result, f"--max-percent {share}: the selection is 1 of 2 nodes of the cluster (50 %)"
        )
        assert evictions(fake_cluster) == []
    else:
        assert result.exit_code in (0, 1), result.output  # the hypothesis may see a pod starting
        assert cli.ran()["status"] == "succeeded"
        assert evictions(fake_cluster)
    assert not cordoned(fake_cluster)


@pytest.mark.parametrize(("floor", "code"), [("1", 0), ("50%", 0), ("2", 2)])
def test_drain_min_healthy_counts_the_pods_it_evicts(
    fake_cluster: FakeCluster,
    cli: Cli,
    floor: str,
    code: int,
) -> None:
    two_nodes_one_pod_each(fake_cluster)
    result = cli("drain", *DRAIN, "--min-healthy", floor)
    if code == 2:
        assert result.exit_code == 2, result.output
        assert "--min-healthy 2: ReplicaSet default/back-" in result.output
        assert "would keep 1 Ready pod(s) of 2, fewer than 2; nothing was changed." in result.output
        assert evictions(fake_cluster) == []
    else:
        assert result.exit_code in (0, 1), result.output
        assert cli.ran()["status"] == "succeeded"
    assert not cordoned(fake_cluster)


def shop(cluster: FakeCluster) -> None:
    scene(cluster)
    cluster.store.create(
        SERVICES,
        "default",
        {
            "metadata": {"name": "shop"},
            "spec": {"selector": {"app": "back"}, "ports": [{"port": 80, "targetPort": 8081}]},
        },
    )


def test_latency_slows_every_pod_behind_its_service(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    shop(fake_cluster)
    journal = tmp_path / "j.json"

    def latency(*more: object) -> Result:
        return chaosrun(
            "latency", "--kubeconfig", kubeconfig, "--frontend-url", target.url, "--no-measure",
            "--no-history", "--journal-path", journal, "--service", "shop", "--duration", "0",
            *more,
        )  # fmt: skip

    result = latency("--max-percent", "99")
    refused(
        result, "--max-percent 99: the selection is 2 of 2 pods behind Service default/shop (100 %)"
    )
    assert sorted(s["metadata"]["name"] for s in fake_cluster.store.items(SERVICES)) == ["shop"]
    allowed = latency("--max-percent", "100", "--dry-run")
    assert allowed.exit_code == 0, allowed.output
    assert "Dry run: would put the fault proxy" in allowed.output


def test_a_floor_broken_during_a_scale_stops_the_run_and_scales_back(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path
) -> None:
    scene(fake_cluster, back=4)
    journal = tmp_path / "j.json"
    proc = spawn(
        "scale", "back", "--replicas", "2", "--min-healthy", "2", "--kubeconfig",
        str(kubeconfig), "--frontend-url", target.url, "--pause", "60", "--no-measure",
        "--no-history", "--journal-path", str(journal),
    )  # fmt: skip
    break_the_floor(proc, fake_cluster)
    data = json.loads(journal.read_text())
    assert data["status"] == "interrupted"
    assert data["interruption"]["reason"].startswith(
        "--min-healthy 2: Deployment default/back has "
    )
    assert replicas(fake_cluster) == 4
