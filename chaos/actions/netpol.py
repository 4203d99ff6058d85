"""NetworkPolicies that cut pods off: chaosk8s' deny-all and allow-DNS helpers, and the one
``chaosrun partition`` creates. Each is created (the undo deletes it) through ``objects.py``."""

from __future__ import annotations

from typing import Any

from chaos.drivers.base import NETWORKPOLICIES

# The names chaosk8s gives its helper policies: its remove_* functions delete them by name.
DENY_INGRESS = "chaostoolkit-deny-all-ingress"
DENY_EGRESS = "chaostoolkit-deny-all-egress"
ALLOW_DNS = "chaostoolkit-allow-dns"
PARTITION = "chaosrun-partition"

DNS_PORTS = [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]


def pod_selector(labels: dict[str, Any] | None) -> dict[str, Any]:
    """Every pod of the namespace when ``labels`` is empty, as chaosk8s does."""
    return {"matchLabels": dict(labels)} if labels else {}


def policy(name: str, spec: dict[str, Any], labels: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if labels:
        metadata["labels"] = labels
    return {
        "apiVersion": NETWORKPOLICIES.api_version,
        "kind": NETWORKPOLICIES.kind,
        "metadata": metadata,
        "spec": spec,
    }


def deny_ingress(labels: dict[str, Any] | None) -> dict[str, Any]:
    return policy(
        DENY_INGRESS,
        {"podSelector": pod_selector(labels), "policyTypes": ["Ingress"], "ingress": []},
    )


def deny_egress(labels: dict[str, Any] | None) -> dict[str, Any]:
    return policy(DENY_EGRESS, {"podSelector": pod_selector(labels), "policyTypes": ["Egress"]})


def allow_dns(labels: dict[str, Any] | None) -> dict[str, Any]:
    return policy(
        ALLOW_DNS,
        {
            "podSelector": pod_selector(labels),
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"namespaceSelector": {}}], "ports": DNS_PORTS}],
        },
    )


def partition(
    labels: dict[str, str], ingress: bool, egress: bool, allow_dns_lookups: bool
) -> dict[str, Any]:
    """The policy of ``chaosrun partition``: the selected pods get no traffic in (``ingress``)
    and/or out (``egress``), save DNS lookups with ``allow_dns_lookups``. A policy lists no
    rule for a type it denies: traffic of that type then matches none."""
    types = [t for t, on in (("Ingress", ingress), ("Egress", egress)) if on]
    spec: dict[str, Any] = {"podSelector": pod_selector(labels), "policyTypes": types}
    if ingress:
        spec["ingress"] = []
    if egress:
        spec["egress"] = (
            [{"to": [{"namespaceSelector": {}}], "ports": DNS_PORTS}] if (allow_dns_lookups) else []
        )
    return policy(PARTITION, spec, {"app.kubernetes.io/managed-by": "chaosrun"})
