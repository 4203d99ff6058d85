"""The fake API server behaves like a real one where the driver and the tests rely on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from testbed.kube.cluster import FakeCluster, wait_until


@pytest.fixture
def api(fake_cluster: FakeCluster) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {fake_cluster.token}"}
    with httpx.Client(base_url=fake_cluster.url, headers=headers) as client:
        yield client


def pod_body(name: str | None = None, labels: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"labels": labels or {}}
    if name:
        meta["name"] = name
    else:
        meta["generateName"] = "loose-"
    return {"metadata": meta, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["metadata"]["name"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/version/", None),
        ("/version", None),
        ("/api/", "APIVersions"),
        ("/apis/", "APIGroupList"),
        ("/api/v1/", "APIResourceList"),
        ("/apis/apps/v1/", "APIResourceList"),
        ("/apis/apps/v1", "APIResourceList"),
    ],
)
def test_discovery_with_and_without_trailing_slash(
    api: httpx.Client, path: str, kind: str | None
) -> None:
    response = api.get(path)
    assert response.status_code == 200
    assert response.json().get("kind") == kind
    if kind is None:
        assert response.json()["gitVersion"].startswith("v1.")


def test_requests_need_the_token(fake_cluster: FakeCluster) -> None:
    response = httpx.get(f"{fake_cluster.url}/api/v1/namespaces/default/pods")
    assert response.status_code == 401
    assert response.json()["reason"] == "Unauthorized"


def test_errors_are_standard_status_bodies(api: httpx.Client) -> None:
    missing = api.get("/apis/apps/v1/namespaces/default/deployments/nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'deployments.apps "nope" not found',
        "reason": "NotFound",
        "details": {"name": "nope", "kind": "deployments", "group": "apps"},
        "code": 404,
    }
    assert api.post("/api/v1/namespaces/default/pods", json=pod_body("p")).status_code == 201
    again = api.post("/api/v1/namespaces/default/pods", json=pod_body("p"))
    assert (again.status_code, again.json()["reason"]) == (409, "AlreadyExists")
    elsewhere = api.post("/api/v1/namespaces/nowhere/pods", json=pod_body("p"))
    assert (elsewhere.status_code, elsewhere.json()["message"]) == (
        404,
        'namespaces "nowhere" not found',
    )
    assert api.get("/api/v1/namespaces/default/widgets").status_code == 404


def test_create_fills_server_managed_fields(api: httpx.Client) -> None:
    first = api.post("/api/v1/namespaces/default/pods", json=pod_body()).json()
    second = api.post("/api/v1/namespaces/default/pods", json=pod_body()).json()
    for pod in (first, second):
        meta = pod["metadata"]
        assert meta["name"].startswith("loose-") and len(meta["name"]) == len("loose-") + 5
        assert meta["namespace"] == "default"
        assert meta["uid"] and meta["resourceVersion"] and meta["creationTimestamp"]
        assert pod["status"]["phase"] == "Pending"
    assert first["metadata"]["name"] != second["metadata"]["name"]
    assert first["metadata"]["uid"] != second["metadata"]["uid"]
    assert int(second["metadata"]["resourceVersion"]) > int(first["metadata"]["resourceVersion"])
    stale = pod_body("stale")
    stale["metadata"]["resourceVersion"] = "12"
    refused = api.post("/api/v1/namespaces/default/pods", json=stale)
    assert (refused.status_code, refused.json()["reason"]) == (400, "BadRequest")


def test_label_and_field_selectors(api: httpx.Client) -> None:
    for name, labels in [("a", {"app": "front"}), ("b", {"app": "back"}), ("c", {"tier": "x"})]:
        api.post("/api/v1/namespaces/default/pods", json=pod_body(name, labels))
    pods = "/api/v1/namespaces/default/pods"

    def select(**params: str) -> list[str]:
        return names(api.get(pods, params=params))

    assert select(labelSelector="app=front") == ["a"]
    assert select(labelSelector="app==front") == ["a"]
    assert select(labelSelector="app!=front") == ["b", "c"]
    assert select(labelSelector="app in (front, back)") == ["a", "b"]
    assert select(labelSelector="app notin (front)") == ["b", "c"]
    assert select(labelSelector="app") == ["a", "b"]
    assert select(labelSelector="!app") == ["c"]
    assert select(labelSelector="app,app!=back") == ["a"]
    assert select(fieldSelector="metadata.name=b") == ["b"]
    wait_until(
        lambda: select(fieldSelector="status.phase=Running") == ["a", "b", "c"], what="pods up"
    )
    assert select(fieldSelector="status.phase=Running,metadata.name!=a") == ["b", "c"]
    assert select(fieldSelector="status.phase=Pending") == []
    assert api.get(pods, params={"labelSelector": "app in front"}).status_code == 400
    unsupported = api.get(pods, params={"fieldSelector": "spec.priority=1"})
    assert (unsupported.status_code, unsupported.json()["message"]) == (
        400,
        'field label not supported: "spec.priority"',
    )


def test_deployment_replicaset_pods_chain(api: httpx.Client, fake_cluster: FakeCluster) -> None:
    deployment = fake_cluster.apply_deployment("front", {"app": "front"}, replicas=2)
    pods = fake_cluster.wait_ready("app=front", count=2)
    (rs,) = names(api.get("/apis/apps/v1/namespaces/default/replicasets"))
    assert rs.startswith("front-")
    for pod in pods:
        assert pod["metadata"]["name"].startswith(f"{rs}-")
        (owner,) = pod["metadata"]["ownerReferences"]
        assert (owner["kind"], owner["name"], owner["controller"]) == ("ReplicaSet", rs, True)
        assert pod["metadata"]["labels"]["pod-template-hash"] == rs.removeprefix("front-")
    replicaset = api.get(f"/apis/apps/v1/namespaces/default/replicasets/{rs}").json()
    assert replicaset["metadata"]["ownerReferences"][0]["uid"] == deployment["metadata"]["uid"]
    live = api.get("/apis/apps/v1/namespaces/default/deployments/front").json()
    assert live["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    wait_until(
        lambda: (
            api.get("/apis/apps/v1/namespaces/default/deployments/front")
            .json()["status"]
            .get("readyReplicas")
            == 2
        ),
        what="the Deployment status",
    )


def test_new_pod_template_rolls_pods(api: httpx.Client, fake_cluster: FakeCluster) -> None:
    fake_cluster.apply_deployment("front", {"app": "front"})
    (old,) = fake_cluster.wait_ready("app=front")
    patch = {"spec": {"template": {"metadata": {"annotations": {"restartedAt": "now"}}}}}
    response = api.patch(
        "/apis/apps/v1/namespaces/default/deployments/front",
        json=patch,
        headers={"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert response.json()["metadata"]["generation"] == 2
    (new,) = wait_until(
        lambda: [
            p
            for p in fake_cluster.ready_pods(selector="app=front")
            if p["metadata"]["name"] != old["metadata"]["name"]
        ],
        what="a pod of the new template",
    )
    wait_until(lambda: len(fake_cluster.pods(selector="app=front")) == 1, what="old pod gone")
    assert new["metadata"]["annotations"] == {"restartedAt": "now"}


def test_patch_content_types(api: httpx.Client) -> None:
    api.post("/api/v1/namespaces/default/pods", json=pod_body("p", {"app": "x", "keep": "y"}))
    merged = api.patch(
        "/api/v1/namespaces/default/pods/p",
        json={"metadata": {"labels": {"app": None, "new": "z"}}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert merged.json()["metadata"]["labels"] == {"keep": "y", "new": "z"}
    json_patch = api.patch(
        "/api/v1/namespaces/default/pods/p",
        json=[{"op": "remove", "path": "/metadata/labels"}],
        headers={"Content-Type": "application/json-patch+json"},
    )
    assert json_patch.status_code == 415


@pytest.mark.parametrize("policy", ["Foreground", "Background"])
def test_cascading_deletion(api: httpx.Client, fake_cluster: FakeCluster, policy: str) -> None:
    fake_cluster.apply_deployment("back", {"app": "back"}, replicas=2)
    fake_cluster.wait_ready("app=back", count=2)
    response = api.delete(
        "/apis/apps/v1/namespaces/default/deployments/back",
        params={"propagationPolicy": policy},
    )
    assert response.status_code == 200
    wait_until(lambda: fake_cluster.deployment("back") is None, what="the Deployment to go")
    wait_until(lambda: fake_cluster.pods(selector="app=back") == [], what="its pods to go")
    assert names(api.get("/apis/apps/v1/namespaces/default/replicasets")) == []


def test_orphan_deletion_keeps_dependents(api: httpx.Client, fake_cluster: FakeCluster) -> None:
    fake_cluster.apply_deployment("back", {"app": "back"})
    (pod,) = fake_cluster.wait_ready("app=back")
    api.delete(
        "/apis/apps/v1/namespaces/default/deployments/back",
        params={"propagationPolicy": "Orphan"},
    )
    (rs,) = api.get("/apis/apps/v1/namespaces/default/replicasets").json()["items"]
    assert "ownerReferences" not in rs["metadata"] or rs["metadata"]["ownerReferences"] == []
    assert fake_cluster.pod_names(selector="app=back") == {pod["metadata"]["name"]}


def test_delete_collection_by_label(api: httpx.Client) -> None:
    for name, app in [("a", "front"), ("b", "front"), ("c", "back")]:
        api.post("/api/v1/namespaces/default/pods", json=pod_body(name, {"app": app}))
    response = api.delete("/api/v1/namespaces/default/pods", params={"labelSelector": "app=front"})
    assert names(response) == ["a", "b"]
    assert names(api.get("/api/v1/namespaces/default/pods")) == ["c"]


def test_deleting_a_namespace_deletes_its_objects(
    api: httpx.Client, fake_cluster: FakeCluster
) -> None:
    fake_cluster.create_namespace("team")
    fake_cluster.apply_deployment("front", {"app": "front"}, namespace="team")
    fake_cluster.wait_ready("app=front", namespace="team")
    assert api.delete("/api/v1/namespaces/team").json()["status"]["phase"] == "Terminating"
    wait_until(lambda: api.get("/api/v1/namespaces/team").status_code == 404, what="namespace gone")
    assert fake_cluster.pods("team") == []


def test_pod_phase_and_readiness_annotations(api: httpx.Client, fake_cluster: FakeCluster) -> None:
    body = pod_body("p")
    body["metadata"]["annotations"] = {"fake.chaosrun/phase": "Failed"}
    api.post("/api/v1/namespaces/default/pods", json=body)
    failed = wait_until(
        lambda: api.get("/api/v1/namespaces/default/pods/p").json()["status"]["phase"] == "Failed",
        what="the pod to fail",
    )
    assert failed
    api.post("/api/v1/namespaces/default/pods", json=pod_body("q"))
    wait_until(lambda: fake_cluster.ready_pods(), what="pod q ready")
    fake_cluster.set_pod_ready("q", ready=False)
    wait_until(lambda: fake_cluster.ready_pods() == [], what="pod q not ready")
    assert api.get("/api/v1/namespaces/default/pods/q").json()["status"]["phase"] == "Running"


def test_pods_start_pending_with_a_start_delay() -> None:
    cluster = FakeCluster(pod_start_delay=0.3).start()
    try:
        cluster.apply_deployment("front", {"app": "front"})
        (pod,) = wait_until(lambda: cluster.pods(selector="app=front"), what="a pod")
        assert pod["status"]["phase"] == "Pending"
        cluster.wait_ready("app=front")
    finally:
        cluster.stop()


def test_load_balancer_address(api: httpx.Client, fake_cluster: FakeCluster) -> None:
    fake_cluster.apply_service("frontend", {"app": "front"}, 80, 8080, load_balancer=True)
    service = wait_until(
        lambda: (
            (s := api.get("/api/v1/namespaces/default/services/frontend").json())["status"][
                "loadBalancer"
            ].get("ingress")
            and s
        ),
        what="an ingress address",
    )
    assert service["status"]["loadBalancer"]["ingress"] == [{"ip": "127.0.0.1"}]
    assert service["spec"]["ports"][0] == {"port": 80, "targetPort": 8080, "protocol": "TCP"}
