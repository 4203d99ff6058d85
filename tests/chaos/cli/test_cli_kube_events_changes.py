"""Kubernetes Events for the generic changes and their undo (``scale``, ``partition``, ``drain``'s
cordon, the selector swap of ``latency --service``), by the run's rollback and by ``chaosrun
restore``, listed from the tests' API server with the real ``kubernetes`` client."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

from testbed.kube.cluster import FakeCluster, wait_until
from tests.chaos.cli.helpers import chaosrun, read_until, spawn
from tests.chaos.cli.test_cli_blast import builtin, scene
from tests.chaos.cli.test_cli_blast_changes import shop, two_nodes_one_pod_each
from tests.chaos.cli.test_cli_kube_events import events
from tests.chaos.engine.http_target import Target


def story(kube_api: Any, kind: str, name: str) -> list[tuple[str, str]]:
    """(reason, what was done) of chaosrun's Events on ``kind`` ``name``, in order."""
    return [
        (e.reason, e.message.split("): ", 1)[1])
        for e in events(kube_api)
        if (e.involved_object.kind, e.involved_object.name) == (kind, name)
    ]


def run_id(journal: Path) -> str:
    return str(json.loads(journal.read_text())["chaosrun"]["run_id"])


def test_scale_and_its_rollback_are_events_on_the_deployment(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, kube_api: Any
) -> None:
    scene(fake_cluster, back=2)
    journal = tmp_path / "j.json"
    result = builtin("scale", kubeconfig, target, journal, "back", "--replicas", "1")
    assert result.exit_code == 0, result.output
    assert story(kube_api, "Deployment", "back") == [
        ("ChaosInjected", "scaled Deployment default/back from 2 to 1 replicas"),
        ("ChaosReverted", "scaled Deployment default/back back to 2 replicas (undone)"),
    ]
    (injected, _) = events(kube_api)
    assert injected.involved_object.api_version == "apps/v1"
    assert injected.reporting_instance == run_id(journal)
    assert injected.message.startswith(f"chaosrun run {run_id(journal)} (What happens if ")

    refused = builtin(
        "scale", kubeconfig, target, tmp_path / "r.json", "back", "--replicas", "0",
        "--max-percent", "50",
    )  # fmt: skip
    assert refused.exit_code == 2, refused.output
    last = events(kube_api)[-1]
    assert (last.reason, last.type, last.involved_object.name) == (
        "ChaosRefused",
        "Warning",
        "back",
    )
    assert last.message.endswith(
        "not scaled to 0: --max-percent 50: the selection is 2 of 2 replicas of Deployment "
        "default/back (100 %)"
    )


def test_partition_is_events_on_its_network_policy(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, kube_api: Any
) -> None:
    scene(fake_cluster)
    result = builtin("partition", kubeconfig, target, tmp_path / "j.json", "--selector", "app=back")
    assert result.exit_code == 0, result.output
    (created, _) = events(kube_api)
    assert created.involved_object.api_version == "networking.k8s.io/v1"
    assert story(kube_api, "NetworkPolicy", "chaosrun-partition") == [
        ("ChaosInjected", "created NetworkPolicy default/chaosrun-partition"),
        (
            "ChaosReverted",
            "deleted NetworkPolicy default/chaosrun-partition, which the run had created (undone)",
        ),
    ]


def test_drain_is_events_on_the_node(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, kube_api: Any
) -> None:
    two_nodes_one_pod_each(fake_cluster)
    result = builtin("drain", kubeconfig, target, tmp_path / "j.json", "node-1", "--timeout", "30")
    assert result.exit_code in (0, 1), result.output  # the hypothesis may see a pod starting
    assert story(kube_api, "Node", "node-1") == [
        ("ChaosInjected", "cordoned Node node-1"),
        ("ChaosReverted", "set Node node-1 back to schedulable (undone)"),
    ]
    # A Node's Events go in the default namespace and name no namespace of their own.
    assert all(e.involved_object.namespace is None for e in events(kube_api))


def test_the_selector_swap_is_events_on_the_service(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, kube_api: Any
) -> None:
    shop(fake_cluster)
    result = chaosrun(
        "latency", "--kubeconfig", kubeconfig, "--frontend-url", target.url, "--no-measure",
        "--no-history", "--journal-path", tmp_path / "j.json", "--service", "shop",
        "--duration", "0", "--proxy-image", "chaosrun/runner:test",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ((injected, put), (reverted, taken)) = story(kube_api, "Service", "shop")
    assert (injected, reverted) == ("ChaosInjected", "ChaosReverted")
    assert put.startswith("put the fault proxy (chaosrun/runner:test; ")
    assert put.endswith("in front of Service default/shop")
    assert taken.startswith("took the fault proxy away: the selector is back")


def test_restore_after_a_kill_is_an_event_on_what_it_puts_back(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, kube_api: Any
) -> None:
    scene(fake_cluster, back=2)
    proc = spawn(
        "scale", "back", "--replicas", "1", "--kubeconfig", str(kubeconfig), "--frontend-url",
        target.url, "--pause", "60", "--no-measure", "--no-history", "--journal-path",
        str(tmp_path / "j.json"),
    )  # fmt: skip
    try:
        read_until(proc, "Pausing after activity for 60s...")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    restored = chaosrun("restore", "--yes")
    assert restored.exit_code == 0, restored.output
    wait_until(lambda: len(story(kube_api, "Deployment", "back")) == 2, what="the restore's Event")
    (_, (reason, done)) = story(kube_api, "Deployment", "back")
    assert (reason, done) == (
        "ChaosReverted",
        "scaled Deployment default/back back to 2 replicas (restored), by chaosrun restore",
    )
