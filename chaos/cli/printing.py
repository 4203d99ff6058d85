"""What a run prints beyond its log: the measurement's table (rich is imported only then)
and the journal for `--print-journal`."""

from __future__ import annotations

import json
import logging
from typing import Any

logger = logging.getLogger("chaosrun")


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


def print_journal(journal: Any) -> None:
    """``--print-journal``: the journal as one JSON line on stdout, for ``kubectl logs``."""
    logger.info("Journal follows, on one line:")
    print(json.dumps(journal, ensure_ascii=False, default=str), flush=True)
