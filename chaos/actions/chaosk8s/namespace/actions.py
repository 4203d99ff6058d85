"""``chaosk8s.namespace.actions``: a created Namespace is deleted by the rollback and
`chaosrun restore`; a deleted one cannot come back (everything in it is gone)."""

from __future__ import annotations

from typing import Any

from chaos.actions import mutations
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, IRREVERSIBLE, declare
from chaos.actions.errors import ActivityFailed
from chaos.actions.pods import guard_namespace
from chaos.drivers.base import NAMESPACES

__all__ = ["create_namespace", "delete_namespace"]


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def create_namespace(
    ctx: RunContext,
    name: str | None = None,
    spec_path: str | None = None,
    secrets: Any = None,
) -> None:
    """Create the Namespace ``spec_path`` describes, else one named ``name``."""
    if spec_path:
        body = mutations.load_spec(spec_path)
    elif name:
        body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    else:
        raise ActivityFailed("You need to either specify name or spec_path")
    mutations.create(ctx, NAMESPACES, body, None)


@declare("action", destructive=True, local=False, undo=IRREVERSIBLE, irreversible=True)
def delete_namespace(ctx: RunContext, name: str, secrets: Any = None) -> None:
    """Delete the Namespace ``name`` and all it holds: refused unless --allow-irreversible."""
    guard_namespace(ctx, name)
    if ctx.announce_dry_run("delete Namespace", "-", [name]):
        return
    if not ctx.allow_irreversible:
        raise ActivityFailed(
            f"deleting Namespace {name!r} cannot be undone (pass --allow-irreversible if you "
            "really mean it)"
        )
    ctx.irreversible(f"delete Namespace {name} and everything in it")
    ctx.driver().delete_object(NAMESPACES, name, None)
