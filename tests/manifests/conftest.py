from __future__ import annotations

import pytest

from tests.manifests.kustomize import OVERLAYS, RUNNER, Obj, build


@pytest.fixture(scope="session")
def overlays() -> dict[str, list[Obj]]:
    """The objects of ``kubectl apply -k k8s/overlays/v1`` and ``.../v2``."""
    return {version: build(path) for version, path in OVERLAYS.items()}


@pytest.fixture(scope="session")
def runner_jobs() -> dict[str, list[Obj]]:
    """The objects of ``kubectl apply -k k8s/runner/pod`` and ``.../deployment``."""
    return {name: build(path) for name, path in RUNNER.items()}
