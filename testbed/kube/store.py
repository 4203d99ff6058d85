"""The fake API server's object store: what the real API server and etcd do, in memory.

Objects are plain JSON dicts, as on the wire, keyed by (qualified resource, namespace, name).
The store fills the server-managed fields (uid, resourceVersion, creationTimestamp, names from
generateName), runs the create-time defaulting and validation (``admission``), applies merge
patches and the scale subresource (``scale``), and deletes as ``deletion`` says. Which kinds
exist, built in or defined by a CustomResourceDefinition, is its ``registry``.
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

from testbed.kube import deletion
from testbed.kube.admission import check_kind, prepare_for_create, prepare_for_update
from testbed.kube.registry import Registry
from testbed.kube.resources import (
    CRDS,
    NAMESPACES,
    PODS,
    SYSTEM_NAMESPACES,
    ApiError,
    Obj,
    Resource,
    invalid,
    merge_patch,
    not_found,
    now_rfc3339,
)
from testbed.kube.scale import scale_of, scaled_spec
from testbed.kube.selectors import SelectorError, object_predicate


def _random_suffix(length: int = 5) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"  # the real server's alphabet: no vowels, no 0/1/3
    return "".join(secrets.choice(alphabet) for _ in range(length))


_DNS_LABEL = set(string.ascii_lowercase + string.digits + "-.")
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

Key = tuple[str, str, str]  # (qualified resource name, namespace, name)
_NOT_WRITTEN = frozenset({"metadata", "kind", "apiVersion"})  # set by the server, not by a write


def selection(
    resource: Resource,
    namespace: str | None,
    label_selector: str | None,
    field_selector: str | None,
) -> Callable[[Key, Obj], bool]:
    """Which stored objects a list of ``resource`` answers with (a bad selector: 400)."""
    try:
        matches = object_predicate(label_selector, field_selector, resource.plural)
    except SelectorError as exc:
        raise ApiError(400, "BadRequest", str(exc)) from None
    return lambda key, obj: (
        key[0] == resource.qualified and namespace in (None, key[1]) and matches(obj)
    )


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._objects: dict[Key, Obj] = {}
        self._rv = itertools.count(1000)
        self.writes = 0  # bumped on every change: lets waiters skip changes they have seen
        self._json: dict[Key, tuple[str, str]] = {}  # key -> (rv, list item)
        self.registry = Registry()
        for namespace in SYSTEM_NAMESPACES:
            self.create(NAMESPACES, None, {"metadata": {"name": namespace}})

    # ---- helpers -------------------------------------------------------------------------

    def _key(self, resource: Resource, namespace: str | None, name: str) -> Key:
        return (resource.qualified, namespace or "" if resource.namespaced else "", name)

    def touch(self, obj: Obj) -> None:
        obj["metadata"]["resourceVersion"] = str(next(self._rv))
        self.writes += 1
        self.changed.notify_all()

    def find(self, resource: Resource, namespace: str | None, name: str) -> Obj:
        obj = self._objects.get(self._key(resource, namespace, name))
        if obj is None:
            raise not_found(resource, name)
        return obj

    def items(self, resource: Resource) -> Iterator[Obj]:
        """Live objects of a kind (for the controller, under ``lock``)."""
        return iter([obj for key, obj in self._objects.items() if key[0] == resource.qualified])

    def entries(self) -> list[tuple[Key, Resource, Obj]]:
        """Every live object with its key and resource (for the garbage collector)."""
        return [(key, self.registry.stored(key[0]), obj) for key, obj in self._objects.items()]

    def exists(self, key: Key) -> bool:
        return key in self._objects

    def dependents(self, uid: str) -> list[tuple[Resource, Obj]]:
        return [
            (resource, obj)
            for _, resource, obj in self.entries()
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
                owner = self._objects.get(self._key(NAMESPACES, None, namespace))
                if not owner:
                    raise not_found(NAMESPACES, namespace)
                if owner["metadata"].get("deletionTimestamp"):
                    raise ApiError(
                        403,
                        "Forbidden",
                        f'{resource.qualified} "{meta.get("name") or ""}" is forbidden: unable to '
                        f"create new content in namespace {namespace} because it is being "
                        "terminated",
                        {"name": meta.get("name") or "", "kind": resource.plural},
                    )
                meta["namespace"] = namespace
            if not meta.get("name"):
                if not meta.get("generateName"):
                    raise invalid(resource, "", "metadata.name", "name or generateName is required")
                while True:
                    meta["name"] = meta["generateName"] + _random_suffix()
                    if self._key(resource, namespace, meta["name"]) not in self._objects:
                        break
            name = meta["name"]
            if not set(name) <= _DNS_LABEL:
                raise invalid(resource, name, "metadata.name", "a lowercase RFC 1123 name")
            key = self._key(resource, namespace, name)
            if key in self._objects:
                details = {"name": name, "kind": resource.plural, "group": resource.group}
                raise ApiError(
                    409, "AlreadyExists", f'{resource.qualified} "{name}" already exists', details
                )
            check_kind(resource, obj)
            obj["kind"], obj["apiVersion"] = resource.kind, resource.api_version
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = now_rfc3339()
            for server_field in (
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "managedFields",
            ):
                meta.pop(server_field, None)
            prepare_for_create(resource, obj)
            if resource is CRDS:
                self.registry.define(obj)
            self._objects[key] = obj
            self.touch(obj)
            return copy.deepcopy(obj)

    def get(self, resource: Resource, namespace: str | None, name: str) -> Obj:
        with self.lock:
            return copy.deepcopy(self.find(resource, namespace, name))

    def list(
        self,
        resource: Resource,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> tuple[list[Obj], str]:
        wanted = selection(resource, namespace, label_selector, field_selector)
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
        wanted = selection(resource, namespace, label_selector, field_selector)
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
            current = self.find(resource, namespace, name)
            if subresource == "scale":
                self._set_spec(current, scaled_spec(resource, current, patch))
                return scale_of(current)
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
            current = self.find(resource, namespace, name)
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
            prepare_for_update(resource, new)
            old_spec = current.get("spec")
            for key in {*current, *new} - _NOT_WRITTEN:
                if (key == "status" and "status" in resource.subresources) or (
                    key == "spec" and resource is PODS  # a pod's spec is (mostly) immutable
                ):
                    continue
                if key in new:
                    current[key] = new[key]
                else:
                    current.pop(key)
            if current.get("spec") != old_spec and "generation" in meta:
                meta["generation"] += 1
        self.touch(current)
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            self.remove(resource, current)
        return copy.deepcopy(current)

    def _set_spec(self, obj: Obj, spec: Obj) -> None:
        if spec != obj.get("spec"):
            obj["spec"] = spec
            if "generation" in obj["metadata"]:
                obj["metadata"]["generation"] += 1
        self.touch(obj)

    def set_status(self, resource: Resource, namespace: str | None, name: str, status: Obj) -> None:
        """What the controller and kubelet do: replace an object's status if it changed."""
        with self.lock:
            obj = self._objects.get(self._key(resource, namespace, name))
            if obj is not None and obj.get("status") != status:
                obj["status"] = copy.deepcopy(status)
                self.touch(obj)

    def update_meta(
        self, resource: Resource, namespace: str | None, name: str, **meta: Any
    ) -> None:
        with self.lock:
            obj = self._objects.get(self._key(resource, namespace, name))
            if obj is not None:
                obj["metadata"].update(copy.deepcopy(meta))
                self.touch(obj)

    # ---- delete (the rules live in ``deletion``) -------------------------------------------

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
            return deletion.delete(self, resource, namespace, name, propagation, grace_period)

    def finish_foreground_deletions(self) -> None:
        with self.lock:
            deletion.finish_foreground_deletions(self)

    def collect_orphans(self) -> None:
        with self.lock:
            deletion.collect_orphans(self)

    def remove(self, resource: Resource, obj: Obj) -> None:
        """Drop an object at once (for ``deletion``, under ``lock``)."""
        meta = obj["metadata"]
        del self._objects[self._key(resource, meta.get("namespace"), meta["name"])]
        if resource is CRDS:
            self.registry.forget(meta["name"])
        self.writes += 1
        self.changed.notify_all()
