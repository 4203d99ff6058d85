"""``KubernetesDriver``: the ``Driver`` protocol over the official ``kubernetes`` client."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import urllib3
from kubernetes import client

from chaos.drivers.base import (
    DeploymentSnapshot,
    DriverError,
    NotFound,
    PodInfo,
    TargetUnreachable,
)
from chaos.drivers.kubernetes.connection import REQUEST_TIMEOUT, connect, refused, unreachable
from chaos.drivers.kubernetes.manifests import strip_server_fields

T = TypeVar("T")

# How long restore_deployment waits for a Deployment still being deleted (foreground
# propagation keeps it until its pods are gone) before giving up.
RESTORE_WAIT_SECONDS = 60.0


class KubernetesDriver:
    """Pods, Deployments and Services of one cluster (kubeconfig context or in-cluster)."""

    target = "kubernetes"
    # (connect, read) seconds for the reachability check: a dead cluster is reported quickly.
    check_timeout: tuple[float, float] = (3.0, 5.0)

    def __init__(self, context: str | None = None, kubeconfig: str | None = None) -> None:
        self.context = context
        self.kubeconfig = kubeconfig
        self._client: client.ApiClient | None = None

    # ---- plumbing ------------------------------------------------------------------------

    @property
    def api_client(self) -> client.ApiClient:
        """The configured client, created on first use (raises ``TargetUnreachable``)."""
        if self._client is None:
            self._client = connect(self.context, self.kubeconfig)
        return self._client

    @property
    def host(self) -> str:
        return str(self.api_client.configuration.host)

    def _core(self) -> client.CoreV1Api:
        return client.CoreV1Api(self.api_client)

    def _apps(self) -> client.AppsV1Api:
        return client.AppsV1Api(self.api_client)

    def _call(self, doing: str, missing: str | None, call: Callable[[], T]) -> T:
        """Run an API call, translating failures into ``DriverError``s of one sentence.

        ``missing`` is the sentence for a 404 (``None``: a 404 is an ordinary refusal).
        """
        try:
            return call()
        except client.ApiException as exc:
            if exc.status == 404 and missing is not None:
                raise NotFound(missing) from None
            raise refused(self.host, doing, exc) from None
        except urllib3.exceptions.HTTPError as exc:
            raise unreachable(self.host, exc) from None
        except ValueError:  # a body that is not JSON: a proxy's error page, not an API server
            raise DriverError(
                f"the server at {self.host} did not answer like a Kubernetes API when asked to "
                f"{doing}"
            ) from None

    def _raw(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """The server's JSON as sent (no model round trip: nothing unknown to the client lost)."""
        response = call(*args, _preload_content=False, _request_timeout=REQUEST_TIMEOUT, **kwargs)
        return json.loads(response.data)

    def _send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        """Send a JSON body as is (the typed models refuse fields this client version lacks)."""
        api = self.api_client
        request = api.param_serialize(
            method=method,
            resource_path=path,
            header_params={"Content-Type": "application/json", "Accept": "application/json"},
            body=body,
            auth_settings=["BearerToken"],
        )
        response = api.call_api(*request, _request_timeout=REQUEST_TIMEOUT)
        data = response.read()
        if not 200 <= response.status <= 299:
            raise client.ApiException.from_response(
                http_resp=response, body=data.decode(), data=None
            )
        return json.loads(data)

    # ---- protocol ------------------------------------------------------------------------

    def check_reachable(self) -> None:
        api = client.VersionApi(self.api_client)
        try:
            self._call(
                "tell its version", None, lambda: api.get_code(_request_timeout=self.check_timeout)
            )
        except TargetUnreachable:
            raise
        except DriverError as exc:  # answered, but not as a usable Kubernetes API would
            raise TargetUnreachable(str(exc)) from None

    def list_pods(self, namespace: str, label_selector: str | None = None) -> list[PodInfo]:
        core = self._core()
        pods = self._call(
            f"list pods in namespace {namespace!r}",
            None,
            lambda: self._raw(
                core.list_namespaced_pod, namespace, label_selector=label_selector or None
            ),
        )
        return [_pod_info(pod, namespace) for pod in pods.get("items", [])]

    def delete_pod(self, name: str, namespace: str, grace_period: int | None = None) -> None:
        core = self._core()
        self._call(
            f"delete pod {name!r} in namespace {namespace!r}",
            f"pod {name!r} not found in namespace {namespace!r}",
            lambda: core.delete_namespaced_pod(
                name,
                namespace,
                grace_period_seconds=grace_period,
                _request_timeout=REQUEST_TIMEOUT,
            ),
        )

    def list_deployments(
        self, namespace: str, label_selector: str | None = None
    ) -> list[DeploymentSnapshot]:
        apps = self._apps()
        listing = self._call(
            f"list Deployments in namespace {namespace!r}",
            None,
            lambda: self._raw(
                apps.list_namespaced_deployment, namespace, label_selector=label_selector or None
            ),
        )
        return [_snapshot(item, namespace) for item in listing.get("items", [])]

    def get_deployment(self, name: str, namespace: str) -> DeploymentSnapshot:
        apps = self._apps()
        obj = self._call(
            f"read Deployment {name!r} in namespace {namespace!r}",
            _missing_deployment(name, namespace),
            lambda: self._raw(apps.read_namespaced_deployment, name, namespace),
        )
        return _snapshot(obj, namespace)

    def delete_deployment(self, name: str, namespace: str) -> None:
        apps = self._apps()
        # Foreground: the Deployment stays (marked for deletion) until its ReplicaSets and pods
        # are gone, so "the Deployment is gone" really means its pods are gone too.
        self._call(
            f"delete Deployment {name!r} in namespace {namespace!r}",
            _missing_deployment(name, namespace),
            lambda: apps.delete_namespaced_deployment(
                name, namespace, propagation_policy="Foreground", _request_timeout=REQUEST_TIMEOUT
            ),
        )

    def restore_deployment(self, snapshot: DeploymentSnapshot) -> None:
        """Create the Deployment again; wait first if the deleted one is still being removed."""
        name, namespace = snapshot.name, snapshot.namespace
        manifest = strip_server_fields(snapshot.manifest)
        manifest.setdefault("metadata", {})["namespace"] = namespace
        doing = f"create Deployment {name!r} in namespace {namespace!r}"
        deadline = time.monotonic() + RESTORE_WAIT_SECONDS
        delay = 0.02
        while True:
            try:
                self._send("POST", f"/apis/apps/v1/namespaces/{namespace}/deployments", manifest)
                return
            except client.ApiException as exc:
                if exc.status != 409:
                    raise refused(self.host, doing, exc) from None
            except urllib3.exceptions.HTTPError as exc:
                raise unreachable(self.host, exc) from None
            except ValueError:
                raise DriverError(
                    f"the server at {self.host} did not answer like a Kubernetes API when asked "
                    f"to {doing}"
                ) from None
            if not self._being_deleted(name, namespace):
                raise DriverError(
                    f"Deployment {name!r} already exists in namespace {namespace!r}, "
                    "so it was not restored from the snapshot"
                )
            if time.monotonic() > deadline:
                raise DriverError(
                    f"Deployment {name!r} in namespace {namespace!r} was still being deleted "
                    f"after {RESTORE_WAIT_SECONDS:.0f}s, so it could not be restored"
                )
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _being_deleted(self, name: str, namespace: str) -> bool:
        apps = self._apps()
        try:
            live = self._call(
                f"read Deployment {name!r} in namespace {namespace!r}",
                _missing_deployment(name, namespace),
                lambda: self._raw(apps.read_namespaced_deployment, name, namespace),
            )
        except NotFound:
            return True  # gone between our create and this read: try again
        return bool(live.get("metadata", {}).get("deletionTimestamp"))

    def scale_deployment(self, name: str, namespace: str, replicas: int) -> None:
        if replicas < 0:
            raise DriverError(f"cannot scale Deployment {name!r} to {replicas} replicas")
        apps = self._apps()
        self._call(
            f"scale Deployment {name!r} in namespace {namespace!r}",
            _missing_deployment(name, namespace),
            lambda: apps.patch_namespaced_deployment_scale(
                name, namespace, {"spec": {"replicas": replicas}}, _request_timeout=REQUEST_TIMEOUT
            ),
        )

    def service_url(self, name: str, namespace: str) -> str | None:
        core = self._core()
        service = self._call(
            f"read Service {name!r} in namespace {namespace!r}",
            f"Service {name!r} not found in namespace {namespace!r}",
            lambda: self._raw(core.read_namespaced_service, name, namespace),
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
