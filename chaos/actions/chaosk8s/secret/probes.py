"""``chaosk8s.secret.probes``: whether a Secret exists (its values are never returned)."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.reads import by_name, items
from chaos.drivers.base import SECRETS

__all__ = ["secret_exists"]


@probe(local=False)
def secret_exists(
    ctx: RunContext,
    name: str | None = None,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> bool:
    """Whether a Secret matches the name and/or the label selector (any, with neither)."""
    return bool(items(ctx, SECRETS, ns, label_selector, by_name(name)))
