"""``chaosk8s.event.probes``."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.reads import listing
from chaos.drivers.base import EVENTS

__all__ = ["get_events"]


@probe(local=False)
def get_events(
    ctx: RunContext,
    label_selector: str | None = None,
    field_selector: str | None = None,
    limit: int = 100,
    configuration: Any = None,
    secrets: Any = None,
) -> dict[str, Any]:
    """The API's list of events (``events.k8s.io/v1``) across all namespaces."""
    return listing(ctx, EVENTS, None, label_selector, field_selector, limit)
