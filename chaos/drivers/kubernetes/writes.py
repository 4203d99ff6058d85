"""Changing any kind of object: create, replace, merge-patch, delete, scale (the generic writes
the undoable changes and their undo are made of)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from kubernetes import client

from chaos.drivers.base import Conflict, ObjectKind
from chaos.drivers.kubernetes.objects import collection_path
from chaos.drivers.kubernetes.transport import ApiCalls

MERGE_PATCH = "application/merge-patch+json"


def _where(namespace: str | None) -> str:
    return f" in namespace {namespace!r}" if namespace is not None else ""


def _scope(kind: ObjectKind, namespace: str | None) -> str | None:
    return namespace if kind.namespaced else None


class ObjectWrites(ApiCalls):
    def _path(self, kind: ObjectKind, name: str, namespace: str | None) -> str:
        return f"{collection_path(kind, _scope(kind, namespace))}/{quote(name)}"

    def _missing(self, kind: ObjectKind, name: str, namespace: str | None) -> str:
        return f"{kind.kind} {name!r} not found{_where(_scope(kind, namespace))}"

    def _conflicting(self, send: Any, conflict: str) -> Any:
        def attempt() -> Any:
            try:
                return send()
            except client.ApiException as exc:
                if exc.status == 409:
                    raise Conflict(conflict) from None
                raise

        return attempt

    def create_object(
        self, kind: ObjectKind, body: dict[str, Any], namespace: str | None
    ) -> dict[str, Any]:
        namespace = _scope(kind, namespace)
        name = str((body.get("metadata") or {}).get("name", ""))
        where = _where(namespace)
        created = self.call(
            f"create {kind.kind} {name!r}{where}",
            None,
            self._conflicting(
                lambda: self.send("POST", collection_path(kind, namespace), body=body),
                f"{kind.kind} {name!r} already exists{where}",
            ),
            write=True,
        )
        return dict(created)

    def replace_object(
        self, kind: ObjectKind, body: dict[str, Any], namespace: str | None
    ) -> dict[str, Any]:
        name = str((body.get("metadata") or {}).get("name", ""))
        where = _where(_scope(kind, namespace))
        replaced = self.call(
            f"replace {kind.kind} {name!r}{where}",
            self._missing(kind, name, namespace),
            self._conflicting(
                lambda: self.send("PUT", self._path(kind, name, namespace), body=body),
                f"{kind.kind} {name!r}{where} changed while it was being replaced",
            ),
            write=True,
        )
        return dict(replaced)

    def patch_object(
        self, kind: ObjectKind, name: str, namespace: str | None, patch: dict[str, Any]
    ) -> dict[str, Any]:
        patched = self.call(
            f"patch {kind.kind} {name!r}{_where(_scope(kind, namespace))}",
            self._missing(kind, name, namespace),
            lambda: self.send(
                "PATCH", self._path(kind, name, namespace), body=patch, content_type=MERGE_PATCH
            ),
            write=True,
        )
        return dict(patched)

    def delete_object(self, kind: ObjectKind, name: str, namespace: str | None) -> None:
        path = self._path(kind, name, namespace)
        self.delete_resolving(
            f"delete {kind.kind} {name!r}{_where(_scope(kind, namespace))}",
            self._missing(kind, name, namespace),
            lambda: self.send("DELETE", path, query={"propagationPolicy": "Foreground"}),
            lambda: self.present(path),
        )

    def scale(self, kind: ObjectKind, name: str, namespace: str, replicas: int) -> None:
        self.call(
            f"scale {kind.kind} {name!r}{_where(namespace)}",
            self._missing(kind, name, namespace),
            lambda: self.send(
                "PATCH",
                self._path(kind, name, namespace) + "/scale",
                body={"spec": {"replicas": replicas}},
                content_type=MERGE_PATCH,
            ),
            write=True,
        )
