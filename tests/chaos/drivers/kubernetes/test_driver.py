"""KubernetesDriver against the fake API server, through a kubeconfig and the real client."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from chaos.drivers.base import (
    Conflict,
    DeploymentSnapshot,
    Driver,
    DriverError,
    NotFound,
    RestoreOutcome,
    TargetUnreachable,
)
from chaos.drivers.kubernetes import KubernetesDriver
from testbed.kube.cluster import FakeCluster, wait_until
from testbed.kube.resources import DEPLOYMENTS, REPLICASETS
from testbed.procs import REPO_ROOT
from testbed.serving import serving


def test_driver_satisfies_the_protocol(driver: KubernetesDriver) -> None:
    assert isinstance(driver, Driver)
    assert driver.target == "kubernetes"


def test_base_protocol_does_not_import_kubernetes() -> None:
    code = "import sys, chaos.drivers.base; print('kubernetes' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


# ---- configuration and reachability -------------------------------------------------------


def test_reachable_through_kubeconfig_current_context(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    driver.check_reachable()
    assert driver.host == fake_cluster.url
    assert any(r.path.rstrip("/") == "/version" for r in fake_cluster.api.requests)


def test_unreachable_cluster_is_one_sentence(kubeconfig: Path, fake_cluster: FakeCluster) -> None:
    dead_url = next(
        c["cluster"]["server"]
        for c in fake_cluster.kubeconfig()["clusters"]
        if c["name"] == "unreachable"
    )
    driver = KubernetesDriver(context="unreachable", kubeconfig=str(kubeconfig))
    with pytest.raises(TargetUnreachable) as caught:
        driver.check_reachable()
    message = str(caught.value)
    assert message.startswith("cannot reach the Kubernetes API at http://127.0.0.1:")
    assert message.endswith(": connection refused")
    assert "\n" not in message
    # the dead port differs per kubeconfig() call: only the shape is fixed
    assert dead_url.startswith("http://127.0.0.1:")


def test_context_selection(tmp_path: Path, fake_cluster: FakeCluster) -> None:
    path = fake_cluster.write_kubeconfig(tmp_path / "config", current_context="unreachable")
    with pytest.raises(TargetUnreachable, match="connection refused"):
        KubernetesDriver(kubeconfig=str(path)).check_reachable()
    KubernetesDriver(context="fake", kubeconfig=str(path)).check_reachable()


def test_kubeconfig_from_environment(
    tmp_path: Path, fake_cluster: FakeCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fake_cluster.write_kubeconfig(tmp_path / "config")
    monkeypatch.setenv("KUBECONFIG", f"{tmp_path / 'missing'}{os.pathsep}{path}")
    driver = KubernetesDriver()
    driver.check_reachable()
    assert driver.host == fake_cluster.url


def test_unknown_context_names_the_known_ones(kubeconfig: Path) -> None:
    with pytest.raises(TargetUnreachable) as caught:
        KubernetesDriver(context="prod", kubeconfig=str(kubeconfig)).check_reachable()
    assert str(caught.value) == (
        f"context 'prod' is not defined in the kubeconfig {kubeconfig} "
        "(known contexts: fake, unreachable, viewer)"
    )


def test_no_kubeconfig_and_not_in_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(TargetUnreachable) as caught:
        KubernetesDriver().check_reachable()
    assert str(caught.value) == (
        "no kubeconfig found at ~/.kube/config and not running inside a cluster "
        "(set KUBECONFIG or pass a kubeconfig file)"
    )


def test_in_cluster_without_service_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_cluster: FakeCluster
) -> None:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(fake_cluster.port))
    with pytest.raises(TargetUnreachable, match=r"^the in-cluster configuration is not usable"):
        KubernetesDriver().check_reachable()


def test_wrong_token_is_refused(tmp_path: Path, fake_cluster: FakeCluster) -> None:
    config = fake_cluster.kubeconfig()
    config["users"][0]["user"]["token"] = "not-the-token"
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(TargetUnreachable, match="does not accept our credentials: Unauthorized"):
        KubernetesDriver(kubeconfig=str(path)).check_reachable()


# ---- pods ---------------------------------------------------------------------------------


def test_list_pods_by_label_selector(driver: KubernetesDriver, fake_cluster: FakeCluster) -> None:
    fake_cluster.apply_deployment("front", {"app": "front"}, replicas=2)
    fake_cluster.apply_deployment("back", {"app": "back"})
    fake_cluster.create_namespace("other")
    fake_cluster.apply_deployment("front", {"app": "front"}, namespace="other")
    fake_cluster.wait_ready("app=front", count=2)
    fake_cluster.wait_ready("app=back")
    fake_cluster.wait_ready("app=front", namespace="other")

    front = driver.list_pods("default", "app=front")
    assert len(front) == 2
    assert {p.labels["app"] for p in front} == {"front"}
    assert {p.namespace for p in front} == {"default"}
    assert {p.name for p in front} == fake_cluster.pod_names(selector="app=front")
    assert len(driver.list_pods("default", "app in (front,back)")) == 3
    assert [p.labels["app"] for p in driver.list_pods("default", "app notin (front)")] == ["back"]
    assert len(driver.list_pods("default")) == 3
    assert driver.list_pods("default", "app=nothing") == []


def test_pod_info_reports_phase_readiness_and_age(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.apply_deployment("front", {"app": "front"})
    (pod,) = fake_cluster.wait_ready("app=front")
    (info,) = driver.list_pods("default", "app=front")
    assert (info.phase, info.ready) == ("Running", True)
    assert isinstance(info.created, datetime) and info.created.tzinfo is not None

    fake_cluster.set_pod_ready(pod["metadata"]["name"], ready=False)
    info = wait_until(
        lambda: next((p for p in driver.list_pods("default", "app=front") if not p.ready), None),
        what="the pod to be reported not ready",
    )
    assert (info.name, info.phase) == (pod["metadata"]["name"], "Running")


def test_deleted_pod_is_replaced_by_a_new_one(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.apply_deployment("front", {"app": "front"})
    (old,) = fake_cluster.wait_ready("app=front")
    old_name = old["metadata"]["name"]

    driver.delete_pod(old_name, "default", grace_period=5)

    (new,) = wait_until(
        lambda: [
            p
            for p in fake_cluster.ready_pods(selector="app=front")
            if p["metadata"]["name"] != old_name
        ],
        what="a replacement pod",
    )
    assert old_name not in fake_cluster.pod_names()
    assert new["metadata"]["ownerReferences"] == old["metadata"]["ownerReferences"]
    (delete,) = [r for r in fake_cluster.api.requests if r.method == "DELETE"]
    assert delete.path == f"/api/v1/namespaces/default/pods/{old_name}"
    assert delete.query["gracePeriodSeconds"] == "5"


def test_delete_missing_pod_is_not_found(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    with pytest.raises(NotFound) as caught:
        driver.delete_pod("ghost", "default")
    assert str(caught.value) == "pod 'ghost' not found in namespace 'default'"


# ---- deployments --------------------------------------------------------------------------


def test_snapshot_strips_server_managed_fields(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.apply_deployment("back", {"app": "back"})
    fake_cluster.wait_ready("app=back")
    fake_cluster.store.update_meta(
        DEPLOYMENTS,
        "default",
        "back",
        annotations={"team": "chaos", "deployment.kubernetes.io/revision": "1"},
    )
    live = fake_cluster.deployment("back")
    assert live is not None
    assert {"uid", "resourceVersion", "creationTimestamp", "generation"} <= live["metadata"].keys()
    assert live["status"]

    snapshot = driver.get_deployment("back", "default")

    assert (snapshot.name, snapshot.namespace) == ("back", "default")
    meta = snapshot.manifest["metadata"]
    assert meta == {
        "name": "back",
        "namespace": "default",
        "labels": {"app": "back"},
        "annotations": {"team": "chaos"},
    }
    assert "status" not in snapshot.manifest
    assert snapshot.manifest["spec"] == live["spec"]
    assert (snapshot.manifest["kind"], snapshot.manifest["apiVersion"]) == ("Deployment", "apps/v1")


def test_get_missing_deployment_is_not_found(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    with pytest.raises(NotFound) as caught:
        driver.get_deployment("back", "default")
    assert str(caught.value) == "Deployment 'back' not found in namespace 'default'"
    with pytest.raises(NotFound):
        driver.delete_deployment("back", "default")
    with pytest.raises(NotFound):
        driver.scale_deployment("back", "default", 2)


def test_list_deployments_by_selector(driver: KubernetesDriver, fake_cluster: FakeCluster) -> None:
    fake_cluster.apply_deployment("back", {"app": "back", "tier": "api"})
    fake_cluster.apply_deployment("front", {"app": "front"})
    assert [s.name for s in driver.list_deployments("default", "tier=api")] == ["back"]
    assert [s.name for s in driver.list_deployments("default")] == ["back", "front"]
    for snapshot in driver.list_deployments("default"):
        assert "uid" not in snapshot.manifest["metadata"]
        assert (snapshot.manifest["kind"], snapshot.manifest["apiVersion"]) == (
            "Deployment",
            "apps/v1",
        )


def test_delete_then_restore_deployment(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.apply_deployment("back", {"app": "back"}, replicas=2)
    old_pods = {p["metadata"]["name"] for p in fake_cluster.wait_ready("app=back", count=2)}
    old_uid = fake_cluster.store.get(DEPLOYMENTS, "default", "back")["metadata"]["uid"]
    snapshot = driver.get_deployment("back", "default")

    driver.delete_deployment("back", "default")

    wait_until(lambda: fake_cluster.deployment("back") is None, what="the Deployment to go")
    assert fake_cluster.pods(selector="app=back") == []
    assert fake_cluster.store.list(REPLICASETS, "default")[0] == []
    (delete,) = [r for r in fake_cluster.api.requests if r.method == "DELETE"]
    assert delete.query["propagationPolicy"] == "Foreground"

    driver.restore_deployment(snapshot)

    restored = fake_cluster.deployment("back")
    assert restored is not None and restored["metadata"]["uid"] != old_uid
    new_pods = {p["metadata"]["name"] for p in fake_cluster.wait_ready("app=back", count=2)}
    assert new_pods.isdisjoint(old_pods)


def test_restore_waits_for_a_deployment_still_being_deleted(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.apply_deployment("back", {"app": "back"})
    fake_cluster.wait_ready("app=back")
    fake_cluster.store.update_meta(DEPLOYMENTS, "default", "back", finalizers=["example.com/hold"])
    snapshot = driver.get_deployment("back", "default")
    assert snapshot.manifest["metadata"]["finalizers"] == ["example.com/hold"]
    driver.delete_deployment("back", "default")
    wait_until(lambda: fake_cluster.pods(selector="app=back") == [], what="the pods to go")
    lingering = fake_cluster.deployment("back")
    assert lingering is not None and lingering["metadata"]["deletionTimestamp"]

    errors: list[BaseException] = []
    restorer = threading.Thread(
        target=lambda: _record_errors(errors, lambda: driver.restore_deployment(snapshot))
    )
    restorer.start()
    wait_until(
        lambda: any(r.method == "POST" for r in fake_cluster.api.requests),
        what="a first (refused) create",
    )
    assert restorer.is_alive()
    fake_cluster.store.patch(DEPLOYMENTS, "default", "back", {"metadata": {"finalizers": None}})
    restorer.join(timeout=10)

    assert not restorer.is_alive() and errors == []
    restored = fake_cluster.deployment("back")
    assert restored is not None and not restored["metadata"].get("deletionTimestamp")
    fake_cluster.wait_ready("app=back")


def _record_errors(errors: list[BaseException], action: object) -> None:
    try:
        action()  # type: ignore[operator]
    except BaseException as exc:
        errors.append(exc)


def test_restore_of_a_deployment_already_standing_is_success(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    """Idempotent: restoring twice, or after a create whose answer was lost, changes nothing."""
    fake_cluster.apply_deployment("back", {"app": "back"})
    uid = fake_cluster.store.get(DEPLOYMENTS, "default", "back")["metadata"]["uid"]
    snapshot = driver.get_deployment("back", "default")

    assert driver.restore_deployment(snapshot) is RestoreOutcome.ALREADY_PRESENT

    assert fake_cluster.store.get(DEPLOYMENTS, "default", "back")["metadata"]["uid"] == uid


def test_restore_refuses_to_overwrite_a_different_deployment_unless_forced(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.apply_deployment("back", {"app": "back"}, image="chaosrun/back:v2")
    snapshot = driver.get_deployment("back", "default")
    snapshot.manifest["spec"]["template"]["spec"]["containers"][0]["image"] = "chaosrun/back:v1"

    with pytest.raises(Conflict) as caught:
        driver.restore_deployment(snapshot)
    assert str(caught.value) == (
        "Deployment 'back' already exists in namespace 'default' with a different spec, "
        "so it was not overwritten by the snapshot"
    )
    live = fake_cluster.store.get(DEPLOYMENTS, "default", "back")
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "chaosrun/back:v2"

    assert driver.restore_deployment(snapshot, force=True) is RestoreOutcome.REPLACED
    live = fake_cluster.store.get(DEPLOYMENTS, "default", "back")
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "chaosrun/back:v1"


def test_restore_sends_the_manifest_as_is(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    """Fields this client version does not model survive a snapshot/restore round trip."""
    fake_cluster.apply_deployment("back", {"app": "back"})
    manifest = driver.get_deployment("back", "default").manifest
    manifest["spec"]["template"]["spec"]["containers"][0]["futureField"] = {"enabled": True}
    driver.delete_deployment("back", "default")
    wait_until(lambda: fake_cluster.deployment("back") is None, what="the Deployment to go")

    driver.restore_deployment(DeploymentSnapshot("back", "default", manifest))

    restored = fake_cluster.deployment("back")
    assert restored is not None
    assert restored["spec"]["template"]["spec"]["containers"][0]["futureField"] == {"enabled": True}


def test_restore_of_an_invalid_snapshot_is_one_sentence(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    bad = {"metadata": {"name": "back"}, "spec": {"template": {"spec": {"containers": []}}}}
    with pytest.raises(DriverError) as caught:
        driver.restore_deployment(DeploymentSnapshot("back", "default", bad))
    assert str(caught.value) == (
        f"the Kubernetes API at {fake_cluster.url} refused to create Deployment 'back' in "
        "namespace 'default': Deployment.apps \"back\" is invalid: spec.selector: Required value"
    )


def test_scale_deployment(driver: KubernetesDriver, fake_cluster: FakeCluster) -> None:
    fake_cluster.apply_deployment("front", {"app": "front"})
    fake_cluster.wait_ready("app=front")

    driver.scale_deployment("front", "default", 3)
    fake_cluster.wait_ready("app=front", count=3)
    driver.scale_deployment("front", "default", 0)
    wait_until(lambda: fake_cluster.pods(selector="app=front") == [], what="no front pods")

    patches = [r for r in fake_cluster.api.requests if r.method == "PATCH"]
    assert [r.path for r in patches] == [
        "/apis/apps/v1/namespaces/default/deployments/front/scale"
    ] * 2
    assert [r.body for r in patches] == [{"spec": {"replicas": 3}}, {"spec": {"replicas": 0}}]
    with pytest.raises(DriverError, match="cannot scale Deployment 'front' to -1 replicas"):
        driver.scale_deployment("front", "default", -1)


# ---- services -----------------------------------------------------------------------------


def test_service_url_from_load_balancer(
    driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.apply_service("frontend", {"app": "front"}, 80, 8080, load_balancer=True)
    fake_cluster.apply_service("alt", {"app": "front"}, 8080, 8080, load_balancer=True)
    fake_cluster.apply_service(
        "named",
        {"app": "front"},
        8443,
        8080,
        load_balancer=True,
        annotations={"fake.chaosrun/lb-hostname": "front.example.test"},
    )
    fake_cluster.apply_service("backend", {"app": "back"}, 8081, 8081)

    assert wait_until(lambda: driver.service_url("frontend", "default")) == "http://127.0.0.1"
    assert wait_until(lambda: driver.service_url("alt", "default")) == "http://127.0.0.1:8080"
    assert (
        wait_until(lambda: driver.service_url("named", "default"))
        == "http://front.example.test:8443"
    )
    fake_cluster.apply_service(
        "v6",
        {"app": "front"},
        80,
        8080,
        load_balancer=True,
        annotations={"fake.chaosrun/lb-hostname": "fd00::10"},
    )
    assert wait_until(lambda: driver.service_url("v6", "default")) == "http://[fd00::10]"
    assert driver.service_url("backend", "default") is None
    with pytest.raises(NotFound, match=r"^Service 'nope' not found in namespace 'default'$"):
        driver.service_url("nope", "default")


def test_silent_api_server_times_out_in_one_sentence(
    tmp_path: Path, fake_cluster: FakeCluster
) -> None:
    """A server that accepts connections but never answers is reported, not waited on forever."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections queue in the backlog; nothing ever reads them
        config = fake_cluster.kubeconfig()
        config["clusters"][0]["cluster"]["server"] = f"http://127.0.0.1:{silent.getsockname()[1]}"
        path = tmp_path / "config"
        path.write_text(yaml.safe_dump(config))
        driver = KubernetesDriver(kubeconfig=str(path))
        driver.check_timeout = (0.2, 0.2)
        with pytest.raises(TargetUnreachable) as caught:
            driver.check_reachable()
    assert str(caught.value) == (
        f"cannot reach the Kubernetes API at {config['clusters'][0]['cluster']['server']}: "
        "it did not answer in time"
    )


def test_forbidden_write_is_one_sentence(kubeconfig: Path, fake_cluster: FakeCluster) -> None:
    """A read-only account (RBAC ``view``) lists pods but its delete is refused, clearly."""
    fake_cluster.apply_deployment("front", {"app": "front"})
    (pod,) = fake_cluster.wait_ready("app=front")
    name = pod["metadata"]["name"]
    viewer = KubernetesDriver(context="viewer", kubeconfig=str(kubeconfig))
    viewer.check_reachable()
    assert [p.name for p in viewer.list_pods("default", "app=front")] == [name]

    with pytest.raises(DriverError) as caught:
        viewer.delete_pod(name, "default")

    assert not isinstance(caught.value, NotFound | TargetUnreachable)
    assert str(caught.value) == (
        "chaosrun may not delete pods in namespace 'default' (403 Forbidden): apply "
        "k8s/runner/rbac (kubectl apply -k k8s/runner/rbac) to grant it"
    )
    assert fake_cluster.pod_names() == {name}


class _HtmlHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><body>Welcome to nginx!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_web_server_that_is_not_kubernetes(tmp_path: Path, fake_cluster: FakeCluster) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    with serving(server):
        config = fake_cluster.kubeconfig()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        config["clusters"][0]["cluster"]["server"] = url
        path = tmp_path / "config"
        path.write_text(yaml.safe_dump(config))
        driver = KubernetesDriver(kubeconfig=str(path))
        with pytest.raises(TargetUnreachable) as unreachable:
            driver.check_reachable()
        with pytest.raises(DriverError) as caught:
            driver.list_pods("default")
    assert str(unreachable.value) == (
        f"the server at {url} did not answer like a Kubernetes API when asked to tell its version"
    )
    assert str(caught.value) == (
        f"the server at {url} did not answer like a Kubernetes API when asked to list pods in "
        "namespace 'default'"
    )
