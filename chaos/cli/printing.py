"""Tables for the console (rich is imported only when something is printed)."""

from __future__ import annotations

from typing import Any


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
