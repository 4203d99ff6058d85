"""The commands' log lines, Chaos Toolkit style, on standard output (on standard error
when a run's journal or report goes to standard output)."""

from __future__ import annotations

import logging
import sys

from chaos.files import stdout_claimed


class _StdoutHandler(logging.Handler):
    """Writes to whatever ``sys.stdout`` is at emit time (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        stream = sys.stderr if stdout_claimed() else sys.stdout
        try:
            line = self.format(record) + "\n"
            try:
                stream.write(line)
            except UnicodeEncodeError:  # a lone surrogate, or a narrow console encoding
                encoding = getattr(stream, "encoding", None) or "utf-8"
                stream.write(line.encode(encoding, "backslashreplace").decode(encoding))
            stream.flush()
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
