"""chaosrun's one exception hierarchy: catch at the level you care about.

``ChaosrunError`` is the root. ``BadInput`` (exit 2): the run cannot start as asked (an
invalid experiment, a bad option, an unreachable target). ``RunFailure`` (exit 1): the run
started and something in it failed. The interrupt, ``chaos.engine.signals.Interrupted``,
is a ``BaseException`` like ``KeyboardInterrupt`` (exit 1), so that ``except Exception``
around an activity never swallows Ctrl-C.
"""

from __future__ import annotations

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class ChaosrunError(Exception):
    """Root of chaosrun's errors; the message is one sentence for the user."""

    exit_code = EXIT_FAILED


class BadInput(ChaosrunError):
    exit_code = EXIT_BAD_INPUT


class RunFailure(ChaosrunError):
    exit_code = EXIT_FAILED


class InterruptRun(ChaosrunError):
    """Raised by a control (or anything a run calls) to stop the run as the Chaos Toolkit's
    ``chaoslib.exceptions.InterruptExecution`` does: status ``interrupted``, rollbacks per
    the rollback strategy, exit 1. The message says why."""

    exit_code = EXIT_FAILED


__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "BadInput",
    "ChaosrunError",
    "InterruptRun",
    "RunFailure",
]
