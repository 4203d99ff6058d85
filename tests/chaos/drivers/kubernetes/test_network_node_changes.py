"""The networking, node, crd and Chaos Mesh actions, end to end against the tests' API server
with the real client: each called with the arguments the extension's documentation shows,
asserted on what it did and returned, then undone by chaosrun's own rollback (the object back
exactly as it was)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chaos.actions.changes import undo_all
from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.drivers.base import (
    INGRESSES,
    NETWORKPOLICIES,
    NODES,
    ObjectKind,
)
from chaos.drivers.kubernetes import KubernetesDriver
from testbed.kube.cluster import FakeCluster, wait_until
from tests.support.kube_objects import (
    NETWORKCHAOS,
    STRESSCHAOS,
    call_in,
    create,
    define,
    read_or_none,
)

WIDGETS = ObjectKind("Widget", "example.com", "v1", "widgets")
GLOBAL_WIDGETS = ObjectKind("GlobalWidget", "example.com", "v1", "globalwidgets", False)


@pytest.fixture
def ctx(driver: KubernetesDriver) -> RunContext:
    return RunContext(driver_factory=lambda: driver)


run, read = call_in, read_or_none


def gone(driver: KubernetesDriver, kind: ObjectKind, name: str, ns: str | None = "default") -> bool:
    """Deleted (a foreground delete leaves the object a moment, being deleted)."""
    wait_until(lambda: read(driver, kind, name, ns) is None, what=f"{kind.kind} {name} to go")
    return True


def content(obj: dict[str, Any] | None) -> Any:
    """What an undo must bring back: everything but the server's bookkeeping."""
    if obj is None:
        return None
    meta = {k: v for k, v in obj["metadata"].items() if k in ("name", "namespace", "labels")}
    return {**{k: v for k, v in obj.items() if k not in ("metadata", "status")}, "meta": meta}


def undone(ctx: RunContext) -> list[str]:
    done = undo_all(ctx)
    assert all(not e.state.needs_restore for e in ctx.undoable)
    return done


def test_deny_all_ingress_and_its_removal(ctx: RunContext, driver: KubernetesDriver) -> None:
    run(ctx, "chaosk8s.networking.actions.deny_all_ingress", label_selectors={"app": "back"})
    policy = read(driver, NETWORKPOLICIES, "chaostoolkit-deny-all-ingress")
    assert policy["spec"] == {
        "podSelector": {"matchLabels": {"app": "back"}},
        "policyTypes": ["Ingress"],
        "ingress": [],
    }
    run(ctx, "chaosk8s.networking.actions.remove_deny_all_ingress")
    assert gone(driver, NETWORKPOLICIES, "chaostoolkit-deny-all-ingress")
    undone(ctx)  # one entry: the policy created, then removed by the file itself
    assert gone(driver, NETWORKPOLICIES, "chaostoolkit-deny-all-ingress")


@pytest.mark.parametrize(
    ("func", "name", "types"),
    [
        ("deny_all_ingress", "chaostoolkit-deny-all-ingress", ["Ingress"]),
        ("deny_all_egress", "chaostoolkit-deny-all-egress", ["Egress"]),
        ("allow_dns_access", "chaostoolkit-allow-dns", ["Egress"]),
    ],
)
def test_the_helper_policies_are_undone_by_the_rollback(
    ctx: RunContext, driver: KubernetesDriver, func: str, name: str, types: list[str]
) -> None:
    run(ctx, f"chaosk8s.networking.actions.{func}", ns="default")
    policy = read(driver, NETWORKPOLICIES, name)
    assert policy["spec"]["policyTypes"] == types
    assert policy["spec"]["podSelector"] == {}  # every pod of the namespace, as chaosk8s does
    assert undone(ctx) == [f"NetworkPolicy default/{name}: undone"]
    assert gone(driver, NETWORKPOLICIES, name)


def test_a_network_policy_from_a_file_and_its_removal_undone(
    ctx: RunContext, driver: KubernetesDriver, tmp_path: Path
) -> None:
    spec = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "keep-out"},
        "spec": {"podSelector": {"matchLabels": {"app": "front"}}, "policyTypes": ["Ingress"]},
    }
    path = tmp_path / "policy.yaml"
    path.write_text(json.dumps(spec))  # JSON is YAML
    run(ctx, "chaosk8s.networking.actions.create_network_policy", spec_path=str(path))
    before = content(read(driver, NETWORKPOLICIES, "keep-out"))
    assert before["spec"]["podSelector"] == {"matchLabels": {"app": "front"}}

    fresh = RunContext(driver_factory=ctx.driver_factory)
    run(fresh, "chaosk8s.networking.actions.remove_network_policy", name="keep-out")
    assert gone(driver, NETWORKPOLICIES, "keep-out")
    undone(fresh)  # deleted -> re-created from its snapshot
    assert content(read(driver, NETWORKPOLICIES, "keep-out")) == before


def test_ingress_created_updated_deleted_and_each_undone(
    ctx: RunContext, driver: KubernetesDriver, tmp_path: Path
) -> None:
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": {"rules": [{"host": "a.example.com"}]},
    }
    path = tmp_path / "ingress.json"
    path.write_text(json.dumps(ingress))
    assert run(ctx, "chaosk8s.networking.actions.create_ingress", spec_path=str(path)) is None
    assert read(driver, INGRESSES, "web")["spec"]["rules"] == [{"host": "a.example.com"}]
    undone(ctx)
    assert gone(driver, INGRESSES, "web")

    create(driver, INGRESSES, {k: v for k, v in ingress.items() if k != "apiVersion"})
    before = content(read(driver, INGRESSES, "web"))
    update = RunContext(driver_factory=ctx.driver_factory)
    spec = {"spec": {"rules": [{"host": "b.example.com"}]}}
    run(update, "chaosk8s.networking.actions.update_ingress", name="web", spec=spec)
    assert read(driver, INGRESSES, "web")["spec"]["rules"] == [{"host": "b.example.com"}]
    undone(update)
    assert content(read(driver, INGRESSES, "web")) == before

    removal = RunContext(driver_factory=ctx.driver_factory)
    run(removal, "chaosk8s.networking.actions.delete_ingress", name="web")
    assert gone(driver, INGRESSES, "web")
    undone(removal)
    assert content(read(driver, INGRESSES, "web")) == before


def test_cordon_and_uncordon_and_their_undo(
    ctx: RunContext, driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.add_node("n2", {"pool": "b"})
    assert run(ctx, "chaosk8s.node.actions.cordon_node", name="n2") == ["n2"]
    assert read(driver, NODES, "n2", None)["spec"]["unschedulable"] is True
    assert run(ctx, "chaosk8s.node.actions.uncordon_node", label_selector="pool=b") == ["n2"]
    assert not read(driver, NODES, "n2", None)["spec"].get("unschedulable")
    # One entry, the first: the node was schedulable before the run.
    assert [(e.op.value, e.previous) for e in ctx.undoable] == [("cordoned", False)]

    again = RunContext(driver_factory=ctx.driver_factory)
    run(again, "chaosk8s.node.actions.cordon_node", label_selector="pool=b")
    undone(again)
    assert not read(driver, NODES, "n2", None)["spec"].get("unschedulable")
    with pytest.raises(ActivityFailed, match="failed to find a node that matches selector"):
        run(again, "chaosk8s.node.actions.cordon_node", name="nowhere")


def test_create_node_is_undone_by_deleting_it(ctx: RunContext, driver: KubernetesDriver) -> None:
    created = run(
        ctx,
        "chaosk8s.node.actions.create_node",
        meta={"name": "extra", "labels": {"pool": "c"}},
        spec={"unschedulable": True},
    )
    assert created["metadata"]["name"] == "extra"
    assert read(driver, NODES, "extra", None)["spec"]["unschedulable"] is True
    undone(ctx)
    assert gone(driver, NODES, "extra", None)


def test_delete_nodes_deletes_the_first_selected(
    ctx: RunContext, driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.add_node("doomed", {"pool": "gone"})
    ctx.allow_irreversible = True
    assert run(ctx, "chaosk8s.node.actions.delete_nodes", label_selector="pool=gone") == ["doomed"]
    assert gone(driver, NODES, "doomed", None)
    assert ctx.undoable == []  # nothing the rollback could bring back
    assert ctx.record["irreversible"] == ["delete Node doomed"]  # said in the journal


def test_custom_objects_created_patched_replaced_deleted_each_undone(
    ctx: RunContext, driver: KubernetesDriver
) -> None:
    define(driver, WIDGETS, "Widget")
    group = {"group": "example.com", "version": "v1", "plural": "widgets"}
    widget = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w1"},
        "spec": {"size": 1},
    }
    made = run(ctx, "chaosk8s.crd.actions.create_custom_object", resource=widget, **group)
    assert made["metadata"]["name"] == "w1" and made["spec"] == {"size": 1}
    again = run(ctx, "chaosk8s.crd.actions.create_custom_object", resource=widget, **group)
    assert again["reason"] == "AlreadyExists" and again["code"] == 409
    undone(ctx)
    assert gone(driver, WIDGETS, "w1")

    create(driver, WIDGETS, {k: v for k, v in widget.items() if k != "apiVersion"})
    before = content(read(driver, WIDGETS, "w1"))
    for func, resource in (
        ("patch_custom_object", {"spec": {"size": 2}}),
        ("replace_custom_object", {"kind": "Widget", "spec": {"size": 3, "new": True}}),
    ):
        change = RunContext(driver_factory=ctx.driver_factory)
        after = run(change, f"chaosk8s.crd.actions.{func}", name="w1", resource=resource, **group)
        assert after["spec"]["size"] in (2, 3)
        undone(change)
        assert content(read(driver, WIDGETS, "w1")) == before

    removal = RunContext(driver_factory=ctx.driver_factory)
    deleted = run(removal, "chaosk8s.crd.actions.delete_custom_object", name="w1", **group)
    assert deleted["spec"] == {"size": 1}
    assert gone(driver, WIDGETS, "w1")
    undone(removal)
    assert content(read(driver, WIDGETS, "w1")) == before


def test_cluster_custom_objects_and_apply_from_a_string(
    ctx: RunContext, driver: KubernetesDriver, tmp_path: Path
) -> None:
    define(driver, GLOBAL_WIDGETS, "GlobalWidget")
    define(driver, WIDGETS, "Widget")
    group = {"group": "example.com", "version": "v1", "plural": "globalwidgets"}
    path = tmp_path / "global.yaml"
    path.write_text("kind: GlobalWidget\napiVersion: example.com/v1\nmetadata: {name: g1}\n")
    run(
        ctx,
        "chaosk8s.crd.actions.create_cluster_custom_object",
        resource_as_yaml_file=str(path),
        **group,
    )
    assert read(driver, GLOBAL_WIDGETS, "g1", None)["metadata"]["name"] == "g1"
    run(
        ctx,
        "chaosk8s.crd.actions.patch_cluster_custom_object",
        name="g1",
        resource={"spec": {"a": 1}},
        **group,
    )
    run(
        ctx,
        "chaosk8s.crd.actions.replace_cluster_custom_object",
        name="g1",
        resource={"spec": {"b": 2}},
        **group,
    )
    assert read(driver, GLOBAL_WIDGETS, "g1", None)["spec"] == {"b": 2}
    run(ctx, "chaosk8s.crd.actions.delete_cluster_custom_object", name="g1", **group)
    text = json.dumps({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "j"}})
    run(ctx, "chaosk8s.crd.actions.apply_from_json", resource=text)
    run(ctx, "chaosk8s.crd.actions.apply_from_yaml", resource=text.replace('"j"', '"y"'))
    assert read(driver, WIDGETS, "j") and read(driver, WIDGETS, "y")
    undone(ctx)
    assert gone(driver, GLOBAL_WIDGETS, "g1", None)  # created by the run: gone again
    assert gone(driver, WIDGETS, "j") and gone(driver, WIDGETS, "y")
    with pytest.raises(ActivityFailed, match="missing kind in resource"):
        run(ctx, "chaosk8s.crd.actions.apply_from_json", resource='{"apiVersion": "a/v1"}')


def test_chaos_mesh_faults_are_created_as_chaosk8s_writes_them_and_undone(
    ctx: RunContext, driver: KubernetesDriver
) -> None:
    define(driver, NETWORKCHAOS, "NetworkChaos")
    define(driver, STRESSCHAOS, "StressChaos")
    made = run(
        ctx,
        "chaosk8s.chaosmesh.network.actions.add_latency",
        name="lag",
        label_selectors="app=back",
        latency="50ms",
        jitter="5ms",
    )
    assert made["spec"] == {
        "action": "delay",
        "direction": "to",
        "mode": "one",
        "selector": {"labelSelectors": {"app": "back"}},
        "delay": {"latency": "50ms", "jitter": "5ms"},
        "target": {"mode": "one", "selector": {}},
    }
    run(
        ctx, "chaosk8s.chaosmesh.network.actions.set_loss", name="loss", loss="25", correlation="50"
    )
    run(ctx, "chaosk8s.chaosmesh.network.actions.duplicate_packets", name="dup", duplicate="10")
    run(ctx, "chaosk8s.chaosmesh.network.actions.reorder_packets", name="re", reorder="10", gap="5")
    run(ctx, "chaosk8s.chaosmesh.network.actions.corrupt_packets", name="bad", corrupt="5")
    band = run(
        ctx,
        "chaosk8s.chaosmesh.network.actions.set_bandwidth",
        name="slow",
        rate="1mbps",
        limit=100,
        buffer=10000,
        mode="fixed-percent",
        mode_value="50",
    )
    assert band["spec"]["bandwidth"] == {"rate": "1mbps", "limit": 100, "buffer": 10000}
    assert (band["spec"]["mode"], band["spec"]["value"]) == ("fixed-percent", "50")
    cpu = run(ctx, "chaosk8s.chaosmesh.stress.actions.stress_cpu", name="cpu", workers=1, load=50)
    assert cpu["spec"]["stressors"] == {"cpu": {"workers": 1, "load": 50}}
    memory = run(ctx, "chaosk8s.chaosmesh.stress.actions.stress_memory", name="mem", size="256MB")
    assert memory["spec"]["stressors"] == {"memory": {"size": "256MB"}}
    assert memory["spec"]["duration"] == "30s"
    run(ctx, "chaosk8s.chaosmesh.network.actions.delete_network_fault", name="lag")
    run(ctx, "chaosk8s.chaosmesh.stress.actions.delete_stressor", name="cpu")
    assert gone(driver, NETWORKCHAOS, "lag")
    undone(ctx)
    for kind, names in (
        (NETWORKCHAOS, ["loss", "dup", "re", "bad", "slow"]),
        (STRESSCHAOS, ["mem"]),
    ):
        assert all(gone(driver, kind, name) for name in names)
