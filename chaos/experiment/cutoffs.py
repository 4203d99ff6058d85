"""The experiments behind ``chaosrun partition`` and ``chaosrun drain``: pods cut off from the
network by a NetworkPolicy, or a node cordoned and its pods evicted. Each runs the catalogue's
own function as its method and chaosrun's undo of every change of the run as its rollback, so
the record, ``chaosrun restore`` and the file's form are those of any other run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chaos.defaults import DRAIN_TIMEOUT, NAMESPACE, PARTITION_SELECTOR, PAUSE
from chaos.errors import BadInput
from chaos.experiment.builtin import Chaos, builtin_experiment, experiment_of, python_action

if TYPE_CHECKING:
    from chaos.drivers.base import Driver


@dataclass(frozen=True)
class PartitionChaos:
    """``chaosrun partition``: whose traffic to deny, which way (neither flag: both ways)."""

    selector: str = PARTITION_SELECTOR
    ingress: bool = False
    egress: bool = False
    allow_dns: bool = False
    namespace: str = NAMESPACE
    pause: float = PAUSE
    rollback: bool = True
    source = "partition"

    @property
    def directions(self) -> tuple[bool, bool]:
        both = not self.ingress and not self.egress
        return self.ingress or both, self.egress or both

    def policy(self) -> dict[str, Any]:
        """The NetworkPolicy it creates; ``BadInput`` for a selector that does not parse."""
        from chaos.actions import netpol
        from chaos.drivers.labels import SelectorError

        try:
            pods = netpol.selector_of(self.selector)
        except SelectorError as exc:
            raise BadInput(f"--selector {self.selector!r} is not a label selector: {exc}") from None
        if not pods:
            raise BadInput(
                "--selector must not be empty: a partition of every pod in the namespace is "
                "refused (name the pods, e.g. --selector app=back)"
            )
        ingress, egress = self.directions
        return netpol.partition(pods, ingress, egress, self.allow_dns)


@dataclass(frozen=True)
class DrainChaos:
    """``chaosrun drain``: the node (or the nodes of a label selector) to drain."""

    node: str | None = None
    node_selector: str | None = None
    timeout: float = DRAIN_TIMEOUT
    local_storage: bool = False
    namespace: str = NAMESPACE  # the hypothesis's
    pause: float = PAUSE
    rollback: bool = True
    source = "drain"


Cutoff = PartitionChaos | DrainChaos
# Every built-in experiment: the tutorial's (chaos.experiment.builtin) and these.
Builtin = Chaos | Cutoff


def _undo(chaos: Cutoff) -> list[dict[str, Any]]:
    if not chaos.rollback:
        return []
    return [python_action("undo-the-changes", "chaosrun.changes", "undo_changes", {})]


def partition_experiment(chaos: PartitionChaos, frontend_url: str) -> dict[str, Any]:
    ingress, egress = chaos.directions
    ways = " and ".join(w for w, on in (("into", ingress), ("out of", egress)) if on)
    dns = " (DNS lookups still allowed)" if chaos.allow_dns and egress else ""
    arguments = {"spec": chaos.policy(), "ns": chaos.namespace}
    return experiment_of(
        title=f"What happens if the pods of {chaos.selector} are cut off?",
        description=f"A NetworkPolicy denies all traffic {ways} the pods of {chaos.selector}"
        f"{dns}: does the frontend still answer? It bites only where the network plugin "
        "enforces NetworkPolicy; the live measurement shows whether it did.",
        tag="partition",
        namespace=chaos.namespace,
        frontend_url=frontend_url,
        method=python_action(
            "partition-pods",
            "chaosk8s.networking.actions",
            "create_network_policy",
            arguments,
            chaos.pause,
        ),
        rollbacks=_undo(chaos),
    )


def drain_experiment(chaos: DrainChaos, frontend_url: str) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "timeout": chaos.timeout,
        "delete_pods_with_local_storage": chaos.local_storage,
    }
    if chaos.node:
        arguments["name"] = chaos.node
    if chaos.node_selector:
        arguments["label_selector"] = chaos.node_selector
    which = f"node {chaos.node}" if chaos.node else f"the nodes of {chaos.node_selector}"
    return experiment_of(
        title=f"What happens if {which} is drained?",
        description=f"Cordon {which}, then evict its pods through the Eviction API "
        "(PodDisruptionBudgets honoured): do their controllers start them elsewhere, and "
        "does the frontend still answer?",
        tag="drain",
        namespace=chaos.namespace,
        frontend_url=frontend_url,
        method=python_action(
            "drain-node", "chaosk8s.node.actions", "drain_nodes", arguments, chaos.pause
        ),
        rollbacks=_undo(chaos),
    )


def any_experiment(chaos: Builtin, frontend_url: str) -> dict[str, Any]:
    """The experiment of any built-in command."""
    if isinstance(chaos, PartitionChaos):
        return partition_experiment(chaos, frontend_url)
    if isinstance(chaos, DrainChaos):
        return drain_experiment(chaos, frontend_url)
    return builtin_experiment(chaos, frontend_url)


def preflight(chaos: Cutoff, driver: Driver) -> None:
    """Bad input before anything runs: a selector that does not parse, a partition left by
    another run, a node that does not exist or a node selector that matches none."""
    from chaos.actions.netpol import PARTITION
    from chaos.drivers.base import NETWORKPOLICIES, NODES, DriverError, NotFound, Selection

    try:
        if isinstance(chaos, PartitionChaos):
            chaos.policy()
            try:
                driver.read_object(NETWORKPOLICIES, PARTITION, chaos.namespace)
            except NotFound:
                return
            raise BadInput(
                f"NetworkPolicy {chaos.namespace}/{PARTITION} already stands (left by another "
                "run? `chaosrun restore` removes what a killed run left)."
            )
        if chaos.node:
            try:
                driver.read_object(NODES, chaos.node, None)
            except NotFound:
                raise BadInput(f"Node '{chaos.node}' not found; nothing to drain.") from None
        else:
            found = driver.list_objects(NODES, Selection(label_selector=chaos.node_selector))
            if not found.get("items"):
                raise BadInput(f"no Node matches --node-selector '{chaos.node_selector}'.")
    except BadInput:
        raise
    except DriverError as exc:
        raise BadInput(f"cannot prepare the {chaos.source}: {exc}") from None
