"""``chaosk8s.deployment.actions``: each change undone by the rollback and `chaosrun restore`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chaos.actions import deployments, mutations
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, FROM_SNAPSHOT, PUT_BACK, SCALED_BACK, declare
from chaos.drivers.base import DEPLOYMENTS

__all__ = ["create_deployment", "delete_deployment", "rollout_deployment", "scale_deployment"]

# What ``kubectl rollout restart`` sets on the pod template: a new value rolls every pod.
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"

delete_deployment = declare("action", destructive=True, undo=FROM_SNAPSHOT)(
    deployments.delete_deployment
)
scale_deployment = declare("action", destructive=True, undo=SCALED_BACK)(
    deployments.scale_deployment
)


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def create_deployment(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    """Create the Deployment ``spec_path`` describes (JSON or YAML)."""
    mutations.create(ctx, DEPLOYMENTS, mutations.load_spec(spec_path), ns)


@declare("action", destructive=True, local=False, undo=PUT_BACK)
def rollout_deployment(
    ctx: RunContext, name: str | None = None, ns: str = "default", secrets: Any = None
) -> None:
    """Restart the Deployment's pods with a rollout, as ``kubectl rollout restart`` does."""
    from chaos.actions.errors import ActivityFailed

    if not name:
        raise ActivityFailed("rollout_deployment needs the name of the Deployment to roll")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    patch = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: now}}}}}
    mutations.update(ctx, DEPLOYMENTS, name, ns, patch)
