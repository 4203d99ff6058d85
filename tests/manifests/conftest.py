from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from testbed.kube.cluster import FakeCluster
from tests.manifests.demo import Demo
from tests.manifests.kustomize import OVERLAYS, RUNNER, Obj, build


@pytest.fixture
def demo(fake_cluster: FakeCluster, kubeconfig: Path, tmp_path: Path) -> Iterator[Demo]:
    d = Demo(fake_cluster, kubeconfig, tmp_path)
    try:
        yield d
    finally:
        d.close()


@pytest.fixture(scope="session")
def overlays() -> dict[str, list[Obj]]:
    """The objects of ``kubectl apply -k k8s/overlays/v1`` and ``.../v2``."""
    return {version: build(path) for version, path in OVERLAYS.items()}


@pytest.fixture(scope="session")
def runner_jobs() -> dict[str, list[Obj]]:
    """The objects of ``kubectl apply -k k8s/runner/pod`` and ``.../deployment``."""
    return {name: build(path) for name, path in RUNNER.items()}
