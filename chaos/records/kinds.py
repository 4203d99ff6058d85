"""The kinds of object a run record may hold: an allow-list, each kind with its check and the
words that say what restoring it does.

A record kept in a cluster can be edited by whoever may edit ConfigMaps there, so before one is
acted on every object in it must be of a kind chaosrun records, in the record's own namespace,
not a system namespace, and shaped as chaosrun would have recorded it from a real object there.
A new kind of change is one entry in ``RECORDED_KINDS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chaos.defaults import SYSTEM_NAMESPACES
from chaos.drivers.base import (
    DAEMONSETS,
    DEPLOYMENTS,
    INGRESSES,
    NAMESPACES,
    NETWORKPOLICIES,
    NODES,
    REPLICASETS,
    RUN_LABEL,
    SECRETS,
    SERVICES,
    STATEFULSETS,
    ObjectKind,
    proxy_name,
    shadow_name,
)
from chaos.records.model import Op, RecordedObject, RunRecord

DEPLOYMENT = "Deployment"
# A fault injected into a Service's backend (chaos.actions.backend.FAULT_KIND).
SERVICE_FAULT = "ServiceFault"
# A Service put behind the fault proxy (chaos.actions.service.PROXY_KIND).
SERVICE_PROXY = "ServiceProxy"
_RUN_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$")


@dataclass(frozen=True)
class RecordedKind:
    # Why the object is not as chaosrun records it (one phrase), or None.
    check: Callable[[RecordedObject], str | None]
    # What restoring it creates or changes, for the question asked before acting.
    describe: Callable[[RecordedObject], str]
    # Where the generic undo (``chaos.records.undo``) acts; None: the kind has its own undo.
    api: ObjectKind | None = None
    # The changes of this kind a run records.
    ops: frozenset[Op] = field(default_factory=lambda: frozenset({Op.DELETED}))


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _check_snapshot(obj: RecordedObject, api: ObjectKind) -> str | None:
    manifest = obj.manifest
    if manifest.get("apiVersion") != api.api_version or manifest.get("kind") != api.kind:
        return f"its snapshot of {obj.label} is not an {api.api_version} {api.kind}"
    meta = _mapping(manifest.get("metadata"))
    if meta.get("name") != obj.name:
        return f"its snapshot of {obj.label} names another {api.kind} ({meta.get('name')!r})"
    if meta.get("namespace", obj.namespace) != obj.namespace:
        return f"its snapshot of {obj.label} names namespace {meta.get('namespace')!r}"
    return None


def _check_previous(obj: RecordedObject) -> str | None:
    """The value a one-value change (scale, cordon, selector swap) puts back."""
    value = obj.previous
    if obj.manifest:
        return f"its {obj.label} carries a snapshot with a {obj.op.value} change"
    if obj.op is Op.SCALED:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif obj.op is Op.CORDONED:
        ok = isinstance(value, bool)
    else:
        ok = (
            isinstance(value, dict)
            and bool(value)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        )
    return None if ok else f"its {obj.label} records {value!r} as the value before, not one"


def _checker(api: ObjectKind, ops: frozenset[Op]) -> Callable[[RecordedObject], str | None]:
    def check(obj: RecordedObject) -> str | None:
        if obj.op not in ops:
            return f"its {obj.label} records a change chaosrun does not make ({obj.op.value})"
        if bool(obj.namespace) != api.namespaced:
            return f"its {obj.label} is not scoped as a {api.kind} is"
        if api == NAMESPACES and obj.name in SYSTEM_NAMESPACES:
            return f"it names the system namespace {obj.name!r}"
        if obj.op in (Op.CREATED, Op.DELETED, Op.UPDATED):
            if obj.previous is not None:
                return f"its {obj.label} carries a value before with a {obj.op.value} change"
            return _check_snapshot(obj, api)
        return _check_previous(obj)

    return check


def _notable(pod: dict[str, Any]) -> list[str]:
    """What in a pod spec gives it power over its node: said before it is created."""
    notes = [f"{host} true" for host in ("hostPID", "hostNetwork", "hostIPC") if pod.get(host)]
    containers = [_mapping(c) for c in pod.get("containers") or []]
    containers += [_mapping(c) for c in pod.get("initContainers") or []]
    notes += [
        f"container {c.get('name')!r} privileged"
        for c in containers
        if _mapping(c.get("securityContext")).get("privileged")
    ]
    notes += [
        f"hostPath volume {_mapping(v).get('name')!r}"
        for v in pod.get("volumes") or []
        if _mapping(v).get("hostPath")
    ]
    if pod.get("serviceAccountName"):
        notes.append(f"service account {pod['serviceAccountName']!r}")
    return notes


def _describe_workload(obj: RecordedObject) -> str:
    spec = _mapping(obj.manifest.get("spec"))
    pod = _mapping(_mapping(spec.get("template")).get("spec"))
    images = [str(_mapping(c).get("image")) for c in pod.get("containers") or []]
    details = [f"{spec.get('replicas', obj.manifest.get('replicas', 1))} replica(s)"]
    if images:
        details.append("image " + ", ".join(images))
    return "; ".join(details + _notable(pod))


def _describe_content(obj: RecordedObject) -> str:
    """What a snapshot holds, in words that carry no value of a Secret."""
    if obj.kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        return _describe_workload(obj)
    if obj.kind == "Secret":
        keys = {*_mapping(obj.manifest.get("data")), *_mapping(obj.manifest.get("stringData"))}
        return f"{len(keys)} key(s), values not shown"
    if obj.kind == "Service":
        selector = _mapping(_mapping(obj.manifest.get("spec")).get("selector"))
        return "selector " + (",".join(f"{k}={v}" for k, v in selector.items()) or "none")
    return f"{obj.manifest.get('apiVersion')} {obj.kind}"


def _describe(obj: RecordedObject) -> str:
    if obj.op is Op.CREATED:
        return f"delete {obj.label}, which the run created"
    if obj.op is Op.DELETED:
        return f"create {obj.label} from its snapshot ({_describe_content(obj)})"
    if obj.op is Op.UPDATED:
        return f"put {obj.label} back as its snapshot ({_describe_content(obj)})"
    if obj.op is Op.SCALED:
        return f"scale {obj.label} back to {obj.previous} replica(s)"
    if obj.op is Op.CORDONED:
        return f"set {obj.label} unschedulable back to {str(obj.previous).lower()}"
    selector = ",".join(f"{k}={v}" for k, v in _mapping(obj.previous).items())
    return f"give {obj.label} its selector {selector} back"


def generic(api: ObjectKind, *ops: Op) -> RecordedKind:
    """A kind the generic undo puts back, for the changes ``ops``."""
    allowed = frozenset(ops)
    return RecordedKind(_checker(api, allowed), _describe, api, allowed)


def _check_service_fault(obj: RecordedObject) -> str | None:
    manifest = obj.manifest
    if set(manifest) - {"service", "fault"} or manifest.get("service") != obj.name:
        return f"its {obj.label} is not a fault chaosrun injected"
    return None


def _describe_service_fault(obj: RecordedObject) -> str:
    return f"end the fault injected into Service {obj.namespace}/{obj.name}"


def _check_service_proxy(obj: RecordedObject) -> str | None:
    """Its undo patches only ``spec.selector`` of the Service it names (in the record's
    namespace), and deletes only the two objects named after that Service, and only when they
    carry the run's label: so the entry must name exactly those."""
    m = obj.manifest
    selector = m.get("selector")
    if (
        set(m) != {"service", "selector", "shadow", "proxy", "run"}
        or m.get("service") != obj.name
        or m.get("shadow") != shadow_name(obj.name)
        or m.get("proxy") != proxy_name(obj.name)
        or not isinstance(m.get("run"), str)
        or not _RUN_ID.match(m["run"])
        or not isinstance(selector, dict)
        or not selector
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in selector.items())
    ):
        return f"its {obj.label} is not a fault proxy chaosrun put in front of a Service"
    return None


def _describe_service_proxy(obj: RecordedObject) -> str:
    selector = ",".join(f"{k}={v}" for k, v in _mapping(obj.manifest.get("selector")).items())
    return (
        f"set the selector of Service {obj.namespace}/{obj.name} back to {selector}, then delete "
        f"Deployment {obj.manifest.get('proxy')} and Service {obj.manifest.get('shadow')} (if "
        f"they carry {RUN_LABEL}={obj.manifest.get('run')})"
    )


_WORKLOAD_OPS = (Op.CREATED, Op.DELETED, Op.UPDATED, Op.SCALED)

RECORDED_KINDS: dict[str, RecordedKind] = {
    DEPLOYMENT: generic(DEPLOYMENTS, *_WORKLOAD_OPS),
    "StatefulSet": generic(STATEFULSETS, *_WORKLOAD_OPS),
    "DaemonSet": generic(DAEMONSETS, Op.CREATED, Op.DELETED, Op.UPDATED),
    "ReplicaSet": generic(REPLICASETS, Op.CREATED, Op.DELETED, Op.UPDATED, Op.SCALED),
    "Service": generic(SERVICES, Op.CREATED, Op.DELETED, Op.UPDATED, Op.SELECTOR),
    "Secret": generic(SECRETS, Op.CREATED, Op.DELETED, Op.UPDATED),
    "Namespace": generic(NAMESPACES, Op.CREATED),
    "Node": generic(NODES, Op.CREATED, Op.CORDONED),
    "NetworkPolicy": generic(NETWORKPOLICIES, Op.CREATED, Op.DELETED, Op.UPDATED),
    "Ingress": generic(INGRESSES, Op.CREATED, Op.DELETED, Op.UPDATED),
    SERVICE_FAULT: RecordedKind(_check_service_fault, _describe_service_fault),
    SERVICE_PROXY: RecordedKind(_check_service_proxy, _describe_service_proxy),
}

# A custom object is recorded by its fully qualified resource, ``plural.version.group`` (as
# ``kubectl get networkchaos.v1alpha1.chaos-mesh.org`` names it): any group but the built-in
# ones, whose kinds are listed above by name.
CUSTOM_RESOURCE = re.compile(
    r"(?P<plural>[a-z0-9][a-z0-9-]*)\.(?P<version>v[0-9]+(?:(?:alpha|beta)[0-9]+)?)"
    r"\.(?P<group>[a-z0-9-]+(?:\.[a-z0-9-]+)+)"
)
_CUSTOM_OPS = frozenset({Op.CREATED, Op.DELETED, Op.UPDATED})


def custom_resource(plural: str, version: str, group: str) -> str | None:
    """How the run record names a custom resource, or None when it is not one chaosrun may
    record as such (a built-in group, a malformed name)."""
    name = f"{plural}.{version}.{group}"
    if not CUSTOM_RESOURCE.fullmatch(name) or group.endswith("k8s.io"):
        return None
    return name


def _check_custom(api: ObjectKind) -> Callable[[RecordedObject], str | None]:
    def check(obj: RecordedObject) -> str | None:
        if obj.op not in _CUSTOM_OPS or obj.previous is not None:
            return f"its {obj.label} records a change chaosrun does not make ({obj.op.value})"
        kind = obj.manifest.get("kind")  # the resource's own kind: any the snapshot names
        if not isinstance(kind, str) or not kind:
            return f"its snapshot of {obj.label} is not an {api.api_version} object"
        return _check_snapshot(obj, ObjectKind(kind, api.group, api.version, api.plural))

    return check


class _Kinds(dict[str, RecordedKind]):
    """The listed kinds, and any custom resource named as ``custom_resource`` names it (its
    scope is the entry's: a cluster-wide one is recorded without a namespace)."""

    def get(self, key: str, default: Any = None) -> Any:
        found = super().get(key)
        if found is not None:
            return found
        match = CUSTOM_RESOURCE.fullmatch(key)
        if match is None or custom_resource(*match.group("plural", "version", "group")) is None:
            return default
        api = ObjectKind(key, match["group"], match["version"], match["plural"])
        return RecordedKind(_check_custom(api), _describe, api, _CUSTOM_OPS)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> RecordedKind:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found


RECORDED_KINDS = _Kinds(RECORDED_KINDS)


def unknown_kind(record: RunRecord) -> str | None:
    """Why a record holds something restore cannot know how to put back, or None."""
    for obj in record.objects:
        if obj.kind not in RECORDED_KINDS:
            return f"it holds a {obj.kind}, a kind chaosrun does not record"
    return None


def in_cluster_refusal(record: RunRecord, namespace: str) -> str | None:
    """Why a record kept in ``namespace`` of a cluster must not be acted on, or None."""
    for obj in record.objects:
        kind = RECORDED_KINDS.get(obj.kind)
        if not obj.namespace and kind is not None and kind.api is not None:
            continue  # cluster-scoped: its kind's check says whether it may be
        if obj.namespace in SYSTEM_NAMESPACES:
            return f"it names {obj.label}, in the system namespace {obj.namespace!r}"
        if obj.namespace != namespace:
            return f"it names {obj.label}, outside its own namespace {namespace!r}"
    if problem := unknown_kind(record):
        return problem
    for obj in record.objects:
        if problem := RECORDED_KINDS[obj.kind].check(obj):
            return problem
    return None


def describe(obj: RecordedObject) -> str:
    """What restoring ``obj`` creates or changes."""
    kind = RECORDED_KINDS.get(obj.kind)
    return kind.describe(obj) if kind else f"restore {obj.label}"
