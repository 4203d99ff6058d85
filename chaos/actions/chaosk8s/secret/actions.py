"""``chaosk8s.secret.actions``: each change undone by the rollback and `chaosrun restore`.

A deleted Secret's snapshot holds its values: it lives only in the run record (mode 0600, or a
Secret with --record-in-cluster), never in a journal, a report, an event or the console.
"""

from __future__ import annotations

from typing import Any

from chaos.actions import mutations
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, FROM_SNAPSHOT, declare
from chaos.actions.errors import ActivityFailed
from chaos.actions.pods import guard_namespace
from chaos.drivers.base import SECRETS, DriverError, NotFound

__all__ = ["create_secret", "delete_secret"]


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def create_secret(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    """Create the Secret ``spec_path`` describes (JSON or YAML)."""
    mutations.create(ctx, SECRETS, mutations.load_spec(spec_path), ns)


@declare("action", destructive=True, local=False, undo=FROM_SNAPSHOT)
def delete_secret(ctx: RunContext, name: str, ns: str = "default", secrets: Any = None) -> None:
    """Delete the Secret ``name``. One the runner may not read cannot be snapshotted, so its
    deletion cannot be undone: refused unless --allow-irreversible."""
    try:
        ctx.driver().read_object(SECRETS, name, ns)
    except NotFound:
        raise ActivityFailed(f"Secret '{name}' not found in namespace '{ns}'") from None
    except DriverError as exc:
        if not ctx.allow_irreversible:
            raise ActivityFailed(
                f"Secret '{name}' in namespace '{ns}' cannot be read by the runner ({exc}), so "
                "its deletion could not be undone (pass --allow-irreversible if you really mean it)"
            ) from None
        guard_namespace(ctx, ns)
        if not ctx.announce_dry_run("delete Secret", ns, [name]):
            ctx.irreversible(f"delete Secret {ns}/{name}, which the runner may not read")
            ctx.driver().delete_object(SECRETS, name, ns)
        return
    mutations.delete(ctx, SECRETS, [name], ns)
