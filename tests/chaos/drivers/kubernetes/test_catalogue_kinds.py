"""The chaosk8s probes over kinds beyond pods, Deployments and Services (nodes, StatefulSets,
DaemonSets, Secrets, Ingresses, events, custom objects), end to end against the tests' API server
with the real client; each is skipped while that server does not serve its kind."""

from __future__ import annotations

from typing import Any

import pytest

from chaos.actions.errors import ActivityFailed
from chaos.drivers.base import (
    DAEMONSETS,
    EVENTS,
    INGRESSES,
    NODES,
    SECRETS,
    STATEFULSETS,
    custom_kind,
)
from chaos.drivers.kubernetes import KubernetesDriver
from testbed.kube.cluster import FakeCluster, wait_until
from testbed.kube.controller import READY_ANNOTATION
from tests.support.kube_objects import (
    CRDS,
    NETWORKCHAOS,
    STRESSCHAOS,
    call,
    create,
    define,
    set_status,
    unserved,
)

# ---- kinds the test server may not serve yet -----------------------------------------------


def node(name: str, ready: bool, pool: str) -> dict[str, Any]:
    """A node as its kubelet reports it; the annotation keeps the test server's kubelet, where
    it has one, reporting the same."""
    stamp = "2026-01-01T00:00:00Z"
    conditions = {"MemoryPressure": "False", "PIDPressure": "False", "Ready": str(ready)}
    return {
        "metadata": {
            "name": name,
            "labels": {"pool": pool},
            "annotations": {READY_ANNOTATION: str(ready).lower()},
        },
        "status": {
            "conditions": [
                {"type": t, "status": s, "lastHeartbeatTime": stamp, "lastTransitionTime": stamp}
                for t, s in conditions.items()
            ]
        },
    }


@unserved(NODES)
def test_node_probes(fake_cluster: FakeCluster, driver: KubernetesDriver) -> None:
    for name, ready, pool in (("n-ok", True, "a"), ("n-sick", False, "b")):
        body = node(name, ready, pool)
        create(driver, NODES, body, None)
        set_status(driver, NODES, name, body["status"], None)
    listed = call(driver, "chaosk8s.node.probes.get_nodes", label_selector="pool=a")
    assert listed["kind"] == "NodeList"
    assert [n["metadata"]["name"] for n in listed["items"]] == ["n-ok"]
    conditions = "chaosk8s.node.probes.get_all_node_status_conditions"
    wait_until(
        lambda: (
            {(s["name"], s.get("Ready")) for s in call(driver, conditions, label_selector="pool")}
            == {("n-ok", "True"), ("n-sick", "False")}
        ),
        what="the nodes' conditions",
    )
    statuses = call(driver, conditions, label_selector="pool in (a,b)")
    assert all(s["PIDPressure"] == "False" for s in statuses)
    ready = "chaosk8s.node.probes.all_nodes_must_be_ready_to_schedule"
    assert call(driver, ready, label_selector="pool=a") is True
    assert call(driver, ready, label_selector="pool in (a,b)") is False
    verify = "chaosk8s.node.probes.verify_nodes_condition"
    assert call(driver, verify, label_selector="pool") is True  # PIDPressure False everywhere
    assert (
        call(driver, verify, condition_type="Ready", condition_value="True", label_selector="pool")
        is False
    )
    assert (
        call(
            driver, verify, condition_type="Ready", condition_value="False", label_selector="pool=b"
        )
        is True
    )
    healthy = "chaosk8s.node.probes.nodes_must_be_healthy"
    assert call(driver, healthy, label_selector="pool=a") is True
    assert call(driver, healthy, label_selector="pool=b") is False


def workload(name: str, replicas: int | None) -> dict[str, Any]:
    labels = {"app": name}
    spec: dict[str, Any] = {
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": name, "image": "x"}]},
        },
    }
    if replicas is not None:
        spec["replicas"] = replicas
        spec["serviceName"] = name
    return {"metadata": {"name": name, "labels": labels}, "spec": spec}


def unready(cluster: FakeCluster, selector: str) -> None:
    """Every pod ``selector`` matches fails its readiness probe."""
    pods = wait_until(lambda: cluster.pod_names(selector=selector), what=f"pods of {selector}")
    for pod in pods:
        cluster.set_pod_ready(pod, False)


@unserved(STATEFULSETS)
def test_statefulset_probes(fake_cluster: FakeCluster, driver: KubernetesDriver) -> None:
    create(driver, STATEFULSETS, workload("db", 1))
    fully = "chaosk8s.statefulset.probes.statefulset_fully_available"
    not_fully = "chaosk8s.statefulset.probes.statefulset_not_fully_available"
    assert call(driver, fully, name="db", timeout=10) is True
    assert call(driver, not_fully, name="db", timeout=1, raise_on_fully_available=False) is False
    with pytest.raises(ActivityFailed, match="microservice 'db' failed to stop running within 1s"):
        call(driver, not_fully, name="db", timeout=1)
    unready(fake_cluster, "app=db")
    assert call(driver, not_fully, name="db", label_selector="app=db", timeout=10) is True
    with pytest.raises(ActivityFailed, match="microservice 'db' failed to recover within 1s"):
        call(driver, fully, name="db", timeout=1)
    assert call(driver, fully, name="nope", timeout=1, raise_on_not_fully_available=False) is False


@unserved(DAEMONSETS)
def test_daemonset_probes(fake_cluster: FakeCluster, driver: KubernetesDriver) -> None:
    """On the test server's one node, the DaemonSet runs one pod."""
    create(driver, DAEMONSETS, workload("agent", None))
    probes = "chaosk8s.daemonset.probes."
    # A new DaemonSet reads 0 of 0 pods ready (fully available) until its controller has
    # scheduled the node's pod: wait for that pod to be Ready.
    partially = probes + "daemon_set_partially_available"
    wait_until(lambda: call(driver, partially, name="agent"), what="the agent pod Ready")
    assert call(driver, probes + "daemon_set_fully_available", name="agent", timeout=10) is True
    assert call(driver, probes + "daemon_set_available_and_healthy", name="agent") is True
    assert call(driver, probes + "daemon_set_partially_available", name="agent") is True
    assert call(driver, probes + "daemon_set_available_and_healthy", name="nope") is False
    assert call(driver, probes + "daemon_set_partially_available", name="nope") is False
    assert call(driver, probes + "daemon_set_not_fully_available", name="agent", timeout=1) is False
    unready(fake_cluster, "app=agent")
    assert call(driver, probes + "daemon_set_not_fully_available", name="agent", timeout=10) is True
    assert call(driver, probes + "daemon_set_available_and_healthy", name="agent") is False
    assert call(driver, probes + "daemon_set_partially_available", name="agent") is False
    assert call(driver, probes + "daemon_set_fully_available", name="agent", timeout=1) is False


@unserved(SECRETS)
def test_secret_exists(fake_cluster: FakeCluster, driver: KubernetesDriver) -> None:
    create(
        driver,
        SECRETS,
        {"metadata": {"name": "token", "labels": {"app": "back"}}, "stringData": {"k": "v"}},
    )
    probe = "chaosk8s.secret.probes.secret_exists"
    assert call(driver, probe, name="token") is True
    assert call(driver, probe, label_selector="app=back") is True
    assert call(driver, probe, name="token", label_selector="app=front") is False
    assert call(driver, probe, name="nope") is False


@unserved(INGRESSES)
def test_ingress_exists(fake_cluster: FakeCluster, driver: KubernetesDriver) -> None:
    rule = {
        "http": {
            "paths": [
                {
                    "path": "/",
                    "pathType": "Prefix",
                    "backend": {"service": {"name": "frontend", "port": {"number": 80}}},
                }
            ]
        }
    }
    create(driver, INGRESSES, {"metadata": {"name": "web"}, "spec": {"rules": [rule]}})
    assert call(driver, "chaosk8s.networking.probes.ingress_exists", name="web") is True
    assert call(driver, "chaosk8s.networking.probes.ingress_exists", name="nope") is False


@unserved(EVENTS)
def test_get_events(fake_cluster: FakeCluster, driver: KubernetesDriver) -> None:
    for n in range(3):
        create(
            driver,
            EVENTS,
            {
                "metadata": {"name": f"e{n}", "labels": {"source": "test"}},
                "eventTime": "2026-01-01T00:00:00.000000Z",
                "reason": "Tested",
                "action": "Testing",
                "reportingController": "chaosrun.test",
                "reportingInstance": "t",
                "regarding": {"kind": "Pod", "name": "p", "namespace": "default"},
                "type": "Normal",
            },
        )
    events = call(driver, "chaosk8s.event.probes.get_events", label_selector="source=test", limit=2)
    assert {e["metadata"]["name"] for e in events["items"]} <= {"e0", "e1", "e2"}
    sent = [r.query for r in fake_cluster.api.requests if r.path.rstrip("/").endswith("/events")]
    assert sent[-1] == {"labelSelector": "source=test", "limit": "2"}
    everything = call(driver, "chaosk8s.event.probes.get_events", field_selector="metadata.name=e1")
    assert [e["metadata"]["name"] for e in everything["items"]] == ["e1"]


@unserved(CRDS)
def test_custom_object_probes(fake_cluster: FakeCluster, driver: KubernetesDriver) -> None:
    define(driver, NETWORKCHAOS, "NetworkChaos")
    define(driver, STRESSCHAOS, "StressChaos")
    cluster_kind = custom_kind("example.com", "v1", "widgets", namespaced=False)
    define(driver, cluster_kind, "Widget")
    create(
        driver,
        NETWORKCHAOS,
        {"kind": "NetworkChaos", "metadata": {"name": "slow"}, "spec": {"action": "delay"}},
    )
    create(
        driver,
        STRESSCHAOS,
        {"kind": "StressChaos", "metadata": {"name": "burn"}, "spec": {"mode": "one"}},
    )
    create(driver, cluster_kind, {"kind": "Widget", "metadata": {"name": "w1"}}, None)
    crd = "chaosk8s.crd.probes."
    got = call(
        driver,
        crd + "get_custom_object",
        group="chaos-mesh.org",
        version="v1alpha1",
        plural="networkchaos",
        name="slow",
    )
    assert got["spec"] == {"action": "delay"}
    listed = call(
        driver,
        crd + "list_custom_objects",
        group="chaos-mesh.org",
        version="v1alpha1",
        plural="networkchaos",
    )
    assert [o["metadata"]["name"] for o in listed["items"]] == ["slow"]
    assert (
        call(
            driver,
            crd + "get_cluster_custom_object",
            group="example.com",
            version="v1",
            plural="widgets",
            name="w1",
        )["metadata"]["name"]
        == "w1"
    )
    assert (
        len(
            call(
                driver,
                crd + "list_cluster_custom_objects",
                group="example.com",
                version="v1",
                plural="widgets",
            )["items"]
        )
        == 1
    )
    mesh = "chaosk8s.chaosmesh."
    assert (
        call(driver, mesh + "network.probes.get_network_fault", name="slow")["metadata"]["name"]
        == "slow"
    )
    assert [
        o["metadata"]["name"]
        for o in call(driver, mesh + "network.probes.get_network_faults")["items"]
    ] == ["slow"]
    assert call(driver, mesh + "stress.probes.get_stressor", name="burn")["spec"] == {"mode": "one"}
    assert len(call(driver, mesh + "stress.probes.get_stressors")["items"]) == 1
