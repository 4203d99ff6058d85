"""The StatefulSet and DaemonSet controllers (every function runs under the store's lock).

- StatefulSet -> pods ``<name>-0`` .. ``<name>-<n-1>`` with an owner reference and the labels
  ``statefulset.kubernetes.io/pod-name`` and ``controller-revision-hash``; ``OrderedReady``
  creates the next ordinal once the ones below are Ready, ``Parallel`` all at once; scaling down
  removes the highest ordinals; a new template replaces outdated pods one at a time, highest
  ordinal first. A deleted or evicted pod comes back under the same name.
- DaemonSet -> one pod per node that fits (Ready, ``nodeSelector``, taints tolerated; a cordon
  does not count, as DaemonSet pods tolerate it), bound to that node; pods on nodes that no
  longer fit are removed. No node at all: no pods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from testbed.kube.disruption import pod_ready
from testbed.kube.nodes import fits
from testbed.kube.ownership import deleting, pod_from_template, template_hash
from testbed.kube.resources import DAEMONSETS, NODES, PODS, STATEFULSETS, Obj

if TYPE_CHECKING:
    from testbed.kube.store import Store

REVISION_LABEL = "controller-revision-hash"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"


def sync_statefulset(store: Store, sts: Obj, owned: list[Obj]) -> None:
    meta, spec = sts["metadata"], sts["spec"]
    namespace, name, replicas = meta["namespace"], meta["name"], spec["replicas"]
    revision = f"{name}-{template_hash(spec['template'])}"
    pods = {p["metadata"]["name"]: p for p in owned if not deleting(p)}
    parallel = spec.get("podManagementPolicy") == "Parallel"
    for ordinal in range(replicas):
        pod_name = f"{name}-{ordinal}"
        if pod_name in pods:
            continue
        lower = (pods.get(f"{name}-{i}") for i in range(ordinal))
        if not parallel and not all(pod is not None and pod_ready(pod) for pod in lower):
            break  # OrderedReady: the next ordinal waits for every lower one to be Ready
        labels = {REVISION_LABEL: revision, POD_NAME_LABEL: pod_name}
        pods[pod_name] = store.create(
            PODS, namespace, pod_from_template(sts, labels, name=pod_name)
        )
    for pod_name in sorted(pods, key=_ordinal, reverse=True):
        if _ordinal(pod_name) >= replicas:
            store.delete(PODS, namespace, pod_name, None, 0)
            del pods[pod_name]
    live = list(pods.values())
    outdated = [p for p in live if p["metadata"]["labels"].get(REVISION_LABEL) != revision]
    if outdated and all(pod_ready(p) for p in live):
        victim = max(outdated, key=lambda p: _ordinal(p["metadata"]["name"]))
        store.delete(PODS, namespace, victim["metadata"]["name"], None, 0)
    ready = sum(1 for p in live if pod_ready(p))
    updated = len(live) - len(outdated)
    store.set_status(
        STATEFULSETS,
        namespace,
        name,
        {
            "observedGeneration": meta["generation"],
            "replicas": len(live),
            "readyReplicas": ready,
            "availableReplicas": ready,
            "currentReplicas": updated,
            "updatedReplicas": updated,
            "currentRevision": revision,
            "updateRevision": revision,
            "collisionCount": 0,
        },
    )


def _ordinal(pod_name: str) -> int:
    tail = pod_name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def sync_daemonset(store: Store, ds: Obj, owned: list[Obj]) -> None:
    meta, spec = ds["metadata"], ds["spec"]
    namespace, name = meta["namespace"], meta["name"]
    revision = template_hash(spec["template"])
    template_spec = spec["template"]["spec"]
    nodes = [n for n in store.items(NODES) if fits(template_spec, n, daemon=True)]
    wanted = {n["metadata"]["name"] for n in nodes}
    by_node: dict[str, Obj] = {}
    for pod in owned:
        node = pod["spec"].get("nodeName", "")
        outdated = pod["metadata"].get("labels", {}).get(REVISION_LABEL) != revision
        if node not in wanted or node in by_node or outdated:
            store.delete(PODS, namespace, pod["metadata"]["name"], None, 0)
        else:
            by_node[node] = pod
    for node in sorted(wanted - set(by_node)):
        body = pod_from_template(ds, {REVISION_LABEL: revision}, generateName=f"{name}-")
        body["spec"]["nodeName"] = node
        by_node[node] = store.create(PODS, namespace, body)
    ready = sum(1 for p in by_node.values() if pod_ready(p))
    store.set_status(
        DAEMONSETS,
        namespace,
        name,
        {
            "observedGeneration": meta["generation"],
            "desiredNumberScheduled": len(wanted),
            "currentNumberScheduled": len(by_node),
            "updatedNumberScheduled": len(by_node),
            "numberMisscheduled": 0,
            "numberReady": ready,
            "numberAvailable": ready,
            "numberUnavailable": len(wanted) - ready,
        },
    )
