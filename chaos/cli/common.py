"""Helpers shared by the chaosrun commands: errors, target drivers, output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import typer

from chaos.actions.context import SYSTEM_NAMESPACES
from chaos.cli.exits import EXIT_BAD_INPUT
from chaos.drivers.base import Driver, DriverError
from chaos.drivers.factory import DriverFactory, Target, TargetRef
from chaos.files import check_writable

__all__ = ["Target"]


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One clear sentence on stderr, then exit (2 = bad input)."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def guard_namespace(namespace: str, allow_system: bool) -> None:
    if namespace in SYSTEM_NAMESPACES and not allow_system:
        fail(
            f"refusing to run chaos in the system namespace '{namespace}' "
            "(pass --allow-system-namespaces if you really mean it)."
        )


def driver_factory(
    target: Target, context: str | None, kubeconfig: str | None, state_dir: Path | None
) -> DriverFactory:
    """Build the target's driver on demand; client libraries are imported only then."""
    return DriverFactory(
        TargetRef(target, context, kubeconfig, str(state_dir) if state_dir else None)
    )


def connect(factory: Callable[[], Driver], target: Target) -> Driver:
    """Create the driver and check the target answers; exit 2 with one sentence if not."""
    try:
        driver = factory()
        driver.check_reachable()
    except DriverError as exc:
        fail(str(exc).rstrip(".") + ".")
    except ImportError as exc:
        fail(f"the {target.value} target is not available in this installation ({exc}).")
    return driver


def check_journal_path(path: Path) -> None:
    """Before any chaos: a journal that cannot be written is found now, not after."""
    if path.is_dir():
        fail(f"--journal-path {path} is a directory; give a file name such as journal.json.")
    why = check_writable(path)
    if why is not None:
        fail(f"--journal-path {path} cannot be written ({why}); nothing was changed.")


def print_measurement(measurement: Any) -> None:
    """The live measurement's summary as a small table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Live measurement", show_header=False, title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("value")
    for label, value in measurement.summary_rows():
        table.add_row(label, value)
    Console().print(table)


def warn_unfinished_records() -> None:
    """Before new chaos: say what earlier runs left deleted (a directory listing, no network)."""
    from chaos.records.store import RecordStore

    store = RecordStore()
    records, _ = store.unfinished()
    pending = [
        (record, obj)
        for record in records
        if not store.in_progress(record.id)
        for obj in record.pending()
    ]
    for record, obj in pending:
        typer.echo(
            f"Warning: run {record.id} left {obj.label} deleted; "
            "`chaosrun restore` puts it back (`--dry-run` lists it).",
            err=True,
        )
