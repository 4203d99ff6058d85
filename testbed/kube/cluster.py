"""A fake Kubernetes cluster for tests: API server on loopback + controller loop + kubeconfig.

Usage (the tests get it as the ``fake_cluster`` and ``kubeconfig`` fixtures of the root
``conftest.py``)::

    def test_something(fake_cluster, kubeconfig):
        fake_cluster.apply_deployment("front", {"app": "front"})
        driver = KubernetesDriver(kubeconfig=str(kubeconfig))

The real ``kubernetes`` client reaches the server over HTTP through the kubeconfig file
(context ``fake``, the current one; context ``unreachable`` points at a closed port; context
``viewer`` may read but not write, like a service account bound to the ``view`` role;
``api.access.deny(verb, resource)`` makes any user's such requests 403 from then on).
The cluster starts with ``nodes`` Ready nodes (``node-1``, ...); ``add_node`` adds more.
``ProcessBinding`` ties a real service process to a Deployment: the process runs while the
Deployment has a running pod and is killed when it has none, as a kubelet would.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
import yaml

from services.contract import BACKEND_PORT, BACKEND_SERVICE, FRONTEND_PORT
from testbed import polling
from testbed.kube.controller import READY_ANNOTATION, Controller
from testbed.kube.resources import (
    DEPLOYMENTS,
    NAMESPACES,
    NODES,
    PDBS,
    PODS,
    SERVICES,
    ApiError,
    Obj,
)
from testbed.kube.server import FakeApiServer
from testbed.kube.store import Store
from testbed.procs import Service, free_port, start_service


def wait_until(condition: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """``testbed.polling.wait_until`` at the fake cluster's pace (10 s, every 20 ms)."""
    return polling.wait_until(condition, timeout, what, interval=0.02)


class _PromptServer(uvicorn.Server):
    """uvicorn's server, which looks for ``should_exit`` every 10 ms, not every 100 ms: each
    test stops one."""

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 8640000
            await asyncio.sleep(0.01)

    async def on_tick(self, counter: int) -> bool:
        # uvicorn refreshes its Date header on every tenth tick: keep it once a second.
        return await super().on_tick(0 if counter % 100 == 0 else 1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn's own gives open connections 100 ms to finish, then waits for them: no test
        # stops its API server with a request in flight that it still wants answered.
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(1):
                for server in self.servers:
                    await server.wait_closed()


class FakeCluster:
    def __init__(self, pod_start_delay: float = 0.0, nodes: int = 1) -> None:
        self.token = secrets.token_hex(16)
        self.viewer_token = secrets.token_hex(16)
        self.store = Store()
        for index in range(nodes):
            self.add_node(f"node-{index + 1}")
        self.api = FakeApiServer(self.store, self.token, self.viewer_token)
        self.controller = Controller(self.store, pod_start_delay=pod_start_delay)
        # Bound here and handed to uvicorn: no window in which another process takes the port.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        config = uvicorn.Config(self.api.app, log_level="warning", lifespan="off", access_log=False)
        self._server = _PromptServer(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="fake-kube-api",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeCluster:
        self.controller.start()
        self._thread.start()
        wait_until(
            lambda: self._server.started or not self._thread.is_alive(), 10, "the API server"
        )
        if not self._server.started:
            raise RuntimeError("the fake API server did not start (see the log above)")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
        self.controller.stop()

    # ---- kubeconfig ----------------------------------------------------------------------

    def kubeconfig(self, current_context: str = "fake") -> Obj:
        dead = f"http://127.0.0.1:{free_port()}"
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {"name": "fake", "cluster": {"server": self.url}},
                {"name": "unreachable", "cluster": {"server": dead}},
            ],
            "users": [
                {"name": "tester", "user": {"token": self.token}},
                {"name": "viewer", "user": {"token": self.viewer_token}},
            ],
            "contexts": [
                {
                    "name": "fake",
                    "context": {"cluster": "fake", "user": "tester", "namespace": "default"},
                },
                {"name": "unreachable", "context": {"cluster": "unreachable", "user": "tester"}},
                {"name": "viewer", "context": {"cluster": "fake", "user": "viewer"}},
            ],
            "current-context": current_context,
        }

    def write_kubeconfig(self, path: Path, current_context: str = "fake") -> Path:
        path.write_text(yaml.safe_dump(self.kubeconfig(current_context)))
        return path

    # ---- seeding and inspection (what a test would do with kubectl) -----------------------

    def create_namespace(self, name: str) -> None:
        self.store.create(NAMESPACES, None, {"metadata": {"name": name}})

    def add_node(
        self,
        name: str,
        labels: dict[str, str] | None = None,
        unschedulable: bool = False,
        taints: list[Obj] | None = None,
    ) -> Obj:
        """A Node, Ready once the controller has seen it (``set_node_ready`` to change that)."""
        spec: Obj = {"unschedulable": True} if unschedulable else {}
        if taints:
            spec["taints"] = taints
        labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", **(labels or {})}
        return self.store.create(
            NODES, None, {"metadata": {"name": name, "labels": labels}, "spec": spec}
        )

    def set_node_ready(self, name: str, ready: bool) -> None:
        """Make a node (not) Ready, as a kubelet that stops posting its status would."""
        node = self.store.get(NODES, None, name)
        annotations = {
            **(node["metadata"].get("annotations") or {}),
            READY_ANNOTATION: str(ready).lower(),
        }
        self.store.update_meta(NODES, None, name, annotations=annotations)

    def apply_pdb(
        self,
        name: str,
        labels: dict[str, str],
        min_available: int | str | None = None,
        max_unavailable: int | str | None = None,
        namespace: str = "default",
    ) -> Obj:
        spec: Obj = {"selector": {"matchLabels": dict(labels)}}
        if min_available is not None:
            spec["minAvailable"] = min_available
        if max_unavailable is not None:
            spec["maxUnavailable"] = max_unavailable
        return self.store.create(PDBS, namespace, {"metadata": {"name": name}, "spec": spec})

    def apply_deployment(
        self,
        name: str,
        labels: dict[str, str],
        replicas: int = 1,
        namespace: str = "default",
        port: int = 8080,
        image: str | None = None,
    ) -> Obj:
        return self.store.create(
            DEPLOYMENTS,
            namespace,
            {
                "metadata": {"name": name, "labels": dict(labels)},
                "spec": {
                    "replicas": replicas,
                    "selector": {"matchLabels": dict(labels)},
                    "template": {
                        "metadata": {"labels": dict(labels)},
                        "spec": {
                            "containers": [
                                {
                                    "name": name,
                                    "image": image or f"chaosrun/{name}:latest",
                                    "ports": [{"containerPort": port}],
                                }
                            ]
                        },
                    },
                },
            },
        )

    def apply_service(
        self,
        name: str,
        selector: dict[str, str],
        port: int,
        target_port: int,
        namespace: str = "default",
        load_balancer: bool = False,
        annotations: dict[str, str] | None = None,
    ) -> Obj:
        spec: Obj = {
            "selector": selector,
            "ports": [{"port": port, "targetPort": target_port}],
            "type": "LoadBalancer" if load_balancer else "ClusterIP",
        }
        return self.store.create(
            SERVICES,
            namespace,
            {"metadata": {"name": name, "annotations": annotations or {}}, "spec": spec},
        )

    def route_service(self, name: str, url: str, namespace: str = "default") -> None:
        """The API server's service proxy sends requests for ``name`` on to ``url``."""
        self.api.proxy.route(name, url, namespace)

    def pods(self, namespace: str = "default", selector: str | None = None) -> list[Obj]:
        return self.store.list(PODS, namespace, selector)[0]

    def pod_names(self, namespace: str = "default", selector: str | None = None) -> set[str]:
        return {pod["metadata"]["name"] for pod in self.pods(namespace, selector)}

    def deployment(self, name: str, namespace: str = "default") -> Obj | None:
        try:
            return self.store.get(DEPLOYMENTS, namespace, name)
        except ApiError:
            return None

    def ready_pods(self, namespace: str = "default", selector: str | None = None) -> list[Obj]:
        return [
            pod
            for pod in self.pods(namespace, selector)
            if not pod["metadata"].get("deletionTimestamp")
            and any(
                c["type"] == "Ready" and c["status"] == "True"
                for c in pod["status"].get("conditions", [])
            )
        ]

    def wait_ready(self, selector: str, count: int = 1, namespace: str = "default") -> list[Obj]:
        return wait_until(
            lambda: (pods := self.ready_pods(namespace, selector)) and len(pods) == count and pods,
            what=f"{count} ready pod(s) matching {selector!r}",
        )

    def set_pod_ready(self, name: str, ready: bool, namespace: str = "default") -> None:
        """Make a pod (not) ready, as a failing readiness probe would."""
        pod = self.store.get(PODS, namespace, name)
        annotations = {
            **(pod["metadata"].get("annotations") or {}),
            READY_ANNOTATION: "true" if ready else "false",
        }
        self.store.update_meta(PODS, namespace, name, annotations=annotations)

    def seed_demo(self, frontend_port: int = 80, namespace: str = "default") -> None:
        """The demo's objects: Deployments back/front, Services backend/frontend."""
        self.apply_deployment("back", {"app": "back"}, namespace=namespace, port=BACKEND_PORT)
        self.apply_deployment("front", {"app": "front"}, namespace=namespace, port=FRONTEND_PORT)
        self.apply_service(
            BACKEND_SERVICE, {"app": "back"}, BACKEND_PORT, BACKEND_PORT, namespace=namespace
        )
        self.apply_service(
            "frontend",
            {"app": "front"},
            frontend_port,
            FRONTEND_PORT,
            namespace=namespace,
            load_balancer=True,
        )
        self.wait_ready("app=back", namespace=namespace)
        self.wait_ready("app=front", namespace=namespace)


class ProcessBinding:
    """Run a real service while a Deployment has a running pod; kill it when it has none.

    This is what ties the fake cluster to the real world in the end-to-end tests: deleting the
    ``back`` Deployment through the API really takes the backend off the network, and restoring
    it brings a fresh backend process up again on the same port.
    """

    def __init__(
        self,
        cluster: FakeCluster,
        selector: str,
        module: str,
        log_dir: Path,
        port: int | None = None,
        env: dict[str, str] | None = None,
        namespace: str = "default",
    ) -> None:
        self.cluster, self.selector, self.module = cluster, selector, module
        self.log_dir, self.env, self.namespace = log_dir, env or {}, namespace
        self.port = port or free_port()
        self.service: Service | None = None
        self.events: list[str] = []  # "started" / "stopped" / "failed: ..."
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"bind-{module}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.service is not None and self.service.proc.poll() is None

    def start(self) -> ProcessBinding:
        self._thread.start()
        return self

    def _has_running_pod(self) -> bool:
        return any(
            pod["status"].get("phase") == "Running" and not pod["metadata"].get("deletionTimestamp")
            for pod in self.cluster.pods(self.namespace, self.selector)
        )

    def _run(self) -> None:
        store = self.cluster.store
        while not self._stop.is_set():
            wanted = self._has_running_pod()
            if wanted and not self.running:
                try:
                    self.service = start_service(self.module, self.log_dir, self.env, self.port)
                    self.events.append("started")
                except (RuntimeError, TimeoutError) as exc:
                    self.events.append(f"failed: {exc}")
            elif not wanted and self.running:
                self._kill()
                self.events.append("stopped")
            with store.changed:
                store.changed.wait(timeout=0.05)

    def _kill(self) -> None:
        if self.service is not None and self.service.proc.poll() is None:
            self.service.proc.kill()  # a deleted pod's container is killed, not drained
            self.service.proc.wait()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self._kill()
