"""The demo's install on the tests' API server, its pods backed by real service processes: what
the on-a-cluster tests run chaosrun against."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.contract import MESSAGE_PATH
from testbed.kube.cluster import FakeCluster, ProcessBinding
from tests.manifests.kustomize import Obj, apply

FRONTEND_MODULES = {"v1": "services.frontend_v1", "v2": "services.frontend_v2"}


class Demo:
    """The overlay applied to the fake cluster, its pods backed by real service processes."""

    def __init__(self, cluster: FakeCluster, kubeconfig_path: Path, tmp: Path) -> None:
        self.cluster, self.kubeconfig, self.tmp = cluster, kubeconfig_path, tmp
        self.bindings: list[ProcessBinding] = []

    def deploy(self, objects: list[Obj], version: str) -> ProcessBinding:
        apply(objects, self.kubeconfig)
        self.cluster.wait_ready("app=back")
        self.cluster.wait_ready("app=front")
        back = ProcessBinding(self.cluster, "app=back", "services.backend", self.tmp).start()
        front = ProcessBinding(
            self.cluster,
            "app=front",
            FRONTEND_MODULES[version],
            self.tmp,
            env={"BACKEND_URL": f"{back.url}{MESSAGE_PATH}"},
        ).start()
        self.bindings += [back, front]
        for binding in (back, front):
            wait_for(lambda b=binding: b.running, f"{binding.module} to run")
        return front

    def close(self) -> None:
        for binding in self.bindings:
            binding.stop()


def wait_for(condition: Any, what: str) -> None:
    from testbed.kube.cluster import wait_until

    wait_until(condition, timeout=30, what=what)
