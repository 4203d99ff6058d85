"""``chaosrun partition`` and ``chaosrun drain``: pods cut off by a NetworkPolicy, or a node
cordoned and emptied through the Eviction API; the rollback undoes either."""

from __future__ import annotations

from typing import Annotated

import typer

from chaos import defaults
from chaos.cli import running
from chaos.cli.errors import fail
from chaos.cli.options import FrontendUrl, Namespace, Pause, run_options
from chaos.engine.options import RunOptions, check_namespace

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

NoRollback = Annotated[
    bool, typer.Option("--no-rollback", help="Leave the change in place at the end.")
]


@run_options
def partition(
    options: RunOptions,
    selector: Annotated[
        str, typer.Option(help="Label selector of the pods to cut off.")
    ] = defaults.PARTITION_SELECTOR,
    ingress: Annotated[bool, typer.Option("--ingress", help="Deny traffic into them.")] = False,
    egress: Annotated[bool, typer.Option("--egress", help="Deny traffic out of them.")] = False,
    allow_dns: Annotated[
        bool, typer.Option("--allow-dns", help="Still let them look names up (port 53).")
    ] = False,
    namespace: Namespace = defaults.NAMESPACE,
    frontend_url: FrontendUrl = None,
    pause: Pause = defaults.PAUSE,
    no_rollback: NoRollback = False,
) -> None:
    """Deny the selected pods' traffic with a NetworkPolicy, pause, check the hypothesis.

    Hypothesis, before and after: all pods Running and Ready; GET on the frontend is 200.
    The rollback deletes the NetworkPolicy.
    """
    from chaos.experiment.cutoffs import PartitionChaos

    check_namespace(namespace, options.allow_system_namespaces)
    running.pause_ok(pause)
    chaos = PartitionChaos(
        selector=selector,
        ingress=ingress,
        egress=egress,
        allow_dns=allow_dns,
        namespace=namespace,
        pause=pause,
        rollback=not no_rollback,
    )
    chaos.policy()  # a selector that does not parse is bad input before any connection
    session = running.start(options)
    raise typer.Exit(running.finish(session.run_builtin(chaos, frontend_url)))


@run_options
def drain(
    options: RunOptions,
    node: Annotated[
        str | None, typer.Argument(help="The node to drain (or --node-selector).")
    ] = None,
    node_selector: Annotated[
        str | None, typer.Option(help="Label selector of the nodes to drain.")
    ] = None,
    timeout: Annotated[
        float, typer.Option(min=0, help="Seconds the evictions may take (budgets waited for).")
    ] = defaults.DRAIN_TIMEOUT,
    delete_emptydir_data: Annotated[
        bool,
        typer.Option(
            "--delete-emptydir-data",
            help="Also evict pods with emptyDir volumes (their data is lost; left otherwise).",
        ),
    ] = False,
    namespace: Namespace = defaults.NAMESPACE,
    frontend_url: FrontendUrl = None,
    pause: Pause = defaults.PAUSE,
    no_rollback: NoRollback = False,
) -> None:
    """Cordon a node and evict its pods (PodDisruptionBudgets honoured), pause, check the
    hypothesis.

    Hypothesis, before and after: all pods of --namespace Running and Ready; GET on the
    frontend is 200. The rollback uncordons the node.
    """
    from chaos.experiment.cutoffs import DrainChaos

    if bool(node) == bool(node_selector):
        fail("Name one node, or give --node-selector (not both).")
    check_namespace(namespace, options.allow_system_namespaces)
    running.pause_ok(pause)
    chaos = DrainChaos(
        node=node,
        node_selector=node_selector,
        timeout=timeout,
        local_storage=delete_emptydir_data,
        namespace=namespace,
        pause=pause,
        rollback=not no_rollback,
    )
    session = running.start(options)
    raise typer.Exit(running.finish(session.run_builtin(chaos, frontend_url)))
