"""Nodes, as the kubelet and the scheduler keep them: node status (Ready unless the annotation
``fake.chaosrun/ready: "false"`` says otherwise), binding pending pods to a node that fits
(Ready, not cordoned, taints tolerated, ``nodeSelector`` matched; the least busy first), and the
pod garbage collector's removal of pods bound to a node that no longer exists.

A store with no Node at all is the fake's node-less mode: pods run without a ``nodeName``."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from testbed.kube.resources import NODES, PODS, Obj, now_rfc3339

if TYPE_CHECKING:
    from testbed.kube.store import Store

READY_ANNOTATION = "fake.chaosrun/ready"
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"


def node_ready(node: Obj) -> bool:
    return (node["metadata"].get("annotations") or {}).get(READY_ANNOTATION, "true") != "false"


def node_status(node: Obj, index: int) -> Obj:
    ready = node_ready(node)
    old = {c.get("type"): c for c in (node.get("status") or {}).get("conditions") or []}
    since = old.get("Ready", {})
    changed = since.get("status") != ("True" if ready else "False")
    conditions = [
        {
            "type": kind,
            "status": "False",
            "reason": f"KubeletHasNo{kind.removesuffix('Pressure')}Pressure",
            "message": "",
            "lastHeartbeatTime": None,
            "lastTransitionTime": None,
        }
        for kind in ("MemoryPressure", "DiskPressure", "PIDPressure")
    ]
    conditions.append(
        {
            "type": "Ready",
            "status": "True" if ready else "False",
            "reason": "KubeletReady" if ready else "KubeletNotReady",
            "message": "kubelet is posting ready status" if ready else "kubelet stopped posting",
            "lastHeartbeatTime": None,
            "lastTransitionTime": None if changed else since.get("lastTransitionTime"),
        }
    )
    stamp = now_rfc3339()
    for condition in conditions:
        condition["lastHeartbeatTime"] = condition["lastTransitionTime"] or stamp
        condition["lastTransitionTime"] = condition["lastTransitionTime"] or stamp
        if condition["type"] in old and condition["type"] != "Ready":
            condition["lastHeartbeatTime"] = old[condition["type"]]["lastHeartbeatTime"]
            condition["lastTransitionTime"] = old[condition["type"]]["lastTransitionTime"]
    resources = {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"}
    return {
        "capacity": resources,
        "allocatable": resources,
        "conditions": conditions,
        "addresses": [
            {"type": "InternalIP", "address": host_ip(index)},
            {"type": "Hostname", "address": node["metadata"]["name"]},
        ],
        "nodeInfo": {
            "machineID": "",
            "systemUUID": "",
            "bootID": "",
            "kernelVersion": "6.1.0",
            "osImage": "fake",
            "containerRuntimeVersion": "fake://1.0",
            "kubeletVersion": "v1.31.0-fake.chaosrun",
            "kubeProxyVersion": "",
            "operatingSystem": "linux",
            "architecture": "amd64",
        },
    }


def host_ip(index: int) -> str:
    return str(ipaddress.IPv4Address("10.0.0.1") + index)


def tolerated(taints: list[Obj], tolerations: list[Obj]) -> bool:
    """Whether every NoSchedule/NoExecute taint is tolerated."""
    for taint in taints:
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(_tolerates(t, taint) for t in tolerations):
            return False
    return True


def _tolerates(toleration: Obj, taint: Obj) -> bool:
    if toleration.get("effect") not in (None, "", taint.get("effect")):
        return False
    if toleration.get("operator") == "Exists":
        return toleration.get("key") in (None, "", taint.get("key"))
    return toleration.get("key") == taint.get("key") and toleration.get("value", "") == taint.get(
        "value", ""
    )


def fits(pod_spec: Obj, node: Obj, daemon: bool = False) -> bool:
    """Whether a pod may run on ``node`` (a DaemonSet's pods ignore a cordon, as real ones do)."""
    spec = node.get("spec") or {}
    labels = node["metadata"].get("labels") or {}
    if not node_ready(node) or node["metadata"].get("deletionTimestamp"):
        return False
    if spec.get("unschedulable") and not daemon:
        return False
    if any(labels.get(k) != v for k, v in (pod_spec.get("nodeSelector") or {}).items()):
        return False
    return tolerated(spec.get("taints") or [], pod_spec.get("tolerations") or [])


def schedule(store: Store) -> None:
    """Bind pending pods (under the store's lock); garbage-collect pods of deleted nodes."""
    nodes = list(store.items(NODES))
    names = {node["metadata"]["name"] for node in nodes}
    load: dict[str, int] = dict.fromkeys(names, 0)
    waiting: list[Obj] = []
    for pod in store.items(PODS):
        bound = pod["spec"].get("nodeName")
        if bound and nodes and bound not in names:
            store.delete(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"], None, 0)
        elif bound:
            load[bound] = load.get(bound, 0) + 1
        elif not pod["metadata"].get("deletionTimestamp"):
            waiting.append(pod)
    if not nodes:
        return
    for pod in waiting:
        fitting = [n for n in nodes if fits(pod["spec"], n)]
        if fitting:
            node = min(fitting, key=lambda n: (load[n["metadata"]["name"]], n["metadata"]["name"]))
            pod["spec"]["nodeName"] = node["metadata"]["name"]
            load[node["metadata"]["name"]] += 1
            store.touch(pod)


def sync_nodes(store: Store) -> None:
    for index, node in enumerate(sorted(store.items(NODES), key=lambda n: n["metadata"]["name"])):
        status = node_status(node, index)
        if _comparable(status) != _comparable(node.get("status") or {}):
            store.set_status(NODES, None, node["metadata"]["name"], status)


def _comparable(status: Obj) -> Obj:
    """A node status without its heartbeat times: a change worth a write."""
    conditions = [
        {k: v for k, v in c.items() if k not in ("lastHeartbeatTime", "lastTransitionTime")}
        for c in status.get("conditions") or []
    ]
    return {**status, "conditions": conditions}


def unschedulable_reason(store: Store) -> str:
    count = len(list(store.items(NODES)))
    return f"0/{count} nodes are available: no node fits the pod (cordoned, not ready or tainted)."
