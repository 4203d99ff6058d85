"""PodDisruptionBudgets: their status, as the disruption controller computes it, and the Eviction
API (``pods/eviction``) that honours them, as the real server's eviction REST handler does."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from testbed.kube.resources import (
    DAEMONSETS,
    PDBS,
    PODS,
    REPLICASETS,
    STATEFULSETS,
    ApiError,
    Obj,
    now_rfc3339,
)
from testbed.kube.selectors import labels_match

if TYPE_CHECKING:
    from testbed.kube.store import Store

EVICTION_REFUSED = "Cannot evict pod as it would violate the pod's disruption budget."
_SCALED = {"ReplicaSet": REPLICASETS, "StatefulSet": STATEFULSETS}


def pod_ready(pod: Obj) -> bool:
    return not pod["metadata"].get("deletionTimestamp") and any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def _covered(store: Store, pdb: Obj) -> list[Obj]:
    namespace, selector = pdb["metadata"]["namespace"], pdb["spec"].get("selector") or {}
    return [
        pod
        for pod in store.items(PODS)
        if pod["metadata"]["namespace"] == namespace
        and not pod["metadata"].get("deletionTimestamp")
        and labels_match(selector, pod["metadata"].get("labels") or {})
    ]


def _expected(store: Store, pods: list[Obj]) -> int:
    """Pods the budget's workloads want: their controllers' scale, bare pods one each."""
    controllers: dict[str, int] = {}
    bare = 0
    for pod in pods:
        ref = next(
            (r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None
        )
        if ref is None:
            bare += 1
            continue
        namespace = pod["metadata"]["namespace"]
        if ref["kind"] in _SCALED:
            owner = store.items(_SCALED[ref["kind"]])
            wanted = [
                o["spec"].get("replicas", 1) for o in owner if o["metadata"]["uid"] == ref["uid"]
            ]
        elif ref["kind"] == "DaemonSet":
            wanted = [
                (o.get("status") or {}).get("desiredNumberScheduled", 0)
                for o in store.items(DAEMONSETS)
                if o["metadata"]["uid"] == ref["uid"] and o["metadata"]["namespace"] == namespace
            ]
        else:
            wanted = [1]
        controllers[ref["uid"]] = wanted[0] if wanted else 0
    return sum(controllers.values()) + bare


def _scaled(value: int | str, total: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)
    return int(value)


def budget_status(store: Store, pdb: Obj) -> Obj:
    """The status the disruption controller writes (under the store's lock)."""
    spec, status = pdb["spec"], pdb.get("status") or {}
    pods = _covered(store, pdb)
    expected = _expected(store, pods)
    healthy = sum(1 for pod in pods if pod_ready(pod))
    if "maxUnavailable" in spec:
        desired = max(expected - _scaled(spec["maxUnavailable"], expected), 0)
    else:
        desired = _scaled(spec.get("minAvailable", 1), expected)
    allowed = max(healthy - desired, 0) if expected else 0
    disrupted = {
        name: when
        for name, when in (status.get("disruptedPods") or {}).items()
        if any(pod["metadata"]["name"] == name for pod in pods)
    }
    allowed = max(allowed - len(disrupted), 0)
    new: Obj = {
        "observedGeneration": pdb["metadata"].get("generation", 1),
        "disruptionsAllowed": allowed,
        "currentHealthy": healthy,
        "desiredHealthy": desired,
        "expectedPods": expected,
        "conditions": [
            {
                "type": "DisruptionAllowed",
                "status": "True" if allowed > 0 else "False",
                "reason": "SufficientPods" if allowed > 0 else "InsufficientPods",
                "message": "",
                "observedGeneration": pdb["metadata"].get("generation", 1),
                "lastTransitionTime": _since(status, allowed > 0),
            }
        ],
    }
    if disrupted:
        new["disruptedPods"] = disrupted
    return new


def _since(status: Obj, allowed: bool) -> str:
    for condition in status.get("conditions") or []:
        if (
            condition.get("type") == "DisruptionAllowed"
            and (condition["status"] == "True") == allowed
        ):
            return str(condition["lastTransitionTime"])
    return now_rfc3339()


def evict(store: Store, namespace: str, name: str, body: Obj) -> Obj:
    """Evict a pod (under the store's lock): 429 when its budget allows no disruption."""
    pod = store.find(PODS, namespace, name)
    sent = (body.get("metadata") or {}).get("name")
    if sent not in (None, name):
        raise ApiError(400, "BadRequest", "name in URL does not match name in Eviction object")
    grace = (body.get("deleteOptions") or {}).get("gracePeriodSeconds")
    if pod["metadata"].get("deletionTimestamp"):
        return _evicted()
    phase = (pod.get("status") or {}).get("phase")
    budgets = [
        pdb
        for pdb in store.items(PDBS)
        if pdb["metadata"]["namespace"] == namespace
        and labels_match(pdb["spec"].get("selector") or {}, pod["metadata"].get("labels") or {})
    ]
    if phase not in ("Succeeded", "Failed", "Pending") and budgets:
        if len(budgets) > 1:
            raise ApiError(
                500,
                "InternalError",
                "This pod has more than one PodDisruptionBudget, which the eviction subresource "
                "does not support.",
            )
        _take_disruption(store, budgets[0], pod)
    store.delete(PODS, namespace, name, None, grace)
    return _evicted()


def _take_disruption(store: Store, pdb: Obj, pod: Obj) -> None:
    status = pdb.get("status") or {}
    healthy, desired = status.get("currentHealthy", 0), status.get("desiredHealthy", 0)
    if not pod_ready(pod) and healthy >= desired:
        return  # an unhealthy pod of a healthy budget may go (IfHealthyBudget)
    if status.get("observedGeneration", 0) < pdb["metadata"].get("generation", 1):
        why = (
            f"The disruption budget {pdb['metadata']['name']} is still being processed by the "
            "server."
        )
        raise _refused(why)
    if status.get("disruptionsAllowed", 0) <= 0:
        why = (
            f"The disruption budget {pdb['metadata']['name']} needs {desired} healthy pods and "
            f"has {healthy} currently"
        )
        raise _refused(why)
    status["disruptionsAllowed"] -= 1
    status.setdefault("disruptedPods", {})[pod["metadata"]["name"]] = now_rfc3339()
    pdb["status"] = status
    store.touch(pdb)


def _refused(why: str) -> ApiError:
    return ApiError(
        429,
        "TooManyRequests",
        EVICTION_REFUSED,
        {"causes": [{"reason": "DisruptionBudget", "message": why}]},
    )


def _evicted() -> Obj:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}
