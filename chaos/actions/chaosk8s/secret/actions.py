"""``chaosk8s.secret.actions``: declared, run natively in a later version."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import planned

__all__ = ["create_secret", "delete_secret"]


@planned(local=False)
def create_secret(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError


@planned(local=False)
def delete_secret(ctx: RunContext, name: str, ns: str = "default", secrets: Any = None) -> None:
    raise NotImplementedError
