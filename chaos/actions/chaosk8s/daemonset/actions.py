"""``chaosk8s.daemonset.actions``: declared, run natively in a later version."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import planned

__all__ = ["create_daemon_set", "delete_daemon_set", "update_daemon_set"]


@planned(local=False)
def create_daemon_set(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError


@planned(local=False)
def delete_daemon_set(
    ctx: RunContext,
    name: str | None = None,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> None:
    raise NotImplementedError


@planned(local=False)
def update_daemon_set(
    ctx: RunContext, name: str, spec: dict[str, Any], ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError
