"""``chaosrun partition`` and ``chaosrun drain``: pods cut off by a NetworkPolicy, or a node
cordoned and emptied through the Eviction API; the rollback undoes either."""

from __future__ import annotations

import typer

from chaos.cli import running
from chaos.cli.options import Values, declared

PARTITION_EPILOG = (
    "Example: chaosrun partition --selector app=back --ingress --pause 10\n\n"
    "A NetworkPolicy (chaosrun-partition) denies the selected pods' traffic: --ingress in, "
    "--egress out, both without either flag; --allow-dns keeps DNS lookups going out. It is "
    "in the run record before it is created, and the rollback deletes it (also on Ctrl-C; "
    "`chaosrun restore` after a killed run). It bites only where the cluster's network "
    "plugin enforces NetworkPolicy (see the README); the live measurement shows whether it did."
)

DRAIN_EPILOG = (
    "Example: chaosrun drain node-2 --timeout 60 --pause 10\n\n"
    "The node is cordoned, then its pods are evicted through the Eviction API, as `kubectl "
    "drain --ignore-daemonsets` does: a PodDisruptionBudget's refusal is said once and tried "
    "again until --timeout, never bypassed; DaemonSet and mirror pods stay, and so do pods "
    "with emptyDir volumes unless --delete-emptydir-data (as chaosk8s' drain_nodes); a pod no "
    "controller would bring back stops the drain before anything changes. The rollback "
    "uncordons the node (also on Ctrl-C; `chaosrun restore` after a killed run); the evicted "
    "pods come back through their controllers. Nodes need the cluster-scope RBAC overlay "
    "(k8s/runner/cluster-scope) when chaosrun runs in the cluster."
)


@declared("partition")
def partition(values: Values) -> None:
    """Deny the selected pods' traffic with a NetworkPolicy, pause, check the hypothesis.

    Hypothesis, before and after: all pods Running and Ready; GET on the frontend is 200.
    The rollback deletes the NetworkPolicy.
    """
    raise typer.Exit(running.execute("partition", values))


@declared("drain")
def drain(values: Values) -> None:
    """Cordon a node and evict its pods (PodDisruptionBudgets honoured), pause, check the
    hypothesis.

    Hypothesis, before and after: all pods Running and Ready; GET on the frontend is 200.
    The rollback uncordons the node.
    """
    raise typer.Exit(running.execute("drain", values))
