"""``chaosk8s.networking.probes``."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.reads import by_name, items
from chaos.drivers.base import INGRESSES

__all__ = ["ingress_exists"]


@probe(local=False)
def ingress_exists(ctx: RunContext, name: str, ns: str = "default", secrets: Any = None) -> bool:
    """Whether the Ingress exists."""
    return bool(items(ctx, INGRESSES, ns, None, by_name(name)))
