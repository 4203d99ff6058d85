"""Fixtures for the Kubernetes driver and end-to-end CLI tests (fake cluster from tests/kube).

The end-to-end stack: the fake cluster holds the demo's Deployments and Services; a real
backend process is bound to the ``back`` Deployment (it runs while the Deployment has a running
pod and is killed when it has none); a real frontend (v1 or v2) calls that backend; the
``frontend`` Service's load-balancer address points at the frontend. ``chaosrun`` runs as a
subprocess (``python -m chaos``) with ``KUBECONFIG`` pointing at the fake cluster.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from chaos.drivers.kubernetes import KubernetesDriver
from tests.kube.cluster import FakeCluster, ProcessBinding, fake_cluster, kubeconfig, wait_until
from tests.support.procs import REPO_ROOT, Service, start_service

__all__ = ["fake_cluster", "kubeconfig"]


@pytest.fixture
def driver(kubeconfig: Path) -> KubernetesDriver:
    return KubernetesDriver(kubeconfig=str(kubeconfig))


@pytest.fixture
def demo(fake_cluster: FakeCluster) -> FakeCluster:
    """The demo's Deployments and Services (SPEC), all pods running and ready."""
    fake_cluster.seed_demo()
    return fake_cluster


@dataclass
class Stack:
    cluster: FakeCluster
    kubeconfig: Path
    backend: ProcessBinding
    frontend: Service
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def journal_path(self) -> Path:
        return self.workdir / "journal.json"

    def journal(self) -> dict[str, Any]:
        return dict(json.loads(self.journal_path.read_text()))

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "chaos", *args]

    def chaosrun(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def cli_env(kubeconfig_path: Path, home: Path) -> dict[str, str]:
    env = {**os.environ, "KUBECONFIG": str(kubeconfig_path), "HOME": str(home)}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    env.pop("KUBERNETES_SERVICE_HOST", None)
    return env


@pytest.fixture
def stack_factory(
    fake_cluster: FakeCluster, kubeconfig: Path, tmp_path: Path
) -> Iterator[Callable[[str], Stack]]:
    started: list[Stack] = []

    def make(frontend_module: str) -> Stack:
        logs = tmp_path / "logs"
        logs.mkdir(exist_ok=True)
        backend = ProcessBinding(fake_cluster, "app=back", "services.backend", logs).start()
        frontend = start_service(
            frontend_module,
            logs,
            env={"BACKEND_URL": f"{backend.url}/message", "BACKEND_TIMEOUT": "1"},
        )
        stack = Stack(fake_cluster, kubeconfig, backend, frontend, tmp_path)
        started.append(stack)
        fake_cluster.seed_demo(frontend_port=frontend.port)
        wait_until(lambda: backend.running, 20, "the backend process to run")
        stack.env = cli_env(kubeconfig, tmp_path)
        return stack

    yield make
    for stack in started:
        stack.frontend.stop()
        stack.backend.stop()


@pytest.fixture
def stack_v1(stack_factory: Callable[[str], Stack]) -> Stack:
    return stack_factory("services.frontend_v1")


@pytest.fixture
def stack_v2(stack_factory: Callable[[str], Stack]) -> Stack:
    return stack_factory("services.frontend_v2")
