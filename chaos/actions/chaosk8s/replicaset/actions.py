"""``chaosk8s.replicaset.actions``: the deletion undone by the rollback and `chaosrun restore`."""

from __future__ import annotations

from typing import Any

from chaos.actions import mutations
from chaos.actions.context import RunContext
from chaos.actions.declare import FROM_SNAPSHOT, declare
from chaos.drivers.base import REPLICASETS

__all__ = ["delete_replica_set"]


@declare("action", destructive=True, local=False, undo=FROM_SNAPSHOT)
def delete_replica_set(
    ctx: RunContext,
    name: str | None = None,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> None:
    """Delete the ReplicaSet ``name`` (or those ``label_selector`` picks). One a Deployment
    owns comes back through it anyway; the snapshot covers one that stands alone."""
    names = mutations.selected(ctx, REPLICASETS, name, ns, label_selector)
    mutations.delete(ctx, REPLICASETS, names, ns)
