"""The scale benchmark's cluster: the testbed API server seeded with N Ready pods.

The demo's Deployments (``back``, ``front``: one pod each) plus ``N - 2`` Ready filler pods
(``app=filler``, no owner), so a namespace-wide list returns N pods. The API server runs in
this process (a uvicorn thread), the controller reacts to writes only.

``list_seconds`` times the server's own answer to one list of the namespace's pods: once
after a write (the serialized list has to be rebuilt) and once with nothing changed (the
server answers from its cache of the serialized list, as a tool's repeated lists are).
"""

from __future__ import annotations

import http.client
import statistics
import time
from pathlib import Path
from typing import Any

from testbed.kube.cluster import FakeCluster
from testbed.kube.resources import PODS

NAMESPACE = "default"


def _filler(index: int) -> dict[str, Any]:
    return {
        "metadata": {"name": f"filler-{index:05d}", "labels": {"app": "filler"}},
        "spec": {"containers": [{"name": "main", "image": "chaosrun/filler:latest"}]},
    }


class ScaleCluster:
    def __init__(self, tmp: Path) -> None:
        self.cluster = FakeCluster().start()
        self.cluster.seed_demo(namespace=NAMESPACE)
        self.kubeconfig = self.cluster.write_kubeconfig(tmp / "kubeconfig")
        self.fillers = 0

    def resize(self, pods: int) -> None:
        """Exactly ``pods`` Ready pods in the namespace (at least the two of the demo)."""
        wanted = max(0, pods - 2)
        store = self.cluster.store
        while self.fillers < wanted:
            store.create(PODS, NAMESPACE, _filler(self.fillers))
            self.fillers += 1
        while self.fillers > wanted:
            self.fillers -= 1
            store.delete(PODS, NAMESPACE, f"filler-{self.fillers:05d}", grace_period=0)
        self.settle(pods)

    def settle(self, pods: int) -> None:
        """Wait until the demo is whole again (``back`` re-applied if a run deleted it) and
        every one of the ``pods`` pods is Ready."""
        if self.cluster.deployment("back", NAMESPACE) is None:
            self.cluster.apply_deployment("back", {"app": "back"}, namespace=NAMESPACE)
        from testbed.polling import wait_until

        wait_until(lambda: self._ready() == (pods, pods), 60, f"{pods} ready pods", interval=0.05)

    def _ready(self) -> tuple[int, int]:
        """(pods, Ready pods not being deleted) in the namespace, read in place (no copies)."""
        store = self.cluster.store
        with store.lock:
            pods = [p for p in store.items(PODS) if p["metadata"]["namespace"] == NAMESPACE]
            ready = sum(
                1
                for p in pods
                if not p["metadata"].get("deletionTimestamp")
                and any(
                    c["type"] == "Ready" and c["status"] == "True"
                    for c in (p.get("status") or {}).get("conditions", [])
                )
            )
        return len(pods), ready

    def list_seconds(self, reps: int = 5) -> dict[str, float]:
        """Median seconds of the server's answer to a namespace-wide pod list (body read)."""
        host, port = "127.0.0.1", self.cluster.port
        path = f"/api/v1/namespaces/{NAMESPACE}/pods"
        headers = {"Authorization": f"Bearer {self.cluster.token}"}

        def one() -> float:
            conn = http.client.HTTPConnection(host, port, timeout=60)
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            body = conn.getresponse().read()
            elapsed = time.perf_counter() - start
            conn.close()
            if not body:
                raise RuntimeError("empty list answer")
            return elapsed

        cold, warm = [], []
        for _ in range(reps):
            self.cluster.store.update_meta(PODS, NAMESPACE, "filler-00000", annotations={})
            cold.append(one())
            warm.append(one())
        return {"after_write": statistics.median(cold), "unchanged": statistics.median(warm)}

    def stop(self) -> None:
        self.cluster.stop()
