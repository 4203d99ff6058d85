"""The fake cluster's control loop: the parts of kube-controller-manager, the kubelet and a
cloud load-balancer controller that the chaos experiments observe.

- Deployment -> one ReplicaSet per pod template (``<deployment>-<hash>``, owner reference,
  ``pod-template-hash`` label, ``deployment.kubernetes.io/revision`` annotation); older ones
  scaled to zero; Deployment status summed from its ReplicaSets.
- ReplicaSet -> Pods from ``generateName`` with an owner reference; surplus pods deleted.
- StatefulSet and DaemonSet -> their pods (``workloads``); PodDisruptionBudget status
  (``disruption``); Node status, binding pods to nodes, pods of deleted nodes removed (``nodes``).
- Garbage collection: foreground deletions finish once dependents are gone; orphans go.
- Kubelet: a pod starts ``Pending`` and becomes ``Running`` and Ready after ``pod_start_delay``
  (once bound to a node, when the cluster has nodes; a pod no node fits stays ``Pending``).
  The annotations ``fake.chaosrun/phase`` and ``fake.chaosrun/ready: "false"`` let tests set
  a pod's phase or make it not ready, through the real API.
- Services with a selector get Endpoints of their pods (``endpoints``).
- Services of type LoadBalancer get ``status.loadBalancer.ingress`` (ip ``127.0.0.1``, or the
  hostname in annotation ``fake.chaosrun/lb-hostname``).
"""

from __future__ import annotations

import json
import threading
import time
from functools import partial
from typing import Any

from testbed.kube.disruption import budget_status, pod_ready
from testbed.kube.endpoints import sync_endpoints
from testbed.kube.nodes import READY_ANNOTATION, schedule, sync_nodes, unschedulable_reason
from testbed.kube.ownership import deleting, owned_by, owner_ref, template_hash
from testbed.kube.resources import (
    DAEMONSETS,
    DEPLOYMENTS,
    NODES,
    PDBS,
    PODS,
    REPLICASETS,
    SERVICES,
    STATEFULSETS,
    Obj,
    now_rfc3339,
)
from testbed.kube.store import Store
from testbed.kube.workloads import sync_daemonset, sync_statefulset

PHASE_ANNOTATION = "fake.chaosrun/phase"
LB_HOSTNAME_ANNOTATION = "fake.chaosrun/lb-hostname"
REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
__all__ = ["READY_ANNOTATION", "Controller"]


class Controller:
    def __init__(self, store: Store, pod_start_delay: float = 0.0, tick: float = 0.05) -> None:
        self.store = store
        self.pod_start_delay = pod_start_delay
        self.tick = tick
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-kube-controller", daemon=True)
        self._started_at: dict[str, float] = {}  # pod uid -> monotonic time seen
        self._settled: dict[str, str] = {}  # pod uid -> resourceVersion with the right status

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self.store.changed:
            self.store.changed.notify_all()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        store = self.store
        while not self._stop.is_set():
            with store.changed:
                seen = store.writes
                self.reconcile()
                if store.writes == seen:  # settled: sleep until a change (or the next tick
                    # while a pod is still starting), not a pass over every pod per tick
                    timeout = self.tick if self._started_at else None
                    store.changed.wait_for(partial(self._woken, seen), timeout)

    def _woken(self, seen: int) -> bool:
        return self._stop.is_set() or _changed_since(self.store, seen)

    def reconcile(self) -> None:
        store = self.store
        with store.lock:
            store.finish_foreground_deletions()
            store.collect_orphans()
            for deployment in store.items(DEPLOYMENTS):
                if not deleting(deployment):
                    self._sync_deployment(deployment)
            owned: dict[str, list[Obj]] = {}  # owner uid -> its live pods, read once per pass
            for pod in store.items(PODS):
                if not deleting(pod):
                    for ref in pod["metadata"].get("ownerReferences") or []:
                        owned.setdefault(ref.get("uid"), []).append(pod)
            for replicaset in store.items(REPLICASETS):
                if not deleting(replicaset):
                    self._sync_replicaset(replicaset, owned.get(replicaset["metadata"]["uid"], []))
            for sts in store.items(STATEFULSETS):
                if not deleting(sts):
                    sync_statefulset(store, sts, owned.get(sts["metadata"]["uid"], []))
            sync_nodes(store)
            for ds in store.items(DAEMONSETS):
                if not deleting(ds):
                    sync_daemonset(store, ds, owned.get(ds["metadata"]["uid"], []))
            schedule(store)
            has_nodes = any(True for _ in store.items(NODES))
            for pod in store.items(PODS):
                self._kubelet(pod, has_nodes)
            for pdb in store.items(PDBS):
                meta = pdb["metadata"]
                store.set_status(PDBS, meta["namespace"], meta["name"], budget_status(store, pdb))
            for service in store.items(SERVICES):
                self._load_balancer(service)
            sync_endpoints(store)

    # ---- deployment controller -----------------------------------------------------------

    def _sync_deployment(self, deployment: Obj) -> None:
        store, meta, spec = self.store, deployment["metadata"], deployment["spec"]
        namespace = meta["namespace"]
        pod_hash = template_hash(spec["template"])
        owned = [rs for rs in store.items(REPLICASETS) if owned_by(rs, deployment)]
        current = next(
            (rs for rs in owned if rs["metadata"]["labels"].get("pod-template-hash") == pod_hash),
            None,
        )
        if current is None:
            revision = 1 + max(
                (
                    int(rs["metadata"].get("annotations", {}).get(REVISION_ANNOTATION, 0))
                    for rs in owned
                ),
                default=0,
            )
            template = json.loads(json.dumps(spec["template"]))
            template.setdefault("metadata", {}).setdefault("labels", {})["pod-template-hash"] = (
                pod_hash
            )
            selector = json.loads(json.dumps(spec["selector"]))
            selector.setdefault("matchLabels", {})["pod-template-hash"] = pod_hash
            current = store.create(
                REPLICASETS,
                namespace,
                {
                    "metadata": {
                        "name": f"{meta['name']}-{pod_hash}",
                        "labels": template["metadata"]["labels"],
                        "annotations": {REVISION_ANNOTATION: str(revision)},
                        "ownerReferences": [owner_ref(deployment)],
                    },
                    "spec": {
                        "replicas": spec["replicas"],
                        "selector": selector,
                        "template": template,
                    },
                },
            )
            store.update_meta(
                DEPLOYMENTS,
                namespace,
                meta["name"],
                annotations={**meta.get("annotations", {}), REVISION_ANNOTATION: str(revision)},
            )
            owned.append(current)
        for rs in owned:
            wanted = spec["replicas"] if rs is current else 0
            if rs["spec"]["replicas"] != wanted:
                store.patch(
                    REPLICASETS, namespace, rs["metadata"]["name"], {"spec": {"replicas": wanted}}
                )
        owned_now = [rs for rs in store.items(REPLICASETS) if owned_by(rs, deployment)]
        statuses = [rs.get("status") or {} for rs in owned_now]
        ready = sum(s.get("readyReplicas", 0) for s in statuses)
        updated = sum(
            (rs.get("status") or {}).get("replicas", 0)
            for rs in owned_now
            if rs["metadata"]["name"] == current["metadata"]["name"]
        )
        status: Obj = {
            "observedGeneration": meta["generation"],
            "replicas": sum(s.get("replicas", 0) for s in statuses),
            "updatedReplicas": updated,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "unavailableReplicas": max(spec["replicas"] - ready, 0),
            "conditions": [
                {
                    "type": "Available",
                    "status": "True" if ready >= spec["replicas"] else "False",
                    "reason": "MinimumReplicasAvailable"
                    if ready >= spec["replicas"]
                    else "MinimumReplicasUnavailable",
                }
            ],
        }
        store.set_status(DEPLOYMENTS, namespace, meta["name"], status)

    # ---- replicaset controller -----------------------------------------------------------

    def _sync_replicaset(self, replicaset: Obj, owned: list[Obj]) -> None:
        store, meta, spec = self.store, replicaset["metadata"], replicaset["spec"]
        namespace = meta["namespace"]
        pods = list(owned)
        for _ in range(spec["replicas"] - len(pods)):
            template = json.loads(json.dumps(spec["template"]))
            pod_meta = template.get("metadata", {})
            pods.append(
                store.create(
                    PODS,
                    namespace,
                    {
                        "metadata": {
                            **pod_meta,
                            "generateName": f"{meta['name']}-",
                            "ownerReferences": [owner_ref(replicaset)],
                        },
                        "spec": template["spec"],
                    },
                )
            )
        surplus = sorted(pods, key=lambda p: p["metadata"]["creationTimestamp"])[spec["replicas"] :]
        for pod in surplus:
            store.delete(PODS, namespace, pod["metadata"]["name"], grace_period=0)
        gone = {id(pod) for pod in surplus}  # deleted at once (grace period 0)
        live = [p for p in pods if id(p) not in gone]
        ready = sum(1 for p in live if pod_ready(p))
        store.set_status(
            REPLICASETS,
            namespace,
            meta["name"],
            {
                "replicas": len(live),
                "fullyLabeledReplicas": len(live),
                "readyReplicas": ready,
                "availableReplicas": ready,
                "observedGeneration": meta["generation"],
            },
        )

    # ---- kubelet -------------------------------------------------------------------------

    def _kubelet(self, pod: Obj, has_nodes: bool) -> None:
        meta, status = pod["metadata"], pod.get("status") or {}
        uid = meta["uid"]
        if self._settled.get(uid) == meta["resourceVersion"]:
            return  # unchanged since its status was last found right (a large namespace)
        if has_nodes and not pod["spec"].get("nodeName"):
            self._unschedulable(pod)
            return
        annotations = meta.get("annotations") or {}
        if status.get("phase") == "Pending" and self.pod_start_delay:
            first_seen = self._started_at.setdefault(uid, time.monotonic())
            if time.monotonic() - first_seen < self.pod_start_delay:
                return  # still "pulling its image"
        self._started_at.pop(uid, None)
        phase = annotations.get(PHASE_ANNOTATION, "Running")
        ready = phase == "Running" and annotations.get(READY_ANNOTATION, "true") != "false"
        started = status.get("startTime") or now_rfc3339()
        flag = "True" if ready else "False"
        containers = pod["spec"].get("containers") or []
        new_status: dict[str, Any] = {
            "phase": phase,
            "conditions": [
                {"type": "PodScheduled", "status": "True"},
                {"type": "Initialized", "status": "True"},
                {"type": "ContainersReady", "status": flag},
                {"type": "Ready", "status": flag},
            ],
            "hostIP": "10.0.0.1",
            "podIP": status.get("podIP") or f"10.244.0.{1 + int(uid[:4], 16) % 250}",
            "startTime": started,
            "containerStatuses": [
                {
                    "name": container.get("name", "main"),
                    "image": container.get("image", ""),
                    "imageID": "",
                    "ready": ready,
                    "restartCount": 0,
                    "started": phase == "Running",
                    "state": {"running": {"startedAt": started}}
                    if phase == "Running"
                    else {"terminated": {"exitCode": 0 if phase == "Succeeded" else 1}},
                }
                for container in containers
            ],
        }
        if status != new_status:
            self.store.set_status(PODS, meta["namespace"], meta["name"], new_status)
        else:
            self._settled[uid] = meta["resourceVersion"]

    def _unschedulable(self, pod: Obj) -> None:
        condition = {
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": unschedulable_reason(self.store),
        }
        status = {"phase": "Pending", "conditions": [condition]}
        self.store.set_status(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"], status)

    # ---- cloud load balancer -------------------------------------------------------------

    def _load_balancer(self, service: Obj) -> None:
        meta = service["metadata"]
        if service["spec"].get("type") != "LoadBalancer":
            return
        hostname = (meta.get("annotations") or {}).get(LB_HOSTNAME_ANNOTATION)
        ingress = {"hostname": hostname} if hostname else {"ip": "127.0.0.1"}
        self.store.set_status(
            SERVICES, meta["namespace"], meta["name"], {"loadBalancer": {"ingress": [ingress]}}
        )


def _changed_since(store: Store, writes: int) -> bool:
    return store.writes != writes
