"""The modules that declare chaostoolkit-kubernetes 0.39's catalogue, in the extension's
order; the registry registers every function each one exports (``__all__``)."""

from __future__ import annotations

from types import ModuleType

import chaos.actions.chaosk8s as root
from chaos.actions.chaosk8s import actions, probes
from chaos.actions.chaosk8s.chaosmesh.network import actions as network_actions
from chaos.actions.chaosk8s.chaosmesh.network import probes as network_probes
from chaos.actions.chaosk8s.chaosmesh.stress import actions as stress_actions
from chaos.actions.chaosk8s.chaosmesh.stress import probes as stress_probes
from chaos.actions.chaosk8s.crd import actions as crd_actions
from chaos.actions.chaosk8s.crd import probes as crd_probes
from chaos.actions.chaosk8s.daemonset import actions as daemonset_actions
from chaos.actions.chaosk8s.daemonset import probes as daemonset_probes
from chaos.actions.chaosk8s.deployment import actions as deployment_actions
from chaos.actions.chaosk8s.deployment import probes as deployment_probes
from chaos.actions.chaosk8s.event import probes as event_probes
from chaos.actions.chaosk8s.namespace import actions as namespace_actions
from chaos.actions.chaosk8s.namespace import probes as namespace_probes
from chaos.actions.chaosk8s.networking import actions as networking_actions
from chaos.actions.chaosk8s.networking import probes as networking_probes
from chaos.actions.chaosk8s.node import actions as node_actions
from chaos.actions.chaosk8s.node import probes as node_probes
from chaos.actions.chaosk8s.pod import actions as pod_actions
from chaos.actions.chaosk8s.pod import probes as pod_probes
from chaos.actions.chaosk8s.replicaset import actions as replicaset_actions
from chaos.actions.chaosk8s.secret import actions as secret_actions
from chaos.actions.chaosk8s.secret import probes as secret_probes
from chaos.actions.chaosk8s.service import actions as service_actions
from chaos.actions.chaosk8s.service import probes as service_probes
from chaos.actions.chaosk8s.statefulset import actions as statefulset_actions
from chaos.actions.chaosk8s.statefulset import probes as statefulset_probes

PREFIX = "chaos.actions."

MODULES: tuple[ModuleType, ...] = (
    root,
    actions,
    probes,
    network_actions,
    network_probes,
    stress_actions,
    stress_probes,
    crd_actions,
    crd_probes,
    daemonset_actions,
    daemonset_probes,
    deployment_actions,
    deployment_probes,
    event_probes,
    namespace_actions,
    namespace_probes,
    networking_actions,
    networking_probes,
    node_actions,
    node_probes,
    pod_actions,
    pod_probes,
    replicaset_actions,
    secret_actions,
    secret_probes,
    service_actions,
    service_probes,
    statefulset_actions,
    statefulset_probes,
)


def extension_name(module: ModuleType) -> str:
    """``chaos.actions.chaosk8s.pod.probes`` -> ``chaosk8s.pod.probes``."""
    return module.__name__.removeprefix(PREFIX)
