"""``chaosk8s.replicaset.actions``: declared, run natively in a later version."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import planned

__all__ = ["delete_replica_set"]


@planned(local=False)
def delete_replica_set(
    ctx: RunContext,
    name: str | None = None,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> None:
    raise NotImplementedError
