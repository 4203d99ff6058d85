"""A 403 from the API server said as the verb, the resource and the manifests that grant it,
through the real client against the tests' API server's 403 switch."""

from __future__ import annotations

import pytest

from chaos.drivers.base import NETWORKPOLICIES, NODES, Forbidden
from chaos.drivers.kubernetes import KubernetesDriver
from testbed.kube.cluster import FakeCluster


def test_patching_a_node_names_the_cluster_scope_overlay(
    fake_cluster: FakeCluster, driver: KubernetesDriver
) -> None:
    fake_cluster.api.access.deny("patch", "nodes")
    with pytest.raises(Forbidden) as info:
        driver.patch_object(NODES, "node-1", None, {"spec": {"unschedulable": True}})
    assert str(info.value) == (
        "chaosrun may not patch nodes at the cluster scope (403 Forbidden): apply "
        "k8s/runner/cluster-scope (kubectl apply -k k8s/runner/cluster-scope) to grant it"
    )


def test_a_namespaced_refusal_names_the_runner_role(
    fake_cluster: FakeCluster, driver: KubernetesDriver
) -> None:
    fake_cluster.api.access.deny("create", "networkpolicies")
    body = {"metadata": {"name": "p"}, "spec": {"podSelector": {}}}
    with pytest.raises(Forbidden) as info:
        driver.create_object(NETWORKPOLICIES, body, "default")
    assert str(info.value) == (
        "chaosrun may not create networkpolicies in namespace 'default' (403 Forbidden): apply "
        "k8s/runner/rbac (kubectl apply -k k8s/runner/rbac) to grant it"
    )
