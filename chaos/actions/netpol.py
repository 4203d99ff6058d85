"""NetworkPolicies that cut pods off: chaosk8s' deny-all and allow-DNS helpers, and the one
``chaosrun partition`` creates. Each is created (the undo deletes it) through ``objects.py``."""

from __future__ import annotations

from typing import Any

from chaos.drivers.base import NETWORKPOLICIES
from chaos.drivers.labels import parse_selector

# The names chaosk8s gives its helper policies: its remove_* functions delete them by name.
DENY_INGRESS = "chaostoolkit-deny-all-ingress"
DENY_EGRESS = "chaostoolkit-deny-all-egress"
ALLOW_DNS = "chaostoolkit-allow-dns"
PARTITION = "chaosrun-partition"

DNS_PORTS = [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]


def pod_selector(labels: dict[str, Any] | None) -> dict[str, Any]:
    """Every pod of the namespace when ``labels`` is empty, as chaosk8s does."""
    return {"matchLabels": dict(labels)} if labels else {}


_OPERATORS = {"in": "In", "notin": "NotIn", "exists": "Exists", "!exists": "DoesNotExist"}


def selector_of(selector: str) -> dict[str, Any]:
    """A label selector (``app=back,tier in (a,b)``) as a NetworkPolicy's ``podSelector``
    (``SelectorError`` when it does not parse)."""
    labels: dict[str, str] = {}
    expressions: list[dict[str, Any]] = []
    for term in parse_selector(selector):
        if term.op == "in" and len(term.values) == 1:
            labels[term.key] = next(iter(term.values))
            continue
        expression: dict[str, Any] = {"key": term.key, "operator": _OPERATORS[term.op]}
        if term.values:
            expression["values"] = sorted(term.values)
        expressions.append(expression)
    found: dict[str, Any] = {}
    if labels:
        found["matchLabels"] = labels
    if expressions:
        found["matchExpressions"] = expressions
    return found


def selector_text(pod_selector: Any) -> str:
    """A ``podSelector`` as a label selector (empty: every pod of the namespace)."""
    if not isinstance(pod_selector, dict):
        return ""
    terms = [f"{k}={v}" for k, v in sorted((pod_selector.get("matchLabels") or {}).items())]
    for expression in pod_selector.get("matchExpressions") or []:
        key, operator = expression.get("key"), expression.get("operator")
        values = ",".join(sorted(str(v) for v in expression.get("values") or []))
        terms.append(
            {"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})"}.get(
                operator, key if operator == "Exists" else f"!{key}"
            )
        )
    return ",".join(terms)


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
    pods: dict[str, Any], ingress: bool, egress: bool, allow_dns_lookups: bool
) -> dict[str, Any]:
    """The policy of ``chaosrun partition``: the pods ``pods`` selects get no traffic in
    (``ingress``) and/or out (``egress``), save DNS lookups with ``allow_dns_lookups``. A
    policy that lists no rule for a type it names lets no traffic of that type through."""
    types = [t for t, on in (("Ingress", ingress), ("Egress", egress)) if on]
    spec: dict[str, Any] = {"podSelector": pods, "policyTypes": types}
    if ingress:
        spec["ingress"] = []
    if egress:
        dns = [{"to": [{"namespaceSelector": {}}], "ports": DNS_PORTS}]
        spec["egress"] = dns if allow_dns_lookups else []
    return policy(PARTITION, spec, {"app.kubernetes.io/managed-by": "chaosrun"})
