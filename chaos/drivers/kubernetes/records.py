"""Run records as ConfigMaps, so a runner that died with its disk can be recovered elsewhere.

The driver stores a record's text under its id; what a record holds is ``chaos.records``'.
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import quote

from kubernetes import client

from chaos.drivers.base import NotFound
from chaos.drivers.kubernetes.transport import CORE, ApiCalls

RECORD_KEY = "record.json"
MANAGED_BY = "app.kubernetes.io/managed-by"
RECORD_LABEL = "chaosrun.io/run-record"
RECORD_SELECTOR = f"{MANAGED_BY}=chaosrun,{RECORD_LABEL}=true"


def record_configmap_name(record_id: str) -> str:
    return f"chaosrun-run-{record_id.lower()}"


def record_configmap(record_id: str, namespace: str, text: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": record_configmap_name(record_id),
            "namespace": namespace,
            "labels": {MANAGED_BY: "chaosrun", RECORD_LABEL: "true"},
        },
        "data": {RECORD_KEY: text},
    }


class RecordConfigMaps(ApiCalls):
    """The ``RecordMirror`` of a Kubernetes target: run records as ConfigMaps."""

    def save_record(self, record_id: str, namespace: str, text: str) -> None:
        name = record_configmap_name(record_id)
        body = record_configmap(record_id, namespace, text)
        path = f"{CORE}/namespaces/{quote(namespace)}/configmaps"
        doing = f"keep the run record in ConfigMap {name!r} in namespace {namespace!r}"

        def put() -> Any:
            try:
                return self.send("PUT", f"{path}/{quote(name)}", body=body)
            except client.ApiException as exc:
                if exc.status != 404:
                    raise
            return self.send("POST", path, body=body)

        self.call(doing, None, put)

    def discard_record(self, record_id: str, namespace: str) -> None:
        name = record_configmap_name(record_id)
        path = f"{CORE}/namespaces/{quote(namespace)}/configmaps/{quote(name)}"
        with contextlib.suppress(NotFound):
            self.delete_resolving(
                f"delete ConfigMap {name!r} in namespace {namespace!r}",
                f"ConfigMap {name!r} not found in namespace {namespace!r}",
                lambda: self.send("DELETE", path),
                lambda: self.present(path),
            )

    def list_records(self, namespace: str) -> list[str]:
        """The texts of the run records kept in ``namespace``."""
        listing = self.call(
            f"list ConfigMaps in namespace {namespace!r}",
            None,
            lambda: self.send(
                "GET",
                f"{CORE}/namespaces/{quote(namespace)}/configmaps",
                query={"labelSelector": RECORD_SELECTOR},
            ),
        )
        return [
            str(item["data"][RECORD_KEY])
            for item in listing.get("items", [])
            if RECORD_KEY in (item.get("data") or {})
        ]
