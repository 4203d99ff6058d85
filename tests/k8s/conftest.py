"""Fixtures for the Kubernetes driver and end-to-end CLI tests (fake cluster from tests/kube)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaos.drivers.kubernetes import KubernetesDriver
from tests.kube.cluster import FakeCluster, fake_cluster, kubeconfig  # noqa: F401


@pytest.fixture
def driver(kubeconfig: Path) -> KubernetesDriver:  # noqa: F811
    return KubernetesDriver(kubeconfig=str(kubeconfig))


@pytest.fixture
def demo(fake_cluster: FakeCluster) -> FakeCluster:  # noqa: F811
    """The demo's Deployments and Services (SPEC), all pods running and ready."""
    fake_cluster.seed_demo()
    return fake_cluster
