"""Kubernetes target, through the official ``kubernetes`` client.

Importing this package imports ``kubernetes`` (slow); the CLI and the engine import it only
when a run targets a cluster.
"""

from chaos.drivers.kubernetes.driver import KubernetesDriver
from chaos.drivers.kubernetes.pod_security import (
    CONTAINER_SECURITY_CONTEXT,
    POD_SECURITY_CONTEXT,
    restricted_pod_spec,
)

__all__ = [
    "CONTAINER_SECURITY_CONTEXT",
    "POD_SECURITY_CONTEXT",
    "KubernetesDriver",
    "restricted_pod_spec",
]
