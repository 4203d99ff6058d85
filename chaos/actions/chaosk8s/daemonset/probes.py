"""``chaosk8s.daemonset.probes``: these answer False rather than raise, as in chaosk8s."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.reads import count
from chaos.actions.workloads import Workload, fully_ready, reaches_readiness
from chaos.drivers.base import DAEMONSETS

__all__ = [
    "daemon_set_available_and_healthy",
    "daemon_set_fully_available",
    "daemon_set_not_fully_available",
    "daemon_set_partially_available",
]


@probe(local=False)
def daemon_set_available_and_healthy(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> bool:
    """True when the DaemonSet exists and has a ready pod on every node it is scheduled on."""
    found = Workload(DAEMONSETS, name, ns, label_selector).found(ctx)
    return bool(found) and all(fully_ready(d, DAEMONSETS) for d in found)


@probe(local=False)
def daemon_set_partially_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> bool:
    """True when the DaemonSet has at least one ready pod."""
    found = Workload(DAEMONSETS, name, ns, label_selector).found(ctx)
    return bool(found) and count(found[0], "status", "numberReady") >= 1


@probe(local=False)
def daemon_set_not_fully_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    timeout: int = 30,
    secrets: Any = None,
) -> bool:
    """Wait up to ``timeout`` seconds for the DaemonSet to miss a ready pod; True once so."""
    return reaches_readiness(ctx, Workload(DAEMONSETS, name, ns, label_selector), False, timeout)


@probe(local=False)
def daemon_set_fully_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    timeout: int = 30,
    secrets: Any = None,
) -> bool:
    """Wait up to ``timeout`` seconds for the DaemonSet's pods all to be ready."""
    return reaches_readiness(ctx, Workload(DAEMONSETS, name, ns, label_selector), True, timeout)
