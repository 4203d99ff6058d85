"""``chaosk8s.service.probes``."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.reads import by_name, items, verdict
from chaos.drivers.base import SERVICES

__all__ = ["service_is_initialized"]


@probe()
def service_is_initialized(
    ctx: RunContext,
    name: str | None = None,
    ns: str = "default",
    label_selector: str | None = None,
    raise_if_service_not_initialized: bool = True,
    secrets: Any = None,
) -> bool:
    """True when a Service matches the name and/or the label selector (any, with neither)."""
    found = items(ctx, SERVICES, ns, label_selector, by_name(name))
    return verdict(
        bool(found), f"service '{name}' is not initialized", raise_if_service_not_initialized
    )
