"""The kinds the fake API server serves, its error type and small wire-format helpers."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Obj = dict[str, Any]
_ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class Resource:
    group: str  # "" for the core group
    version: str
    plural: str
    kind: str
    namespaced: bool = True
    subresources: tuple[str, ...] = ()
    verbs: tuple[str, ...] = _ALL_VERBS

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """How the real server names the resource in messages: ``pods``, ``deployments.apps``;
        also the store's key, the same for every version of a kind."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


RESOURCES: tuple[Resource, ...] = (
    Resource("", "v1", "namespaces", "Namespace", False, ("status",)),
    Resource("", "v1", "nodes", "Node", False, ("status",)),
    Resource("", "v1", "pods", "Pod", True, ("status", "eviction", "exec", "log")),
    Resource("", "v1", "services", "Service", True, ("status",)),
    Resource("", "v1", "endpoints", "Endpoints", True, ()),
    Resource("", "v1", "configmaps", "ConfigMap", True, ()),
    Resource("", "v1", "secrets", "Secret", True, ()),
    Resource("", "v1", "events", "Event", True, ()),
    Resource("events.k8s.io", "v1", "events", "Event", True, ()),  # a view of core Events
    Resource("apps", "v1", "deployments", "Deployment", True, ("status", "scale")),
    Resource("apps", "v1", "replicasets", "ReplicaSet", True, ("status", "scale")),
    Resource("apps", "v1", "statefulsets", "StatefulSet", True, ("status", "scale")),
    Resource("apps", "v1", "daemonsets", "DaemonSet", True, ("status",)),
    Resource("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", True, ()),
    Resource("networking.k8s.io", "v1", "ingresses", "Ingress", True, ("status",)),
    Resource("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", True, ("status",)),
    Resource(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        False,
        ("status",),
    ),
)
BY_KIND = {r.kind: r for r in RESOURCES if r.group != "events.k8s.io"}  # core Event by kind
PODS, DEPLOYMENTS, REPLICASETS = BY_KIND["Pod"], BY_KIND["Deployment"], BY_KIND["ReplicaSet"]
NAMESPACES, SERVICES, CONFIGMAPS = BY_KIND["Namespace"], BY_KIND["Service"], BY_KIND["ConfigMap"]
NODES, SECRETS, EVENTS, ENDPOINTS = (
    BY_KIND["Node"],
    BY_KIND["Secret"],
    BY_KIND["Event"],
    BY_KIND["Endpoints"],
)
STATEFULSETS, DAEMONSETS = BY_KIND["StatefulSet"], BY_KIND["DaemonSet"]
NETWORKPOLICIES, INGRESSES = BY_KIND["NetworkPolicy"], BY_KIND["Ingress"]
PDBS, CRDS = BY_KIND["PodDisruptionBudget"], BY_KIND["CustomResourceDefinition"]
EVENTS_V1 = next(r for r in RESOURCES if r.group == "events.k8s.io")
SCALABLE = (DEPLOYMENTS, REPLICASETS, STATEFULSETS)
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public")


class ApiError(Exception):
    """An error answer: rendered by the server as a ``Status`` body."""

    def __init__(self, code: int, reason: str, message: str, details: Obj | None = None) -> None:
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details or {}

    def status(self) -> Obj:
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "details": self.details,
            "code": self.code,
        }


def not_found(resource: Resource, name: str) -> ApiError:
    details = {"name": name, "kind": resource.plural}
    if resource.group:
        details["group"] = resource.group
    return ApiError(404, "NotFound", f'{resource.qualified} "{name}" not found', details)


def no_such_path() -> ApiError:
    return ApiError(404, "NotFound", "the server could not find the requested resource")


def invalid(resource: Resource, name: str, path: str, why: str) -> ApiError:
    """The real server's 422 for a field it rejects."""
    return ApiError(
        422,
        "Invalid",
        f'{resource.kind}{"." + resource.group if resource.group else ""} "{name}" is invalid: '
        f"{path}: {why}",
        {
            "name": name,
            "kind": resource.kind,
            "group": resource.group,
            "causes": [{"reason": "FieldValueInvalid", "message": why, "field": path}],
        },
    )


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch (also used for strategic merge: lists are replaced)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            continue  # strategic-merge directives: not needed for the kinds we serve
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
