"""The runner's RBAC for ``chaosrun partition`` and ``chaosrun drain``: the namespaced Role
grants what a partition and a drain's evictions use; the opt-in overlay k8s/runner/cluster-scope
adds exactly what a drain needs beyond it (nodes, the pods of every namespace). Checked both
ways on the requests the commands really make against the demo's install."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from testbed.kube.resources import NETWORKPOLICIES, NODES
from tests.manifests.kustomize import Obj, build, find
from tests.manifests.test_on_a_cluster import OTHER_COMMANDS, Demo, chaosrun, rbac_request

CLUSTER_SCOPE = Path(__file__).resolve().parents[2] / "k8s" / "runner" / "cluster-scope"


def grants(rules: list[Obj], namespace: str) -> set[tuple[str, ...]]:
    return {
        (namespace, group, resource, verb)
        for rule in rules
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }


def cluster_request(method: str, path: str, query: dict[str, str]) -> tuple[str, ...] | None:
    """A request RBAC judges at the cluster scope (a node, pods of all namespaces), as
    ``rbac_request`` reads a namespaced one; ``*`` stands for any namespace."""
    seen = rbac_request(method, path, query)
    if seen is None or seen[3] != "?":
        return seen
    parts = [p for p in path.split("/") if p]
    resource, named = parts[2], len(parts) > 3
    verbs = {"GET": "get" if named else "list", "PATCH": "patch", "POST": "create"}
    return "*", "", resource, verbs.get(method, method.lower())


def made(requests: list[Any]) -> set[tuple[str, ...]]:
    found = {cluster_request(r.method, r.path, r.query) for r in requests}
    return {r for r in found if r is not None}


def test_the_overlay_adds_the_cluster_role_and_keeps_the_runner_role() -> None:
    objects = build(CLUSTER_SCOPE)
    find(objects, "Role", "chaosrun")  # the namespaced grant comes with it
    role = find(objects, "ClusterRole", "chaosrun-cluster-scope")
    assert grants(role["rules"], "*") == {
        ("*", "", "nodes", "get"),
        ("*", "", "nodes", "list"),
        ("*", "", "nodes", "patch"),
        ("*", "", "pods", "get"),
        ("*", "", "pods", "list"),
        ("*", "", "pods/eviction", "create"),
        ("*", "", "configmaps", "get"),
    }
    (policy,) = [r for r in role["rules"] if "configmaps" in r["resources"]]
    assert policy["resourceNames"] == ["chaosrun-policy"]
    binding = find(objects, "ClusterRoleBinding", "chaosrun-cluster-scope")
    assert binding["roleRef"]["name"] == "chaosrun-cluster-scope"
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "chaosrun", "namespace": "chaosrun"}
    ]


def test_partition_and_drain_use_exactly_what_the_role_and_the_overlay_grant(
    demo: Demo, overlays: dict[str, list[Obj]], tmp_path: Path
) -> None:
    objects = build(CLUSTER_SCOPE)
    role = find(objects, "Role", "chaosrun")
    namespaced = grants(role["rules"], "default")
    cluster = grants(find(objects, "ClusterRole", "chaosrun-cluster-scope")["rules"], "*")
    front = demo.deploy(overlays["v2"], "v2")
    # A pod of another namespace on node-1 too: the drain reads that namespace's policy.
    demo.cluster.add_node("node-2", unschedulable=True)
    demo.cluster.create_namespace("shop")
    demo.cluster.apply_deployment("web", {"app": "web"}, namespace="shop")
    demo.cluster.wait_ready("app=web", namespace="shop")
    demo.cluster.store.patch(NODES, None, "node-2", {"spec": {"unschedulable": None}})
    used: set[tuple[str, ...]] = set()
    for argv in (
        ["partition", "--selector", "app=back", "--pause", "1"],
        # The demo's pods keep /tmp in an emptyDir.
        ["drain", "node-1", "--delete-emptydir-data", "--pause", "1"],
    ):
        first = len(demo.cluster.api.requests)
        journal = tmp_path / f"{argv[0]}.json"
        done = chaosrun(
            ["chaosrun", *argv, "--frontend-url", f"{front.url}/", "--journal-path", str(journal)],
            demo.kubeconfig,
        )
        # Draining the one node takes the single frontend down for a while: deviated is an
        # honest verdict here; what matters is that nothing was refused.
        assert done.returncode in (0, 1), done.stdout + done.stderr
        assert "Forbidden" not in done.stdout + done.stderr
        requests = made(demo.cluster.api.requests[first:])
        outside = {r for r in requests if r not in namespaced and ("*", *r[1:]) not in cluster}
        assert not outside, f"neither the Role nor the overlay allows {sorted(outside)}"
        used |= requests
        demo.cluster.wait_ready("app=back")
    # What the namespaced Role holds for these commands, each used (reads back of a lost
    # answer aside: a run without faults never sends them).
    for grant in OTHER_COMMANDS - {("default", "networking.k8s.io", "networkpolicies", "get")}:
        assert grant in used, grant
    assert ("*", "", "nodes", "patch") in used and ("*", "", "pods", "list") in used
    assert ("shop", "", "configmaps", "get") in used
    assert not [p for p in demo.cluster.store.items(NETWORKPOLICIES)]
