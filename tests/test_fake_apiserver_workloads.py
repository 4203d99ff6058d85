"""The fake API server's StatefulSets, DaemonSets, the scale subresource and watches, called with
the real ``kubernetes`` client the way chaostoolkit-kubernetes calls them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kubernetes import client, watch

from testbed.kube.cluster import FakeCluster, wait_until
from testbed.kube.resources import REPLICASETS


def workload(name: str, replicas: int | None = 1, **spec: Any) -> dict[str, Any]:
    labels = {"app": name}
    template: dict[str, Any] = {
        "metadata": {"labels": labels},
        "spec": {"containers": [{"name": name, "image": f"{name}:1"}]},
    }
    body: dict[str, Any] = {
        "metadata": {"name": name, "labels": labels},
        "spec": {"selector": {"matchLabels": labels}, "template": template, **spec},
    }
    if replicas is not None:
        body["spec"]["replicas"] = replicas
    return body


def test_statefulset_pods_have_ordinals_and_come_back(
    fake_cluster: FakeCluster, kube_api: Any
) -> None:
    apps, core = client.AppsV1Api(kube_api), client.CoreV1Api(kube_api)
    created = apps.create_namespaced_stateful_set("default", workload("db", 2, serviceName="db"))
    assert created.spec.pod_management_policy == "OrderedReady"
    pods = fake_cluster.wait_ready("app=db", count=2)
    assert sorted(p["metadata"]["name"] for p in pods) == ["db-0", "db-1"]
    for pod in pods:
        (owner,) = pod["metadata"]["ownerReferences"]
        assert (owner["kind"], owner["name"]) == ("StatefulSet", "db")
        labels = pod["metadata"]["labels"]
        assert labels["statefulset.kubernetes.io/pod-name"] == pod["metadata"]["name"]
    status = wait_until(
        lambda: (
            (s := apps.read_namespaced_stateful_set("db", "default").status).ready_replicas == 2
            and s
        )
    )
    assert (status.replicas, status.current_replicas, status.observed_generation) == (2, 2, 1)
    old_uid = core.read_namespaced_pod("db-1", "default").metadata.uid
    core.delete_namespaced_pod("db-1", "default")
    wait_until(
        lambda: (
            (p := fake_cluster.ready_pods(selector="app=db"))
            and {x["metadata"]["uid"] for x in p} - {old_uid}
            and len(p) == 2
        ),
        what="db-1 back under its name",
    )
    assert fake_cluster.pod_names(selector="app=db") == {"db-0", "db-1"}


def test_ordered_ready_waits_parallel_does_not(fake_cluster: FakeCluster, kube_api: Any) -> None:
    apps = client.AppsV1Api(kube_api)
    for name, policy in (("ordered", "OrderedReady"), ("parallel", "Parallel")):
        body = workload(name, 3, serviceName=name, podManagementPolicy=policy)
        body["spec"]["template"]["metadata"]["annotations"] = {"fake.chaosrun/ready": "false"}
        apps.create_namespaced_stateful_set("default", body)
    wait_until(lambda: len(fake_cluster.pods(selector="app=parallel")) == 3, what="3 pods")
    assert fake_cluster.pod_names(selector="app=ordered") == {"ordered-0"}


def test_statefulset_scale_subresource(fake_cluster: FakeCluster, kube_api: Any) -> None:
    apps = client.AppsV1Api(kube_api)
    apps.create_namespaced_stateful_set("default", workload("db", 1, serviceName="db"))
    scale = apps.read_namespaced_stateful_set_scale("db", "default")
    assert (scale.kind, scale.spec.replicas, scale.status.selector) == ("Scale", 1, "app=db")
    assert (
        apps.patch_namespaced_stateful_set_scale(
            "db", "default", {"spec": {"replicas": 3}}
        ).spec.replicas
        == 3
    )
    fake_cluster.wait_ready("app=db", count=3)
    apps.patch_namespaced_stateful_set("db", "default", {"spec": {"replicas": 1}})
    wait_until(lambda: fake_cluster.pod_names(selector="app=db") == {"db-0"}, what="scaled down")
    current = apps.read_namespaced_stateful_set_scale("db", "default")
    current.spec.replicas = 2
    assert apps.replace_namespaced_stateful_set_scale("db", "default", current).spec.replicas == 2
    fake_cluster.wait_ready("app=db", count=2)


def test_deployment_and_replicaset_scale(fake_cluster: FakeCluster, kube_api: Any) -> None:
    apps = client.AppsV1Api(kube_api)
    fake_cluster.apply_deployment("back", {"app": "back"})
    fake_cluster.wait_ready("app=back")
    scale = apps.read_namespaced_deployment_scale("back", "default")
    assert (scale.api_version, scale.spec.replicas) == ("autoscaling/v1", 1)
    apps.patch_namespaced_deployment_scale("back", "default", {"spec": {"replicas": 2}})
    fake_cluster.wait_ready("app=back", count=2)
    stale = apps.read_namespaced_deployment_scale("back", "default")
    apps.patch_namespaced_deployment("back", "default", {"metadata": {"labels": {"x": "y"}}})
    stale.spec.replicas = 3
    with pytest.raises(client.ApiException) as conflict:
        apps.replace_namespaced_deployment_scale("back", "default", stale)
    assert json.loads(conflict.value.body)["reason"] == "Conflict"
    with pytest.raises(client.ApiException) as negative:
        apps.patch_namespaced_deployment_scale("back", "default", {"spec": {"replicas": -1}})
    assert negative.value.status == 422
    (rs,) = fake_cluster.store.list(REPLICASETS, "default", "app=back")[0]
    loose = apps.create_namespaced_replica_set("default", workload("loose", 1))
    scaled = apps.patch_namespaced_replica_set_scale(
        loose.metadata.name, "default", {"spec": {"replicas": 2}}
    )
    assert scaled.spec.replicas == 2 and rs["metadata"]["name"].startswith("back-")
    fake_cluster.wait_ready("app=loose", count=2)


def test_daemonset_runs_one_pod_per_node(fake_cluster: FakeCluster, kube_api: Any) -> None:
    apps, core = client.AppsV1Api(kube_api), client.CoreV1Api(kube_api)
    created = apps.create_namespaced_daemon_set("default", workload("agent", None))
    assert created.status.desired_number_scheduled == 0
    (pod,) = fake_cluster.wait_ready("app=agent")
    assert pod["spec"]["nodeName"] == "node-1"
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet"
    fake_cluster.add_node("node-2")
    fake_cluster.add_node("gpu", labels={"gpu": "yes"})
    fake_cluster.wait_ready("app=agent", count=3)
    status = wait_until(
        lambda: (
            (s := apps.read_namespaced_daemon_set("agent", "default").status).number_ready == 3
            and s
        )
    )
    assert (status.desired_number_scheduled, status.number_misscheduled) == (3, 0)
    apps.patch_namespaced_daemon_set(
        "agent", "default", {"spec": {"template": {"spec": {"nodeSelector": {"gpu": "yes"}}}}}
    )
    wait_until(
        lambda: {p["spec"]["nodeName"] for p in fake_cluster.pods(selector="app=agent")} == {"gpu"},
        what="the agent only on the gpu node",
    )
    (agent,) = fake_cluster.wait_ready("app=agent")
    core.delete_namespaced_pod(agent["metadata"]["name"], "default")
    (back,) = wait_until(
        lambda: [
            p
            for p in fake_cluster.ready_pods(selector="app=agent")
            if p["metadata"]["name"] != agent["metadata"]["name"]
        ],
        what="the agent back",
    )
    assert back["spec"]["nodeName"] == "gpu"
    apps.delete_namespaced_daemon_set("agent", "default")
    wait_until(lambda: fake_cluster.pods(selector="app=agent") == [], what="its pods gone")


def test_watch_streams_changes(fake_cluster: FakeCluster, kube_api: Any) -> None:
    """As chaosk8s' ``deployment_fully_available`` watches: by name, with a client timeout."""
    apps = client.AppsV1Api(kube_api)
    fake_cluster.apply_deployment("front", {"app": "front"})
    fake_cluster.apply_deployment("back", {"app": "back"})
    stream = watch.Watch().stream(
        apps.list_namespaced_deployment,
        "default",
        field_selector="metadata.name=back",
        _request_timeout=10,
    )
    first = next(stream)
    assert (first["type"], first["object"].metadata.name) == ("ADDED", "back")
    apps.patch_namespaced_deployment_scale("back", "default", {"spec": {"replicas": 3}})
    for event in stream:
        assert event["object"].metadata.name == "back"
        if event["type"] == "MODIFIED" and event["object"].status.ready_replicas == 3:
            break
    apps.delete_namespaced_deployment("back", "default")
    kinds = []
    for event in stream:
        kinds.append(event["type"])
        if event["type"] == "DELETED":
            break
    assert kinds[-1] == "DELETED"


def test_a_watch_ends_after_its_timeout(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    fake_cluster.apply_deployment("back", {"app": "back"}, replicas=2)
    fake_cluster.wait_ready("app=back", count=2)
    events = list(
        watch.Watch().stream(
            core.list_namespaced_pod, "default", label_selector="app=back", timeout_seconds=1
        )
    )
    assert [e["type"] for e in events] == ["ADDED", "ADDED"]
    assert {e["object"].kind for e in events} == {"Pod"}
