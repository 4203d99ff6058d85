"""Objects for the catalogue's mutating functions to change, as a user would write them, and
the comparison of an object before and after (everything but what the server keeps)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chaos.drivers.snapshots import strip_server_fields


def pod_template(app: str) -> dict[str, Any]:
    return {
        "metadata": {"labels": {"app": app}},
        "spec": {"containers": [{"name": app, "image": f"example/{app}:1"}]},
    }


def workload(kind: str, name: str, replicas: int | None = 2) -> dict[str, Any]:
    """A Deployment, StatefulSet, DaemonSet or ReplicaSet named ``name``."""
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": name}},
        "template": pod_template(name),
    }
    if replicas is not None:
        spec["replicas"] = replicas
    if kind == "StatefulSet":
        spec["serviceName"] = name
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": spec,
    }


def service(name: str, app: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": {"app": app}},
        "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": 8080}]},
    }


def secret(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {"name": name},
        "data": {"password": "czNjcjN0LXZhbHVl"},  # "s3cr3t-value"
    }


SECRET_VALUE = "czNjcjN0LXZhbHVl"


def spec_file(directory: Path, body: dict[str, Any], name: str = "spec.json") -> str:
    path = directory / name
    path.write_text(json.dumps(body))
    return str(path)


def content(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    """What restoring must bring back exactly: the object without status and server fields."""
    if obj is None:
        return None
    kept = strip_server_fields(obj)
    kept.pop("apiVersion", None)
    kept.pop("kind", None)
    meta = kept.get("metadata") or {}
    meta.pop("namespace", None)
    spec = kept.get("spec")
    if isinstance(spec, dict):
        for allocated in ("clusterIP", "clusterIPs"):
            spec.pop(allocated, None)
    return kept
