"""Kubernetes Events for every change and undo, listed from the tests' API server with the
real ``kubernetes`` client; an Event that cannot be written never fails the run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from testbed.kube.cluster import FakeCluster
from tests.chaos.cli.helpers import chaosrun
from tests.chaos.engine.http_target import Target


def events(kube_api: Any) -> list[Any]:
    from kubernetes import client

    found = client.CoreV1Api(kube_api).list_namespaced_event("default").items
    return sorted(
        (e for e in found if e.source and e.source.component == "chaosrun"),
        key=lambda e: int(e.metadata.annotations["chaosrun.io/sequence"]),
    )


def run(kind: str, kubeconfig: Path, target: Target, journal: Path, *more: object) -> Any:
    return chaosrun(
        kind, "--kubeconfig", kubeconfig, "--frontend-url", target.url, "--pause", "0",
        "--no-measure", "--no-history", "--journal-path", journal, *more,
    )  # fmt: skip


def test_an_event_per_change_and_undo(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, kube_api: Any
) -> None:
    fake_cluster.seed_demo()
    journal = tmp_path / "j.json"
    result = run("deployment", kubeconfig, target, journal)
    assert result.exit_code == 0, result.output
    run_id = json.loads(journal.read_text())["chaosrun"]["run_id"]
    injected, reverted = events(kube_api)
    for event in (injected, reverted):
        assert event.involved_object.kind == "Deployment"
        assert event.involved_object.name == "back"
        assert event.involved_object.api_version == "apps/v1"
        assert event.reporting_component == "chaosrun"
        assert event.reporting_instance == run_id
        assert event.message.startswith(
            f"chaosrun run {run_id} (What happens if the backend service is down?): "
        )
    assert injected.reason == "ChaosInjected" and injected.type == "Normal"
    assert injected.message.endswith("deleted Deployment default/back")
    assert reverted.reason == "ChaosReverted"
    assert "restored Deployment default/back from its snapshot" in reverted.message

    (pod,) = fake_cluster.pod_names(selector="app=front")
    result = run("pod", kubeconfig, target, tmp_path / "p.json")
    assert result.exit_code == 0, result.output
    last = events(kube_api)[-1]
    assert (last.reason, last.involved_object.kind, last.involved_object.name) == (
        "ChaosInjected",
        "Pod",
        pod,
    )

    refused = run("deployment", kubeconfig, target, tmp_path / "r.json", "--min-healthy", "1")
    assert refused.exit_code == 2
    last = events(kube_api)[-1]
    assert (last.reason, last.type, last.involved_object.name) == (
        "ChaosRefused",
        "Warning",
        "back",
    )
    assert "--min-healthy 1" in last.message


def test_an_event_that_cannot_be_written_warns_once(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, kube_api: Any
) -> None:
    fake_cluster.seed_demo()
    fake_cluster.api.access.deny("create", "events")
    journal = tmp_path / "j.json"
    result = run("deployment", kubeconfig, target, journal)
    assert result.exit_code == 0, result.output
    assert result.output.count("could not write a Kubernetes Event") == 1
    assert json.loads(journal.read_text())["status"] == "completed"
    assert fake_cluster.deployment("back") is not None
