"""``chaosrun validate``'s work, free of the CLI framework.

The console script calls it directly for ``chaosrun validate FILE [-v]`` (see
``chaos.cli.entry``), so checking a well-formed file imports neither Typer nor pydantic;
the Typer command calls the same function for every other spelling.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from chaos.cli.logs import setup_logging
from chaos.errors import EXIT_BAD_INPUT

if TYPE_CHECKING:
    from chaos.experiment import ExperimentError

logger = logging.getLogger("chaosrun")

VERBOSE_FLAGS = ("--verbose", "-v")


def validate_file(file: str | Path, verbose: bool = False) -> int:
    """Log the Chaos Toolkit's two lines, or each problem on stderr; the exit code."""
    from chaos.experiment import ExperimentError, check_experiment, load_raw

    setup_logging(verbose)
    logger.info("Validating the experiment's syntax")
    try:
        raw = load_raw(file)
        check_experiment(raw, source=str(file))
    except ExperimentError as exc:
        return report_invalid(exc)
    if raw.get("extensions"):  # chaosrun's own entry: its SLO gates and abort rules
        from chaos.engine.slo import rules_of
        from chaos.errors import BadInput

        try:
            rules_of(raw, (), ())
        except BadInput as exc:
            print(f"Error: {file}: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    logger.info("Experiment looks valid")
    return 0


def report_invalid(exc: ExperimentError) -> int:
    """Each problem of an experiment that does not load or validate on its own line of
    stderr; the exit code (bad input)."""
    for line in exc.lines():
        print(f"Error: {line}", file=sys.stderr)
    return EXIT_BAD_INPUT


def plain_validate_args(args: list[str]) -> tuple[str, bool] | None:
    """``(file, verbose)`` when ``args`` is ``validate FILE`` with at most ``-v``, else None."""
    if not args or args[0] != "validate":
        return None
    rest = args[1:]
    verbose = any(a in VERBOSE_FLAGS for a in rest)
    files = [a for a in rest if a not in VERBOSE_FLAGS]
    if len(files) != 1 or files[0].startswith("-") or not files[0]:
        return None
    return files[0], verbose
