"""Runtime strategies: when the hypothesis is checked and when the rollbacks are played.

As ``chaos run`` 1.19 and an experiment's ``runtime`` block name them. A ``chaos run``
flag wins over the experiment's ``runtime`` block, which wins over the settings file's.
chaosrun's ``default`` rollback strategy is safer than the Chaos Toolkit's: the rollbacks
are played whenever the method started (the Chaos Toolkit skips them after a failure or
an interruption); ``never`` is honoured, said and recorded in the journal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from chaos.errors import BadInput
from chaos.experiment.runtime import (
    DEFAULT_FREQUENCY,
    HYPOTHESIS_STRATEGIES,
    ROLLBACK_STRATEGIES,
    runtime_problems,
)

logger = logging.getLogger("chaosrun")


@dataclass(frozen=True)
class Runtime:
    hypothesis: str = "default"
    frequency: float = DEFAULT_FREQUENCY
    fail_fast: bool = False
    rollbacks: str = "default"

    @property
    def before(self) -> bool:
        return self.hypothesis in ("default", "before-method-only", "continuously")

    @property
    def after(self) -> bool:
        return self.hypothesis in ("default", "after-method-only", "continuously")

    @property
    def during(self) -> bool:
        return self.hypothesis in ("during-method-only", "continuously")

    def to_journal(self) -> dict[str, Any]:
        return {
            "hypothesis": {
                "strategy": self.hypothesis,
                "frequency": self.frequency,
                "fail_fast": self.fail_fast,
            },
            "rollbacks": {"strategy": self.rollbacks},
        }


@dataclass(frozen=True)
class RuntimeFlags:
    """What ``chaosrun run``'s flags say; None where a flag was not given."""

    hypothesis: str | None = None
    frequency: float | None = None
    fail_fast: bool | None = None
    rollbacks: str | None = None


def resolve_runtime(flags: RuntimeFlags, *blocks: Any) -> Runtime:
    """The run's strategies: flags first, then each ``runtime`` block in order."""
    for i, block in enumerate(blocks):
        if problems := runtime_problems(block):
            raise BadInput(problems[0] + ("" if i == 0 else " (settings file)") + ".")

    def pick(value: Any, section: str, key: str, default: Any) -> Any:
        if value is not None:
            return value
        for block in blocks:
            if isinstance(block, dict) and key in (block.get(section) or {}):
                return block[section][key]
        return default

    return Runtime(
        hypothesis=pick(flags.hypothesis, "hypothesis", "strategy", "default"),
        frequency=float(pick(flags.frequency, "hypothesis", "frequency", DEFAULT_FREQUENCY)),
        fail_fast=bool(pick(flags.fail_fast, "hypothesis", "fail_fast", False)),
        rollbacks=pick(flags.rollbacks, "rollbacks", "strategy", "default"),
    )


def plays_rollbacks(strategy: str, method_started: bool, deviated: bool) -> bool:
    """Whether the rollbacks are played, saying why when a strategy decides it."""
    if strategy == "always":
        logger.warning("Rollbacks were explicitly requested to be played")
        return True
    if strategy == "never":
        logger.warning("Rollbacks were explicitly requested to not be played")
        return False
    if strategy == "deviated":
        if deviated:
            logger.warning("Rollbacks will be played only because the experiment deviated")
        else:
            logger.warning(
                "Rollbacks are played only when the experiment deviated; it did not, "
                "so they are not played"
            )
        return deviated
    if not method_started:
        logger.info("No rollbacks played: the method did not run, so nothing to undo.")
    return method_started


__all__ = [
    "HYPOTHESIS_STRATEGIES",
    "ROLLBACK_STRATEGIES",
    "Runtime",
    "RuntimeFlags",
    "plays_rollbacks",
    "resolve_runtime",
    "runtime_problems",
]
