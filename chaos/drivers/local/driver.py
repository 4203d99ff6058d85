"""``LocalDriver``: the Driver protocol over the local supervisord stack.

Mapping (namespace ``default`` only):

* pod = the running process of a program, named ``<program>-<pid>``; labels from the program;
  phase ``Running`` while supervisord says STARTING/RUNNING, ``Pending`` in BACKOFF, else
  ``Failed``; ready when its ``GET /readyz`` answers 200.
* Deployment = a program (``back``, ``front-v1``, ``front-v2``); its snapshot manifest is the
  program definition (module, port, labels, environment).
* Service URLs: ``backend`` -> back, ``frontend`` (and ``frontend-v1``) -> front-v1,
  ``frontend-v2`` -> front-v2; program names work too.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaos.drivers.base import (
    DEPLOYMENTS,
    PODS,
    Conflict,
    DeploymentSnapshot,
    DriverError,
    ExecResult,
    LogRequest,
    NotFound,
    ObjectKind,
    PodInfo,
    RestoreOutcome,
    Selection,
)
from chaos.drivers.local import objects
from chaos.drivers.local.labels import parse_selector
from chaos.drivers.local.layout import NAMESPACE, SERVICE_ALIASES, Program
from chaos.drivers.local.ports import call_json, readyz
from chaos.drivers.local.service_proxy import LocalServiceProxies
from chaos.drivers.local.stack import LocalStack
from chaos.drivers.local.supervisor import SupervisorFault
from chaos.drivers.local.token import read_token

_PHASES = {
    "STARTING": "Running",
    "RUNNING": "Running",
    "BACKOFF": "Pending",
    "STOPPING": "Running",
    "EXITED": "Failed",
    "FATAL": "Failed",
    "STOPPED": "Succeeded",
}


# How much of a program's output ``read_log`` returns (its most recent bytes).
LOG_TAIL_BYTES = 1_000_000


class LocalDriver(LocalServiceProxies):
    """Chaos against the local stack started by ``chaosrun local up``."""

    target = "local"

    def __init__(self, state_dir: Path | None = None) -> None:
        self.stack = LocalStack(state_dir)

    # -- reachability ----------------------------------------------------------------------

    def check_reachable(self) -> None:
        self.stack.client.call("getState")  # raises TargetUnreachable with the hint
        # An unreadable state file raises StackStateError (exit 2) before any chaos.
        self.stack.layout()
        self.stack.live_programs()

    # -- pods ------------------------------------------------------------------------------

    def _infos(self) -> list[dict[str, Any]]:
        infos: list[dict[str, Any]] = self.stack.client.call("getAllProcessInfo")
        return infos

    def list_pods(self, namespace: str, label_selector: str | None = None) -> list[PodInfo]:
        matches = parse_selector(label_selector)
        if namespace != NAMESPACE:
            return []
        programs = self.stack.live_programs()
        pods = []
        for info in self._infos():
            program = programs.get(info["name"])
            if program is None or not matches(program.labels):
                continue
            if info["statename"] == "STOPPED":  # scaled to zero: no pod
                continue
            pid = int(info["pid"])
            running = info["statename"] in ("STARTING", "RUNNING") and pid > 0
            pods.append(
                PodInfo(
                    name=f"{program.name}-{pid}",
                    namespace=NAMESPACE,
                    phase=_PHASES.get(info["statename"], "Unknown"),
                    ready=running and readyz(program.url, path=program.ready_path),
                    created=datetime.fromtimestamp(info["start"], UTC) if info["start"] else None,
                    labels=dict(program.labels),
                )
            )
        return pods

    def delete_pod(self, name: str, namespace: str, grace_period: int | None = None) -> None:
        program_name, _, pid_text = name.rpartition("-")
        if namespace != NAMESPACE or not pid_text.isdigit():
            raise NotFound(f"Pod {name} not found in namespace {namespace}.")
        try:
            info = self.stack.client.call("getProcessInfo", program_name)
        except SupervisorFault as fault:
            raise NotFound(f"Pod {name} not found in namespace {namespace}.") from fault
        if int(info["pid"]) != int(pid_text) or info["statename"] not in ("STARTING", "RUNNING"):
            raise NotFound(f"Pod {name} not found in namespace {namespace}.")
        sig = "KILL" if grace_period == 0 else "TERM"
        self.stack.client.call("signalProcess", program_name, sig)
        if sig == "TERM" and grace_period:
            # Like the kubelet: SIGKILL if it is still the same process after the grace period.
            timer = threading.Timer(grace_period, self._kill_if_same, (program_name, int(pid_text)))
            timer.daemon = True
            timer.start()
        threading.Thread(
            target=self._nudge, args=(program_name, int(pid_text)), daemon=True
        ).start()

    def _nudge(self, program_name: str, old_pid: int, timeout: float = 10.0) -> None:
        """Keep supervisord's loop awake until the replacement process is spawned.

        supervisord polls with a 1 s timeout and reaps exited children and spawns new ones
        only when its loop turns, so a killed process would wait up to ~2 s to be replaced;
        each XML-RPC call turns the loop, as a ReplicaSet controller reacts at once.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                info = self.stack.client.call("getProcessInfo", program_name)
            except DriverError:
                return
            if info["pid"] and int(info["pid"]) != old_pid:
                return
            time.sleep(0.02)

    def _kill_if_same(self, program_name: str, pid: int) -> None:
        with contextlib.suppress(DriverError):
            if int(self.stack.client.call("getProcessInfo", program_name)["pid"]) == pid:
                self.stack.client.call("signalProcess", program_name, "KILL")

    # -- deployments -----------------------------------------------------------------------

    def _snapshot(self, program: Program) -> DeploymentSnapshot:
        return DeploymentSnapshot(
            name=program.name, namespace=NAMESPACE, manifest=program.model_dump(mode="json")
        )

    def _live(self) -> dict[str, Program]:
        """Programs both in supervisord's running configuration and on disk."""
        live = {info["group"] for info in self._infos()}
        return {n: p for n, p in self.stack.live_programs().items() if n in live}

    def list_deployments(
        self, namespace: str, label_selector: str | None = None
    ) -> list[DeploymentSnapshot]:
        matches = parse_selector(label_selector)
        if namespace != NAMESPACE:
            return []
        return [self._snapshot(p) for p in self._live().values() if matches(p.labels)]

    def get_deployment(self, name: str, namespace: str) -> DeploymentSnapshot:
        program = self._live().get(name) if namespace == NAMESPACE else None
        if program is None:
            raise NotFound(f"Deployment {name} not found in namespace {namespace}.")
        return self._snapshot(program)

    def delete_deployment(self, name: str, namespace: str) -> None:
        self.get_deployment(name, namespace)
        with contextlib.suppress(SupervisorFault):  # NOT_RUNNING: already stopped
            self.stack.client.call("stopProcessGroup", name, True)
        self.stack.client.call("removeProcessGroup", name)
        self.stack.remove_program(name)

    def restore_deployment(
        self, snapshot: DeploymentSnapshot, force: bool = False
    ) -> RestoreOutcome:
        """Add the program back from its snapshot; the same program running already is
        success, a different one is a ``Conflict`` unless ``force`` replaces it."""
        if snapshot.namespace != NAMESPACE:
            raise DriverError(f"The local target has only the namespace {NAMESPACE}.")
        try:
            program = Program.model_validate(snapshot.manifest)
        except ValueError as exc:
            raise DriverError(f"The snapshot of {snapshot.name} is not a local program.") from exc
        live = self._live().get(program.name)
        if live is None:
            self.stack.add_program(program)
            return RestoreOutcome.CREATED
        if live == program:
            return RestoreOutcome.ALREADY_PRESENT
        if not force:
            raise Conflict(
                f"Deployment {program.name!r} already exists in namespace {NAMESPACE!r} with a "
                "different spec, so it was not overwritten by the snapshot"
            )
        self.delete_deployment(program.name, NAMESPACE)
        self.stack.add_program(program)
        return RestoreOutcome.REPLACED

    def scale_deployment(self, name: str, namespace: str, replicas: int) -> None:
        snapshot = self.get_deployment(name, namespace)
        if replicas not in (0, 1):
            raise DriverError("The local target runs 0 or 1 replica per Deployment.")
        program = Program.model_validate(snapshot.manifest).model_copy(
            update={"replicas": replicas}
        )
        self.stack.write_program(program)
        method = "startProcessGroup" if replicas else "stopProcessGroup"
        with contextlib.suppress(SupervisorFault):  # ALREADY_STARTED / NOT_RUNNING
            self.stack.client.call(method, name, False)

    # -- any object, read ------------------------------------------------------------------

    def _objects(self, kind: ObjectKind) -> list[dict[str, Any]]:
        if kind not in objects.SERVED:
            raise objects.needs_cluster(kind)
        pods = self.list_pods(NAMESPACE)
        if kind == PODS:
            return [objects.pod_object(p) for p in pods]
        if kind == DEPLOYMENTS:
            return [objects.deployment_object(p, pods) for p in self._live().values()]
        return objects.services(self._live())

    def list_objects(self, kind: ObjectKind, selection: Selection) -> dict[str, Any]:
        return objects.listing(kind, objects.select(self._objects(kind), selection))

    def read_object(self, kind: ObjectKind, name: str, namespace: str | None) -> dict[str, Any]:
        if namespace not in (None, NAMESPACE):
            raise NotFound(f"{kind.kind} {name!r} not found in namespace {namespace!r}")
        return objects.find(kind, self._objects(kind), name)

    # -- any object, written: only a Deployment's scale has a local meaning ----------------

    def create_object(
        self, kind: ObjectKind, body: dict[str, Any], namespace: str | None
    ) -> dict[str, Any]:
        raise objects.cannot_change(kind)

    def replace_object(
        self, kind: ObjectKind, body: dict[str, Any], namespace: str | None
    ) -> dict[str, Any]:
        raise objects.cannot_change(kind)

    def patch_object(
        self, kind: ObjectKind, name: str, namespace: str | None, patch: dict[str, Any]
    ) -> dict[str, Any]:
        raise objects.cannot_change(kind)

    def delete_object(self, kind: ObjectKind, name: str, namespace: str | None) -> None:
        if kind != DEPLOYMENTS:
            raise objects.cannot_change(kind)
        self.delete_deployment(name, namespace or NAMESPACE)

    def exec_in_pod(
        self, pod: str, namespace: str, command: list[str], container: str | None, timeout: float
    ) -> ExecResult:
        raise objects.needs_cluster(PODS)

    def scale(self, kind: ObjectKind, name: str, namespace: str, replicas: int) -> None:
        if kind != DEPLOYMENTS:
            raise objects.needs_cluster(kind)
        self.scale_deployment(name, namespace, replicas)

    def read_log(self, pod: str, namespace: str, request: LogRequest) -> str:
        """The program's output as supervisord keeps it (no timestamps, no previous run)."""
        program_name = pod.rpartition("-")[0]
        if namespace != NAMESPACE or program_name not in self._live():
            raise NotFound(f"pod {pod!r} not found in namespace {namespace!r}")
        text, _offset, _overflow = self.stack.client.call(
            "tailProcessStdoutLog", program_name, 0, LOG_TAIL_BYTES
        )
        return str(text)

    def evict_pod(self, name: str, namespace: str) -> None:
        raise DriverError(
            f"pod {namespace}/{name} cannot be evicted: the local target has no Eviction API "
            "(this needs a Kubernetes cluster)"
        )

    # -- services --------------------------------------------------------------------------

    def service_url(self, name: str, namespace: str) -> str | None:
        layout = self.stack.layout()
        program_name = SERVICE_ALIASES.get(name)
        if namespace != NAMESPACE or layout is None or program_name is None:
            return None
        program = layout.programs.get(program_name)
        return program.url if program else None

    def call_service(
        self,
        name: str,
        namespace: str,
        method: str,
        path: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        url = self.service_url(name, namespace)
        if url is None:
            raise NotFound(f"Service {name!r} not found in namespace {namespace!r}.")
        return call_json(method, url + path, body, headers=headers)

    def faults_token(self, service: str, namespace: str) -> str | None:
        """The stack's token (``chaosrun local up`` writes it), whichever Service."""
        return read_token(self.stack.paths.faults_token)
