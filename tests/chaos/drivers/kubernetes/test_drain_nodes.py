"""drain_nodes end to end against the tests' API server with the real client: evictions through
the Eviction API (DaemonSet pods left), a PodDisruptionBudget's refusal retried until the timeout
and said once, a pod no controller brings back refused before any change; the cordon undone."""

from __future__ import annotations

from typing import Any

import pytest

from chaos.actions.changes import undo_all
from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.drivers.base import DAEMONSETS, NODES, PODS
from chaos.drivers.kubernetes import KubernetesDriver
from testbed.kube.cluster import FakeCluster, wait_until
from tests.support.kube_objects import call_in, create, read_or_none

run, read = call_in, read_or_none


@pytest.fixture
def ctx(driver: KubernetesDriver) -> RunContext:
    return RunContext(driver_factory=lambda: driver)


def undone(ctx: RunContext) -> list[str]:
    done = undo_all(ctx)
    assert all(not e.state.needs_restore for e in ctx.undoable)
    return done


def _hosts(fake_cluster: FakeCluster, selector: str) -> set[str]:
    return {p["spec"].get("nodeName") for p in fake_cluster.ready_pods(selector=selector)}


def test_drain_evicts_through_the_eviction_api_and_the_rollback_uncordons(
    ctx: RunContext, driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    fake_cluster.apply_deployment("web", {"app": "web"}, replicas=2)
    fake_cluster.wait_ready("app=web", 2)
    create(
        driver,
        DAEMONSETS,
        {
            "metadata": {"name": "agent"},
            "spec": {
                "selector": {"matchLabels": {"app": "agent"}},
                "template": {
                    "metadata": {"labels": {"app": "agent"}},
                    "spec": {"containers": [{"name": "a", "image": "agent:1"}]},
                },
            },
        },
    )
    fake_cluster.wait_ready("app=agent", 1)
    fake_cluster.add_node("node-2")
    agent = {p["metadata"]["name"] for p in fake_cluster.ready_pods(selector="app=agent")}

    drained = run(ctx, "chaosk8s.node.actions.drain_nodes", name="node-1", timeout=30)

    assert drained == ["node-1"]
    assert read(driver, NODES, "node-1", None)["spec"]["unschedulable"] is True
    wait_until(lambda: _hosts(fake_cluster, "app=web") == {"node-2"}, what="web on node-2")
    evicted = [r for r in fake_cluster.api.requests if r.path.endswith("/eviction")]
    assert len(evicted) == 2  # the Eviction API, once per web pod: never a plain delete
    # The DaemonSet's pod on node-1 is left where it is, as kubectl drain leaves it.
    assert agent <= {p["metadata"]["name"] for p in fake_cluster.pods(selector="app=agent")}
    undone(ctx)
    assert not read(driver, NODES, "node-1", None)["spec"].get("unschedulable")


def test_a_budget_refusal_is_retried_until_the_timeout_never_bypassed(
    ctx: RunContext, driver: KubernetesDriver, fake_cluster: FakeCluster, caplog: Any
) -> None:
    fake_cluster.apply_deployment("db", {"app": "db"}, replicas=1)
    fake_cluster.wait_ready("app=db", 1)
    fake_cluster.apply_pdb("db", {"app": "db"}, min_available=1)
    fake_cluster.add_node("node-2")
    before = fake_cluster.pod_names(selector="app=db")

    with pytest.raises(ActivityFailed) as info:
        run(ctx, "chaosk8s.node.actions.drain_nodes", name="node-1", timeout=1)

    assert "did not complete within the timeout" in str(info.value)
    assert "disruption budget" in str(info.value)
    assert fake_cluster.pod_names(selector="app=db") == before  # honoured: the pod stays
    tries = [r for r in fake_cluster.api.requests if r.path.endswith("/eviction")]
    assert len(tries) > 1
    said = [r.getMessage() for r in caplog.records if "cannot be evicted yet" in r.getMessage()]
    assert len(said) == 1  # one sentence, not one per try
    undone(ctx)  # the cordon made before the refusal is undone
    assert not read(driver, NODES, "node-1", None)["spec"].get("unschedulable")


def test_a_pod_no_controller_brings_back_stops_the_drain_before_any_change(
    ctx: RunContext, driver: KubernetesDriver, fake_cluster: FakeCluster
) -> None:
    create(
        driver,
        PODS,
        {
            "metadata": {"name": "lonely"},
            "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": "i"}]},
        },
    )
    with pytest.raises(
        ActivityFailed, match="pod default/lonely on node 'node-1' is managed by no"
    ):
        run(ctx, "chaosk8s.node.actions.drain_nodes", name="node-1")
    assert ctx.undoable == []
    assert not read(driver, NODES, "node-1", None)["spec"].get("unschedulable")
