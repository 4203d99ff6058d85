"""Fixtures for the Kubernetes driver and end-to-end CLI tests (fake cluster from testbed/kube).

The end-to-end stack: the fake cluster holds the demo's Deployments and Services; a real
backend process is bound to the ``back`` Deployment (it runs while the Deployment has a running
pod and is killed when it has none); a real frontend (v1 or v2) calls that backend; the
``frontend`` Service's load-balancer address points at the frontend. ``chaosrun`` runs as a
subprocess (``python -m chaos``) with ``KUBECONFIG`` pointing at the fake cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chaos.drivers.kubernetes import KubernetesDriver
from services.contract import MESSAGE_PATH
from testbed.kube.cluster import FakeCluster, ProcessBinding, wait_until
from testbed.procs import start_service
from tests.chaos.drivers.kubernetes.stack import Stack, cli_env


@pytest.fixture
def driver(kubeconfig: Path) -> KubernetesDriver:
    return KubernetesDriver(kubeconfig=str(kubeconfig))


@pytest.fixture
def stack_factory(
    fake_cluster: FakeCluster, kubeconfig: Path, tmp_path: Path
) -> Iterator[Callable[[str | None], Stack]]:
    started: list[Stack] = []

    def make(frontend_module: str | None) -> Stack:
        stack = Stack(fake_cluster, kubeconfig, tmp_path, env=cli_env(kubeconfig, tmp_path))
        if frontend_module is None:
            fake_cluster.seed_demo()
            return stack
        logs = tmp_path / "logs"
        logs.mkdir(exist_ok=True)
        backend = ProcessBinding(fake_cluster, "app=back", "services.backend", logs).start()
        stack.bound_backend = backend
        started.append(stack)
        stack.running_frontend = start_service(
            frontend_module,
            logs,
            env={"BACKEND_URL": f"{backend.url}{MESSAGE_PATH}", "BACKEND_TIMEOUT": "1"},
        )
        fake_cluster.seed_demo(frontend_port=stack.frontend.port)
        wait_until(lambda: backend.running, 20, "the backend process to run")
        return stack

    yield make
    for stack in started:
        if stack.running_frontend is not None:
            stack.running_frontend.stop()
        stack.backend.stop()


@pytest.fixture
def stack_v1(stack_factory: Callable[[str | None], Stack]) -> Stack:
    return stack_factory("services.frontend_v1")


@pytest.fixture
def stack_v2(stack_factory: Callable[[str | None], Stack]) -> Stack:
    return stack_factory("services.frontend_v2")


@pytest.fixture
def bare_stack(stack_factory: Callable[[str | None], Stack]) -> Stack:
    """The demo's objects in the cluster, no processes: for runs that stop before probing."""
    return stack_factory(None)
