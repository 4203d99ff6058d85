"""Deletion as the real API server and its garbage collector do it, on a ``Store`` (every
function here runs under the store's lock).

``propagationPolicy``: Foreground keeps the owner with a ``foregroundDeletion`` finalizer until
its dependents are gone; Background deletes it now and lets the collector remove orphans; Orphan
strips the owner references. A namespace goes ``Terminating`` and is removed once what it holds
is gone. Deleting a CustomResourceDefinition removes its objects and stops serving them.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from testbed.kube.resources import (
    CRDS,
    NAMESPACES,
    PODS,
    SERVICES,
    SYSTEM_NAMESPACES,
    ApiError,
    Obj,
    Resource,
    now_rfc3339,
)

if TYPE_CHECKING:
    from testbed.kube.store import Store


def delete(
    store: Store,
    resource: Resource,
    namespace: str | None,
    name: str,
    propagation: str | None,
    grace_period: int | None,
) -> Obj | None:
    obj = store.find(resource, namespace, name)
    if propagation not in (None, "Foreground", "Background", "Orphan"):
        raise ApiError(422, "Invalid", f"propagationPolicy: Unsupported value: {propagation!r}")
    if resource is NAMESPACES and name in SYSTEM_NAMESPACES:
        raise ApiError(
            403,
            "Forbidden",
            f'namespaces "{name}" is forbidden: this namespace may not be deleted',
            {"name": name, "kind": "namespaces"},
        )
    meta = obj["metadata"]
    if meta.get("deletionTimestamp"):
        return copy.deepcopy(obj)
    if propagation == "Orphan":
        for _, dependent in store.dependents(meta["uid"]):
            dependent["metadata"]["ownerReferences"] = [
                ref for ref in dependent["metadata"]["ownerReferences"] if ref["uid"] != meta["uid"]
            ]
            store.touch(dependent)
    if resource is CRDS:
        _drop_custom_objects(store, obj)
    foreground = propagation == "Foreground" or resource is NAMESPACES
    if foreground or meta.get("finalizers"):
        meta["deletionTimestamp"] = now_rfc3339()
        if foreground:
            meta["finalizers"] = [*meta.get("finalizers", []), "foregroundDeletion"]
        if resource is NAMESPACES:
            obj["status"] = {"phase": "Terminating"}
        store.touch(obj)
        return copy.deepcopy(obj)
    if resource is PODS and grace_period != 0:
        meta["deletionTimestamp"] = now_rfc3339()
        meta["deletionGracePeriodSeconds"] = 30 if grace_period is None else grace_period
    removed = copy.deepcopy(obj)
    store.remove(resource, obj)
    return removed if resource in (PODS, SERVICES) else None  # ReturnDeletedObject, as real


def _drop_custom_objects(store: Store, crd: Obj) -> None:
    spec = crd["spec"]
    qualified = f"{spec['names']['plural']}.{spec['group']}"
    for key, resource, obj in store.entries():
        if key[0] == qualified:
            store.remove(resource, obj)


def finish_foreground_deletions(store: Store) -> None:
    """Garbage collector, foreground part: delete dependents first, then the owner."""
    for key, resource, obj in store.entries():
        meta = obj["metadata"]
        if "foregroundDeletion" not in (meta.get("finalizers") or []) or not store.exists(key):
            continue
        if resource is NAMESPACES:
            contained = [
                (res, o)
                for (qualified, ns, _), res, o in store.entries()
                if ns == meta["name"] and res.namespaced
            ]
        else:
            contained = store.dependents(meta["uid"])
        for dep_resource, dependent in contained:
            dep_meta = dependent["metadata"]
            if not dep_meta.get("deletionTimestamp"):
                delete(
                    store,
                    dep_resource,
                    dep_meta.get("namespace"),
                    dep_meta["name"],
                    "Foreground",
                    None,
                )
        if store.exists(key) and not contained:
            meta["finalizers"] = [f for f in meta["finalizers"] if f != "foregroundDeletion"]
            if meta["finalizers"]:
                store.touch(obj)  # other finalizers still hold it, as on a real server
            else:
                store.remove(resource, obj)


def collect_orphans(store: Store) -> None:
    """Garbage collector, background part: dependents whose owner no longer exists."""
    uids = {obj["metadata"]["uid"] for _, _, obj in store.entries()}
    for key, resource, obj in store.entries():
        refs = obj["metadata"].get("ownerReferences") or []
        if refs and not any(ref.get("uid") in uids for ref in refs) and store.exists(key):
            meta = obj["metadata"]
            delete(store, resource, meta.get("namespace"), meta["name"], "Background", 0)
