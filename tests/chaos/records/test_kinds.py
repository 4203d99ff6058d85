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
    from chaos.actions.service import PROXY_KIND

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
        PROXY_KIND,
    }


def _entry(kind: str, name: str, namespace: str, op: str, **fields: Any) -> RecordedObject:
    from chaos.records.model import Op

    return RecordedObject(kind, name, namespace, fields.pop("manifest", {}), op=Op(op), **fields)


@pytest.mark.parametrize(
    ("obj", "why"),
    [
        (_entry("StatefulSet", "db", "default", "scaled", previous="3"), "records '3'"),
        (_entry("StatefulSet", "db", "default", "scaled", previous=-1), "records -1 as the value"),
        (_entry("Node", "n1", "", "cordoned", previous="no"), "records 'no' as the value"),
        (_entry("Node", "n1", "default", "cordoned", previous=False), "not scoped as a Node is"),
        (_entry("Namespace", "kube-system", "", "created",
                manifest={"apiVersion": "v1", "kind": "Namespace",
                          "metadata": {"name": "kube-system"}}),
         "names the system namespace 'kube-system'"),
        (_entry("Secret", "s", "default", "scaled", previous=1), "a change chaosrun does not make"),
        (_entry("Service", "api", "default", "selector", previous={"app": 1}), "as the value"),
        (_entry("Secret", "s", "default", "deleted",
                manifest={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}}),
         "is not an v1 Secret"),
    ],
)  # fmt: skip
def test_a_generic_entry_not_as_chaosrun_records_it_is_refused(
    obj: RecordedObject, why: str
) -> None:
    refusal = in_cluster_refusal(record(deployment(), obj), "default")
    assert refusal is not None and why in refusal


def test_generic_entries_as_chaosrun_records_them_pass_and_say_what_restore_does() -> None:
    scaled = _entry("StatefulSet", "db", "default", "scaled", previous=3)
    cordoned = _entry("Node", "n1", "", "cordoned", previous=False)
    selector = _entry("Service", "api", "default", "selector", previous={"app": "back"})
    token = _entry(
        "Secret", "token", "default", "deleted",
        manifest={"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "token"},
                  "data": {"password": "c2VjcmV0"}},
    )  # fmt: skip
    assert (
        in_cluster_refusal(record(deployment(), scaled, cordoned, selector, token), "default")
        is None
    )
    assert [describe(o) for o in (scaled, cordoned, selector, token)] == [
        "scale StatefulSet default/db back to 3 replica(s)",
        "set Node n1 unschedulable back to false",
        "give Service default/api its selector app=back back",
        "create Secret default/token from its snapshot (1 key(s), values not shown)",
    ]


def proxy_entry(**changes: Any) -> RecordedObject:
    manifest: dict[str, Any] = {
        "service": "backend",
        "selector": {"app": "back"},
        "shadow": "backend-chaosrun-shadow",
        "proxy": "backend-chaosrun-proxy",
        "run": "20261207T130000Z-abc123",
    }
    manifest.update(changes)
    return RecordedObject("ServiceProxy", "backend", "default", manifest)


def test_a_fault_proxy_entry_as_chaosrun_writes_it_passes_and_says_what_restore_does() -> None:
    assert in_cluster_refusal(record(proxy_entry()), "default") is None
    assert describe(proxy_entry()) == (
        "set the selector of Service default/backend back to app=back, then delete Deployment "
        "backend-chaosrun-proxy and Service backend-chaosrun-shadow (if they carry "
        "chaosrun.io/run=20261207T130000Z-abc123)"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"proxy": "front"},  # would delete another Deployment
        {"shadow": "frontend"},  # would delete another Service
        {"service": "frontend"},  # would patch another Service than the one it is filed under
        {"selector": {}},
        {"selector": {"app": 1}},
        {"run": "x"},
        {"spec": {"type": "NodePort"}},  # anything beyond the selector
    ],
    ids=repr,
)
def test_a_fault_proxy_entry_that_would_touch_anything_else_is_refused(
    changes: dict[str, Any],
) -> None:
    refusal = in_cluster_refusal(record(proxy_entry(**changes)), "default")
    assert refusal is not None and "is not a fault proxy chaosrun put in front of a Service" in (
        refusal
    )
    elsewhere = proxy_entry()
    elsewhere.namespace = "other"
    assert "outside its own namespace" in (in_cluster_refusal(record(elsewhere), "default") or "")
