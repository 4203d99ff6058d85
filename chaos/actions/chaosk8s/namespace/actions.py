"""``chaosk8s.namespace.actions``: declared, run natively in a later version."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import IRREVERSIBLE, planned

__all__ = ["create_namespace", "delete_namespace"]


@planned(local=False)
def create_namespace(
    ctx: RunContext,
    name: str | None = None,
    spec_path: str | None = None,
    secrets: Any = None,
) -> None:
    raise NotImplementedError


@planned(local=False, undo=IRREVERSIBLE)
def delete_namespace(ctx: RunContext, name: str, secrets: Any = None) -> None:
    raise NotImplementedError
