"""The fault proxy of ``chaosrun latency --service`` on Kubernetes: a shadow Service that selects
the Service's own pods, a proxy Deployment (``chaosrun proxy`` under the restricted Pod Security
Standard) that forwards to it, and the Service's selector swapped to the proxy's pods.

Only ``spec.selector`` of the Service is ever patched, and only objects that carry the run's
label are deleted: the undo may come from a record kept in the cluster.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from kubernetes import client

from chaos.defaults import PROXY_READY_PATH
from chaos.drivers.base import (
    RUN_LABEL,
    Conflict,
    DriverError,
    NotFound,
    ProxyFault,
    ServiceInfo,
    ServiceProxy,
)
from chaos.drivers.kubernetes.pod_security import restricted_pod_spec
from chaos.drivers.kubernetes.transport import APPS, CORE, ApiCalls, Retryable

T = TypeVar("T")
logger = logging.getLogger("chaosrun")

# Where the proxy listens when the Service's targetPort is a name (a number is kept as is).
NAMED_PORT_LISTEN = 8080
# Seconds between two reads of the proxy's readiness.
READY_POLL = 0.5
RBAC = "k8s/runner/rbac/"


def _forbidden(verb: str, resource: str, namespace: str, call: Callable[[], T]) -> Callable[[], T]:
    """``call``, with a 403 turned into one sentence naming the verb, the resource and the fix."""

    def guarded() -> T:
        try:
            return call()
        except client.ApiException as exc:
            if exc.status == 403:
                raise DriverError(
                    f"chaosrun may not {verb} {resource} in namespace {namespace!r} (403 "
                    f"Forbidden): apply {RBAC} (its Role grants it) or give your user the same "
                    "rules"
                ) from None
            raise

    return guarded


def _listen_port(port: dict[str, Any]) -> int:
    target = port.get("targetPort", port.get("port"))
    return target if isinstance(target, int) else NAMED_PORT_LISTEN


class ServiceProxies(ApiCalls):
    """Reading a Service, putting the fault proxy in front of it, and taking it away."""

    def _service_path(self, name: str, namespace: str) -> str:
        return f"{CORE}/namespaces/{quote(namespace)}/services/{quote(name)}"

    def _proxy_path(self, name: str, namespace: str) -> str:
        return f"{APPS}/namespaces/{quote(namespace)}/deployments/{quote(name)}"

    def _read_service(self, name: str, namespace: str) -> dict[str, Any]:
        return dict(
            self.call(
                f"read Service {name!r} in namespace {namespace!r}",
                f"Service {name!r} not found in namespace {namespace!r}",
                _forbidden(
                    "get",
                    "services",
                    namespace,
                    lambda: self.send("GET", self._service_path(name, namespace)),
                ),
            )
        )

    def get_service(self, name: str, namespace: str) -> ServiceInfo:
        found = self._read_service(name, namespace)
        spec = found.get("spec") or {}
        return ServiceInfo(
            name=name,
            namespace=namespace,
            selector=dict(spec.get("selector") or {}),
            ports=[dict(p) for p in spec.get("ports") or []],
            labels=dict((found.get("metadata") or {}).get("labels") or {}),
        )

    def front_service(
        self, plan: ServiceProxy, ports: list[dict[str, Any]], fault: ProxyFault
    ) -> None:
        ns = plan.namespace
        self._create(
            plan, "services", f"{CORE}/namespaces/{quote(ns)}/services", _shadow(plan, ports)
        )
        self._create(
            plan,
            "deployments",
            f"{APPS}/namespaces/{quote(ns)}/deployments",
            _proxy_deployment(plan, ports, fault),
        )
        self._wait_ready(plan, fault)
        self._set_selector(plan, plan.selector, plan.proxy_selector)

    def unfront_service(self, plan: ServiceProxy) -> None:
        self._set_selector(plan, plan.proxy_selector, plan.selector)
        self._delete_labelled(plan, "deployments", self._proxy_path(plan.proxy, plan.namespace))
        self._delete_labelled(plan, "services", self._service_path(plan.shadow, plan.namespace))

    def _create(
        self, plan: ServiceProxy, resource: str, collection: str, body: dict[str, Any]
    ) -> None:
        """Create ``body``; a 409 is success when what stands is this run's (an answer lost)."""
        name, ns = body["metadata"]["name"], plan.namespace
        doing = f"create {resource} {name!r} in namespace {ns!r}"

        def create() -> None:
            try:
                self.send("POST", collection, body=body)
            except client.ApiException as exc:
                if exc.status != 409:
                    raise
                if not _ours(self.send("GET", f"{collection}/{quote(name)}"), plan):
                    raise Conflict(
                        f"{resource} {ns}/{name} already exists and is not this run's, so no "
                        "fault proxy was put in front of Service " + repr(plan.service)
                    ) from None

        backoff = self.backoff()
        while True:
            try:
                self.once(doing, None, _forbidden("create", resource, ns, create))
                return
            except Retryable as failure:
                if not backoff.wait(f"{failure.why} when asked to {doing}", failure.hint):
                    raise failure.error from None

    def _wait_ready(self, plan: ServiceProxy, fault: ProxyFault) -> None:
        path = self._proxy_path(plan.proxy, plan.namespace)
        until = time.monotonic() + fault.ready_timeout
        while True:
            proxy = self.call(
                f"read Deployment {plan.proxy!r} in namespace {plan.namespace!r}",
                f"the fault proxy {plan.proxy!r} vanished from namespace {plan.namespace!r}",
                _forbidden("get", "deployments", plan.namespace, lambda: self.send("GET", path)),
            )
            if (proxy.get("status") or {}).get("readyReplicas", 0) >= 1:
                return
            if time.monotonic() >= until:
                raise DriverError(
                    f"the fault proxy {plan.namespace}/{plan.proxy} (image {fault.image}) was not "
                    f"Ready within {fault.ready_timeout:g}s, so Service {plan.service!r} was left "
                    "as it was"
                )
            time.sleep(READY_POLL)

    def _set_selector(
        self, plan: ServiceProxy, before: dict[str, str], after: dict[str, str]
    ) -> None:
        """Patch ``spec.selector`` from ``before`` to ``after`` (nothing else). Already ``after``:
        done; neither: someone else changed it, and it is left alone."""
        path = self._service_path(plan.service, plan.namespace)
        live = (self._read_service(plan.service, plan.namespace).get("spec") or {}).get(
            "selector"
        ) or {}
        if live == after:
            return
        if live != before:
            raise Conflict(
                f"Service {plan.namespace}/{plan.service} now selects {live}, neither its "
                f"original selector nor the fault proxy's, so it was left alone"
            )
        # A merge patch merges maps: the keys that must go are sent as null.
        selector: dict[str, str | None] = {k: None for k in before if k not in after}
        selector.update(after)
        self.call(
            f"patch the selector of Service {plan.service!r} in namespace {plan.namespace!r}",
            f"Service {plan.service!r} not found in namespace {plan.namespace!r}",
            _forbidden(
                "patch",
                "services",
                plan.namespace,
                lambda: self.send(
                    "PATCH",
                    path,
                    body={"spec": {"selector": selector}},
                    content_type="application/merge-patch+json",
                ),
            ),
        )

    def _delete_labelled(self, plan: ServiceProxy, resource: str, path: str) -> None:
        name = path.rsplit("/", 1)[-1]
        doing = f"delete {resource} {name!r} in namespace {plan.namespace!r}"
        try:
            live = self.call(
                f"read {resource} {name!r}",
                doing,
                _forbidden("get", resource, plan.namespace, lambda: self.send("GET", path)),
            )
        except NotFound:
            return
        if not _ours(live, plan):  # not what this run created: not this undo's to delete
            logger.warning(
                "%s %s/%s does not carry chaosrun's label %s=%s: left alone",
                resource,
                plan.namespace,
                name,
                RUN_LABEL,
                plan.run,
            )
            return
        try:
            self.delete_resolving(
                doing,
                doing,
                _forbidden(
                    "delete",
                    resource,
                    plan.namespace,
                    lambda: self.send("DELETE", path, query={"propagationPolicy": "Background"}),
                ),
                lambda: self.present(path),
            )
        except NotFound:
            return


def _ours(live: dict[str, Any], plan: ServiceProxy) -> bool:
    return ((live.get("metadata") or {}).get("labels") or {}).get(RUN_LABEL) == plan.run


def _run_labels(plan: ServiceProxy) -> dict[str, str]:
    return {RUN_LABEL: plan.run, "app.kubernetes.io/managed-by": "chaosrun"}


def _shadow(plan: ServiceProxy, ports: list[dict[str, Any]]) -> dict[str, Any]:
    """A ClusterIP Service with the original selector and ports: the proxy's upstream."""
    keep = ("name", "port", "targetPort", "protocol", "appProtocol")
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": plan.shadow, "namespace": plan.namespace, "labels": _run_labels(plan)},
        "spec": {
            "type": "ClusterIP",
            "selector": dict(plan.selector),
            "ports": [{k: p[k] for k in keep if k in p} for p in ports],
        },
    }


def _proxy_deployment(
    plan: ServiceProxy, ports: list[dict[str, Any]], fault: ProxyFault
) -> dict[str, Any]:
    (port,) = ports  # one port: the action refuses others before anything is created
    listen = _listen_port(port)
    container_port: dict[str, Any] = {"containerPort": listen, "protocol": "TCP"}
    if isinstance(port.get("targetPort"), str):
        container_port["name"] = port["targetPort"]
    container = {
        "name": "proxy",
        "image": fault.image,
        "args": [
            "proxy",
            "--listen",
            f"0.0.0.0:{listen}",
            "--upstream",
            f"http://{plan.shadow}:{port['port']}",
            "--delay",
            f"{fault.delay:g}",
            "--error-share",
            f"{fault.error_share:g}",
        ],
        "ports": [container_port],
        "readinessProbe": {
            "httpGet": {"path": PROXY_READY_PATH, "port": listen},
            "periodSeconds": 2,
        },
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    }
    pod = restricted_pod_spec({"automountServiceAccountToken": False, "containers": [container]})
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": plan.proxy, "namespace": plan.namespace, "labels": _run_labels(plan)},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": plan.proxy_selector},
            "template": {
                "metadata": {"labels": {**plan.proxy_selector, **_run_labels(plan)}},
                "spec": pod,
            },
        },
    }
