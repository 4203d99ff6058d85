"""``chaosk8s.statefulset.actions``: each change undone by the rollback and `chaosrun restore`."""

from __future__ import annotations

from typing import Any

from chaos.actions import mutations
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, FROM_SNAPSHOT, SCALED_BACK, declare
from chaos.drivers.base import STATEFULSETS

__all__ = ["create_statefulset", "remove_statefulset", "scale_statefulset"]


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def create_statefulset(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    """Create the StatefulSet ``spec_path`` describes (JSON or YAML)."""
    mutations.create(ctx, STATEFULSETS, mutations.load_spec(spec_path), ns)


@declare("action", destructive=True, local=False, undo=SCALED_BACK)
def scale_statefulset(
    ctx: RunContext, name: str, replicas: int, ns: str = "default", secrets: Any = None
) -> None:
    """Scale a StatefulSet to ``replicas``."""
    mutations.scale(ctx, STATEFULSETS, name, replicas, ns)


@declare("action", destructive=True, local=False, undo=FROM_SNAPSHOT)
def remove_statefulset(
    ctx: RunContext,
    name: str | None = None,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> None:
    """Delete the StatefulSet ``name`` (or those ``label_selector`` picks)."""
    names = mutations.selected(ctx, STATEFULSETS, name, ns, label_selector)
    mutations.delete(ctx, STATEFULSETS, names, ns)
