"""``chaosk8s.service.actions``: each change undone by the rollback and `chaosrun restore`."""

from __future__ import annotations

from typing import Any

from chaos.actions import mutations
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, FROM_SNAPSHOT, declare
from chaos.drivers.base import SERVICES

__all__ = ["create_service_endpoint", "delete_service"]


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def create_service_endpoint(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    """Create the Service ``spec_path`` describes (JSON or YAML)."""
    mutations.create(ctx, SERVICES, mutations.load_spec(spec_path), ns)


@declare("action", destructive=True, local=False, undo=FROM_SNAPSHOT)
def delete_service(ctx: RunContext, name: str, ns: str = "default", secrets: Any = None) -> None:
    """Delete the Service ``name``; re-created from its snapshot (a new cluster IP)."""
    mutations.delete(ctx, SERVICES, [name], ns)
