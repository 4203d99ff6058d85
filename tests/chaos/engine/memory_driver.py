"""An in-memory target implementing the Driver protocol, for the actions' unit tests.

It behaves like a tiny cluster: each Deployment owns pods named ``<name>-<n>``; deleting a
pod makes its Deployment start a replacement at once, deleting a Deployment removes its
pods, restoring it brings them back. The end-to-end tests against a real API server live
in testbed/kube and tests/chaos/cli.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from chaos.drivers.base import (
    DEPLOYMENTS,
    PODS,
    Conflict,
    DeploymentSnapshot,
    ExecResult,
    LogRequest,
    NeedsCluster,
    NotFound,
    ObjectKind,
    PodInfo,
    ProxyFault,
    RestoreOutcome,
    Selection,
    ServiceInfo,
    ServiceProxy,
    Unauthorized,
)
from services.contract import FAULTS_TOKEN_HEADER

_T0 = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class MemoryDriver:
    target: str = "memory"
    pods: dict[tuple[str, str], PodInfo] = field(default_factory=dict)
    deployments: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    deleted_pods: list[str] = field(default_factory=list)
    services: dict[tuple[str, str], str] = field(default_factory=dict)
    # What call_service answers, by (namespace, service, method, path); the calls made.
    answers: dict[tuple[str, str, str, str], Any] = field(default_factory=dict)
    service_calls: list[tuple[str, str, str, str, Any]] = field(default_factory=list)
    service_headers: list[dict[str, str]] = field(default_factory=list)
    # The token a (namespace, service) keeps for its fault route: a call without it is
    # refused, as the backend refuses it.
    faults_tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    # Services' selectors and ports (for the fault proxy), what fronts them, the calls made.
    selectors: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    fronted: dict[tuple[str, str], ServiceProxy] = field(default_factory=dict)
    proxy_calls: list[tuple[str, str]] = field(default_factory=list)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- setup helpers -------------------------------------------------------------------
    def add_deployment(
        self, name: str, labels: dict[str, str], replicas: int = 1, namespace: str = "default"
    ) -> None:
        self.deployments[(namespace, name)] = {"replicas": replicas, "labels": dict(labels)}
        for _ in range(replicas):
            self._new_pod(name, namespace)

    def add_pod(self, pod: PodInfo) -> None:
        self.pods[(pod.namespace, pod.name)] = pod

    def set_pod(self, name: str, namespace: str = "default", **changes: Any) -> None:
        key = (namespace, name)
        self.pods[key] = replace(self.pods[key], **changes)

    def _new_pod(self, deployment: str, namespace: str) -> PodInfo:
        n = next(self._counter)
        labels = dict(self.deployments[(namespace, deployment)]["labels"])
        pod = PodInfo(
            name=f"{deployment}-{n}",
            namespace=namespace,
            phase="Running",
            ready=True,
            created=_T0 + timedelta(minutes=n),
            labels=labels,
        )
        self.pods[(namespace, pod.name)] = pod
        return pod

    def _owner(self, pod: PodInfo) -> str | None:
        for (ns, name), spec in self.deployments.items():
            if (
                ns == pod.namespace
                and pod.name.startswith(f"{name}-")
                and spec["labels"].items() <= pod.labels.items()
            ):
                return name
        return None

    # -- the protocol --------------------------------------------------------------------
    def check_reachable(self) -> None:
        return None

    def list_pods(self, namespace: str, label_selector: str | None = None) -> list[PodInfo]:
        return [p for (ns, _), p in sorted(self.pods.items()) if ns == namespace]

    def delete_pod(self, name: str, namespace: str, grace_period: int | None = None) -> None:
        pod = self.pods.pop((namespace, name), None)
        if pod is None:
            raise NotFound(f"pod {name} not found")
        self.deleted_pods.append(name)
        owner = self._owner(pod)
        if owner is not None:
            self._new_pod(owner, namespace)

    def evict_pod(self, name: str, namespace: str) -> None:
        """No PodDisruptionBudgets here: an eviction is a delete."""
        self.delete_pod(name, namespace)

    def list_deployments(
        self, namespace: str, label_selector: str | None = None
    ) -> list[DeploymentSnapshot]:
        from chaos.drivers.labels import selector_matches

        return [
            self.get_deployment(name, ns)
            for (ns, name), spec in sorted(self.deployments.items())
            if ns == namespace and selector_matches(label_selector, spec["labels"])
        ]

    def get_deployment(self, name: str, namespace: str) -> DeploymentSnapshot:
        spec = self.deployments.get((namespace, name))
        if spec is None:
            raise NotFound(f"Deployment {name} not found")
        return DeploymentSnapshot(name=name, namespace=namespace, manifest=copy.deepcopy(spec))

    def delete_deployment(self, name: str, namespace: str) -> None:
        if self.deployments.pop((namespace, name), None) is None:
            raise NotFound(f"Deployment {name} not found")
        for key in [k for k in self.pods if k[0] == namespace and k[1].startswith(f"{name}-")]:
            del self.pods[key]

    def restore_deployment(
        self, snapshot: DeploymentSnapshot, force: bool = False
    ) -> RestoreOutcome:
        manifest = snapshot.manifest
        live = self.deployments.get((snapshot.namespace, snapshot.name))
        if live == manifest:
            return RestoreOutcome.ALREADY_PRESENT
        if live is not None and not force:
            raise Conflict(f"Deployment {snapshot.name} exists with a different spec")
        self.add_deployment(
            snapshot.name, manifest["labels"], manifest["replicas"], snapshot.namespace
        )
        return RestoreOutcome.CREATED if live is None else RestoreOutcome.REPLACED

    def scale_deployment(self, name: str, namespace: str, replicas: int) -> None:
        spec = self.deployments.get((namespace, name))
        if spec is None:
            raise NotFound(f"Deployment {name} not found")
        spec["replicas"] = replicas
        mine = sorted(k for k in self.pods if k[0] == namespace and k[1].startswith(f"{name}-"))
        while len(mine) > replicas:
            del self.pods[mine.pop()]
        for _ in range(replicas - len(mine)):
            self._new_pod(name, namespace)

    def service_url(self, name: str, namespace: str) -> str | None:
        return self.services.get((namespace, name))

    def call_service(
        self,
        name: str,
        namespace: str,
        method: str,
        path: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        self.service_calls.append((namespace, name, method, path, body))
        self.service_headers.append(dict(headers or {}))
        token = self.faults_tokens.get((namespace, name))
        if token is not None and (headers or {}).get(FAULTS_TOKEN_HEADER) != token:
            raise Unauthorized(f"Service {name} refused the token")
        key = (namespace, name, method, path)
        if key not in self.answers:
            raise NotFound(f"Service {name} does not serve {path}")
        return self.answers[key]

    def faults_token(self, service: str, namespace: str) -> str | None:
        return self.faults_tokens.get((namespace, service))

    # -- any object, read: pods and Deployments (the probes' own tests run against the API
    # server) ----

    def list_objects(self, kind: ObjectKind, selection: Selection) -> dict[str, Any]:
        if kind == DEPLOYMENTS:
            return {
                "kind": "DeploymentList",
                "items": [
                    {
                        "metadata": {"name": name, "namespace": ns, "labels": spec["labels"]},
                        "spec": {"replicas": spec["replicas"]},
                    }
                    for (ns, name), spec in sorted(self.deployments.items())
                    if ns == (selection.namespace or "default")
                ],
            }
        if kind != PODS:
            raise NeedsCluster(f"the memory target has no {kind.kind} objects")
        pods = self.list_pods(selection.namespace or "default", selection.label_selector)
        items = [
            {
                "metadata": {"name": p.name, "namespace": p.namespace, "labels": p.labels},
                "status": {"phase": p.phase},
            }
            for p in pods
        ]
        return {"kind": "PodList", "items": items}

    def read_object(self, kind: ObjectKind, name: str, namespace: str | None) -> dict[str, Any]:
        for item in self.list_objects(kind, Selection(namespace))["items"]:
            if item["metadata"]["name"] == name:
                return dict(item)
        raise NotFound(f"{kind.kind} {name} not found")

    # -- any object, written: a Deployment's scale and delete only ------------------------

    def create_object(
        self, kind: ObjectKind, body: dict[str, Any], namespace: str | None
    ) -> dict[str, Any]:
        raise NeedsCluster(f"the memory target cannot create {kind.kind} objects")

    def replace_object(
        self, kind: ObjectKind, body: dict[str, Any], namespace: str | None
    ) -> dict[str, Any]:
        raise NeedsCluster(f"the memory target cannot replace {kind.kind} objects")

    def patch_object(
        self, kind: ObjectKind, name: str, namespace: str | None, patch: dict[str, Any]
    ) -> dict[str, Any]:
        raise NeedsCluster(f"the memory target cannot patch {kind.kind} objects")

    def delete_object(self, kind: ObjectKind, name: str, namespace: str | None) -> None:
        if kind != DEPLOYMENTS:
            raise NeedsCluster(f"the memory target cannot delete {kind.kind} objects")
        self.delete_deployment(name, namespace or "default")

    def exec_in_pod(
        self, pod: str, namespace: str, command: list[str], container: str | None, timeout: float
    ) -> ExecResult:
        raise NeedsCluster("the memory target has no containers to exec into")

    def scale(self, kind: ObjectKind, name: str, namespace: str, replicas: int) -> None:
        if kind != DEPLOYMENTS:
            raise NeedsCluster(f"the memory target cannot scale {kind.kind} objects")
        self.scale_deployment(name, namespace, replicas)

    def read_log(self, pod: str, namespace: str, request: LogRequest) -> str:
        if (namespace, pod) not in self.pods:
            raise NotFound(f"pod {pod} not found")
        return f"log of {pod}\n"

    def get_service(self, name: str, namespace: str) -> ServiceInfo:
        selector = self.selectors.get((namespace, name))
        if selector is None:
            raise NotFound(f"Service {name} not found")
        return ServiceInfo(name, namespace, dict(selector), [{"port": 80, "targetPort": 8080}])

    def front_service(
        self, plan: ServiceProxy, ports: list[dict[str, Any]], fault: ProxyFault
    ) -> None:
        self.proxy_calls.append(("front", plan.service))
        self.fronted[(plan.namespace, plan.service)] = plan
        self.selectors[(plan.namespace, plan.service)] = plan.proxy_selector

    def unfront_service(self, plan: ServiceProxy) -> None:
        self.proxy_calls.append(("unfront", plan.service))
        self.fronted.pop((plan.namespace, plan.service), None)
        self.selectors[(plan.namespace, plan.service)] = dict(plan.selector)
