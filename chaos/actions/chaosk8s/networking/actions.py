"""``chaosk8s.networking.actions``: declared, run natively in a later version."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import planned

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


@planned(local=False)
def create_ingress(
    ctx: RunContext, spec_path: str, ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError


@planned(local=False)
def delete_ingress(ctx: RunContext, name: str, ns: str = "default", secrets: Any = None) -> None:
    raise NotImplementedError


@planned(local=False)
def update_ingress(
    ctx: RunContext, name: str, spec: dict[str, Any], ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError


@planned(local=False)
def create_network_policy(
    ctx: RunContext,
    spec: dict[str, Any] | None = None,
    spec_path: str | None = None,
    ns: str = "default",
    secrets: Any = None,
) -> None:
    raise NotImplementedError


@planned(local=False)
def remove_network_policy(
    ctx: RunContext, name: str, ns: str = "default", secrets: Any = None
) -> None:
    raise NotImplementedError


@planned(local=False)
def deny_all_ingress(
    ctx: RunContext,
    label_selectors: dict[str, Any] | None = None,
    ns: str = "default",
    secrets: Any = None,
) -> None:
    raise NotImplementedError


@planned(local=False)
def remove_deny_all_ingress(ctx: RunContext, ns: str = "default", secrets: Any = None) -> None:
    raise NotImplementedError


@planned(local=False)
def deny_all_egress(
    ctx: RunContext,
    label_selectors: dict[str, Any] | None = None,
    ns: str = "default",
    secrets: Any = None,
) -> None:
    raise NotImplementedError


@planned(local=False)
def remove_deny_all_egress(ctx: RunContext, ns: str = "default", secrets: Any = None) -> None:
    raise NotImplementedError


@planned(local=False)
def allow_dns_access(
    ctx: RunContext,
    label_selectors: dict[str, Any] | None = None,
    ns: str = "default",
    secrets: Any = None,
) -> None:
    raise NotImplementedError


@planned(local=False)
def remove_allow_dns_access(ctx: RunContext, ns: str = "default", secrets: Any = None) -> None:
    raise NotImplementedError
