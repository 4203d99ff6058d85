"""``chaosk8s.chaosmesh.stress.probes``: Chaos Mesh StressChaos objects."""

from __future__ import annotations

from typing import Any

from chaos.actions.chaosk8s.crd.probes import get_custom_object, list_custom_objects
from chaos.actions.context import RunContext
from chaos.actions.declare import probe

__all__ = ["get_stressor", "get_stressors"]

GROUP, VERSION, PLURAL = "chaos-mesh.org", "v1alpha1", "stresschaos"


@probe(local=False)
def get_stressors(ctx: RunContext, ns: str = "default", secrets: Any = None) -> dict[str, Any]:
    """The namespace's StressChaos objects, as the API lists them."""
    return list_custom_objects(ctx, GROUP, VERSION, PLURAL, ns)


@probe(local=False)
def get_stressor(
    ctx: RunContext, name: str, ns: str = "default", secrets: Any = None
) -> dict[str, Any]:
    """One StressChaos object."""
    return get_custom_object(ctx, GROUP, VERSION, PLURAL, name, ns)
