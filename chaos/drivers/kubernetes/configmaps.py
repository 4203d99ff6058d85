"""Small ConfigMaps chaosrun reads and writes by name (the halt switch): set, merge keys
into, delete."""

from __future__ import annotations

import contextlib
import functools
from typing import Any
from urllib.parse import quote

from kubernetes import client

from chaos.drivers.base import DriverError, NotFound
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
        """Add ``data``'s keys to ConfigMap ``name``: read, then replace at the version read
        (``update``, which the runner's Role has for its records), again on a conflict with
        another writer; ``NotFound`` when it is gone."""
        path = self._configmap_path(namespace, name)
        doing = f"update ConfigMap {name!r} in namespace {namespace!r}"
        missing = f"ConfigMap {name!r} not found in namespace {namespace!r}"

        def put(body: dict[str, Any]) -> bool:
            try:
                self.send("PUT", path, body=body)
            except client.ApiException as exc:
                if exc.status == 409:  # another writer came first: read again
                    return False
                raise
            return True

        for _ in range(10):
            found = self.call(doing, missing, lambda: self.send("GET", path))
            found["data"] = {**(found.get("data") or {}), **data}
            if self.call(doing, missing, functools.partial(put, found)):
                return
        raise DriverError(f"cannot {doing}: other writers kept changing it")

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
