"""Kubernetes Events for every change a run makes and every undo: ``kubectl describe
deployment back`` then tells the run's story. An Event that cannot be written never fails the
run: one warning, once."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger("chaosrun")

COMPONENT = "chaosrun"
WARNINGS = {"ChaosRefused", "ChaosHalted"}
# Where the Events of cluster-scoped objects (Nodes) go, as kubectl and the kubelet put them.
CLUSTER_EVENTS = "default"


def api_version(kind: str) -> str:
    """The apiVersion of ``kind`` (a kind a run record may hold), ``v1`` for the others."""
    from chaos.records.kinds import RECORDED_KINDS

    recorded = RECORDED_KINDS.get(kind)
    return recorded.api.api_version if recorded is not None and recorded.api else "v1"


class EventSink:
    def __init__(self, driver: Any, record: dict[str, Any], title: str) -> None:
        self.driver = driver
        self.record = record  # the journal's chaosrun section: its run_id once the run starts
        self.title = title
        self._warned = False
        self._lock = threading.Lock()
        self._sequence = 0

    def __call__(self, kind: str, name: str, namespace: str, reason: str, doing: str) -> None:
        """An Event on ``kind`` ``name`` (in ``namespace``; "" for a cluster-scoped object)."""
        run_id = str(self.record.get("run_id") or "not started")
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:  # the order of a run's Events, across runs too (time.time_ns)
            self._sequence = max(self._sequence + 1, time.time_ns())
            sequence = self._sequence
        involved = {"apiVersion": api_version(kind), "kind": kind, "name": name}
        if namespace:
            involved["namespace"] = namespace
        namespace = namespace or CLUSTER_EVENTS
        body = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "generateName": f"{name}.chaosrun-",
                "namespace": namespace,
                "labels": {"app.kubernetes.io/managed-by": COMPONENT},
                "annotations": {"chaosrun.io/sequence": str(sequence)},
            },
            "involvedObject": involved,
            "reason": reason,
            "message": f"chaosrun run {run_id} ({self.title}): {doing}",
            "type": "Warning" if reason in WARNINGS else "Normal",
            "source": {"component": COMPONENT},
            "reportingComponent": COMPONENT,
            "reportingInstance": run_id,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
        }
        try:
            self.driver.create_event(namespace, body)
        except Exception as exc:  # a trail, never a failure
            with self._lock:
                warned, self._warned = self._warned, True
            if not warned:
                logger.warning(
                    "Warning: chaosrun could not write a Kubernetes Event (%s); the run goes on "
                    "without them.",
                    str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                )
