"""Kubernetes target, through the official ``kubernetes`` client.

Importing this package imports ``kubernetes`` (slow); the CLI and the engine import it only
when a run targets a cluster.
"""

from chaos.drivers.kubernetes.driver import KubernetesDriver

__all__ = ["KubernetesDriver"]
