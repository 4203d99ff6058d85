"""A 403 said as what to do about it: the verb, the resource, and the manifests that grant it.

The runner's namespaced Role (``k8s/runner/rbac``) grants what the namespaced commands use; node
operations and evictions outside that namespace need the opt-in cluster-scope overlay.
"""

from __future__ import annotations

import re

from chaos.drivers.base import Forbidden

NAMESPACED_GRANT = "k8s/runner/rbac"
CLUSTER_GRANT = "k8s/runner/cluster-scope"
# What the cluster-scope overlay grants whatever the namespace: a drain evicts the node's pods
# wherever they run.
CLUSTER_RESOURCES = frozenset({"nodes", "pods/eviction"})

# The API server's words: 'User "u" cannot patch resource "nodes" in API group "" at the
# cluster scope' (or 'in the namespace "default"').
_DENIED = re.compile(r'cannot (?P<verb>\S+) resource "(?P<resource>[^"]+)"(?P<rest>.*)')


def forbidden(message: str, doing: str) -> Forbidden:
    found = _DENIED.search(message)
    if found is None:
        return Forbidden(
            f"chaosrun is not allowed to {doing} (403 Forbidden: {message}); grant it with "
            f"kubectl apply -k {NAMESPACED_GRANT} or, for nodes, -k {CLUSTER_GRANT}"
        )
    verb, resource, rest = found["verb"], found["resource"], found["rest"]
    cluster = "at the cluster scope" in rest or resource in CLUSTER_RESOURCES
    where = "at the cluster scope" if "at the cluster scope" in rest else _namespace(rest)
    grant = CLUSTER_GRANT if cluster else NAMESPACED_GRANT
    return Forbidden(
        f"chaosrun may not {verb} {resource} {where} (403 Forbidden): apply {grant} "
        f"(kubectl apply -k {grant}) to grant it"
    )


def _namespace(rest: str) -> str:
    named = re.search(r'namespace "([^"]+)"', rest)
    return f"in namespace {named.group(1)!r}" if named else "in its namespace"
