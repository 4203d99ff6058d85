"""``chaosk8s.probes``: the extension's first, deprecated names, each calling its successor
as chaosk8s 0.39 does (``microservice_available_and_healthy`` returns None, as there)."""

from __future__ import annotations

from typing import Any

from chaos.actions import pods
from chaos.actions.chaosk8s.deployment import probes as deployment
from chaos.actions.chaosk8s.pod.probes import pod_is_not_available
from chaos.actions.chaosk8s.service.probes import service_is_initialized
from chaos.actions.context import RunContext
from chaos.actions.declare import probe

__all__ = [
    "all_microservices_healthy",
    "all_pods_healthy",
    "deployment_is_fully_available",
    "deployment_is_not_fully_available",
    "microservice_available_and_healthy",
    "microservice_is_not_available",
    "service_endpoint_is_initialized",
]

# chaosrun's name for the tutorial's probe (chaosk8s keeps it in pod.probes, unexported).
all_pods_healthy = probe()(pods.all_pods_healthy)
all_microservices_healthy = probe()(pods.all_microservices_healthy)


@probe()
def microservice_available_and_healthy(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> bool | None:
    """Fails as ``deployment_available_and_healthy`` does; returns nothing."""
    deployment.deployment_available_and_healthy(ctx, name, ns, label_selector)
    return None


@probe()
def microservice_is_not_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str = "name in ({name})",
    secrets: Any = None,
) -> bool:
    """``pod_is_not_available``."""
    return pod_is_not_available(ctx, name, ns, label_selector)


@probe()
def service_endpoint_is_initialized(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str = "name in ({name})",
    secrets: Any = None,
) -> bool:
    """``service_is_initialized`` (``{name}`` in the selector is ``name``)."""
    selector = label_selector.format(name=name) if label_selector else None
    return service_is_initialized(ctx, name, ns, selector)


@probe()
def deployment_is_not_fully_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    timeout: int = 30,
    secrets: Any = None,
) -> bool | None:
    """``deployment_not_fully_available``."""
    return deployment.deployment_not_fully_available(ctx, name, ns, label_selector, timeout)


@probe()
def deployment_is_fully_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    timeout: int = 30,
    secrets: Any = None,
) -> bool | None:
    """``deployment_fully_available``."""
    return deployment.deployment_fully_available(ctx, name, ns, label_selector, timeout)
