"""``chaosk8s.statefulset.actions``: declared, run natively in a later version."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import planned

__all__ = ["create_statefulset", "remove_statefulset", "scale_statefulset"]


@planned(local=False)
def create_statefulset(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError


@planned(local=False)
def scale_statefulset(
    ctx: RunContext, name: str, replicas: int, ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError


@planned(local=False)
def remove_statefulset(
    ctx: RunContext,
    name: str | None = None,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> None:
    raise NotImplementedError
