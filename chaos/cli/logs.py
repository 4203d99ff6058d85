"""The commands' log lines, Chaos Toolkit style, on standard output."""

from __future__ import annotations

import logging
import sys


class _StdoutHandler(logging.Handler):
    """Writes to whatever ``sys.stdout`` is at emit time (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:
            self.handleError(record)


def setup_logging(verbose: bool = False) -> None:
    """Chaos Toolkit style lines: ``[2024-01-01 12:00:00 INFO] Running experiment: ...``."""
    logger = logging.getLogger("chaosrun")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = _StdoutHandler()
    handler.setFormatter(
        logging.Formatter("[%(asctime)s %(levelname)s] %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
