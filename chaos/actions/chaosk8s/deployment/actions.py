"""``chaosk8s.deployment.actions``."""

from __future__ import annotations

from typing import Any

from chaos.actions import deployments
from chaos.actions.context import RunContext
from chaos.actions.declare import FROM_SNAPSHOT, declare, planned

__all__ = ["create_deployment", "delete_deployment", "rollout_deployment", "scale_deployment"]

delete_deployment = declare("action", destructive=True, undo=FROM_SNAPSHOT)(
    deployments.delete_deployment
)
scale_deployment = declare("action", destructive=True)(deployments.scale_deployment)


@planned()
def create_deployment(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError


@planned()
def rollout_deployment(
    ctx: RunContext, name: str | None = None, ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError
