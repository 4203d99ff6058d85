"""The fake API server's object store: what the real API server and etcd do, in memory.

Objects are plain JSON dicts, as on the wire. The store fills the server-managed fields
(uid, resourceVersion, creationTimestamp, generation, names from generateName, status reset on
create), validates what a real server would reject for our kinds, applies merge patches and
implements deletion with ``propagationPolicy`` (Foreground keeps the owner with a
``foregroundDeletion`` finalizer until the controller has removed its dependents).
All access goes through one lock; every write wakes the controller through ``changed``.
"""

from __future__ import annotations

import copy
import itertools
import json
import secrets
import string
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from testbed.kube.resources import (
    BY_KIND,
    CONFIGMAPS,
    DEPLOYMENTS,
    NAMESPACES,
    PODS,
    REPLICASETS,
    RESOURCES,
    SECRETS,
    SERVICES,
    SYSTEM_NAMESPACES,
    ApiError,
    Obj,
    Resource,
    merge_patch,
    not_found,
    now_rfc3339,
)
from testbed.kube.selectors import SelectorError, field_predicate, label_predicate, labels_match


def _random_suffix(length: int = 5) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"  # the real server's alphabet: no vowels, no 0/1/3
    return "".join(secrets.choice(alphabet) for _ in range(length))


_DNS_LABEL = set(string.ascii_lowercase + string.digits + "-.")
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

Key = tuple[str, str, str]  # (plural, namespace, name)


def _selection(
    resource: Resource,
    namespace: str | None,
    label_selector: str | None,
    field_selector: str | None,
) -> Callable[[Key, Obj], bool]:
    """Which stored objects a list of ``resource`` answers with (a bad selector: 400)."""
    try:
        by_labels = label_predicate(label_selector)
        by_fields = field_predicate(field_selector, resource.plural)
    except SelectorError as exc:
        raise ApiError(400, "BadRequest", str(exc)) from None

    def wanted(key: Key, obj: Obj) -> bool:
        return (
            key[0] == resource.plural
            and (namespace is None or key[1] == namespace)
            and by_labels(obj)
            and by_fields(obj)
        )

    return wanted


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._objects: dict[Key, Obj] = {}
        self._rv = itertools.count(1000)
        self.writes = 0  # bumped on every change: lets waiters skip changes they have seen
        self._json: dict[Key, tuple[str, str]] = {}  # key -> (rv, list item)
        for namespace in SYSTEM_NAMESPACES:
            self.create(NAMESPACES, None, {"metadata": {"name": namespace}})

    # ---- helpers -------------------------------------------------------------------------

    def _key(self, resource: Resource, namespace: str | None, name: str) -> Key:
        return (resource.plural, namespace or "" if resource.namespaced else "", name)

    def _touch(self, obj: Obj) -> None:
        obj["metadata"]["resourceVersion"] = str(next(self._rv))
        self.writes += 1
        self.changed.notify_all()

    def _find(self, resource: Resource, namespace: str | None, name: str) -> Obj:
        obj = self._objects.get(self._key(resource, namespace, name))
        if obj is None:
            raise not_found(resource, name)
        return obj

    def items(self, resource: Resource) -> Iterator[Obj]:
        """Live objects of a kind (for the controller, under ``lock``)."""
        return iter([obj for key, obj in self._objects.items() if key[0] == resource.plural])

    def dependents(self, uid: str) -> list[tuple[Resource, Obj]]:
        return [
            (BY_KIND[obj["kind"]], obj)
            for obj in self._objects.values()
            if any(ref.get("uid") == uid for ref in obj["metadata"].get("ownerReferences") or [])
        ]

    # ---- create / read -------------------------------------------------------------------

    def create(self, resource: Resource, namespace: str | None, body: Obj) -> Obj:
        with self.lock:
            obj = copy.deepcopy(body)
            meta = obj.setdefault("metadata", {})
            if meta.get("resourceVersion"):
                raise ApiError(
                    400, "BadRequest", "resourceVersion should not be set on objects to be created"
                )
            if resource.namespaced:
                namespace = namespace or meta.get("namespace") or "default"
                if meta.get("namespace") not in (None, namespace):
                    raise ApiError(
                        400,
                        "BadRequest",
                        "the namespace of the provided object does not match the namespace "
                        "sent on the request",
                    )
                if not self._objects.get(self._key(NAMESPACES, None, namespace)):
                    raise not_found(NAMESPACES, namespace)
                meta["namespace"] = namespace
            if not meta.get("name"):
                if not meta.get("generateName"):
                    raise self._invalid(
                        resource, "", "metadata.name", "name or generateName is required"
                    )
                while True:
                    meta["name"] = meta["generateName"] + _random_suffix()
                    if self._key(resource, namespace, meta["name"]) not in self._objects:
                        break
            name = meta["name"]
            if not set(name) <= _DNS_LABEL:
                raise self._invalid(resource, name, "metadata.name", "a lowercase RFC 1123 name")
            key = self._key(resource, namespace, name)
            if key in self._objects:
                details = {"name": name, "kind": resource.plural, "group": resource.group}
                raise ApiError(
                    409, "AlreadyExists", f'{resource.qualified} "{name}" already exists', details
                )
            obj["kind"], obj["apiVersion"] = resource.kind, resource.api_version
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = now_rfc3339()
            for server_field in (
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "managedFields",
            ):
                meta.pop(server_field, None)
            self._prepare_for_create(resource, obj)
            self._objects[key] = obj
            self._touch(obj)
            return copy.deepcopy(obj)

    def _invalid(self, resource: Resource, name: str, path: str, why: str) -> ApiError:
        return ApiError(
            422,
            "Invalid",
            f'{resource.kind}{"." + resource.group if resource.group else ""} "{name}" is invalid: '
            f"{path}: {why}",
            {"name": name, "kind": resource.kind, "group": resource.group},
        )

    def _prepare_for_create(self, resource: Resource, obj: Obj) -> None:
        """Defaulting and validation, as the real registry strategies do for these kinds."""
        if resource in (CONFIGMAPS, SECRETS):
            return  # data only: nothing to default
        spec = obj.setdefault("spec", {})
        name = obj["metadata"]["name"]
        if resource in (DEPLOYMENTS, REPLICASETS):
            selector = spec.get("selector")
            template_labels = (spec.get("template") or {}).get("metadata", {}).get("labels") or {}
            if not selector:
                raise self._invalid(resource, name, "spec.selector", "Required value")
            if not spec.get("template", {}).get("spec", {}).get("containers"):
                raise self._invalid(
                    resource, name, "spec.template.spec.containers", "Required value"
                )
            if not labels_match(selector, template_labels):
                raise self._invalid(
                    resource,
                    name,
                    "spec.template.metadata.labels",
                    "`selector` does not match template `labels`",
                )
            spec.setdefault("replicas", 1)
            obj["metadata"]["generation"] = 1
            obj["status"] = {}
            if resource is DEPLOYMENTS:
                spec.setdefault("revisionHistoryLimit", 10)
                spec.setdefault("progressDeadlineSeconds", 600)
                spec.setdefault("strategy", {"type": "RollingUpdate"})
        elif resource is PODS:
            if not spec.get("containers"):
                raise self._invalid(resource, name, "spec.containers", "Required value")
            spec.setdefault("restartPolicy", "Always")
            obj["status"] = {"phase": "Pending", "conditions": []}
        elif resource is SERVICES:
            spec.setdefault("type", "ClusterIP")
            spec.setdefault("clusterIP", f"10.96.{secrets.randbelow(250)}.{secrets.randbelow(250)}")
            for port in spec.get("ports") or []:
                port.setdefault("protocol", "TCP")
                port.setdefault("targetPort", port.get("port"))
            obj["status"] = {"loadBalancer": {}}
        elif resource is NAMESPACES:
            obj["spec"] = {"finalizers": ["kubernetes"]}
            obj["status"] = {"phase": "Active"}

    def get(self, resource: Resource, namespace: str | None, name: str) -> Obj:
        with self.lock:
            return copy.deepcopy(self._find(resource, namespace, name))

    def list(
        self,
        resource: Resource,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> tuple[list[Obj], str]:
        wanted = _selection(resource, namespace, label_selector, field_selector)
        with self.lock:
            found = [
                copy.deepcopy(obj) for key, obj in sorted(self._objects.items()) if wanted(key, obj)
            ]
            return found, str(next(self._rv))

    def list_json(
        self,
        resource: Resource,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> bytes:
        """The list answer, serialized under the lock (no copy of each object first); as on
        a real server, the items carry no kind/apiVersion of their own."""
        wanted = _selection(resource, namespace, label_selector, field_selector)
        with self.lock:
            items = ",".join(
                self._item_json(key, obj)
                for key, obj in sorted(self._objects.items())
                if wanted(key, obj)
            )
            head = _encode(
                {
                    "kind": f"{resource.kind}List",
                    "apiVersion": resource.api_version,
                    "metadata": {"resourceVersion": str(next(self._rv))},
                }
            )
        return f'{head[:-1]},"items":[{items}]}}'.encode()

    def _item_json(self, key: Key, obj: Obj) -> str:
        """An object as a list item, re-encoded only when its resourceVersion moved."""
        rv = obj["metadata"]["resourceVersion"]
        cached = self._json.get(key)
        if cached is None or cached[0] != rv:
            text = _encode({k: v for k, v in obj.items() if k not in ("kind", "apiVersion")})
            cached = self._json[key] = (rv, text)
        return cached[1]

    # ---- write ---------------------------------------------------------------------------

    def patch(
        self,
        resource: Resource,
        namespace: str | None,
        name: str,
        patch: Obj,
        subresource: str | None = None,
    ) -> Obj:
        with self.lock:
            current = self._find(resource, namespace, name)
            if subresource == "scale":
                patched = merge_patch(self.scale_of(resource, current), patch)
                replicas = (patched.get("spec") or {}).get("replicas")
                if not isinstance(replicas, int) or replicas < 0:
                    raise self._invalid(resource, name, "spec.replicas", "must be >= 0")
                self._set_spec(current, {**current["spec"], "replicas": replicas})
                return self.scale_of(resource, current)
            patched = merge_patch(current, patch)
            return self._write(resource, current, patched, subresource)

    def replace(
        self,
        resource: Resource,
        namespace: str | None,
        name: str,
        body: Obj,
        subresource: str | None,
    ) -> Obj:
        with self.lock:
            current = self._find(resource, namespace, name)
            sent_rv = (body.get("metadata") or {}).get("resourceVersion")
            if sent_rv and sent_rv != current["metadata"]["resourceVersion"]:
                raise ApiError(
                    409,
                    "Conflict",
                    f'Operation cannot be fulfilled on {resource.qualified} "{name}": the object '
                    "has been modified; please apply your changes to the latest version "
                    "and try again",
                )
            if subresource == "scale":
                return self.patch(
                    resource, namespace, name, {"spec": body.get("spec", {})}, "scale"
                )
            return self._write(resource, current, copy.deepcopy(body), subresource)

    def _write(self, resource: Resource, current: Obj, new: Obj, subresource: str | None) -> Obj:
        meta = current["metadata"]
        if subresource == "status":
            current["status"] = new.get("status", {})
        else:
            new_meta = new.get("metadata") or {}
            for key in ("labels", "annotations", "ownerReferences", "finalizers"):
                if key in new_meta:
                    meta[key] = new_meta[key]
                else:
                    meta.pop(key, None)
            if resource is not PODS and "spec" in new and new["spec"] != current.get("spec"):
                self._set_spec(current, new["spec"])
                return copy.deepcopy(current)
        self._touch(current)
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            self._remove(resource, current)
        return copy.deepcopy(current)

    def _set_spec(self, obj: Obj, spec: Obj) -> None:
        if spec != obj.get("spec"):
            obj["spec"] = spec
            if "generation" in obj["metadata"]:
                obj["metadata"]["generation"] += 1
        self._touch(obj)

    def scale_of(self, resource: Resource, obj: Obj) -> Obj:
        selector = obj["spec"].get("selector") or {}
        return {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {
                key: obj["metadata"][key]
                for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            },
            "spec": {"replicas": obj["spec"].get("replicas", 1)},
            "status": {
                "replicas": obj.get("status", {}).get("replicas", 0),
                "selector": ",".join(
                    f"{k}={v}" for k, v in (selector.get("matchLabels") or {}).items()
                ),
            },
        }

    def set_status(self, resource: Resource, namespace: str | None, name: str, status: Obj) -> None:
        """What the controller and kubelet do: replace an object's status if it changed."""
        with self.lock:
            obj = self._objects.get(self._key(resource, namespace, name))
            if obj is not None and obj.get("status") != status:
                obj["status"] = copy.deepcopy(status)
                self._touch(obj)

    def update_meta(
        self, resource: Resource, namespace: str | None, name: str, **meta: Any
    ) -> None:
        with self.lock:
            obj = self._objects.get(self._key(resource, namespace, name))
            if obj is not None:
                obj["metadata"].update(copy.deepcopy(meta))
                self._touch(obj)

    # ---- delete --------------------------------------------------------------------------

    def delete(
        self,
        resource: Resource,
        namespace: str | None,
        name: str,
        propagation: str | None = None,
        grace_period: int | None = None,
    ) -> Obj | None:
        """Delete; return the object if it lingers (finalizers) or is a pod, else None."""
        with self.lock:
            obj = self._find(resource, namespace, name)
            if propagation not in (None, "Foreground", "Background", "Orphan"):
                raise ApiError(
                    422, "Invalid", f"propagationPolicy: Unsupported value: {propagation!r}"
                )
            meta = obj["metadata"]
            if meta.get("deletionTimestamp"):
                return copy.deepcopy(obj)
            if propagation == "Orphan":
                for _, dependent in self.dependents(meta["uid"]):
                    dependent["metadata"]["ownerReferences"] = [
                        ref
                        for ref in dependent["metadata"]["ownerReferences"]
                        if ref["uid"] != meta["uid"]
                    ]
                    self._touch(dependent)
            foreground = propagation == "Foreground" or resource is NAMESPACES
            if foreground or meta.get("finalizers"):
                meta["deletionTimestamp"] = now_rfc3339()
                if foreground:
                    meta["finalizers"] = [*meta.get("finalizers", []), "foregroundDeletion"]
                if resource is NAMESPACES:
                    obj["status"] = {"phase": "Terminating"}
                self._touch(obj)
                return copy.deepcopy(obj)
            if resource is PODS and grace_period != 0:
                meta["deletionTimestamp"] = now_rfc3339()
                meta["deletionGracePeriodSeconds"] = 30 if grace_period is None else grace_period
            removed = copy.deepcopy(obj)
            self._remove(resource, obj)
            return removed if resource is PODS else None

    def _remove(self, resource: Resource, obj: Obj) -> None:
        meta = obj["metadata"]
        del self._objects[self._key(resource, meta.get("namespace"), meta["name"])]
        self.writes += 1
        self.changed.notify_all()

    def finish_foreground_deletions(self) -> None:
        """Garbage collector, foreground part: delete dependents first, then the owner."""
        with self.lock:
            for key, obj in list(self._objects.items()):
                meta = obj["metadata"]
                if "foregroundDeletion" not in (meta.get("finalizers") or []):
                    continue
                resource = next(r for r in RESOURCES if r.plural == key[0])
                if resource is NAMESPACES:
                    contained = [
                        (BY_KIND[o["kind"]], o)
                        for (plural, ns, _), o in self._objects.items()
                        if ns == meta["name"] and plural != "namespaces"
                    ]
                else:
                    contained = self.dependents(meta["uid"])
                for dep_resource, dependent in contained:
                    dep_meta = dependent["metadata"]
                    if not dep_meta.get("deletionTimestamp"):
                        self.delete(
                            dep_resource, dep_meta.get("namespace"), dep_meta["name"], "Foreground"
                        )
                if key in self._objects and not contained:
                    meta["finalizers"] = [
                        f for f in meta["finalizers"] if f != "foregroundDeletion"
                    ]
                    if meta["finalizers"]:
                        self._touch(obj)  # other finalizers still hold it, as on a real server
                    else:
                        self._remove(resource, obj)

    def collect_orphans(self) -> None:
        """Garbage collector, background part: dependents whose owner no longer exists."""
        with self.lock:
            uids = {obj["metadata"]["uid"] for obj in self._objects.values()}
            for obj in list(self._objects.values()):
                refs = obj["metadata"].get("ownerReferences") or []
                if refs and not any(ref.get("uid") in uids for ref in refs):
                    meta = obj["metadata"]
                    if (
                        self._key(BY_KIND[obj["kind"]], meta.get("namespace"), meta["name"])
                        in self._objects
                    ):
                        self.delete(
                            BY_KIND[obj["kind"]],
                            meta.get("namespace"),
                            meta["name"],
                            "Background",
                            0,
                        )
