"""``chaosk8s.statefulset.probes``."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.workloads import Workload, readiness_verdict
from chaos.drivers.base import STATEFULSETS

__all__ = ["statefulset_fully_available", "statefulset_not_fully_available"]


@probe(local=False)
def statefulset_not_fully_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    timeout: int = 30,
    raise_on_fully_available: bool = True,
    secrets: Any = None,
) -> bool:
    """Wait up to ``timeout`` seconds for the StatefulSet to have fewer ready replicas than
    it wants; True once it has."""
    return readiness_verdict(
        ctx,
        Workload(STATEFULSETS, name, ns, label_selector),
        False,
        timeout,
        raise_on_fully_available,
        "microservice",
    )


@probe(local=False)
def statefulset_fully_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    timeout: int = 30,
    raise_on_not_fully_available: bool = True,
    secrets: Any = None,
) -> bool:
    """Wait up to ``timeout`` seconds for every replica the StatefulSet wants to be ready."""
    return readiness_verdict(
        ctx,
        Workload(STATEFULSETS, name, ns, label_selector),
        True,
        timeout,
        raise_on_not_fully_available,
        "microservice",
    )
