"""``chaosk8s.daemonset.actions``: each change undone by the rollback and `chaosrun restore`."""

from __future__ import annotations

from typing import Any

from chaos.actions import mutations
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, FROM_SNAPSHOT, PUT_BACK, declare
from chaos.drivers.base import DAEMONSETS

__all__ = ["create_daemon_set", "delete_daemon_set", "update_daemon_set"]


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def create_daemon_set(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    """Create the DaemonSet ``spec_path`` describes (JSON or YAML)."""
    mutations.create(ctx, DAEMONSETS, mutations.load_spec(spec_path), ns)


@declare("action", destructive=True, local=False, undo=FROM_SNAPSHOT)
def delete_daemon_set(
    ctx: RunContext,
    name: str | None = None,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> None:
    """Delete the DaemonSet ``name`` (or those ``label_selector`` picks)."""
    names = mutations.selected(ctx, DAEMONSETS, name, ns, label_selector)
    mutations.delete(ctx, DAEMONSETS, names, ns)


@declare("action", destructive=True, local=False, undo=PUT_BACK)
def update_daemon_set(
    ctx: RunContext, name: str, spec: dict[str, Any], ns: str = "default", secrets: Any = None
) -> None:
    """Patch the DaemonSet with ``spec`` (a merge patch of the object)."""
    mutations.update(ctx, DAEMONSETS, name, ns, spec)
