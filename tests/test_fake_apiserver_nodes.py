"""The fake API server's nodes, scheduling, PodDisruptionBudgets and the Eviction API, called
with the real ``kubernetes`` client the way chaostoolkit-kubernetes' node actions call them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kubernetes import client

from testbed.kube.cluster import FakeCluster, wait_until
from testbed.kube.disruption import EVICTION_REFUSED


def node_of(core: client.CoreV1Api, pod: str) -> str:
    return str(core.read_namespaced_pod(pod, "default").spec.node_name)


def on_node(core: client.CoreV1Api, node: str) -> list[Any]:
    return list(core.list_pod_for_all_namespaces(field_selector=f"spec.nodeName={node}").items)


def eviction(pod: str) -> client.V1Eviction:
    return client.V1Eviction(
        metadata=client.V1ObjectMeta(name=pod, namespace="default"),
        delete_options=client.V1DeleteOptions(),
    )


def ready_condition(node: Any) -> str:
    (ready,) = [c for c in node.status.conditions if c.type == "Ready"]
    return str(ready.status)


@pytest.fixture
def two_nodes(fake_cluster: FakeCluster) -> FakeCluster:
    fake_cluster.add_node("node-2", labels={"zone": "b"})
    return fake_cluster


def test_nodes_are_ready_and_pods_are_bound_to_them(
    two_nodes: FakeCluster, kube_api: client.ApiClient
) -> None:
    core = client.CoreV1Api(kube_api)
    nodes = core.list_node()
    assert nodes.kind == "NodeList"
    assert [n.metadata.name for n in nodes.items] == ["node-1", "node-2"]
    wait_until(lambda: all(ready_condition(n) == "True" for n in core.list_node().items))
    node = core.read_node("node-2")
    assert node.metadata.labels["kubernetes.io/hostname"] == "node-2"
    assert {a.type for a in node.status.addresses} == {"InternalIP", "Hostname"}
    assert [n.metadata.name for n in core.list_node(label_selector="zone=b").items] == ["node-2"]
    two_nodes.apply_deployment("back", {"app": "back"}, replicas=4)
    pods = two_nodes.wait_ready("app=back", count=4)
    spread = sorted(p["spec"]["nodeName"] for p in pods)
    assert spread == ["node-1", "node-1", "node-2", "node-2"]
    assert len(on_node(core, "node-1")) == 2


def test_a_cordoned_node_gets_no_new_pods(two_nodes: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    two_nodes.apply_deployment("back", {"app": "back"}, replicas=2)
    two_nodes.wait_ready("app=back", count=2)
    cordoned = core.patch_node("node-1", {"spec": {"unschedulable": True}})
    assert cordoned.spec.unschedulable is True
    for pod in on_node(core, "node-1"):
        core.delete_namespaced_pod(pod.metadata.name, "default")
    pods = two_nodes.wait_ready("app=back", count=2)
    assert {p["spec"]["nodeName"] for p in pods} == {"node-2"}
    uncordoned = core.patch_node("node-1", {"spec": {"unschedulable": None}})
    assert uncordoned.spec.unschedulable is None
    listed = core.list_node(field_selector="spec.unschedulable=true").items
    assert listed == []


def test_no_node_fits_the_pod_stays_pending(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    taint = {"key": "dedicated", "value": "db", "effect": "NoSchedule"}
    core.patch_node("node-1", {"spec": {"taints": [taint]}})
    fake_cluster.apply_deployment("back", {"app": "back"})
    (pod,) = wait_until(lambda: fake_cluster.pods(selector="app=back"), what="a pod")
    pending = wait_until(
        lambda: (
            (p := core.read_namespaced_pod(pod["metadata"]["name"], "default")).status.conditions
            and p
        ),
        what="a scheduling verdict",
    )
    assert pending.status.phase == "Pending"
    (scheduled,) = pending.status.conditions
    assert (scheduled.type, scheduled.status, scheduled.reason) == (
        "PodScheduled",
        "False",
        "Unschedulable",
    )
    core.patch_node("node-1", {"spec": {"taints": None}})
    fake_cluster.wait_ready("app=back")


def test_a_node_that_stops_being_ready(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    wait_until(lambda: ready_condition(core.read_node("node-1")) == "True", what="Ready")
    fake_cluster.set_node_ready("node-1", ready=False)
    wait_until(lambda: ready_condition(core.read_node("node-1")) == "False", what="NotReady")


def test_create_and_delete_a_node(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    body = {"metadata": {"name": "extra", "labels": {"pool": "spot"}}, "spec": {}}
    created = core.create_node(body)
    assert created.kind == "Node" and created.metadata.uid
    fake_cluster.apply_deployment("back", {"app": "back"}, replicas=2)
    fake_cluster.wait_ready("app=back", count=2)
    (lost,) = [p.metadata.name for p in on_node(core, "extra")]
    core.delete_node("extra")
    wait_until(lambda: lost not in fake_cluster.pod_names(), what="its pods to go")
    pods = fake_cluster.wait_ready("app=back", count=2)
    assert {p["spec"]["nodeName"] for p in pods} == {"node-1"}
    with pytest.raises(client.ApiException) as missing:
        core.read_node("extra")
    assert missing.value.status == 404
    assert json.loads(missing.value.body)["message"] == 'nodes "extra" not found'


def budget(policy: client.PolicyV1Api, name: str = "back") -> Any:
    return policy.read_namespaced_pod_disruption_budget(name, "default")


def test_budget_status_follows_ready_pods(fake_cluster: FakeCluster, kube_api: Any) -> None:
    policy = client.PolicyV1Api(kube_api)
    fake_cluster.apply_deployment("back", {"app": "back"}, replicas=4)
    fake_cluster.wait_ready("app=back", count=4)
    fake_cluster.apply_pdb("back", {"app": "back"}, max_unavailable="50%")
    status = wait_until(lambda: (s := budget(policy).status).expected_pods == 4 and s)
    assert (status.current_healthy, status.desired_healthy, status.disruptions_allowed) == (4, 2, 2)
    fake_cluster.set_pod_ready(fake_cluster.pods(selector="app=back")[0]["metadata"]["name"], False)
    wait_until(lambda: budget(policy).status.disruptions_allowed == 1, what="one disruption")
    policy.patch_namespaced_pod_disruption_budget(
        "back", "default", {"spec": {"maxUnavailable": None, "minAvailable": 3}}
    )
    wait_until(lambda: budget(policy).status.disruptions_allowed == 0, what="no disruption")
    assert budget(policy).status.conditions[0].reason == "InsufficientPods"
    both = {"metadata": {"name": "both"}, "spec": {"minAvailable": 1, "maxUnavailable": 1}}
    with pytest.raises(client.ApiException) as refused:
        policy.create_namespaced_pod_disruption_budget("default", both)
    assert refused.value.status == 422


def test_eviction_honours_the_disruption_budget(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core, policy = client.CoreV1Api(kube_api), client.PolicyV1Api(kube_api)
    fake_cluster.apply_deployment("back", {"app": "back"}, replicas=2)
    first, second = (p["metadata"]["name"] for p in fake_cluster.wait_ready("app=back", count=2))
    fake_cluster.apply_pdb("back", {"app": "back"}, min_available=2)
    wait_until(lambda: budget(policy).status.expected_pods == 2, what="the budget computed")
    with pytest.raises(client.ApiException) as refused:
        core.create_namespaced_pod_eviction(first, "default", body=eviction(first))
    assert refused.value.status == 429
    assert json.loads(refused.value.body) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": EVICTION_REFUSED,
        "reason": "TooManyRequests",
        "details": {
            "causes": [
                {
                    "reason": "DisruptionBudget",
                    "message": "The disruption budget back needs 2 healthy pods and has 2 "
                    "currently",
                }
            ]
        },
        "code": 429,
    }
    assert EVICTION_REFUSED == "Cannot evict pod as it would violate the pod's disruption budget."
    assert fake_cluster.pod_names(selector="app=back") == {first, second}
    policy.patch_namespaced_pod_disruption_budget("back", "default", {"spec": {"minAvailable": 1}})
    wait_until(lambda: budget(policy).status.disruptions_allowed == 1, what="one disruption")
    fake_cluster.controller.stop()  # no recount between the two: the eviction itself spends it
    core.create_namespaced_pod_eviction(first, "default", body=eviction(first))
    assert fake_cluster.pod_names(selector="app=back") == {second}
    with pytest.raises(client.ApiException) as second_refused:
        core.create_namespaced_pod_eviction(second, "default", body=eviction(second))
    assert second_refused.value.status == 429
    assert budget(policy).status.disruptions_allowed == 0


def test_eviction_without_a_budget_and_of_a_missing_pod(
    fake_cluster: FakeCluster, kube_api: Any
) -> None:
    core = client.CoreV1Api(kube_api)
    fake_cluster.apply_deployment("back", {"app": "back"})
    (pod,) = fake_cluster.wait_ready("app=back")
    name = pod["metadata"]["name"]
    core.create_namespaced_pod_eviction(name, "default", body=eviction(name))
    (new,) = fake_cluster.wait_ready("app=back")
    assert new["metadata"]["name"] != name
    with pytest.raises(client.ApiException) as missing:
        core.create_namespaced_pod_eviction("nope", "default", body=eviction("nope"))
    assert (missing.value.status, json.loads(missing.value.body)["message"]) == (
        404,
        'pods "nope" not found',
    )


def test_drain_as_chaostoolkit_kubernetes_does(two_nodes: FakeCluster, kube_api: Any) -> None:
    """Cordon, list the node's pods, evict all but DaemonSet ones; they come back elsewhere."""
    core, apps = client.CoreV1Api(kube_api), client.AppsV1Api(kube_api)
    two_nodes.apply_deployment("back", {"app": "back"}, replicas=2)
    two_nodes.wait_ready("app=back", count=2)
    template = {
        "metadata": {"labels": {"app": "agent"}},
        "spec": {"containers": [{"name": "agent", "image": "agent"}]},
    }
    apps.create_namespaced_daemon_set(
        "default",
        {
            "metadata": {"name": "agent"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": template},
        },
    )
    two_nodes.wait_ready("app=agent", count=2)
    core.patch_node("node-1", {"spec": {"unschedulable": True}})
    for pod in on_node(core, "node-1"):
        if pod.metadata.owner_references[0].kind != "DaemonSet":
            core.create_namespaced_pod_eviction(
                pod.metadata.name, "default", body=eviction(pod.metadata.name)
            )
    back = two_nodes.wait_ready("app=back", count=2)
    assert {p["spec"]["nodeName"] for p in back} == {"node-2"}
    agents = two_nodes.wait_ready("app=agent", count=2)  # DaemonSet pods tolerate the cordon
    assert {p["spec"]["nodeName"] for p in agents} == {"node-1", "node-2"}
