"""``chaosrun halt``: the emergency stop, from any terminal."""

from __future__ import annotations

import typer

from chaos.cli.options import Values, declared
from chaos.drivers.base import Driver, DriverError
from chaos.drivers.factory import Target, TargetRef, make_driver
from chaos.errors import BadInput

EPILOG = (
    "Example: chaosrun halt --reason 'incident 4711' --namespace default\n\n"
    "Writes ConfigMap chaosrun-halt in the namespace (reason, who, when; on the local target "
    "the file halt in the state directory). Every chaosrun running there stops within a "
    "second: its rollbacks run, its records close, it ends interrupted with the halt's reason "
    "in its journal, exit 1. While the halt stands new runs there are refused (exit 2); "
    "--clear lifts it. Exit 0, saying how many runs stopped (those that answered); 2 when the "
    "target cannot be reached or the halt cannot be written."
)


def _connect(ref: TargetRef) -> Driver:
    try:
        driver = make_driver(ref)
        driver.check_reachable()
    except DriverError as exc:
        raise BadInput(str(exc)) from None
    return driver


@declared("halt")
def halt(values: Values) -> None:
    """Stop every chaos run in a namespace now, and refuse new ones until --clear."""
    from chaos.engine.guarding import halts_of
    from chaos.engine.halt import ClusterHalts, clear, halt

    state_dir = values["state_dir"]
    ref = TargetRef(
        values["target"],
        values["context"],
        values["kubeconfig"],
        str(state_dir) if state_dir else None,
    )
    halts = halts_of(ref, lambda: _connect(ref))
    if ref.kind is Target.local:
        namespaces = ["default"]
    elif values["all_namespaces"]:
        assert isinstance(halts, ClusterHalts)
        namespaces = halts.namespaces()
    else:
        namespaces = [values["namespace"]]
    places = ", ".join(halts.where(ns) for ns in namespaces)
    try:
        if values["clear"]:
            lifted = clear(halts, namespaces)
            typer.echo(
                f"Halt lifted ({lifted} stood): new runs may start."
                if lifted
                else "No halt stood: nothing to lift."
            )
            return
        stopped = halt(halts, namespaces, values["reason"] or "no reason given")
    except DriverError as exc:
        raise BadInput(str(exc)) from None
    typer.echo(
        f"Halt written: {places}. It stopped {stopped} run(s); new runs there are refused "
        "until `chaosrun halt --clear`."
    )
