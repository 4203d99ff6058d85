"""The allow-list of what a run record kept in a cluster may hold, and how it is told."""

from __future__ import annotations

from typing import Any

import pytest

from chaos.drivers.factory import TargetRef
from chaos.records import RECORDED_KINDS, RecordedObject, RunRecord
from chaos.records.kinds import describe, in_cluster_refusal


def deployment(name: str = "back", namespace: str = "default", **pod: Any) -> RecordedObject:
    manifest = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "replicas": 2,
            "template": {"spec": {"containers": [{"name": "c", "image": "img:1"}], **pod}},
        },
    }
    return RecordedObject("Deployment", name, namespace, manifest)


def record(*objects: RecordedObject) -> RunRecord:
    return RunRecord("r1", TargetRef(), "t", None, 1, "h", objects=list(objects))


def test_a_deployment_and_a_fault_in_their_own_namespace_pass() -> None:
    fault = RecordedObject(
        "ServiceFault", "backend", "default", {"service": "backend", "fault": {"delay": 1}}
    )
    assert in_cluster_refusal(record(deployment(), fault), "default") is None


@pytest.mark.parametrize(
    ("obj", "why"),
    [
        (deployment(namespace="other"), "outside its own namespace 'default'"),
        (deployment(namespace="kube-node-lease"), "in the system namespace 'kube-node-lease'"),
        (RecordedObject("ConfigMap", "c", "default", {}), "a kind chaosrun does not record"),
        (
            RecordedObject("ServiceFault", "backend", "default", {"service": "x", "fault": {}}),
            "is not a fault chaosrun injected",
        ),
    ],
)
def test_what_chaosrun_would_not_have_recorded_is_refused(obj: RecordedObject, why: str) -> None:
    refusal = in_cluster_refusal(record(deployment(), obj), "default")
    assert refusal is not None and why in refusal


def test_a_deployment_snapshot_must_be_the_deployment_it_is_filed_under() -> None:
    other = deployment()
    other.manifest["metadata"]["name"] = "front"
    refusal = in_cluster_refusal(record(other), "default")
    assert refusal == "its snapshot of Deployment default/back names another Deployment ('front')"
    pod = deployment()
    pod.manifest["kind"] = "DaemonSet"
    assert "is not an apps/v1 Deployment" in (in_cluster_refusal(record(pod), "default") or "")


def test_restore_says_what_gives_a_pod_power_over_its_node() -> None:
    privileged = deployment(
        hostPID=True,
        serviceAccountName="admin",
        volumes=[{"name": "root", "hostPath": {"path": "/"}}],
        initContainers=[{"name": "i", "securityContext": {"privileged": True}}],
    )
    assert describe(privileged) == (
        "create Deployment default/back from its snapshot (2 replica(s); image img:1; "
        "hostPID true; container 'i' privileged; hostPath volume 'root'; service account 'admin')"
    )
    assert describe(deployment()) == (
        "create Deployment default/back from its snapshot (2 replica(s); image img:1)"
    )


def test_the_allow_list_holds_what_the_faults_record() -> None:
    from chaos.actions.backend import FAULT_KIND

    assert set(RECORDED_KINDS) == {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Service",
        "Secret",
        "Namespace",
        "Node",
        "NetworkPolicy",
        "Ingress",
        FAULT_KIND,
    }
