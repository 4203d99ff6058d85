"""``chaosrun restore``: put back what interrupted runs left deleted."""

from __future__ import annotations

import sys

import typer

from chaos.cli.options import Values, declared
from chaos.drivers.base import Driver
from chaos.drivers.factory import Target, TargetRef, make_driver
from chaos.engine.recovery import ClusterRecords, Found, Outcome, Recovery, Verdict, gather
from chaos.errors import EXIT_BAD_INPUT, EXIT_FAILED
from chaos.records.model import RunRecord
from chaos.records.store import RecordStore

EPILOG = (
    "Every run that deletes something first writes its snapshot to a run record "
    "(in $CHAOSRUN_RECORDS_DIR, default ~/.local/state/chaosrun/runs) and closes the record "
    "once the restore is confirmed. A run that was killed leaves its record open: this "
    "command finds it and restores from it. Exit codes: 0 everything is back (or nothing was "
    "left), 1 something could not be restored or a record was refused, 2 a target could not be "
    "reached, or a record not written on this machine would need a confirmation that no "
    "terminal can give. A record kept in the cluster is acted on only when its seal (an HMAC "
    "with the key in Secret chaosrun-records-key) is intact and it names only objects of its "
    "own namespace, which is not a system one."
)


def _connect(ref: TargetRef) -> Driver:
    driver = make_driver(ref)
    driver.check_reachable()
    return driver


def _cluster_lister(ref: TargetRef, namespace: str) -> ClusterRecords | None:
    """How to read the records kept in the cluster, when a cluster is configured at all."""
    import os

    from chaos.drivers.kubernetes.connection import kubeconfig_paths

    _, existing = kubeconfig_paths(ref.kubeconfig)
    if not existing and not os.environ.get("KUBERNETES_SERVICE_HOST"):
        return None
    from chaos.drivers.kubernetes import KubernetesDriver
    from chaos.records.seal import read_sealed

    driver = KubernetesDriver(context=ref.context, kubeconfig=ref.kubeconfig)

    def records() -> tuple[list[RunRecord], list[str]]:
        driver.check_reachable()
        return read_sealed(driver, namespace)

    return records


def _describe(found: Found) -> str:
    record = found.record
    where = "this machine" if found.local else "the cluster"
    if found.local and found.in_cluster:
        where = "this machine and the cluster"
    title = f' "{record.experiment}"' if record.experiment else ""
    ended = f", ended {record.outcome}" if record.outcome else ", never finished"
    return f"Run {record.id}{title} (pid {record.pid} on {record.host}{ended}; record on {where}):"


def _print(outcome: Outcome) -> None:
    detail = f": {outcome.detail}" if outcome.detail else ""
    typer.echo(f"  {outcome.label}: {outcome.verdict.value}{detail}")


def _confirmed(found: Found) -> bool:
    """Say what restoring a record not written here would do, and ask."""
    for action in found.actions():
        typer.echo(f"  will {action}")
    try:
        return typer.confirm(
            f"  Run {found.record.id} was not written on this machine; restore it?", default=False
        )
    except typer.Abort:  # end of input: no answer is no
        return False


def _refuse_unattended(foreign: list[Found]) -> None:
    for found in foreign:
        typer.echo(_describe(found))
        for action in found.actions():
            typer.echo(f"  would {action}")
    typer.echo(
        f"Error: {len(foreign)} run record(s) not written on this machine need a confirmation "
        "and standard input is not a terminal; nothing was restored (pass --yes to restore "
        "them without asking).",
        err=True,
    )
    raise typer.Exit(EXIT_BAD_INPUT)


def _exit_code(outcomes: list[Outcome]) -> int:
    if any(o.verdict is Verdict.UNREACHABLE for o in outcomes):
        return EXIT_BAD_INPUT
    return 0 if all(o.verdict.ok for o in outcomes) else 1


@declared("restore")
def restore(values: Values) -> None:
    """Restore what interrupted runs deleted, from their run records (idempotent)."""
    store = RecordStore()
    cluster = TargetRef(Target.kubernetes, values["context"], values["kubeconfig"])
    plan = gather(store, _cluster_lister(cluster, values["namespace"]))
    for problem in plan.problems:
        typer.echo(f"Warning: {problem}", err=True)
    for refusal in plan.refused:
        typer.echo(f"Refused: {refusal}", err=True)
    refused = EXIT_FAILED if plan.refused else 0
    if not plan.found:
        if not plan.refused:
            typer.echo("Nothing to restore: no unfinished run records.")
        raise typer.Exit(refused)
    ask = not (values["yes"] or values["dry_run"])
    foreign = [found for found in plan.found if found.foreign]
    if ask and foreign and not sys.stdin.isatty():
        _refuse_unattended(foreign)
    recovery = Recovery(
        store,
        _connect,
        force=values["force"],
        dry_run=values["dry_run"],
        cluster_target=cluster.pinned(),
    )
    outcomes: list[Outcome] = []
    for found in plan.found:
        typer.echo(_describe(found))
        if ask and found.foreign and not _confirmed(found):
            declined = Outcome(found.record, f"run {found.record.id}", Verdict.DECLINED)
            _print(declined)
            outcomes.append(declined)
            continue
        for outcome in recovery.restore(found):
            _print(outcome)
            outcomes.append(outcome)
    raise typer.Exit(max(_exit_code(outcomes), refused))
