"""The catalogue's mutating functions, each with how a test comes to call it: the objects it
needs made first and its arguments, the kind and name it changes, and the change it makes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from chaos.drivers.base import (
    DAEMONSETS,
    DEPLOYMENTS,
    REPLICASETS,
    SECRETS,
    SERVICES,
    STATEFULSETS,
    ObjectKind,
)
from chaos.drivers.kubernetes import KubernetesDriver
from tests.support.kube_objects import create
from tests.support.workloads import secret, service, spec_file, workload

Setup = Callable[[KubernetesDriver, Path], dict[str, Any]]


def _existing(kind: ObjectKind, name: str, **extra: Any) -> Setup:
    def setup(driver: KubernetesDriver, tmp: Path) -> dict[str, Any]:
        body = workload(kind.kind, name) if kind.group == "apps" else service(name, "back")
        if kind == SECRETS:
            body = secret(name)
        create(driver, kind, body)
        return {"name": name, **extra}

    return setup


def _spec(body: dict[str, Any]) -> Setup:
    def setup(driver: KubernetesDriver, tmp: Path) -> dict[str, Any]:
        return {"spec_path": spec_file(tmp, body)}

    return setup


# (function, how its arguments come about, the kind and name it changes, the change's op)
CASES: list[tuple[str, Setup, ObjectKind, str, str]] = [
    ("chaosk8s.statefulset.actions.create_statefulset",
     _spec(workload("StatefulSet", "db")), STATEFULSETS, "db", "created"),
    ("chaosk8s.statefulset.actions.scale_statefulset",
     _existing(STATEFULSETS, "db", replicas=0), STATEFULSETS, "db", "scaled"),
    ("chaosk8s.statefulset.actions.remove_statefulset",
     _existing(STATEFULSETS, "db"), STATEFULSETS, "db", "deleted"),
    ("chaosk8s.daemonset.actions.create_daemon_set",
     _spec(workload("DaemonSet", "agent", None)), DAEMONSETS, "agent", "created"),
    ("chaosk8s.daemonset.actions.delete_daemon_set",
     _existing(DAEMONSETS, "agent"), DAEMONSETS, "agent", "deleted"),
    ("chaosk8s.daemonset.actions.update_daemon_set",
     _existing(DAEMONSETS, "agent", spec={"metadata": {"labels": {"tier": "x"}}}),
     DAEMONSETS, "agent", "updated"),
    ("chaosk8s.replicaset.actions.delete_replica_set",
     _existing(REPLICASETS, "lone"), REPLICASETS, "lone", "deleted"),
    ("chaosk8s.deployment.actions.create_deployment",
     _spec(workload("Deployment", "extra")), DEPLOYMENTS, "extra", "created"),
    ("chaosk8s.deployment.actions.scale_deployment",
     _existing(DEPLOYMENTS, "web", replicas=0), DEPLOYMENTS, "web", "scaled"),
    ("chaosk8s.deployment.actions.rollout_deployment",
     _existing(DEPLOYMENTS, "web"), DEPLOYMENTS, "web", "updated"),
    ("chaosk8s.actions.start_microservice",
     _spec(workload("Deployment", "extra")), DEPLOYMENTS, "extra", "created"),
    ("chaosk8s.actions.scale_microservice",
     _existing(DEPLOYMENTS, "web", replicas=5), DEPLOYMENTS, "web", "scaled"),
    ("chaosk8s.actions.remove_service_endpoint",
     _existing(SERVICES, "api"), SERVICES, "api", "deleted"),
    ("chaosk8s.service.actions.create_service_endpoint",
     _spec(service("api", "back")), SERVICES, "api", "created"),
    ("chaosk8s.service.actions.delete_service",
     _existing(SERVICES, "api"), SERVICES, "api", "deleted"),
    ("chaosk8s.secret.actions.create_secret",
     _spec(secret("token")), SECRETS, "token", "created"),
    ("chaosk8s.secret.actions.delete_secret",
     _existing(SECRETS, "token"), SECRETS, "token", "deleted"),
]  # fmt: skip
