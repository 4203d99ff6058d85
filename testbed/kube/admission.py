"""Defaulting and validation on create, as the real server's registry strategies do them for
the kinds the fake serves: defaults filled, status reset (zeros where the real server's Go
structs have plain integers, which the Python client requires), a 422 for what it rejects."""

from __future__ import annotations

import base64
import binascii
import secrets

from testbed.kube.registry import check_definition, definition_status
from testbed.kube.resources import (
    CONFIGMAPS,
    CRDS,
    DAEMONSETS,
    DEPLOYMENTS,
    ENDPOINTS,
    EVENTS,
    INGRESSES,
    NAMESPACES,
    NETWORKPOLICIES,
    NODES,
    PDBS,
    PODS,
    REPLICASETS,
    RESOURCES,
    SECRETS,
    SERVICES,
    STATEFULSETS,
    ApiError,
    Obj,
    Resource,
    invalid,
)
from testbed.kube.selectors import labels_match

_WORKLOADS = (DEPLOYMENTS, REPLICASETS, STATEFULSETS, DAEMONSETS)
_UNTOUCHED = (CONFIGMAPS, ENDPOINTS, EVENTS)


def prepare_for_create(resource: Resource, obj: Obj) -> None:
    name = obj["metadata"]["name"]
    if resource in _UNTOUCHED:
        return
    if resource is SECRETS:
        _prepare_secret(obj, name)
        return
    if resource not in RESOURCES:  # a custom object: served as sent
        obj["metadata"]["generation"] = 1
        return
    spec = obj.setdefault("spec", {})
    if resource in _WORKLOADS:
        _prepare_workload(resource, obj, name)
    elif resource is PODS:
        if not spec.get("containers"):
            raise invalid(resource, name, "spec.containers", "Required value")
        spec.setdefault("restartPolicy", "Always")
        spec.setdefault("terminationGracePeriodSeconds", 30)
        _mount_service_account(spec)
        obj["status"] = {"phase": "Pending", "conditions": []}
    elif resource is SERVICES:
        spec.setdefault("type", "ClusterIP")
        spec.setdefault("clusterIP", f"10.96.{secrets.randbelow(250)}.{secrets.randbelow(250)}")
        for port in spec.get("ports") or []:
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port.get("port"))
        obj["status"] = {"loadBalancer": {}}
    elif resource is NAMESPACES:
        obj["spec"] = {"finalizers": ["kubernetes"]}
        obj["status"] = {"phase": "Active"}
    elif resource is NODES:
        obj["status"] = obj.get("status") or {}  # the kubelet (the controller) fills it
    elif resource is NETWORKPOLICIES:
        spec.setdefault("podSelector", {})
        if "policyTypes" not in spec:
            spec["policyTypes"] = ["Ingress", *(["Egress"] if spec.get("egress") else [])]
        for rule in [*(spec.get("ingress") or []), *(spec.get("egress") or [])]:
            for port in rule.get("ports") or []:
                port.setdefault("protocol", "TCP")
    elif resource is INGRESSES:
        _check_ingress(obj, name)
        obj["status"] = {"loadBalancer": {}}
    elif resource is PDBS:
        _prepare_budget(obj, name)
    elif resource is CRDS:
        check_definition(obj)
        obj["status"] = definition_status(obj)


def check_kind(resource: Resource, obj: Obj) -> None:
    """A custom object must say what it is (built-in kinds are filled in when missing)."""
    if resource not in RESOURCES and (
        obj.get("kind") != resource.kind or obj.get("apiVersion") != resource.api_version
    ):
        raise ApiError(
            400,
            "BadRequest",
            f"the object's kind/apiVersion ({obj.get('kind')!r}, {obj.get('apiVersion')!r}) "
            f"should be {resource.kind!r}, {resource.api_version!r}",
        )


def prepare_for_update(resource: Resource, obj: Obj) -> None:
    if resource is SECRETS:
        _prepare_secret(obj, obj.get("metadata", {}).get("name", ""))


def _mount_service_account(spec: Obj) -> None:
    """The ServiceAccount admission plugin: every pod runs as an account (``default`` unless
    named) with its token mounted from a projected volume, unless automounting is off."""
    account = spec.setdefault("serviceAccountName", spec.get("serviceAccount") or "default")
    spec["serviceAccount"] = account
    if spec.get("automountServiceAccountToken") is False:
        return
    volume = f"kube-api-access-{_suffix()}"
    spec["volumes"] = [
        *(spec.get("volumes") or []),
        {
            "name": volume,
            "projected": {
                "defaultMode": 420,
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {
                        "configMap": {
                            "name": "kube-root-ca.crt",
                            "items": [{"key": "ca.crt", "path": "ca.crt"}],
                        }
                    },
                ],
            },
        },
    ]
    mount = {
        "name": volume,
        "readOnly": True,
        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
    }
    for container in spec.get("containers") or []:
        container["volumeMounts"] = [*(container.get("volumeMounts") or []), mount]


def _suffix() -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(secrets.choice(alphabet) for _ in range(5))


def _prepare_workload(resource: Resource, obj: Obj, name: str) -> None:
    spec = obj["spec"]
    selector = spec.get("selector")
    template_labels = (spec.get("template") or {}).get("metadata", {}).get("labels") or {}
    if not selector:
        raise invalid(resource, name, "spec.selector", "Required value")
    if not spec.get("template", {}).get("spec", {}).get("containers"):
        raise invalid(resource, name, "spec.template.spec.containers", "Required value")
    if not labels_match(selector, template_labels):
        raise invalid(
            resource,
            name,
            "spec.template.metadata.labels",
            "Invalid value: `selector` does not match template `labels`",
        )
    obj["metadata"]["generation"] = 1
    spec.setdefault("revisionHistoryLimit", 10)
    if resource is DAEMONSETS:
        spec.setdefault(
            "updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}
        )
        obj["status"] = {
            "currentNumberScheduled": 0,
            "desiredNumberScheduled": 0,
            "numberMisscheduled": 0,
            "numberReady": 0,
        }
        return
    spec.setdefault("replicas", 1)
    obj["status"] = {} if resource is DEPLOYMENTS else {"replicas": 0}
    if resource is DEPLOYMENTS:
        spec.setdefault("progressDeadlineSeconds", 600)
        spec.setdefault("strategy", {"type": "RollingUpdate"})
    elif resource is STATEFULSETS:
        spec.setdefault("podManagementPolicy", "OrderedReady")
        spec.setdefault(
            "updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
        )


def _prepare_secret(obj: Obj, name: str) -> None:
    """``stringData`` is folded into ``data`` (base64), as the real server does on write."""
    obj.setdefault("type", "Opaque")
    data = obj.get("data") or {}
    for key, value in data.items():
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, TypeError):
            raise ApiError(
                400,
                "BadRequest",
                f'Secret in version "v1" cannot be handled as a Secret: '
                f"illegal base64 data at input byte 0 (key {key!r})",
            ) from None
    for key, value in (obj.pop("stringData", None) or {}).items():
        data[key] = base64.b64encode(str(value).encode()).decode()
    if data:
        obj["data"] = data


def _check_ingress(obj: Obj, name: str) -> None:
    for i, rule in enumerate(obj["spec"].get("rules") or []):
        for j, path in enumerate((rule.get("http") or {}).get("paths") or []):
            if not path.get("pathType"):
                raise invalid(
                    INGRESSES,
                    name,
                    f"spec.rules[{i}].http.paths[{j}].pathType",
                    "Required value: pathType must be specified",
                )


def _prepare_budget(obj: Obj, name: str) -> None:
    spec = obj["spec"]
    if "minAvailable" in spec and "maxUnavailable" in spec:
        raise invalid(
            PDBS, name, "spec", "Invalid value: minAvailable and maxUnavailable cannot be both set"
        )
    obj["metadata"]["generation"] = 1
    obj["status"] = {
        "observedGeneration": 0,
        "disruptionsAllowed": 0,
        "currentHealthy": 0,
        "desiredHealthy": 0,
        "expectedPods": 0,
    }
