"""A run record as a ConfigMap, so a runner that died with its disk can be recovered elsewhere."""

from __future__ import annotations

import json
from typing import Any

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
