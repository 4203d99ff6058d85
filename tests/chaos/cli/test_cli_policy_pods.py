"""The namespace policy of what a change reaches through pods, against the tests' Kubernetes API
server, ``chaosrun`` a real process: a drain reads the policy of each namespace whose pods it
evicts (not the one of ``-n``), the strictest applying where they combine, and checks it again
right before each eviction; ``require-label`` on a drain's pods and on ``latency --service``'s
Service and its pods. Nothing changed on any refusal, a ``ChaosRefused`` Event on what was
spared."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from testbed.kube.cluster import FakeCluster, wait_until
from testbed.kube.resources import DEPLOYMENTS, NODES, PDBS, PODS, SERVICES
from tests.chaos.cli.helpers import read_until, spawn
from tests.chaos.engine.http_target import Target
from tests.support.cli import run_chaosrun

SHOP = "shop"


def spread(cluster: FakeCluster, name: str, namespace: str, labels: dict[str, str]) -> None:
    """Deployment ``name``'s two pods in ``namespace``: one on node-1, one on node-2."""
    cluster.apply_deployment(name, labels, replicas=1, namespace=namespace)
    selector = ",".join(f"{k}={v}" for k, v in labels.items())
    cluster.wait_ready(selector, count=1, namespace=namespace)
    cluster.store.patch(NODES, None, "node-1", {"spec": {"unschedulable": True}})
    cluster.store.patch(DEPLOYMENTS, namespace, name, {"spec": {"replicas": 2}})
    cluster.wait_ready(selector, count=2, namespace=namespace)
    cluster.store.patch(NODES, None, "node-1", {"spec": {"unschedulable": None}})


@pytest.fixture
def shop(fake_cluster: FakeCluster) -> FakeCluster:
    """``web`` in namespace ``shop``, one pod on each of two nodes; nothing in ``default``."""
    fake_cluster.add_node("node-2")
    fake_cluster.create_namespace(SHOP)
    spread(fake_cluster, "web", SHOP, {"app": "web", "tier": "shop"})
    return fake_cluster


@pytest.fixture
def policy(kube_api: Any) -> Any:
    def write(namespace: str, **data: str) -> None:
        from kubernetes import client

        body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="chaosrun-policy"), data=data)
        client.CoreV1Api(kube_api).create_namespaced_config_map(namespace, body)

    return write


def refusals(kube_api: Any, namespace: str = "default") -> list[tuple[str, str, str]]:
    """(kind, name, message) of chaosrun's ``ChaosRefused`` Events in ``namespace``."""
    from kubernetes import client

    found = client.CoreV1Api(kube_api).list_namespaced_event(namespace).items
    return [
        (str(e.involved_object.kind), str(e.involved_object.name), str(e.message))
        for e in found
        if e.reason == "ChaosRefused" and e.source and e.source.component == "chaosrun"
    ]


def cli(kubeconfig: Path, target: Target, journal: Path, *args: str) -> list[str]:
    return [
        *args, "--kubeconfig", str(kubeconfig), "--frontend-url", target.url, "--no-measure",
        "--no-history", "--journal-path", str(journal),
    ]  # fmt: skip


DRAIN = ("drain", "node-1", "--timeout", "30", "--pause", "0")


def drain(kubeconfig: Path, target: Target, journal: Path, *more: str) -> Any:
    return run_chaosrun(*cli(kubeconfig, target, journal, *DRAIN, *more), timeout=120)


def evictions(cluster: FakeCluster) -> list[Any]:
    return [r for r in cluster.api.requests if r.path.endswith("/eviction")]


def cordoned(cluster: FakeCluster) -> bool:
    return bool(cluster.store.get(NODES, None, "node-1").get("spec", {}).get("unschedulable"))


def closed_window() -> str:
    later = datetime.now(UTC) + timedelta(hours=3)
    return f"Mon-Sun {later:%H}:00-{(later + timedelta(hours=1)):%H}:00 UTC"


BY = "refused by chaosrun-policy in shop: "


@pytest.mark.parametrize(
    ("namespace", "data", "refusal"),
    [
        (SHOP, {"max-percent": "50"}, None),
        (SHOP, {"max-percent": "49"}, "max-percent 49, the selection is 50 % (1 of 2 nodes"),
        (SHOP, {"min-healthy": "1"}, None),
        (SHOP, {"min-healthy": "2"}, "min-healthy 2: ReplicaSet shop/web-"),
        (SHOP, {"faults": "drain"}, None),
        (SHOP, {"faults": "pod, scale"}, "its faults allow pod, scale, not drain (drain_nodes)"),
        (SHOP, {"windows": "closed"}, "chaos is allowed only in "),
        (SHOP, {"require-label": "tier=shop"}, None),
        (SHOP, {"require-label": "tier=db"}, "require-label tier=db, pod shop/web-"),
        # The namespace of -n, where the drain evicts nothing: its policy does not apply.
        ("default", {"faults": "pod", "max-percent": "10", "require-label": "x"}, None),
    ],
)
def test_a_drain_reads_the_policy_of_the_namespaces_it_evicts_from(
    shop: FakeCluster,
    kubeconfig: Path,
    target: Target,
    tmp_path: Path,
    kube_api: Any,
    policy: Any,
    namespace: str,
    data: dict[str, str],
    refusal: str | None,
) -> None:
    if data.get("windows") == "closed":
        data = {"windows": closed_window()}
    policy(namespace, **data)
    before = shop.pod_names(SHOP)
    journal = tmp_path / "j.json"
    result = drain(kubeconfig, target, journal, "-n", "default")
    output = result.stdout + result.stderr
    if refusal is None:
        assert result.returncode in (0, 1), output  # the hypothesis may see a pod starting
        assert json.loads(journal.read_text())["run"][0]["status"] == "succeeded", output
        assert evictions(shop)
    else:
        assert result.returncode == 2, output
        assert BY + refusal in output
        assert "; nothing was changed." in output
        assert "Traceback" not in output
        assert evictions(shop) == []
        assert shop.pod_names(SHOP) == before
        assert not journal.exists()
        ((kind, name, message),) = refusals(kube_api)
        assert (kind, name) == ("Node", "node-1")
        assert f"not drained: {BY}{refusal}" in message
    assert not cordoned(shop)


@pytest.mark.parametrize(
    ("theirs", "refusal"),
    [
        (({"max-percent": "60"}, {"max-percent": "49"}), "in cart: max-percent 49, the selection"),
        (({"max-percent": "49"}, {"max-percent": "60"}), "in shop: max-percent 49, the selection"),
        (({"max-percent": "60", "min-healthy": "1"}, {"max-percent": "50"}), None),
        # Each namespace's floor on its own workloads: shop's 1 is kept, cart's 2 is not.
        (({"min-healthy": "1"}, {"min-healthy": "2"}), "in cart: min-healthy 2: ReplicaSet cart/"),
    ],
)
def test_where_their_policies_combine_the_strictest_applies(
    shop: FakeCluster,
    kubeconfig: Path,
    target: Target,
    tmp_path: Path,
    policy: Any,
    theirs: tuple[dict[str, str], dict[str, str]],
    refusal: str | None,
) -> None:
    shop.create_namespace("cart")
    spread(shop, "basket", "cart", {"app": "basket"})
    policy(SHOP, **theirs[0])
    policy("cart", **theirs[1])
    journal = tmp_path / "j.json"
    result = drain(kubeconfig, target, journal)
    output = result.stdout + result.stderr
    if refusal is None:
        assert result.returncode in (0, 1), output
        assert json.loads(journal.read_text())["run"][0]["status"] == "succeeded", output
    else:
        assert result.returncode == 2, output
        assert f"refused by chaosrun-policy {refusal}" in output
        assert evictions(shop) == []
    assert not cordoned(shop)


def _blocked(cluster: FakeCluster, proc: subprocess.Popen[str]) -> None:
    """Until the drain has tried to evict a pod its PodDisruptionBudget protects."""
    wait_until(lambda: evictions(cluster) or proc.poll() is not None, what="an eviction tried")
    assert proc.poll() is None


@pytest.mark.parametrize("meanwhile", ["the other pod unready", "a node gone"])
def test_a_drain_checks_again_right_before_each_eviction(
    shop: FakeCluster,
    kubeconfig: Path,
    target: Target,
    tmp_path: Path,
    kube_api: Any,
    policy: Any,
    meanwhile: str,
) -> None:
    """The guards allow the drain before the cordon; a PodDisruptionBudget holds the eviction
    back while the selection grows (the other pod of ``web`` unready: the floor would break; a
    node gone: the one drained is a larger share); the next try is refused, the pod stays,
    the cordon is undone."""
    shop.add_node("node-3")
    policy(SHOP, **{"min-healthy": "1", "max-percent": "34"})
    shop.apply_pdb("web", {"app": "web"}, min_available=2, namespace=SHOP)
    (held,) = [p for p in shop.pods(SHOP) if p["spec"]["nodeName"] == "node-1"]
    (other,) = [p for p in shop.pods(SHOP) if p["spec"]["nodeName"] == "node-2"]
    journal = tmp_path / "j.json"
    proc = spawn(*cli(kubeconfig, target, journal, *DRAIN))
    try:
        _blocked(shop, proc)
        if meanwhile == "a node gone":
            shop.store.delete(NODES, None, "node-3")
            refusal = "max-percent 34, the selection is 50 % (1 of 2 nodes of the cluster)"
        else:
            shop.set_pod_ready(other["metadata"]["name"], False, namespace=SHOP)
            refusal = "min-healthy 1: ReplicaSet shop/web-"
        shop.store.delete(PDBS, SHOP, "web")
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, output
    ran = json.loads(journal.read_text())["run"][0]
    assert ran["status"] == "failed"
    assert BY + refusal in ran["exception"][-1]
    name = held["metadata"]["name"]
    assert shop.store.get(PODS, SHOP, name)["metadata"]["uid"] == held["metadata"]["uid"]
    assert not cordoned(shop)
    assert [(k, n) for k, n, _ in refusals(kube_api, SHOP)] == [("Pod", name)]


@pytest.mark.parametrize(
    ("service", "pods", "refusal"),
    [
        ({}, {"chaos": "ok"}, "require-label chaos=ok, Service web does not carry it"),
        ({"chaos": "ok"}, {}, "require-label chaos=ok, pod web-"),
        ({"chaos": "ok"}, {"chaos": "ok"}, None),
    ],
)
def test_latency_needs_the_label_on_its_service_and_the_pods_behind_it(
    shop: FakeCluster,
    kubeconfig: Path,
    target: Target,
    tmp_path: Path,
    kube_api: Any,
    policy: Any,
    service: dict[str, str],
    pods: dict[str, str],
    refusal: str | None,
) -> None:
    policy(SHOP, **{"require-label": "chaos=ok"})
    shop.apply_service("web", {"app": "web"}, 80, 8080, namespace=SHOP)
    shop.store.update_meta(SERVICES, SHOP, "web", labels=service)
    for pod in shop.pods(SHOP):
        labels = {**pod["metadata"]["labels"], **pods}
        shop.store.update_meta(PODS, SHOP, pod["metadata"]["name"], labels=labels)
    journal = tmp_path / "j.json"
    args = cli(kubeconfig, target, journal, "latency", "--service", "web", "-n", SHOP)
    if refusal is None:  # allowed: said, not made (the proxy would need an image to run)
        result = run_chaosrun(*args, "--duration", "0", "--dry-run", timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Dry run: would put the fault proxy" in result.stdout + result.stderr
        return
    result = run_chaosrun(*args, "--duration", "0", timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert f"{BY}{refusal}" in output
    assert "; nothing was changed." in output
    assert [s["metadata"]["name"] for s in shop.store.items(SERVICES)] == ["web"]
    assert shop.store.get(SERVICES, SHOP, "web")["spec"]["selector"] == {"app": "web"}
    assert sorted(d["metadata"]["name"] for d in shop.store.items(DEPLOYMENTS)) == ["web"]
    assert [(k, n) for k, n, _ in refusals(kube_api, SHOP)] == [("Service", "web")]


def test_the_floor_of_an_evicted_pods_policy_is_watched_while_the_run_lasts(
    shop: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, policy: Any
) -> None:
    policy(SHOP, **{"min-healthy": "1"})
    journal = tmp_path / "j.json"
    args = cli(kubeconfig, target, journal, "drain", "node-1", "--timeout", "30", "--pause", "60")
    proc = spawn(*args)
    try:
        read_until(proc, "Pausing after activity for 60s...")
        while proc.poll() is None:  # every pod of web unready, replacements too, until the end
            for pod in shop.ready_pods(SHOP):
                shop.set_pod_ready(pod["metadata"]["name"], False, namespace=SHOP)
            wait_until(lambda: proc.poll() is not None or shop.ready_pods(SHOP), what="a change")
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, output
    data = json.loads(journal.read_text())
    assert data["status"] == "interrupted"
    assert data["interruption"]["reason"].startswith(
        "chaosrun-policy in shop: min-healthy 1: ReplicaSet shop/web-"
    )
    assert not cordoned(shop)
