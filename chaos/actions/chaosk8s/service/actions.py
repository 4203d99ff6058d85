"""``chaosk8s.service.actions``: declared, run natively in a later version."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import planned

__all__ = ["create_service_endpoint", "delete_service"]


@planned()
def create_service_endpoint(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError


@planned()
def delete_service(ctx: RunContext, name: str, ns: str = "default", secrets: Any = None) -> None:
    raise NotImplementedError
