"""``chaosk8s.networking.actions``: Ingresses and NetworkPolicies, as chaosk8s 0.39 changes
them; each change undone by the rollback or ``chaosrun restore`` (created -> deleted, deleted
or updated -> back as its snapshot)."""

from __future__ import annotations

from typing import Any

from chaos.actions import netpol, objects
from chaos.actions.affected import guard_cutoff
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, FROM_SNAPSHOT, PUT_BACK, declare
from chaos.actions.errors import ActivityFailed
from chaos.actions.mutations import load_spec
from chaos.drivers.base import INGRESSES, NETWORKPOLICIES

__all__ = [
    "allow_dns_access",
    "create_ingress",
    "create_network_policy",
    "delete_ingress",
    "deny_all_egress",
    "deny_all_ingress",
    "remove_allow_dns_access",
    "remove_deny_all_egress",
    "remove_deny_all_ingress",
    "remove_network_policy",
    "update_ingress",
]


def _cutting_off(ctx: RunContext, ns: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body``, once the pods it isolates are within the run's blast radius."""
    spec = body.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    name = str((body.get("metadata") or {}).get("name") or "")
    guard_cutoff(ctx, ns, netpol.selector_text(spec.get("podSelector")), name)
    return body


CREATES = {"destructive": True, "local": False, "undo": DELETED_BACK}
DELETES = {"destructive": True, "local": False, "undo": FROM_SNAPSHOT}


@declare("action", **CREATES)
def create_ingress(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    """Create the Ingress in the JSON or YAML file ``spec_path``."""
    objects.create(ctx, INGRESSES, ns, load_spec(spec_path))


@declare("action", **DELETES)
def delete_ingress(ctx: RunContext, name: str, ns: str = "default", secrets: Any = None) -> None:
    objects.delete(ctx, INGRESSES, ns, name)


@declare("action", destructive=True, local=False, undo=PUT_BACK)
def update_ingress(
    ctx: RunContext, name: str, spec: dict[str, Any], ns: str = "default", secrets: Any = None
) -> None:
    """Patch the Ingress with ``spec`` (a merge patch of the object: ``{"spec": {...}}``)."""
    if not isinstance(spec, dict):
        raise ActivityFailed(f"spec must be a mapping, not {type(spec).__name__}")
    objects.patch(ctx, INGRESSES, ns, name, spec)


@declare("action", **CREATES)
def create_network_policy(
    ctx: RunContext,
    spec: dict[str, Any] | None = None,
    spec_path: str | None = None,
    ns: str = "default",
    secrets: Any = None,
) -> None:
    """Create the NetworkPolicy ``spec``, or the one in the JSON or YAML file ``spec_path``."""
    if spec_path:
        spec = load_spec(spec_path)
    if not isinstance(spec, dict):
        raise ActivityFailed("create_network_policy needs spec (a mapping) or spec_path")
    objects.create(ctx, NETWORKPOLICIES, ns, _cutting_off(ctx, ns, spec))


@declare("action", **DELETES)
def remove_network_policy(
    ctx: RunContext, name: str, ns: str = "default", secrets: Any = None
) -> None:
    objects.delete(ctx, NETWORKPOLICIES, ns, name)


@declare("action", **CREATES)
def deny_all_ingress(
    ctx: RunContext,
    label_selectors: dict[str, Any] | None = None,
    ns: str = "default",
    secrets: Any = None,
) -> None:
    """No traffic into the pods of ``label_selectors`` (every pod of ``ns`` without)."""
    objects.create(
        ctx, NETWORKPOLICIES, ns, _cutting_off(ctx, ns, netpol.deny_ingress(label_selectors))
    )


@declare("action", **DELETES)
def remove_deny_all_ingress(ctx: RunContext, ns: str = "default", secrets: Any = None) -> None:
    objects.delete(ctx, NETWORKPOLICIES, ns, netpol.DENY_INGRESS)


@declare("action", **CREATES)
def deny_all_egress(
    ctx: RunContext,
    label_selectors: dict[str, Any] | None = None,
    ns: str = "default",
    secrets: Any = None,
) -> None:
    """No traffic out of the pods of ``label_selectors`` (every pod of ``ns`` without)."""
    objects.create(
        ctx, NETWORKPOLICIES, ns, _cutting_off(ctx, ns, netpol.deny_egress(label_selectors))
    )


@declare("action", **DELETES)
def remove_deny_all_egress(ctx: RunContext, ns: str = "default", secrets: Any = None) -> None:
    objects.delete(ctx, NETWORKPOLICIES, ns, netpol.DENY_EGRESS)


@declare("action", **CREATES)
def allow_dns_access(
    ctx: RunContext,
    label_selectors: dict[str, Any] | None = None,
    ns: str = "default",
    secrets: Any = None,
) -> None:
    """Let the pods of ``label_selectors`` (every pod of ``ns`` without) reach DNS (port 53)."""
    objects.create(ctx, NETWORKPOLICIES, ns, netpol.allow_dns(label_selectors))


@declare("action", **DELETES)
def remove_allow_dns_access(ctx: RunContext, ns: str = "default", secrets: Any = None) -> None:
    objects.delete(ctx, NETWORKPOLICIES, ns, netpol.ALLOW_DNS)
