"""The modules that declare chaostoolkit-kubernetes 0.39's catalogue, by the extension's names.

``chaosk8s.pod.probes`` is declared in ``chaos.actions.chaosk8s.pod.probes``: every function it
exports (``__all__``) with what ``declare`` says of it. Only a module a file names is imported,
so validating a file that uses two functions does not import a hundred.
"""

from __future__ import annotations

import importlib
from types import ModuleType

PREFIX = "chaos.actions."

MODULES = (
    "chaosk8s",
    "chaosk8s.actions",
    "chaosk8s.probes",
    "chaosk8s.chaosmesh.network.actions",
    "chaosk8s.chaosmesh.network.probes",
    "chaosk8s.chaosmesh.stress.actions",
    "chaosk8s.chaosmesh.stress.probes",
    "chaosk8s.crd.actions",
    "chaosk8s.crd.probes",
    "chaosk8s.daemonset.actions",
    "chaosk8s.daemonset.probes",
    "chaosk8s.deployment.actions",
    "chaosk8s.deployment.probes",
    "chaosk8s.event.probes",
    "chaosk8s.namespace.actions",
    "chaosk8s.namespace.probes",
    "chaosk8s.networking.actions",
    "chaosk8s.networking.probes",
    "chaosk8s.node.actions",
    "chaosk8s.node.probes",
    "chaosk8s.pod.actions",
    "chaosk8s.pod.probes",
    "chaosk8s.replicaset.actions",
    "chaosk8s.secret.actions",
    "chaosk8s.secret.probes",
    "chaosk8s.service.actions",
    "chaosk8s.service.probes",
    "chaosk8s.statefulset.actions",
    "chaosk8s.statefulset.probes",
)


def load(name: str) -> ModuleType:
    """The module declaring the extension's module ``name`` (one of ``MODULES``)."""
    return importlib.import_module(PREFIX + name)
