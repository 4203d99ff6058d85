"""``chaosk8s.namespace.probes``."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.reads import by_name, items
from chaos.drivers.base import NAMESPACES

__all__ = ["namespace_exists"]


@probe(local=False)
def namespace_exists(ctx: RunContext, name: str, secrets: Any = None) -> bool:
    """Whether the namespace exists."""
    return bool(items(ctx, NAMESPACES, None, None, by_name(name)))
