"""The chaosk8s probes chaosrun runs natively, end to end: the registered function, the real
``kubernetes`` client and the tests' API server, called with the arguments the extension's
documentation shows, asserted on what they return.

Probes over kinds the test server does not serve yet are skipped on a capability check of the
server (``served``); they run as soon as it serves them."""

from __future__ import annotations

from typing import Any

import pytest

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.registry import lookup
from chaos.drivers.base import (
    DAEMONSETS,
    EVENTS,
    INGRESSES,
    NODES,
    SECRETS,
    STATEFULSETS,
    ObjectKind,
    custom_kind,
)
from chaos.drivers.kubernetes import KubernetesDriver
from chaos.drivers.kubernetes.objects import collection_path
from testbed.kube.cluster import FakeCluster, wait_until
from testbed.kube.controller import PHASE_ANNOTATION, READY_ANNOTATION
from testbed.kube.resources import PODS, RESOURCES


def served(kind: ObjectKind, subresource: str | None = None) -> bool:
    """Whether the tests' API server serves ``kind`` (and its ``subresource``)."""
    return any(
        r.group == kind.group
        and r.version == kind.version
        and r.plural == kind.plural
        and (subresource is None or subresource in r.subresources)
        for r in RESOURCES
    )


def unserved(kind: ObjectKind, subresource: str | None = None) -> pytest.MarkDecorator:
    what = f"{kind.plural}/{subresource}" if subresource else kind.plural
    return pytest.mark.skipif(
        not served(kind, subresource),
        reason=f"the tests' API server does not serve {what} ({kind.api_version}) yet",
    )


POD_KIND = ObjectKind("Pod", "", "v1", "pods")
CRDS = ObjectKind(
    "CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions", False
)
NETWORKCHAOS = custom_kind("chaos-mesh.org", "v1alpha1", "networkchaos")
STRESSCHAOS = custom_kind("chaos-mesh.org", "v1alpha1", "stresschaos")


def call(driver: KubernetesDriver, qualified: str, **arguments: Any) -> Any:
    module, _, func = qualified.rpartition(".")
    native = lookup(module, func)
    assert native is not None, qualified
    return native.impl(RunContext(driver_factory=lambda: driver), **arguments)


def create(
    driver: KubernetesDriver, kind: ObjectKind, body: dict[str, Any], ns: str | None = "default"
) -> dict[str, Any]:
    """Create an object through the API, as ``kubectl create`` would."""
    body = {"apiVersion": kind.api_version, "kind": kind.kind, **body}
    return dict(
        driver.send("POST", collection_path(kind, ns if kind.namespaced else None), body=body)
    )


def set_status(
    driver: KubernetesDriver,
    kind: ObjectKind,
    name: str,
    status: dict[str, Any],
    ns: str | None = "default",
) -> None:
    path = f"{collection_path(kind, ns if kind.namespaced else None)}/{name}/status"
    driver.send("PATCH", path, body={"status": status}, content_type="application/merge-patch+json")


@pytest.fixture
def demo(fake_cluster: FakeCluster) -> FakeCluster:
    fake_cluster.seed_demo()
    return fake_cluster


# ---- pods --------------------------------------------------------------------------------


def test_pods_in_phase(demo: FakeCluster, driver: KubernetesDriver) -> None:
    assert call(driver, "chaosk8s.pod.probes.pods_in_phase", label_selector="app=back") is True
    assert (
        call(
            driver,
            "chaosk8s.pod.probes.pods_in_phase",
            label_selector="app=back",
            phase="Pending",
            raise_on_invalid_phase=False,
        )
        is False
    )
    with pytest.raises(ActivityFailed, match="no pod matches label selector 'app=none'"):
        call(driver, "chaosk8s.pod.probes.pods_in_phase", label_selector="app=none")


def test_pods_in_conditions(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.pod.probes.pods_in_conditions"
    ready = [{"type": "Ready", "status": "True"}]
    assert call(driver, probe, label_selector="app=back", conditions=ready) is True
    (pod,) = demo.pod_names(selector="app=back")
    demo.set_pod_ready(pod, False)
    wait_until(lambda: not demo.ready_pods(selector="app=back"), what="the pod to be unready")
    with pytest.raises(ActivityFailed, match=f"pod {pod} does not match the condition"):
        call(driver, probe, label_selector="app=back", conditions=ready)
    assert (
        call(
            driver,
            probe,
            label_selector="app=back",
            conditions=ready,
            raise_on_invalid_conditions=False,
        )
        is False
    )


def test_pods_not_in_phase(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.pod.probes.pods_not_in_phase"
    assert call(driver, probe, label_selector="app=front", phase="Failed") is True
    with pytest.raises(ActivityFailed, match="should not be in phase 'Running'"):
        call(driver, probe, label_selector="app=front")
    assert call(driver, probe, label_selector="app=front", raise_on_in_phase=False) is False


def test_count_pods_and_count_min_pods(demo: FakeCluster, driver: KubernetesDriver) -> None:
    demo.apply_deployment("three", {"app": "three"}, replicas=3)
    demo.wait_ready("app=three", count=3)
    assert call(driver, "chaosk8s.pod.probes.count_pods", label_selector="app=three") == 3
    assert (
        call(driver, "chaosk8s.pod.probes.count_pods", label_selector="app=three", phase="Failed")
        == 0
    )
    assert call(driver, "chaosk8s.pod.probes.count_min_pods", label_selector="app=three") is True
    assert (
        call(driver, "chaosk8s.pod.probes.count_min_pods", label_selector="app=three", min_count=4)
        is False
    )


def test_pod_is_not_available(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.pod.probes.pod_is_not_available"
    # The documented default selects pods labelled name=<name>: the demo's have none.
    assert call(driver, probe, name="back") is True
    with pytest.raises(ActivityFailed, match="pod 'back' is actually running"):
        call(driver, probe, name="back", label_selector="app in ({name})")
    assert (
        call(
            driver,
            probe,
            name="back",
            label_selector="app in ({name})",
            raise_on_is_available=False,
        )
        is False
    )


def test_a_pod_in_another_phase_is_seen(demo: FakeCluster, driver: KubernetesDriver) -> None:
    (pod,) = demo.pod_names(selector="app=back")
    demo.store.update_meta(PODS, "default", pod, annotations={PHASE_ANNOTATION: "Failed"})
    wait_until(
        lambda: (
            call(
                driver, "chaosk8s.pod.probes.count_pods", label_selector="app=back", phase="Failed"
            )
            == 1
        ),
        what="the pod to fail",
    )
    assert (
        call(
            driver,
            "chaosk8s.pod.probes.pod_is_not_available",
            name="back",
            label_selector="app=back",
        )
        is True
    )


@unserved(POD_KIND, "log")
def test_read_pod_logs(demo: FakeCluster, driver: KubernetesDriver) -> None:
    logs = call(
        driver,
        "chaosk8s.pod.probes.read_pod_logs",
        name="back",
        label_selector="app={name}",
        last="10 minutes",
    )
    assert set(logs) == demo.pod_names(selector="app=back")
    assert all(isinstance(text, str) for text in logs.values())


def test_should_be_found_in_logs_reads_the_value_given() -> None:
    probe = "chaosk8s.pod.probes.should_be_found_in_logs"
    value = {"back-1": "x Hello, I'm backend!", "back-2": "nothing"}
    native = lookup(*probe.rsplit(".", 1))
    assert native is not None and not native.uses_target
    assert native.impl(RunContext(), pattern="Hello", value=value) is False
    assert native.impl(RunContext(), pattern="Hello", value=value, all_containers=False) is True
    with pytest.raises(ActivityFailed, match="no logs to search from"):
        native.impl(RunContext(), pattern="Hello")


# ---- Deployments, Services, namespaces -----------------------------------------------------


def test_deployment_available_and_healthy(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.deployment.probes.deployment_available_and_healthy"
    assert call(driver, probe, name="back") is True
    assert call(driver, probe, name="back", label_selector="app=back") is True
    with pytest.raises(ActivityFailed, match="Deployment 'nope' was not found"):
        call(driver, probe, name="nope")
    assert call(driver, probe, name="nope", raise_on_unavailable=False) is False
    (pod,) = demo.pod_names(selector="app=back")
    demo.set_pod_ready(pod, False)
    wait_until(
        lambda: call(driver, probe, name="back", raise_on_unavailable=False) is False,
        what="unhealthy",
    )
    with pytest.raises(ActivityFailed, match="Deployment 'back' is not healthy"):
        call(driver, probe, name="back")
    # The deprecated name fails alike and returns nothing, as in chaosk8s 0.39.
    with pytest.raises(ActivityFailed, match="Deployment 'back' is not healthy"):
        call(driver, "chaosk8s.probes.microservice_available_and_healthy", name="back")
    assert call(driver, "chaosk8s.probes.microservice_available_and_healthy", name="front") is None


def test_deployment_partially_available(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.deployment.probes.deployment_partially_available"
    assert call(driver, probe, name="front") is True
    (pod,) = demo.pod_names(selector="app=front")
    demo.set_pod_ready(pod, False)
    wait_until(lambda: not demo.ready_pods(selector="app=front"), what="the pod to be unready")
    wait_until(
        lambda: call(driver, probe, name="front", raise_on_not_partially_available=False) is False,
        what="no replica available",
    )
    with pytest.raises(ActivityFailed, match="Deployment 'front' is not healthy"):
        call(driver, probe, name="front")


def test_deployment_fully_and_not_fully_available(
    demo: FakeCluster, driver: KubernetesDriver
) -> None:
    fully = "chaosk8s.deployment.probes.deployment_fully_available"
    not_fully = "chaosk8s.deployment.probes.deployment_not_fully_available"
    assert call(driver, fully, name="back", timeout=5) is True
    assert (
        call(driver, "chaosk8s.probes.deployment_is_fully_available", name="back", timeout=5)
        is True
    )
    assert call(driver, not_fully, name="back", timeout=1, raise_on_fully_available=False) is False
    with pytest.raises(ActivityFailed, match="deployment 'back' failed to stop running within 1s"):
        call(driver, not_fully, name="back", timeout=1)
    (pod,) = demo.pod_names(selector="app=back")
    demo.set_pod_ready(pod, False)
    assert call(driver, not_fully, name="back", timeout=10) is True
    assert (
        call(driver, "chaosk8s.probes.deployment_is_not_fully_available", name="back", timeout=10)
        is True
    )
    with pytest.raises(ActivityFailed, match="deployment 'back' failed to recover within 1s"):
        call(driver, fully, name="back", timeout=1)


def test_all_microservices_healthy(demo: FakeCluster, driver: KubernetesDriver) -> None:
    assert call(driver, "chaosk8s.probes.all_microservices_healthy") is True
    (pod,) = demo.pod_names(selector="app=front")
    demo.set_pod_ready(pod, False)
    wait_until(lambda: not demo.ready_pods(selector="app=front"), what="the pod to be unready")
    with pytest.raises(ActivityFailed, match="pods not healthy in namespace 'default'"):
        call(driver, "chaosk8s.probes.all_microservices_healthy")


def test_microservice_is_not_available(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.probes.microservice_is_not_available"
    assert call(driver, probe, name="back") is True
    with pytest.raises(ActivityFailed, match="pod 'back' is actually running"):
        call(driver, probe, name="back", label_selector="app={name}")


def test_service_is_initialized(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.service.probes.service_is_initialized"
    assert call(driver, probe, name="backend") is True
    assert call(driver, probe) is True  # any Service of the namespace
    with pytest.raises(ActivityFailed, match="service 'nope' is not initialized"):
        call(driver, probe, name="nope")
    assert call(driver, probe, name="nope", raise_if_service_not_initialized=False) is False
    assert (
        call(
            driver,
            "chaosk8s.probes.service_endpoint_is_initialized",
            name="backend",
            label_selector="",
        )
        is True
    )
    with pytest.raises(ActivityFailed, match="service 'backend' is not initialized"):
        # The documented default selects Services labelled name=<name>: the demo's have none.
        call(driver, "chaosk8s.probes.service_endpoint_is_initialized", name="backend")


def test_namespace_exists(fake_cluster: FakeCluster, driver: KubernetesDriver) -> None:
    fake_cluster.create_namespace("shop")
    assert call(driver, "chaosk8s.namespace.probes.namespace_exists", name="shop") is True
    assert call(driver, "chaosk8s.namespace.probes.namespace_exists", name="nope") is False


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


def define(driver: KubernetesDriver, kind: ObjectKind, kind_name: str) -> None:
    """Register a custom resource and wait for the server to serve it."""
    version = {
        "name": kind.version,
        "served": True,
        "storage": True,
        "schema": {
            "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        },
    }
    create(
        driver,
        CRDS,
        {
            "metadata": {"name": f"{kind.plural}.{kind.group}"},
            "spec": {
                "group": kind.group,
                "scope": "Namespaced" if kind.namespaced else "Cluster",
                "names": {"plural": kind.plural, "kind": kind_name, "singular": kind_name.lower()},
                "versions": [version],
            },
        },
        None,
    )

    def ready() -> bool:
        try:
            driver.send("GET", collection_path(kind, "default"))
        except Exception:
            return False
        return True

    wait_until(ready, what=f"{kind.plural}.{kind.group} to be served")


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
