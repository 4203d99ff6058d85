"""The contract every target driver fulfils.

The engine and the actions in ``chaos.actions`` speak only to this protocol, so the same
experiment runs against a real cluster (``chaos.drivers.kubernetes``) or the local
supervisord stand-in (``chaos.drivers.local``). Drivers hold no chaos logic: selection,
snapshots-as-rollbacks and health verdicts live above them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from chaos.errors import BadInput, RunFailure


class DriverError(RunFailure):
    """A target refused or failed an operation; the message is one sentence for the user."""


class TargetUnreachable(DriverError, BadInput):
    """The cluster (or local stack) cannot be reached at all: bad input, exit code 2."""

    exit_code = BadInput.exit_code


class Forbidden(DriverError):
    """The credentials may not do this (403): the sentence names the verb, the resource and
    the manifests that grant it."""


class EvictionBlocked(DriverError):
    """An eviction refused for now (429): a PodDisruptionBudget allows no disruption."""


class NotFound(DriverError):
    """The named object does not exist."""


class Unauthorized(DriverError):
    """A Service refused the request for its credentials (HTTP 401 or 403 from the Service
    itself, not from the cluster's API)."""


class Conflict(DriverError):
    """An object of that name exists and differs from the snapshot: it was not overwritten."""


class NeedsCluster(DriverError, BadInput):
    """The target cannot play this kind of object (the local stack has no Nodes): exit 2."""

    exit_code = BadInput.exit_code


class OutcomeUnknown(DriverError):
    """A change may or may not have been applied: no answer said so, and reading the
    object's state did not tell either before the deadline."""


class RestoreOutcome(StrEnum):
    CREATED = "created"
    ALREADY_PRESENT = "already present"  # the same object stands: nothing to do
    REPLACED = "replaced"  # a different one stood and ``force`` replaced it


@dataclass(frozen=True)
class ObjectKind:
    """A kind of Kubernetes object as its REST path names it (group, version, plural)."""

    kind: str  # "Deployment": for messages
    group: str  # "" for the core group
    version: str
    plural: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


def custom_kind(group: str, version: str, plural: str, namespaced: bool = True) -> ObjectKind:
    """A custom resource's kind, as ``CustomObjectsApi`` names it."""
    return ObjectKind(plural, group, version, plural, namespaced)


PODS = ObjectKind("Pod", "", "v1", "pods")
SERVICES = ObjectKind("Service", "", "v1", "services")
SECRETS = ObjectKind("Secret", "", "v1", "secrets")
NAMESPACES = ObjectKind("Namespace", "", "v1", "namespaces", namespaced=False)
NODES = ObjectKind("Node", "", "v1", "nodes", namespaced=False)
DEPLOYMENTS = ObjectKind("Deployment", "apps", "v1", "deployments")
STATEFULSETS = ObjectKind("StatefulSet", "apps", "v1", "statefulsets")
DAEMONSETS = ObjectKind("DaemonSet", "apps", "v1", "daemonsets")
REPLICASETS = ObjectKind("ReplicaSet", "apps", "v1", "replicasets")
NETWORKPOLICIES = ObjectKind("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies")
INGRESSES = ObjectKind("Ingress", "networking.k8s.io", "v1", "ingresses")
EVENTS = ObjectKind("Event", "events.k8s.io", "v1", "events")


@dataclass(frozen=True)
class Selection:
    """Which objects of a kind a list returns: ``namespace`` None lists all namespaces."""

    namespace: str | None = None
    label_selector: str | None = None
    field_selector: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class LogRequest:
    """What ``read_log`` reads of a pod: the API's ``pods/log`` parameters."""

    container: str | None = None
    since_seconds: int | None = None
    previous: bool = False
    timestamps: bool = True


@dataclass(frozen=True)
class PodInfo:
    name: str
    namespace: str
    phase: str  # Pending / Running / Succeeded / Failed / Unknown
    ready: bool
    created: datetime | None = None
    labels: dict[str, str] = field(default_factory=dict)
    # Marked for deletion and going away (Kubernetes' "Terminating"): not a victim for chaos
    # any more, and not counted against the health of the namespace.
    terminating: bool = False


@dataclass(frozen=True)
class DeploymentSnapshot:
    """Everything needed to recreate a Deployment after it was deleted.

    ``manifest`` is target-specific but JSON-serialisable (for Kubernetes: the object with
    server-managed fields stripped; for the local target: the supervised program's definition),
    so snapshots can be written into the journal.
    """

    name: str
    namespace: str
    manifest: dict[str, Any]


@dataclass(frozen=True)
class ExecResult:
    """What a command run in a pod's container ended with."""

    exit_code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class KeptRecord:
    """A run record as the target keeps it: its text and the seal written beside it."""

    name: str  # where it is kept (on Kubernetes: the ConfigMap's name)
    namespace: str
    text: str
    seal: str | None  # None: kept without one


@dataclass(frozen=True)
class ServiceInfo:
    """What ``latency --service`` reads of a Service: its selector, its ports (each as the
    API holds it: ``name``, ``port``, ``targetPort``, ``protocol``) and its own labels."""

    name: str
    namespace: str
    selector: dict[str, str]
    ports: list[dict[str, Any]]
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceProxy:
    """A fault proxy put in front of a Service, as its undo needs it: the Service's original
    selector, the shadow Service and the proxy that were created, the run label they carry."""

    service: str
    namespace: str
    selector: dict[str, str]
    shadow: str
    proxy: str
    run: str  # the value of RUN_LABEL on what was created

    @property
    def proxy_selector(self) -> dict[str, str]:
        """The labels of the proxy's pods: the Service's selector while the fault lasts."""
        return {PROXY_LABEL: self.proxy, RUN_LABEL: self.run}


@dataclass(frozen=True)
class ProxyFault:
    """What the proxy does and runs: ``chaosrun proxy`` in ``image``."""

    delay: float
    error_share: float
    image: str
    ready_timeout: float


def shadow_name(service: str) -> str:
    return f"{service}-chaosrun-shadow"


def proxy_name(service: str) -> str:
    return f"{service}-chaosrun-proxy"


# Labels of what chaosrun creates: the run that created it, and (on the proxy's pods) which proxy.
RUN_LABEL = "chaosrun.io/run"
PROXY_LABEL = "chaosrun.io/proxy"


@runtime_checkable
class Driver(Protocol):
    """Operations a target offers to chaos actions and probes."""

    target: str  # "kubernetes" or "local"

    def check_reachable(self) -> None:
        """Raise ``TargetUnreachable`` with one clear sentence if the target cannot be used."""

    def list_pods(self, namespace: str, label_selector: str | None = None) -> list[PodInfo]: ...

    def delete_pod(self, name: str, namespace: str, grace_period: int | None = None) -> None: ...

    def list_deployments(
        self, namespace: str, label_selector: str | None = None
    ) -> list[DeploymentSnapshot]: ...

    def get_deployment(self, name: str, namespace: str) -> DeploymentSnapshot:
        """Return a snapshot of the Deployment; raise ``NotFound`` if it does not exist."""

    def delete_deployment(self, name: str, namespace: str) -> None:
        """Delete it. ``NotFound``: there was none; ``OutcomeUnknown``: it may be gone; any
        other ``DriverError``: refused, it still stands."""

    def restore_deployment(
        self, snapshot: DeploymentSnapshot, force: bool = False
    ) -> RestoreOutcome:
        """Recreate a Deployment from a snapshot taken by ``get_deployment``, idempotently:
        the same Deployment already there is success; a different one raises ``Conflict``
        unless ``force`` replaces it."""

    def scale_deployment(self, name: str, namespace: str, replicas: int) -> None: ...

    def list_objects(self, kind: ObjectKind, selection: Selection) -> dict[str, Any]:
        """The API's list of ``kind`` as it answers it (``kind``, ``metadata``, ``items``);
        ``NeedsCluster`` when this target has no such objects."""

    def read_object(self, kind: ObjectKind, name: str, namespace: str | None) -> dict[str, Any]:
        """One object as the API answers it; ``NotFound`` if it does not exist."""

    def read_log(self, pod: str, namespace: str, request: LogRequest) -> str:
        """A pod's log as text; ``NotFound`` if the pod does not exist."""

    def evict_pod(self, name: str, namespace: str) -> None:
        """Ask the pod to leave through the Eviction API; ``EvictionBlocked`` while a
        PodDisruptionBudget forbids it, ``NotFound`` when it is gone."""

    # Generic writes, for the undoable changes (``chaos.records.undo`` puts each back). Each
    # raises ``OutcomeUnknown`` when it failed in the end after an attempt whose answer was
    # lost: that attempt may have made the change, so the change is to be undone or read back.

    def create_object(
        self, kind: ObjectKind, body: dict[str, Any], namespace: str | None
    ) -> dict[str, Any]:
        """Create ``body``; the object as created. ``Conflict`` when one of that name exists;
        ``OutcomeUnknown`` when our own earlier try, whose answer was lost, may have made it
        (``chaos.actions.changes.create_resolving`` reads what stands)."""

    def replace_object(
        self, kind: ObjectKind, body: dict[str, Any], namespace: str | None
    ) -> dict[str, Any]:
        """PUT ``body`` over the object of its name (``metadata.resourceVersion`` as given:
        a stale one is ``Conflict``); ``NotFound`` if there is none."""

    def patch_object(
        self, kind: ObjectKind, name: str, namespace: str | None, patch: dict[str, Any]
    ) -> dict[str, Any]:
        """A JSON merge patch (RFC 7386: ``None`` removes a key); the object after it."""

    def delete_object(self, kind: ObjectKind, name: str, namespace: str | None) -> None:
        """Delete it (foreground). ``NotFound``: there was none; ``OutcomeUnknown``: it may be
        gone; any other ``DriverError``: refused, it still stands."""

    def scale(self, kind: ObjectKind, name: str, namespace: str, replicas: int) -> None:
        """Set ``spec.replicas`` through the ``scale`` subresource."""

    def exec_in_pod(
        self, pod: str, namespace: str, command: list[str], container: str | None, timeout: float
    ) -> ExecResult:
        """Run ``command`` in the pod's container (its first when None), once; what it ended
        with. ``NeedsCluster`` where there are no containers to exec into."""

    def service_url(self, name: str, namespace: str) -> str | None:
        """The externally reachable URL of a Service (load-balancer address), or None."""

    def call_service(
        self,
        name: str,
        namespace: str,
        method: str,
        path: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """One request to a Service, reaching it as the pods do (on Kubernetes through the API
        server's service proxy), with ``headers``; the answer's JSON. ``NotFound`` when the
        Service or the path does not exist; ``Unauthorized`` when the Service refuses the
        credentials; ``DriverError`` for any other failure or non-2xx answer."""

    def faults_token(self, service: str, namespace: str) -> str | None:
        """The token the backend behind ``service`` wants on its fault route, as the target
        keeps it (Kubernetes: Secret ``FAULTS_TOKEN_SECRET``; local: the stack's token
        file); None when the target keeps none."""

    def get_service(self, name: str, namespace: str) -> ServiceInfo:
        """The Service's selector and ports; ``NotFound`` when there is none."""

    def front_service(
        self, plan: ServiceProxy, ports: list[dict[str, Any]], fault: ProxyFault
    ) -> None:
        """Create the shadow Service and the proxy, wait until the proxy is Ready, then swap
        the Service's selector to the proxy. The caller has recorded ``plan`` before."""

    def unfront_service(self, plan: ServiceProxy) -> None:
        """Undo ``front_service``, idempotently: the selector back, then the proxy and the
        shadow Service deleted (only objects that carry the plan's run label)."""
