"""``KubernetesDriver``: the ``Driver`` protocol over the official ``kubernetes`` client.

Requests go through the client's configured REST layer (authentication, TLS, proxies from
the kubeconfig) with JSON bodies sent and read as they are: the typed API classes change
between client versions and drop fields they do not model.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import urllib3
from kubernetes import client

from chaos.drivers.base import (
    Conflict,
    DeploymentSnapshot,
    DriverError,
    NotFound,
    OutcomeUnknown,
    PodInfo,
    RestoreOutcome,
    TargetUnreachable,
)
from chaos.drivers.kubernetes.connection import connect, refused, unreachable
from chaos.drivers.kubernetes.manifests import same_spec, strip_server_fields
from chaos.drivers.kubernetes.records import (
    RECORD_KEY,
    RECORD_SELECTOR,
    record_configmap,
    record_configmap_name,
    record_namespace,
)
from chaos.drivers.kubernetes.retry import Backoff, may_have_applied, retry_after, transient_status
from chaos.drivers.kubernetes.settings import KubeSettings
from chaos.records.model import RunRecord

T = TypeVar("T")

APPS = "/apis/apps/v1"
# Seconds the reachability check waits out answers such as 429 and 503 (a server that does not
# answer at all is reported at once).
REACHABLE_DEADLINE = 10.0
CORE = "/api/v1"


class _Retryable(Exception):
    """A transient failure: ``error`` is what to raise if no further try is allowed."""

    def __init__(self, error: DriverError, why: str, hint: float | None, maybe_applied: bool):
        super().__init__(why)
        self.error, self.why, self.hint, self.maybe_applied = error, why, hint, maybe_applied


class KubernetesDriver:
    """Pods, Deployments and Services of one cluster (kubeconfig context or in-cluster)."""

    target = "kubernetes"
    # (connect, read) seconds for the reachability check: a dead cluster is reported quickly.
    check_timeout: tuple[float, float] = (3.0, 5.0)

    def __init__(
        self,
        context: str | None = None,
        kubeconfig: str | None = None,
        settings: KubeSettings | None = None,
    ) -> None:
        self.context = context
        self.kubeconfig = kubeconfig
        self.settings = settings or KubeSettings()
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

    def _send(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        timeout: tuple[float, float] | None = None,
    ) -> Any:
        """One request; the answer's JSON, or ``ApiException`` for a non-2xx answer."""
        api = self.api_client
        configuration = api.configuration
        headers = {"Accept": "application/json", **api.default_headers}
        if body is not None:
            headers["Content-Type"] = content_type
        for auth in configuration.auth_settings().values():
            if auth.get("in") == "header" and auth.get("value"):
                headers[auth["key"]] = auth["value"]
        params = {k: v for k, v in (query or {}).items() if v is not None}
        url = configuration.host + path + (f"?{urlencode(params)}" if params else "")
        response = api.rest_client.request(
            method,
            url,
            headers=headers,
            body=body,
            _request_timeout=timeout or self.settings.request_timeout,
        )
        # Client versions differ: older ones raise for a non-2xx answer and preload the body
        # as text, newer ones return the response and read it on demand.
        data = response.data if response.data is not None else response.read()
        if not 200 <= response.status <= 299:
            raise client.ApiException(http_resp=response)
        return json.loads(data)

    def _once(self, doing: str, missing: str | None, call: Callable[[], T]) -> T:
        """Run ``call`` once, turning failures into one-sentence ``DriverError``s; a transient
        failure becomes ``_Retryable``. ``missing``: the sentence for a 404 (None: a refusal).
        """
        try:
            return call()
        except client.ApiException as exc:
            if exc.status == 404 and missing is not None:
                raise NotFound(missing) from None
            if exc.status == 0:  # the client's own report of a failed TLS handshake
                raise TargetUnreachable(
                    f"cannot reach the Kubernetes API at {self.host}: the TLS handshake failed"
                ) from None
            error = refused(self.host, doing, exc)
            if transient_status(exc):
                raise _Retryable(
                    error, f"the API answered {exc.status}", retry_after(exc), may_have_applied(exc)
                ) from None
            raise error from None
        except urllib3.exceptions.HTTPError as exc:
            error = unreachable(self.host, exc)
            why = str(error).rsplit(": ", 1)[-1]
            raise _Retryable(error, why, None, may_have_applied(exc)) from None
        except ValueError:  # a body that is not JSON: a proxy's error page, not an API server
            raise DriverError(
                f"the server at {self.host} did not answer like a Kubernetes API when asked to "
                f"{doing}"
            ) from None

    def _backoff(self, deadline: float | None = None) -> Backoff:
        return Backoff(deadline if deadline is not None else self.settings.retry_deadline)

    def _call(self, doing: str, missing: str | None, call: Callable[[], T]) -> T:
        """A call that may be repeated safely (reads, setting a value): transient failures
        are tried again until the deadline."""
        backoff = self._backoff()
        while True:
            try:
                return self._once(doing, missing, call)
            except _Retryable as failure:
                if not backoff.wait(f"{failure.why} when asked to {doing}", failure.hint):
                    raise failure.error from None

    def _delete(
        self, doing: str, missing: str, call: Callable[[], Any], still_there: Callable[[], bool]
    ) -> None:
        """A delete whose lost answer is resolved by reading the object, never assumed.

        After a failure that may have been applied, a 404 means our earlier request did it.
        """
        backoff = self._backoff()
        sent = False
        while True:
            try:
                self._once(doing, missing, call)
                return
            except NotFound:
                if sent:
                    return  # a 404 to the repeated request: the first one went through
                raise
            except _Retryable as failure:
                if failure.maybe_applied:
                    sent = True
                    if not self._still_there(doing, still_there, backoff):
                        return
                if not backoff.wait(f"{failure.why} when asked to {doing}", failure.hint):
                    if sent:
                        raise OutcomeUnknown(
                            f"{failure.error}; whether it was applied is unknown"
                        ) from None
                    raise failure.error from None

    def _still_there(self, doing: str, still_there: Callable[[], bool], backoff: Backoff) -> bool:
        while True:
            try:
                return self._once(f"read back after trying to {doing}", None, still_there)
            except _Retryable as failure:
                if not backoff.wait(f"{failure.why} when reading back", failure.hint):
                    raise OutcomeUnknown(
                        f"cannot tell whether the Kubernetes API at {self.host} managed to "
                        f"{doing}: {failure.error}"
                    ) from None

    # ---- protocol ------------------------------------------------------------------------

    def check_reachable(self) -> None:
        """Fail fast when nothing answers; "busy, try again" answers are waited out, and a
        request that got no answer (a timeout, a reset) is tried once more."""
        backoff = self._backoff(min(REACHABLE_DEADLINE, self.settings.retry_deadline))
        unanswered = 0
        while True:
            try:
                self._once(
                    "tell its version",
                    None,
                    lambda: self._send("GET", "/version", timeout=self.check_timeout),
                )
                return
            except _Retryable as failure:
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
        pods = self._call(
            f"list pods in namespace {namespace!r}",
            None,
            lambda: self._send(
                "GET",
                f"{CORE}/namespaces/{quote(namespace)}/pods",
                query={"labelSelector": label_selector or None},
            ),
        )
        return [_pod_info(pod, namespace) for pod in pods.get("items", [])]

    def delete_pod(self, name: str, namespace: str, grace_period: int | None = None) -> None:
        path = f"{CORE}/namespaces/{quote(namespace)}/pods/{quote(name)}"
        self._delete(
            f"delete pod {name!r} in namespace {namespace!r}",
            f"pod {name!r} not found in namespace {namespace!r}",
            lambda: self._send("DELETE", path, query={"gracePeriodSeconds": grace_period}),
            lambda: self._present(path),
        )

    def list_deployments(
        self, namespace: str, label_selector: str | None = None
    ) -> list[DeploymentSnapshot]:
        listing = self._call(
            f"list Deployments in namespace {namespace!r}",
            None,
            lambda: self._send(
                "GET",
                f"{APPS}/namespaces/{quote(namespace)}/deployments",
                query={"labelSelector": label_selector or None},
            ),
        )
        return [_snapshot(item, namespace) for item in listing.get("items", [])]

    def _read_deployment(self, name: str, namespace: str) -> dict[str, Any]:
        return dict(
            self._call(
                f"read Deployment {name!r} in namespace {namespace!r}",
                _missing_deployment(name, namespace),
                lambda: self._send("GET", _deployment_path(name, namespace)),
            )
        )

    def get_deployment(self, name: str, namespace: str) -> DeploymentSnapshot:
        return _snapshot(self._read_deployment(name, namespace), namespace)

    def _present(self, path: str) -> bool:
        """True while the object exists and is not being deleted."""
        try:
            obj = self._send("GET", path)
        except client.ApiException as exc:
            if exc.status == 404:
                return False
            raise
        return not obj.get("metadata", {}).get("deletionTimestamp")

    def delete_deployment(self, name: str, namespace: str) -> None:
        path = _deployment_path(name, namespace)
        # Foreground: the Deployment stays (marked for deletion) until its ReplicaSets and pods
        # are gone, so "the Deployment is gone" really means its pods are gone too.
        self._delete(
            f"delete Deployment {name!r} in namespace {namespace!r}",
            _missing_deployment(name, namespace),
            lambda: self._send("DELETE", path, query={"propagationPolicy": "Foreground"}),
            lambda: self._present(path),
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
        backoff = self._backoff(max(self.settings.restore_wait, self.settings.retry_deadline))

        def create() -> bool:
            """True: created; False: one of that name exists (409)."""
            try:
                self._send("POST", collection, body=manifest)
            except client.ApiException as exc:
                if exc.status == 409:
                    return False
                raise
            return True

        while True:
            try:
                if self._once(doing, None, create):
                    return RestoreOutcome.CREATED
            except _Retryable as failure:
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
        self._call(
            f"replace Deployment {name!r} in namespace {namespace!r}",
            _missing_deployment(name, namespace),
            lambda: self._send("PUT", _deployment_path(name, namespace), body=body),
        )

    def scale_deployment(self, name: str, namespace: str, replicas: int) -> None:
        if replicas < 0:
            raise DriverError(f"cannot scale Deployment {name!r} to {replicas} replicas")
        self._call(
            f"scale Deployment {name!r} in namespace {namespace!r}",
            _missing_deployment(name, namespace),
            lambda: self._send(
                "PATCH",
                _deployment_path(name, namespace) + "/scale",
                body={"spec": {"replicas": replicas}},
                content_type="application/merge-patch+json",
            ),
        )

    def service_url(self, name: str, namespace: str) -> str | None:
        service = self._call(
            f"read Service {name!r} in namespace {namespace!r}",
            f"Service {name!r} not found in namespace {namespace!r}",
            lambda: self._send(
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

    # ---- run records kept in the cluster (a ConfigMap per run) ----------------------------

    def save_record(self, record: RunRecord) -> None:
        namespace = record_namespace(record)
        name = record_configmap_name(record.id)
        body = record_configmap(record)
        path = f"{CORE}/namespaces/{quote(namespace)}/configmaps"
        doing = f"keep the run record in ConfigMap {name!r} in namespace {namespace!r}"

        def put() -> Any:
            try:
                return self._send("PUT", f"{path}/{quote(name)}", body=body)
            except client.ApiException as exc:
                if exc.status != 404:
                    raise
            return self._send("POST", path, body=body)

        self._call(doing, None, put)

    def discard_record(self, record: RunRecord) -> None:
        namespace = record_namespace(record)
        name = record_configmap_name(record.id)
        path = f"{CORE}/namespaces/{quote(namespace)}/configmaps/{quote(name)}"
        with contextlib.suppress(NotFound):
            self._delete(
                f"delete ConfigMap {name!r} in namespace {namespace!r}",
                f"ConfigMap {name!r} not found in namespace {namespace!r}",
                lambda: self._send("DELETE", path),
                lambda: self._present(path),
            )

    def list_records(self, namespace: str) -> list[str]:
        """The texts of the run records kept in ``namespace``."""
        listing = self._call(
            f"list ConfigMaps in namespace {namespace!r}",
            None,
            lambda: self._send(
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
