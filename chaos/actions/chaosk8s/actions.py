"""``chaosk8s.actions``: the extension's first, deprecated names, mapped as it maps them."""

from __future__ import annotations

from typing import Any

from chaos.actions import deployments, mutations, pods
from chaos.actions.context import RunContext
from chaos.actions.declare import BY_CONTROLLERS, DELETED_BACK, FROM_SNAPSHOT, SCALED_BACK, declare
from chaos.drivers.base import DEPLOYMENTS, SERVICES

__all__ = [
    "kill_microservice",
    "remove_service_endpoint",
    "scale_microservice",
    "start_microservice",
]


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def start_microservice(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    """Create the Deployment ``spec_path`` describes: ``create_deployment``."""
    mutations.create(ctx, DEPLOYMENTS, mutations.load_spec(spec_path), ns)


@declare("action", destructive=True, local=False, undo=FROM_SNAPSHOT)
def remove_service_endpoint(
    ctx: RunContext, name: str, ns: str = "default", secrets: Any = None
) -> None:
    """Delete the Service ``name``: ``delete_service``."""
    mutations.delete(ctx, SERVICES, [name], ns)


@declare("action", destructive=True, undo=SCALED_BACK)
def scale_microservice(
    ctx: RunContext, name: str, replicas: int, ns: str = "default", secrets: Any = None
) -> None:
    """``scale_deployment`` under its old name."""
    deployments.scale_deployment(ctx, name, replicas, ns=ns)


@declare("action", destructive=True, undo=BY_CONTROLLERS)
def kill_microservice(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str = "name in ({name})",
    secrets: Any = None,
) -> None:
    """Delete the pods selected (``{name}`` in the selector is ``name``): ``delete_pods``."""
    pods.delete_pods(ctx, name, ns=ns, label_selector=label_selector)
