"""Reading any kind of object as the API answers it: lists, single objects, pod logs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from chaos.drivers.base import LogRequest, ObjectKind, Selection
from chaos.drivers.kubernetes.transport import ApiCalls


def collection_path(kind: ObjectKind, namespace: str | None) -> str:
    """``/api/v1/namespaces/ns/pods``, ``/apis/apps/v1/deployments`` (all namespaces)..."""
    root = f"/apis/{kind.group}/{kind.version}" if kind.group else f"/api/{kind.version}"
    if kind.namespaced and namespace is not None:
        root += f"/namespaces/{quote(namespace)}"
    return f"{root}/{kind.plural}"


def _where(namespace: str | None) -> str:
    return f" in namespace {namespace!r}" if namespace is not None else ""


class ObjectReads(ApiCalls):
    """The read-only half of the API, for probes: objects come back as plain JSON."""

    def list_objects(self, kind: ObjectKind, selection: Selection) -> dict[str, Any]:
        namespace = selection.namespace if kind.namespaced else None
        listing = self.call(
            f"list {kind.plural}{_where(namespace)}",
            None,
            lambda: self.send(
                "GET",
                collection_path(kind, namespace),
                query={
                    "labelSelector": selection.label_selector or None,
                    "fieldSelector": selection.field_selector or None,
                    "limit": selection.limit,
                },
            ),
        )
        return dict(listing)

    def read_object(self, kind: ObjectKind, name: str, namespace: str | None) -> dict[str, Any]:
        namespace = namespace if kind.namespaced else None
        path = f"{collection_path(kind, namespace)}/{quote(name)}"
        found = self.call(
            f"read {kind.kind} {name!r}{_where(namespace)}",
            f"{kind.kind} {name!r} not found{_where(namespace)}",
            lambda: self.send("GET", path),
        )
        return dict(found)

    def read_log(self, pod: str, namespace: str, request: LogRequest) -> str:
        path = f"/api/v1/namespaces/{quote(namespace)}/pods/{quote(pod)}/log"
        query = {
            "container": request.container or None,
            "sinceSeconds": request.since_seconds,
            "previous": "true" if request.previous else None,
            "timestamps": "true" if request.timestamps else None,
        }
        log = self.call(
            f"read the log of pod {pod!r}{_where(namespace)}",
            f"pod {pod!r} not found{_where(namespace)}",
            lambda: self.send("GET", path, query=query, text=True),
        )
        return str(log)
