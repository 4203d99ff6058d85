"""``KubernetesDriver``: the ``Driver`` protocol over the official ``kubernetes`` client
(requests as ``transport`` sends them, run records as ``records`` keeps them)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

from kubernetes import client

from chaos.drivers.base import (
    Conflict,
    DeploymentSnapshot,
    DriverError,
    NotFound,
    PodInfo,
    RestoreOutcome,
    TargetUnreachable,
    Unauthorized,
)
from chaos.drivers.kubernetes.configmaps import NamedConfigMaps
from chaos.drivers.kubernetes.event_writes import EventWrites
from chaos.drivers.kubernetes.evictions import PodEvictions
from chaos.drivers.kubernetes.objects import ObjectReads
from chaos.drivers.kubernetes.pod_exec import PodExec
from chaos.drivers.kubernetes.records import RecordConfigMaps
from chaos.drivers.kubernetes.service_proxy import ServiceProxies
from chaos.drivers.kubernetes.transport import APPS, CORE, Retryable
from chaos.drivers.kubernetes.writes import ObjectWrites
from chaos.drivers.snapshots import same_spec, strip_server_fields
from services.contract import FAULTS_TOKEN_KEY, FAULTS_TOKEN_SECRET

T = TypeVar("T")

# Seconds the reachability check waits out answers such as 429 and 503 (a server that does not
# answer at all is reported at once).
REACHABLE_DEADLINE = 10.0


class KubernetesDriver(
    ServiceProxies,
    RecordConfigMaps,
    NamedConfigMaps,
    EventWrites,
    PodEvictions,
    ObjectWrites,
    ObjectReads,
    PodExec,
):
    """Pods, Deployments and Services of one cluster (kubeconfig context or in-cluster);
    any kind of object, read and written."""

    target = "kubernetes"
    # (connect, read) seconds for the reachability check: a dead cluster is reported quickly.
    check_timeout: tuple[float, float] = (3.0, 5.0)

    def check_reachable(self) -> None:
        """Fail fast when nothing answers; "busy, try again" answers are waited out, and a
        request that got no answer (a timeout, a reset) is tried once more."""
        backoff = self.backoff(min(REACHABLE_DEADLINE, self.settings.retry_deadline))
        unanswered = 0
        while True:
            try:
                self.once(
                    "tell its version",
                    None,
                    lambda: self.send("GET", "/version", timeout=self.check_timeout),
                )
                return
            except Retryable as failure:
                if isinstance(failure.error, TargetUnreachable):
                    unanswered += 1
                    if unanswered > 1 or not failure.maybe_applied:  # refused: nobody there
                        raise failure.error from None
                if not backoff.wait(failure.why, failure.hint):
                    raise TargetUnreachable(str(failure.error)) from None
            except TargetUnreachable:
                raise
            except DriverError as exc:  # answered, but not as a usable Kubernetes API would
                raise TargetUnreachable(str(exc)) from None

    def list_pods(self, namespace: str, label_selector: str | None = None) -> list[PodInfo]:
        pods = self.call(
            f"list pods in namespace {namespace!r}",
            None,
            lambda: self.send(
                "GET",
                f"{CORE}/namespaces/{quote(namespace)}/pods",
                query={"labelSelector": label_selector or None},
            ),
        )
        return [_pod_info(pod, namespace) for pod in pods.get("items", [])]

    def delete_pod(self, name: str, namespace: str, grace_period: int | None = None) -> None:
        path = f"{CORE}/namespaces/{quote(namespace)}/pods/{quote(name)}"
        self.delete_resolving(
            f"delete pod {name!r} in namespace {namespace!r}",
            f"pod {name!r} not found in namespace {namespace!r}",
            lambda: self.send("DELETE", path, query={"gracePeriodSeconds": grace_period}),
            lambda: self.present(path),
        )

    def list_deployments(
        self, namespace: str, label_selector: str | None = None
    ) -> list[DeploymentSnapshot]:
        listing = self.call(
            f"list Deployments in namespace {namespace!r}",
            None,
            lambda: self.send(
                "GET",
                f"{APPS}/namespaces/{quote(namespace)}/deployments",
                query={"labelSelector": label_selector or None},
            ),
        )
        return [_snapshot(item, namespace) for item in listing.get("items", [])]

    def _read_deployment(self, name: str, namespace: str) -> dict[str, Any]:
        return dict(
            self.call(
                f"read Deployment {name!r} in namespace {namespace!r}",
                _missing_deployment(name, namespace),
                lambda: self.send("GET", _deployment_path(name, namespace)),
            )
        )

    def get_deployment(self, name: str, namespace: str) -> DeploymentSnapshot:
        return _snapshot(self._read_deployment(name, namespace), namespace)

    def delete_deployment(self, name: str, namespace: str) -> None:
        path = _deployment_path(name, namespace)
        # Foreground: the Deployment stays (marked for deletion) until its ReplicaSets and pods
        # are gone, so "the Deployment is gone" really means its pods are gone too.
        self.delete_resolving(
            f"delete Deployment {name!r} in namespace {namespace!r}",
            _missing_deployment(name, namespace),
            lambda: self.send("DELETE", path, query={"propagationPolicy": "Foreground"}),
            lambda: self.present(path),
        )

    def restore_deployment(
        self, snapshot: DeploymentSnapshot, force: bool = False
    ) -> RestoreOutcome:
        """Create the Deployment again; wait first if the deleted one is still being removed.

        A create whose answer was lost is resolved by the next try: its 409 finds the same
        Deployment standing, which is success.
        """
        name, namespace = snapshot.name, snapshot.namespace
        manifest = strip_server_fields(snapshot.manifest)
        manifest.setdefault("metadata", {})["namespace"] = namespace
        doing = f"create Deployment {name!r} in namespace {namespace!r}"
        collection = f"{APPS}/namespaces/{quote(namespace)}/deployments"
        backoff = self.backoff(max(self.settings.restore_wait, self.settings.retry_deadline))

        def create() -> bool:
            """True: created; False: one of that name exists (409)."""
            try:
                self.send("POST", collection, body=manifest)
            except client.ApiException as exc:
                if exc.status == 409:
                    return False
                raise
            return True

        while True:
            try:
                if self.once(doing, None, create):
                    return RestoreOutcome.CREATED
            except Retryable as failure:
                if not backoff.wait(f"{failure.why} when asked to {doing}", failure.hint):
                    raise failure.error from None
                continue
            try:
                live = self._read_deployment(name, namespace)
            except NotFound:
                continue  # gone between our create and this read: try again
            if live.get("metadata", {}).get("deletionTimestamp"):
                if not backoff.wait(f"Deployment {name!r} is still being deleted"):
                    raise DriverError(
                        f"Deployment {name!r} in namespace {namespace!r} was still being "
                        f"deleted after {self.settings.restore_wait:.0f}s, so it could not be "
                        "restored"
                    ) from None
                continue
            if same_spec(live, manifest):
                return RestoreOutcome.ALREADY_PRESENT
            if not force:
                raise Conflict(
                    f"Deployment {name!r} already exists in namespace {namespace!r} with a "
                    "different spec, so it was not overwritten by the snapshot"
                )
            self._replace(manifest, live)
            return RestoreOutcome.REPLACED

    def _replace(self, manifest: dict[str, Any], live: dict[str, Any]) -> None:
        name, namespace = live["metadata"]["name"], manifest["metadata"]["namespace"]
        body = {**manifest, "metadata": {**manifest["metadata"]}}
        body["metadata"]["resourceVersion"] = live["metadata"].get("resourceVersion")
        self.call(
            f"replace Deployment {name!r} in namespace {namespace!r}",
            _missing_deployment(name, namespace),
            lambda: self.send("PUT", _deployment_path(name, namespace), body=body),
        )

    def scale_deployment(self, name: str, namespace: str, replicas: int) -> None:
        if replicas < 0:
            raise DriverError(f"cannot scale Deployment {name!r} to {replicas} replicas")
        self.call(
            f"scale Deployment {name!r} in namespace {namespace!r}",
            _missing_deployment(name, namespace),
            lambda: self.send(
                "PATCH",
                _deployment_path(name, namespace) + "/scale",
                body={"spec": {"replicas": replicas}},
                content_type="application/merge-patch+json",
            ),
        )

    def service_url(self, name: str, namespace: str) -> str | None:
        service = self.call(
            f"read Service {name!r} in namespace {namespace!r}",
            f"Service {name!r} not found in namespace {namespace!r}",
            lambda: self.send(
                "GET", f"{CORE}/namespaces/{quote(namespace)}/services/{quote(name)}"
            ),
        )
        ingress = (service.get("status", {}).get("loadBalancer") or {}).get("ingress") or []
        address = next((i.get("ip") or i.get("hostname") for i in ingress if i), None)
        if not address:
            return None
        if ":" in address:  # an IPv6 load-balancer address
            address = f"[{address}]"
        ports = service.get("spec", {}).get("ports") or []
        port = ports[0].get("port") if ports else None
        return f"http://{address}" if port in (None, 80) else f"http://{address}:{port}"

    def call_service(
        self,
        name: str,
        namespace: str,
        method: str,
        path: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Through the API server's service proxy, on the Service's first port (by its name,
        as the proxy wants it): what a pod calling the Service reaches. The API server
        authenticated this client when it read the Service, so a 401 or 403 on the proxied
        call is the Service's own answer."""
        where = f"{CORE}/namespaces/{quote(namespace)}/services/{quote(name)}"
        service = self.call(
            f"read Service {name!r} in namespace {namespace!r}",
            f"Service {name!r} not found in namespace {namespace!r}",
            lambda: self.send("GET", where),
        )
        ports = service.get("spec", {}).get("ports") or [{}]
        port = ports[0].get("name") or ""
        proxy = f"{where}:{quote(port)}/proxy" if port else f"{where}/proxy"
        doing = f"{method} {path} on Service {name!r} in namespace {namespace!r}"

        def proxied() -> Any:
            try:
                return self.send(method, proxy + path, body=body, extra_headers=headers)
            except client.ApiException as exc:
                if exc.status in (401, 403):
                    raise Unauthorized(f"{doing} was refused (HTTP {exc.status})") from None
                raise

        return self.call(
            doing, f"Service {name!r} in namespace {namespace!r} does not serve {path}", proxied
        )

    def faults_token(self, service: str, namespace: str) -> str | None:
        """Key ``FAULTS_TOKEN_KEY`` of Secret ``FAULTS_TOKEN_SECRET`` in the namespace (the
        backend reads the same); None when there is no such Secret or key."""
        try:
            secret = self.call(
                f"read Secret {FAULTS_TOKEN_SECRET!r} in namespace {namespace!r}",
                f"Secret {FAULTS_TOKEN_SECRET!r} not found in namespace {namespace!r}",
                lambda: self.send(
                    "GET",
                    f"{CORE}/namespaces/{quote(namespace)}/secrets/{quote(FAULTS_TOKEN_SECRET)}",
                ),
            )
        except NotFound:
            return None
        value = (secret.get("data") or {}).get(FAULTS_TOKEN_KEY)
        if not value:
            return None
        try:
            return base64.b64decode(value, validate=True).decode().strip() or None
        except (ValueError, UnicodeDecodeError):
            raise DriverError(
                f"Secret {FAULTS_TOKEN_SECRET!r} in namespace {namespace!r}: its key "
                f"{FAULTS_TOKEN_KEY!r} is not base64-encoded UTF-8 text"
            ) from None


def _deployment_path(name: str, namespace: str) -> str:
    return f"{APPS}/namespaces/{quote(namespace)}/deployments/{quote(name)}"


def _missing_deployment(name: str, namespace: str) -> str:
    return f"Deployment {name!r} not found in namespace {namespace!r}"


def _snapshot(obj: dict[str, Any], namespace: str) -> DeploymentSnapshot:
    meta = obj.get("metadata", {})
    return DeploymentSnapshot(
        name=meta.get("name", ""),
        namespace=meta.get("namespace") or namespace,
        # List items come without kind/apiVersion; a create needs them.
        manifest={"apiVersion": "apps/v1", "kind": "Deployment", **strip_server_fields(obj)},
    )


def _pod_info(pod: dict[str, Any], namespace: str) -> PodInfo:
    meta, status = pod.get("metadata", {}), pod.get("status") or {}
    created = meta.get("creationTimestamp")
    return PodInfo(
        name=meta.get("name", ""),
        namespace=meta.get("namespace") or namespace,
        phase=status.get("phase") or "Unknown",
        ready=any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in status.get("conditions") or []
        ),
        created=datetime.fromisoformat(created) if created else None,
        labels=dict(meta.get("labels") or {}),
        terminating=bool(meta.get("deletionTimestamp")),
    )
