"""``chaosk8s.deployment.probes``: a Deployment's replicas available, ready, or not."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.reads import count, verdict
from chaos.actions.workloads import Workload, readiness_verdict
from chaos.drivers.base import DEPLOYMENTS

__all__ = [
    "deployment_available_and_healthy",
    "deployment_fully_available",
    "deployment_not_fully_available",
    "deployment_partially_available",
]


@probe()
def deployment_available_and_healthy(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    raise_on_unavailable: bool = True,
    secrets: Any = None,
) -> bool | None:
    """True when the Deployment has as many available replicas as it wants."""
    found = Workload(DEPLOYMENTS, name, ns, label_selector).found(ctx)
    if not found:
        return verdict(False, f"Deployment '{name}' was not found", raise_on_unavailable)
    healthy = all(
        count(d, "status", "availableReplicas") == count(d, "spec", "replicas") for d in found
    )
    return verdict(healthy, f"Deployment '{name}' is not healthy", raise_on_unavailable)


@probe()
def deployment_partially_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    raise_on_not_partially_available: bool = True,
    secrets: Any = None,
) -> bool | None:
    """True when the Deployment has at least one available replica."""
    found = Workload(DEPLOYMENTS, name, ns, label_selector).found(ctx)
    if not found:
        return verdict(
            False, f"Deployment '{name}' was not found", raise_on_not_partially_available
        )
    return verdict(
        count(found[0], "status", "availableReplicas") >= 1,
        f"Deployment '{name}' is not healthy",
        raise_on_not_partially_available,
    )


@probe()
def deployment_not_fully_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    timeout: int = 30,
    raise_on_fully_available: bool = True,
    secrets: Any = None,
) -> bool | None:
    """Wait up to ``timeout`` seconds for the Deployment to have fewer ready replicas than
    it wants; True once it has."""
    return readiness_verdict(
        ctx,
        Workload(DEPLOYMENTS, name, ns, label_selector),
        False,
        timeout,
        raise_on_fully_available,
        "deployment",
    )


@probe()
def deployment_fully_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    timeout: int = 30,
    raise_on_not_fully_available: bool = True,
    secrets: Any = None,
) -> bool | None:
    """Wait up to ``timeout`` seconds for every replica the Deployment wants to be ready."""
    return readiness_verdict(
        ctx,
        Workload(DEPLOYMENTS, name, ns, label_selector),
        True,
        timeout,
        raise_on_not_fully_available,
        "deployment",
    )
