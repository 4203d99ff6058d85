"""The fake API server's core/v1 kinds beyond pods and deployments (Secrets, Events, also as
``events.k8s.io/v1``, Endpoints, Services), through the real ``kubernetes`` client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kubernetes import client

from testbed.kube.cluster import FakeCluster, wait_until


def error(exc: pytest.ExceptionInfo[client.ApiException]) -> tuple[int, str]:
    return exc.value.status, json.loads(exc.value.body)["message"]


def test_secrets(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    body = {"metadata": {"name": "token", "labels": {"app": "x"}}, "stringData": {"key": "v"}}
    created = core.create_namespaced_secret("default", body)
    assert (created.type, created.data) == ("Opaque", {"key": "dg=="})
    listed = core.list_namespaced_secret("default", label_selector="app=x").items
    assert [s.metadata.name for s in listed] == ["token"]
    patched = core.patch_namespaced_secret("token", "default", {"data": {"key": "dw=="}})
    assert patched.data == {"key": "dw=="}
    with pytest.raises(client.ApiException) as bad:
        core.create_namespaced_secret("default", {"metadata": {"name": "b"}, "data": {"k": "!"}})
    assert bad.value.status == 400
    core.delete_namespaced_secret("token", "default")
    assert core.list_namespaced_secret("default").items == []


def test_events_core_and_by_field(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    for name, reason in (("back.1", "ChaosInjected"), ("back.2", "ChaosReverted")):
        core.create_namespaced_event(
            "default",
            {
                "metadata": {"name": name},
                "involvedObject": {"kind": "Deployment", "name": "back", "namespace": "default"},
                "reason": reason,
                "message": "what chaosrun did",
                "type": "Normal",
                "source": {"component": "chaosrun"},
                "reportingComponent": "chaosrun",
                "reportingInstance": "run-1",
            },
        )
    events = core.list_event_for_all_namespaces(
        field_selector="involvedObject.name=back,reason=ChaosReverted"
    )
    assert events.kind == "EventList"
    assert [(e.metadata.name, e.source.component) for e in events.items] == [("back.2", "chaosrun")]
    assert len(core.list_namespaced_event("default", limit=10).items) == 2
    with pytest.raises(client.ApiException) as unsupported:
        core.list_namespaced_event("default", field_selector="message=x")
    assert error(unsupported) == (400, 'field label not supported: "message"')


def test_endpoints(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    subsets = [{"addresses": [{"ip": "10.244.0.5"}], "ports": [{"port": 8081}]}]
    core.create_namespaced_endpoints(
        "default", {"metadata": {"name": "backend"}, "subsets": subsets}
    )
    assert core.read_namespaced_endpoints("backend", "default").subsets[0].ports[0].port == 8081


def test_events_in_both_groups(fake_cluster: FakeCluster, kube_api: Any) -> None:
    """Written as core/v1 (as chaosrun does), read as events.k8s.io/v1 (as chaosk8s'
    ``get_events`` does), and the other way round."""
    core, events = client.CoreV1Api(kube_api), client.EventsV1Api(kube_api)
    core.create_namespaced_event(
        "default",
        {
            "metadata": {"name": "back.1"},
            "involvedObject": {"kind": "Deployment", "name": "back", "namespace": "default"},
            "reason": "ChaosInjected",
            "message": "scaled to 0",
            "source": {"component": "chaosrun"},
            "reportingComponent": "chaosrun",
            "reportingInstance": "run-1",
            "count": 1,
        },
    )
    answer = events.list_event_for_all_namespaces(
        _preload_content=False, field_selector="regarding.name=back,reportingController=chaosrun"
    )
    listed = json.loads(answer.read())
    assert (listed["kind"], listed["apiVersion"]) == ("EventList", "events.k8s.io/v1")
    (event,) = listed["items"]
    assert (event["regarding"]["name"], event["note"], event["deprecatedCount"]) == (
        "back",
        "scaled to 0",
        1,
    )
    assert event["reportingController"] == "chaosrun"
    created = events.create_namespaced_event(
        "default",
        {
            "metadata": {"name": "back.2"},
            "eventTime": "2026-01-01T00:00:00.000000Z",
            "regarding": {"kind": "Deployment", "name": "back", "namespace": "default"},
            "reason": "ChaosReverted",
            "note": "back to 1",
            "action": "Scale",
            "type": "Normal",
            "reportingController": "chaosrun",
            "reportingInstance": "run-1",
        },
    )
    assert created.note == "back to 1"
    (seen,) = core.list_namespaced_event("default", field_selector="reason=ChaosReverted").items
    assert (seen.message, seen.involved_object.name) == ("back to 1", "back")
    events.delete_namespaced_event("back.2", "default")
    assert [e.metadata.name for e in core.list_namespaced_event("default").items] == ["back.1"]


def test_pods_run_as_a_service_account(fake_cluster: FakeCluster, kube_api: Any) -> None:
    """As the ServiceAccount admission plugin does: an account and its token volume."""
    core = client.CoreV1Api(kube_api)
    fake_cluster.apply_deployment("back", {"app": "back"})
    (pod,) = fake_cluster.wait_ready("app=back")
    read = core.read_namespaced_pod(pod["metadata"]["name"], "default")
    assert read.spec.service_account_name == "default"
    (volume,) = read.spec.volumes
    assert volume.name.startswith("kube-api-access-") and volume.projected is not None
    (mount,) = read.spec.containers[0].volume_mounts
    assert mount.mount_path == "/var/run/secrets/kubernetes.io/serviceaccount"


def test_deleting_a_service_returns_it(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    fake_cluster.apply_service("backend", {"app": "back"}, 8081, 8081)
    deleted = core.delete_namespaced_service("backend", "default")
    assert (deleted.kind, deleted.metadata.name) == ("Service", "backend")
    assert core.list_namespaced_service("default").items == []


def test_endpoints_follow_the_service_pods(fake_cluster: FakeCluster, kube_api: Any) -> None:
    core = client.CoreV1Api(kube_api)
    fake_cluster.apply_deployment("back", {"app": "back"}, replicas=2)
    pods = fake_cluster.wait_ready("app=back", count=2)
    fake_cluster.apply_service("backend", {"app": "back"}, 80, 8081)

    def endpoints() -> Any:
        try:
            return core.read_namespaced_endpoints("backend", "default")
        except client.ApiException:
            return None

    ready = wait_until(lambda: (e := endpoints()) and e.subsets and e)
    (subset,) = ready.subsets
    assert {a.ip for a in subset.addresses} == {p["status"]["podIP"] for p in pods}
    assert {a.target_ref.name for a in subset.addresses} == {p["metadata"]["name"] for p in pods}
    assert [(p.port, p.protocol) for p in subset.ports] == [(8081, "TCP")]
    fake_cluster.set_pod_ready(pods[0]["metadata"]["name"], ready=False)
    wait_until(
        lambda: (
            [a.target_ref.name for a in endpoints().subsets[0].not_ready_addresses or []]
            == [pods[0]["metadata"]["name"]]
        ),
        what="the pod listed as not ready",
    )
    core.delete_namespaced_service("backend", "default")
    wait_until(lambda: endpoints() is None, what="the Endpoints gone with the Service")
