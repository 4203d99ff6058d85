"""A run record as a ConfigMap, so a runner that died with its disk can be recovered elsewhere."""

from __future__ import annotations

import contextlib
import json
from typing import Any
from urllib.parse import quote

from kubernetes import client

from chaos.drivers.base import NotFound
from chaos.drivers.kubernetes.transport import CORE, ApiCalls
from chaos.records.model import RunRecord

RECORD_KEY = "record.json"
MANAGED_BY = "app.kubernetes.io/managed-by"
RECORD_LABEL = "chaosrun.io/run-record"
RECORD_SELECTOR = f"{MANAGED_BY}=chaosrun,{RECORD_LABEL}=true"


def record_configmap_name(record_id: str) -> str:
    return f"chaosrun-run-{record_id.lower()}"


def record_namespace(record: RunRecord) -> str:
    """Kept beside what the run changed: the RBAC that allowed the chaos covers it."""
    return record.objects[0].namespace if record.objects else "default"


def record_configmap(record: RunRecord) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": record_configmap_name(record.id),
            "namespace": record_namespace(record),
            "labels": {MANAGED_BY: "chaosrun", RECORD_LABEL: "true"},
        },
        "data": {RECORD_KEY: json.dumps(record.to_dict(), indent=2)},
    }


class RecordConfigMaps(ApiCalls):
    """The ``RecordMirror`` of a Kubernetes target: run records as ConfigMaps."""

    def save_record(self, record: RunRecord) -> None:
        namespace = record_namespace(record)
        name = record_configmap_name(record.id)
        body = record_configmap(record)
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

    def discard_record(self, record: RunRecord) -> None:
        namespace = record_namespace(record)
        name = record_configmap_name(record.id)
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
