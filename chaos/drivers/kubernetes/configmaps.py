"""Small ConfigMaps chaosrun reads and writes by name (the halt switch): set, merge keys
into, delete."""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import quote

from kubernetes import client

from chaos.drivers.base import NotFound
from chaos.drivers.kubernetes.transport import CORE, ApiCalls


class NamedConfigMaps(ApiCalls):
    def _configmap_path(self, namespace: str, name: str = "") -> str:
        path = f"{CORE}/namespaces/{quote(namespace)}/configmaps"
        return f"{path}/{quote(name)}" if name else path

    def put_configmap(
        self, name: str, namespace: str, data: dict[str, str], labels: dict[str, str]
    ) -> None:
        """Create or replace ConfigMap ``name`` with ``data``."""
        body = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "data": data,
        }

        def put() -> Any:
            try:
                return self.send("PUT", self._configmap_path(namespace, name), body=body)
            except client.ApiException as exc:
                if exc.status != 404:
                    raise
            return self.send("POST", self._configmap_path(namespace), body=body)

        self.call(f"write ConfigMap {name!r} in namespace {namespace!r}", None, put)

    def merge_configmap(self, name: str, namespace: str, data: dict[str, str]) -> None:
        """Add ``data``'s keys to ConfigMap ``name`` (a merge patch: no conflict with others
        adding theirs); ``NotFound`` when it is gone."""
        self.call(
            f"update ConfigMap {name!r} in namespace {namespace!r}",
            f"ConfigMap {name!r} not found in namespace {namespace!r}",
            lambda: self.send(
                "PATCH",
                self._configmap_path(namespace, name),
                body={"data": data},
                content_type="application/merge-patch+json",
            ),
        )

    def delete_configmap(self, name: str, namespace: str) -> bool:
        """Delete ConfigMap ``name``; False when there was none."""
        with contextlib.suppress(NotFound):
            self.call(
                f"delete ConfigMap {name!r} in namespace {namespace!r}",
                f"ConfigMap {name!r} not found in namespace {namespace!r}",
                lambda: self.send("DELETE", self._configmap_path(namespace, name)),
            )
            return True
        return False
