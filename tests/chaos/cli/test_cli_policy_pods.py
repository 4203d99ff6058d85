"""The namespace policy of what a change reaches through pods, against the tests' Kubernetes API
server, ``chaosrun`` a real process: a drain reads the policy of each namespace whose pods it
evicts (not the one of ``-n``), the strictest applying where they combine, and checks it again
right before each eviction; ``require-label`` on a drain's pods and on ``latency --service``'s
Service and its pods. Nothing changed on any refusal, a ``ChaosRefused`` Event on what was
spared."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
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


def evictions(cluster: FakeCluster) -> list[Any]:
    return [r for r in cluster.api.requests if r.path.endswith("/eviction")]


DRAIN = ("drain", "node-1", "--timeout", "30", "--pause", "0")


@dataclass(frozen=True)
class Shop:
    """The tests' cluster with ``web`` in namespace ``shop``, one pod on each of two nodes
    (nothing in ``default``), and ``chaosrun`` run against it, journal ``journal``."""

    cluster: FakeCluster
    kubeconfig: Path
    target: Target
    journal: Path
    kube_api: Any

    def args(self, *args: str) -> list[str]:
        return [
            *args, "--kubeconfig", str(self.kubeconfig), "--frontend-url", self.target.url,
            "--no-measure", "--no-history", "--journal-path", str(self.journal),
        ]  # fmt: skip

    def run(self, *args: str) -> Any:
        return run_chaosrun(*self.args(*args), timeout=120)

    def policy(self, namespace: str, **data: str) -> None:
        from kubernetes import client

        body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="chaosrun-policy"), data=data)
        client.CoreV1Api(self.kube_api).create_namespaced_config_map(namespace, body)

    def refusals(self, namespace: str = "default") -> list[tuple[str, str, str]]:
        """(kind, name, message) of chaosrun's ``ChaosRefused`` Events in ``namespace``."""
        from kubernetes import client

        found = client.CoreV1Api(self.kube_api).list_namespaced_event(namespace).items
        return [
            (str(e.involved_object.kind), str(e.involved_object.name), str(e.message))
            for e in found
            if e.reason == "ChaosRefused" and e.source and e.source.component == "chaosrun"
        ]

    def cordoned(self) -> bool:
        node = self.cluster.store.get(NODES, None, "node-1")
        return bool(node.get("spec", {}).get("unschedulable"))

    def drained(self, result: Any) -> None:
        """The drain went ahead (the hypothesis may see a pod starting: exit 0 or 1)."""
        output = result.stdout + result.stderr
        assert result.returncode in (0, 1), output
        assert json.loads(self.journal.read_text())["run"][0]["status"] == "succeeded", output
        assert evictions(self.cluster)

    def refused(self, result: Any, sentence: str) -> str:
        """Refused before any change, ``sentence`` said; the output."""
        output = str(result.stdout + result.stderr)
        assert result.returncode == 2, output
        assert sentence in output
        assert "; nothing was changed." in output
        assert "Traceback" not in output
        assert evictions(self.cluster) == []
        assert not self.journal.exists()
        return output


@pytest.fixture
def shop(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, kube_api: Any
) -> Shop:
    fake_cluster.add_node("node-2")
    fake_cluster.create_namespace(SHOP)
    spread(fake_cluster, "web", SHOP, {"app": "web", "tier": "shop"})
    return Shop(fake_cluster, kubeconfig, target, tmp_path / "j.json", kube_api)


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
    shop: Shop, namespace: str, data: dict[str, str], refusal: str | None
) -> None:
    if data.get("windows") == "closed":
        data = {"windows": closed_window()}
    shop.policy(namespace, **data)
    before = shop.cluster.pod_names(SHOP)
    result = shop.run(*DRAIN, "-n", "default")
    if refusal is None:
        shop.drained(result)
    else:
        shop.refused(result, BY + refusal)
        assert shop.cluster.pod_names(SHOP) == before
        ((kind, name, message),) = shop.refusals()
        assert (kind, name) == ("Node", "node-1")
        assert f"not drained: {BY}{refusal}" in message
    assert not shop.cordoned()


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
    shop: Shop, theirs: tuple[dict[str, str], dict[str, str]], refusal: str | None
) -> None:
    shop.cluster.create_namespace("cart")
    spread(shop.cluster, "basket", "cart", {"app": "basket"})
    shop.policy(SHOP, **theirs[0])
    shop.policy("cart", **theirs[1])
    result = shop.run(*DRAIN)
    if refusal is None:
        shop.drained(result)
    else:
        shop.refused(result, f"refused by chaosrun-policy {refusal}")
    assert not shop.cordoned()


def _blocked(cluster: FakeCluster, proc: subprocess.Popen[str]) -> None:
    """Until the drain has tried to evict a pod its PodDisruptionBudget protects."""
    wait_until(lambda: evictions(cluster) or proc.poll() is not None, what="an eviction tried")
    assert proc.poll() is None


@pytest.mark.parametrize("meanwhile", ["the other pod unready", "a node gone"])
def test_a_drain_checks_again_right_before_each_eviction(shop: Shop, meanwhile: str) -> None:
    """The guards allow the drain before the cordon; a PodDisruptionBudget holds the eviction
    back while the selection grows (the other pod of ``web`` unready: the floor would break; a
    node gone: the one drained is a larger share); the next try is refused, the pod stays,
    the cordon is undone."""
    cluster = shop.cluster
    cluster.add_node("node-3")
    shop.policy(SHOP, **{"min-healthy": "1", "max-percent": "34"})
    cluster.apply_pdb("web", {"app": "web"}, min_available=2, namespace=SHOP)
    (held,) = [p for p in cluster.pods(SHOP) if p["spec"]["nodeName"] == "node-1"]
    (other,) = [p for p in cluster.pods(SHOP) if p["spec"]["nodeName"] == "node-2"]
    proc = spawn(*shop.args(*DRAIN))
    try:
        _blocked(cluster, proc)
        if meanwhile == "a node gone":
            cluster.store.delete(NODES, None, "node-3")
            refusal = "max-percent 34, the selection is 50 % (1 of 2 nodes of the cluster)"
        else:
            cluster.set_pod_ready(other["metadata"]["name"], False, namespace=SHOP)
            refusal = "min-healthy 1: ReplicaSet shop/web-"
        cluster.store.delete(PDBS, SHOP, "web")
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, output
    ran = json.loads(shop.journal.read_text())["run"][0]
    assert ran["status"] == "failed"
    assert BY + refusal in ran["exception"][-1]
    name = held["metadata"]["name"]
    assert cluster.store.get(PODS, SHOP, name)["metadata"]["uid"] == held["metadata"]["uid"]
    assert not shop.cordoned()
    assert [(k, n) for k, n, _ in shop.refusals(SHOP)] == [("Pod", name)]


@pytest.mark.parametrize(
    ("service", "pods", "refusal"),
    [
        ({}, {"chaos": "ok"}, "require-label chaos=ok, Service web does not carry it"),
        ({"chaos": "ok"}, {}, "require-label chaos=ok, pod web-"),
        ({"chaos": "ok"}, {"chaos": "ok"}, None),
    ],
)
def test_latency_needs_the_label_on_its_service_and_the_pods_behind_it(
    shop: Shop, service: dict[str, str], pods: dict[str, str], refusal: str | None
) -> None:
    cluster = shop.cluster
    shop.policy(SHOP, **{"require-label": "chaos=ok"})
    cluster.apply_service("web", {"app": "web"}, 80, 8080, namespace=SHOP)
    cluster.store.update_meta(SERVICES, SHOP, "web", labels=service)
    for pod in cluster.pods(SHOP):
        labels = {**pod["metadata"]["labels"], **pods}
        cluster.store.update_meta(PODS, SHOP, pod["metadata"]["name"], labels=labels)
    latency = ("latency", "--service", "web", "-n", SHOP, "--duration", "0")
    if refusal is None:  # allowed: said, not made (the proxy would need an image to run)
        result = shop.run(*latency, "--dry-run")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Dry run: would put the fault proxy" in result.stdout + result.stderr
        return
    shop.refused(shop.run(*latency), BY + refusal)
    assert [s["metadata"]["name"] for s in cluster.store.items(SERVICES)] == ["web"]
    assert cluster.store.get(SERVICES, SHOP, "web")["spec"]["selector"] == {"app": "web"}
    assert sorted(d["metadata"]["name"] for d in cluster.store.items(DEPLOYMENTS)) == ["web"]
    assert [(k, n) for k, n, _ in shop.refusals(SHOP)] == [("Service", "web")]


def test_the_floor_of_an_evicted_pods_policy_is_watched_while_the_run_lasts(shop: Shop) -> None:
    cluster = shop.cluster
    shop.policy(SHOP, **{"min-healthy": "1"})
    proc = spawn(*shop.args("drain", "node-1", "--timeout", "30", "--pause", "60"))
    try:
        read_until(proc, "Pausing after activity for 60s...")
        while proc.poll() is None:  # every pod of web unready, replacements too, until the end
            for pod in cluster.ready_pods(SHOP):
                cluster.set_pod_ready(pod["metadata"]["name"], False, namespace=SHOP)
            wait_until(lambda: proc.poll() is not None or cluster.ready_pods(SHOP), what="a change")
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, output
    data = json.loads(shop.journal.read_text())
    assert data["status"] == "interrupted"
    assert data["interruption"]["reason"].startswith(
        "chaosrun-policy in shop: min-healthy 1: ReplicaSet shop/web-"
    )
    assert not shop.cordoned()
