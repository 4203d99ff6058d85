"""A file's catalogue functions that choose pods, nodes or workloads are refused before the
first change when a blast-radius limit forbids them (``chaosrun run`` against the tests'
Kubernetes API server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbed.kube.cluster import FakeCluster
from testbed.kube.resources import NODES
from tests.chaos.cli.helpers import chaosrun, write
from tests.chaos.cli.test_cli_blast import scene
from tests.chaos.cli.test_cli_blast_changes import cordoned, policies, refused, replicas


def action(module: str, func: str, **arguments: object) -> dict[str, object]:
    return {
        "type": "action",
        "name": func,
        "provider": {"type": "python", "module": module, "func": func, "arguments": arguments},
    }


@pytest.mark.parametrize(
    ("activity", "sentence"),
    [
        (
            action("chaosk8s.deployment.actions", "scale_deployment", name="back", replicas=0),
            "the selection is 2 of 2 replicas of Deployment default/back (100 %)",
        ),
        (
            action("chaosk8s.node.actions", "drain_nodes", name="node-1"),
            "the selection is 1 of 2 nodes of the cluster (50 %)",
        ),
        (
            action("chaosk8s.networking.actions", "deny_all_ingress"),
            "the selection is 2 of 2 pods of the workloads of every pod in default (100 %)",
        ),
        (
            action("chaosk8s.node.actions", "delete_nodes"),
            "the selection is 1 of 2 nodes of the cluster (50 %)",
        ),
    ],
)
def test_a_file_is_refused_before_its_first_change(
    fake_cluster: FakeCluster,
    kubeconfig: Path,
    tmp_path: Path,
    activity: dict[str, object],
    sentence: str,
) -> None:
    scene(fake_cluster)
    fake_cluster.add_node("node-2")
    experiment = write(
        tmp_path / "e.json",
        {"title": "t", "description": "d", "method": [activity]},
    )
    result = chaosrun(
        "run", experiment, "--kubeconfig", kubeconfig, "-n", "default", "--max-percent", "49",
        "--allow-irreversible", "--no-history", "--journal-path", tmp_path / "j.json",
    )  # fmt: skip
    refused(result, f"--max-percent 49: {sentence}")
    assert replicas(fake_cluster) == 2
    assert policies(fake_cluster) == []
    assert not cordoned(fake_cluster)
    assert len(list(fake_cluster.store.items(NODES))) == 2


@pytest.mark.parametrize(("floor", "code"), [("0", 0), ("1", 2)])
def test_deleting_a_workload_leaves_it_no_ready_pod(
    fake_cluster: FakeCluster, kubeconfig: Path, tmp_path: Path, floor: str, code: int
) -> None:
    scene(fake_cluster)
    experiment = write(
        tmp_path / "e.json",
        {
            "title": "t",
            "description": "d",
            "method": [
                action(
                    "chaosk8s.replicaset.actions", "delete_replica_set", label_selector="app=back"
                )
            ],
        },
    )
    before = fake_cluster.pod_names(selector="app=back")
    result = chaosrun(
        "run", experiment, "--kubeconfig", kubeconfig, "--min-healthy", floor, "--no-history",
        "--journal-path", tmp_path / "j.json",
    )  # fmt: skip
    if code == 2:
        assert result.exit_code == 2, result.output
        assert "--min-healthy 1: ReplicaSet default/back-" in result.output
        assert "would keep 0 Ready pod(s) of 2, fewer than 1; nothing was changed." in result.output
        assert fake_cluster.pod_names(selector="app=back") == before
    else:
        assert result.exit_code == 0, result.output
