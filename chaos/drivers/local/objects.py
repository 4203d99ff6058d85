"""The local stack's pods, Deployments and Services as the Kubernetes API would list them,
for the read-only probes; any other kind needs a cluster."""

from __future__ import annotations

from typing import Any

from chaos.drivers.base import (
    DEPLOYMENTS,
    PODS,
    SERVICES,
    NeedsCluster,
    NotFound,
    ObjectKind,
    PodInfo,
    Selection,
)
from chaos.drivers.local.labels import parse_selector
from chaos.drivers.local.layout import NAMESPACE, SERVICE_ALIASES, Program


def needs_cluster(kind: ObjectKind) -> NeedsCluster:
    return NeedsCluster(
        f"the local target has no {kind.kind} objects: this needs a Kubernetes cluster"
    )


def cannot_change(kind: ObjectKind) -> NeedsCluster:
    return NeedsCluster(
        f"the local target cannot create or change {kind.kind} objects this way: this needs a "
        "Kubernetes cluster"
    )


def pod_object(pod: PodInfo) -> dict[str, Any]:
    ready = "True" if pod.ready else "False"
    return {
        "metadata": {
            "name": pod.name,
            "namespace": pod.namespace,
            "labels": dict(pod.labels),
            "creationTimestamp": pod.created.strftime("%Y-%m-%dT%H:%M:%SZ")
            if pod.created
            else None,
        },
        "status": {
            "phase": pod.phase,
            "conditions": [
                {"type": "Ready", "status": ready},
                {"type": "ContainersReady", "status": ready},
            ],
        },
    }


def deployment_object(program: Program, pods: list[PodInfo]) -> dict[str, Any]:
    mine = [p for p in pods if p.name.rpartition("-")[0] == program.name]
    ready = sum(1 for p in mine if p.ready)
    return {
        "metadata": {"name": program.name, "namespace": NAMESPACE, "labels": program.labels},
        "spec": {"replicas": program.replicas, "selector": {"matchLabels": program.labels}},
        "status": {
            "replicas": len(mine),
            "readyReplicas": ready,
            "availableReplicas": ready,
            "unavailableReplicas": len(mine) - ready,
        },
    }


def service_object(name: str, program: Program) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {"selector": dict(program.labels), "ports": [{"port": program.port}]},
    }


def _field_filter(field_selector: str | None) -> dict[str, str]:
    """``metadata.name=x`` (the only field the probes select on) as {path: value}."""
    wanted: dict[str, str] = {}
    for part in (field_selector or "").split(","):
        path, _, value = part.strip().partition("=")
        if not path:
            continue
        if path not in ("metadata.name", "metadata.namespace"):
            raise NeedsCluster(
                f"the local target cannot select objects by the field {path!r}: this needs a "
                "Kubernetes cluster"
            )
        wanted[path] = value.lstrip("=")
    return wanted


def select(items: list[dict[str, Any]], selection: Selection) -> list[dict[str, Any]]:
    if selection.namespace not in (None, NAMESPACE):
        return []
    labels = parse_selector(selection.label_selector)
    fields = _field_filter(selection.field_selector)
    chosen = [
        item
        for item in items
        if labels(item["metadata"].get("labels") or {})
        and all(
            item["metadata"].get(path.split(".", 1)[1]) == value for path, value in fields.items()
        )
    ]
    return chosen[: selection.limit] if selection.limit else chosen


def listing(kind: ObjectKind, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": f"{kind.kind}List", "apiVersion": kind.api_version, "items": items}


def services(programs: dict[str, Program]) -> list[dict[str, Any]]:
    """One Service per alias whose program runs, under the names the manifests use."""
    names = ("backend", "frontend", "frontend-v2")
    return [
        service_object(name, programs[SERVICE_ALIASES[name]])
        for name in names
        if SERVICE_ALIASES[name] in programs
    ]


def find(kind: ObjectKind, items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    for item in items:
        if item["metadata"]["name"] == name:
            return {"kind": kind.kind, "apiVersion": kind.api_version, **item}
    raise NotFound(f"{kind.kind} {name!r} not found in namespace {NAMESPACE!r}")


SERVED = (PODS, DEPLOYMENTS, SERVICES)
