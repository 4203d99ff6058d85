"""The endpoints controller: for every Service with a selector, an Endpoints object of the same
name listing its pods' IPs (Ready ones in ``addresses``, the others in ``notReadyAddresses``) and
the Service's target ports; removed with their Service. Endpoints of a Service without a
selector are left to their writer.
Runs under the store's lock."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from testbed.kube.disruption import pod_ready
from testbed.kube.ownership import deleting
from testbed.kube.resources import ENDPOINTS, PODS, SERVICES, ApiError, Obj

if TYPE_CHECKING:
    from testbed.kube.store import Store

MANAGED_LABEL = "endpointslice.kubernetes.io/skip-mirror"  # what the real controller sets


def _address(pod: Obj) -> Obj:
    meta = pod["metadata"]
    address: Obj = {
        "ip": (pod.get("status") or {}).get("podIP", ""),
        "targetRef": {
            "kind": "Pod",
            "namespace": meta["namespace"],
            "name": meta["name"],
            "uid": meta["uid"],
        },
    }
    if pod["spec"].get("nodeName"):
        address["nodeName"] = pod["spec"]["nodeName"]
    return address


def _subsets(service: Obj, pods: list[Obj]) -> list[Obj]:
    ready = [_address(p) for p in pods if pod_ready(p)]
    waiting = [_address(p) for p in pods if not pod_ready(p)]
    if not ready and not waiting:
        return []
    ports = [
        {
            **({"name": port["name"]} if port.get("name") else {}),
            "port": port.get("targetPort", port.get("port")),
            "protocol": port.get("protocol", "TCP"),
        }
        for port in service["spec"].get("ports") or []
    ]
    subset: Obj = {"ports": ports}
    if ready:
        subset["addresses"] = ready
    if waiting:
        subset["notReadyAddresses"] = waiting
    return [subset]


def sync_endpoints(store: Store) -> None:
    by_namespace: dict[str, list[Obj]] = {}
    for pod in store.items(PODS):
        if not deleting(pod) and (pod.get("status") or {}).get("podIP"):
            by_namespace.setdefault(pod["metadata"]["namespace"], []).append(pod)
    managed: set[tuple[str, str]] = set()
    for service in store.items(SERVICES):
        selector = service["spec"].get("selector")
        if not selector or deleting(service):
            continue
        meta = service["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        pods = [
            p
            for p in by_namespace.get(namespace, [])
            if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items())
        ]
        subsets = _subsets(service, pods)
        managed.add((namespace, name))
        try:
            current = store.find(ENDPOINTS, namespace, name)
        except ApiError:
            labels = {**(meta.get("labels") or {}), MANAGED_LABEL: "true"}
            body = {"metadata": {"name": name, "labels": labels}, "subsets": subsets}
            with contextlib.suppress(ApiError):  # refused while its namespace terminates
                store.create(ENDPOINTS, namespace, body)
            continue
        if current.get("subsets") != subsets:
            current["subsets"] = subsets
            store.touch(current)
    for endpoints in store.items(ENDPOINTS):
        meta = endpoints["metadata"]
        mine = (meta.get("labels") or {}).get(MANAGED_LABEL) == "true"
        if mine and (meta["namespace"], meta["name"]) not in managed and not deleting(endpoints):
            store.delete(ENDPOINTS, meta["namespace"], meta["name"])  # its Service is gone
