"""An experiment's ``runtime`` block (also a settings file's): the strategies it names.

``{"hypothesis": {"strategy": ..., "frequency": N, "fail_fast": bool}, "rollbacks":
{"strategy": ...}}``, as ``chaos run`` 1.19 reads it; the engine applies it
(``chaos.engine.strategies``).
"""

from __future__ import annotations

from typing import Any

HYPOTHESIS_STRATEGIES = (
    "default",
    "before-method-only",
    "after-method-only",
    "during-method-only",
    "continuously",
)
ROLLBACK_STRATEGIES = ("default", "always", "never", "deviated")
DEFAULT_FREQUENCY = 1.0  # seconds between two checks of the hypothesis during the method


def runtime_problems(block: Any, place: str = "runtime") -> list[str]:
    """``place: message`` lines for a ``runtime`` block (of an experiment or settings)."""
    if block is None:
        return []
    if not isinstance(block, dict):
        return [f"{place}: must be a mapping with 'hypothesis' and/or 'rollbacks'"]
    problems: list[str] = []
    hypothesis = block.get("hypothesis", {})
    rollbacks = block.get("rollbacks", {})
    if not isinstance(hypothesis, dict):
        problems.append(f"{place}.hypothesis: must be a mapping")
        hypothesis = {}
    if not isinstance(rollbacks, dict):
        problems.append(f"{place}.rollbacks: must be a mapping")
        rollbacks = {}
    strategy = hypothesis.get("strategy", "default")
    if strategy not in HYPOTHESIS_STRATEGIES:
        problems.append(
            f"{place}.hypothesis.strategy: must be one of {', '.join(HYPOTHESIS_STRATEGIES)}"
        )
    frequency = hypothesis.get("frequency", DEFAULT_FREQUENCY)
    if isinstance(frequency, bool) or not isinstance(frequency, int | float) or frequency <= 0:
        problems.append(f"{place}.hypothesis.frequency: must be a positive number of seconds")
    if not isinstance(hypothesis.get("fail_fast", False), bool):
        problems.append(f"{place}.hypothesis.fail_fast: must be true or false")
    if rollbacks.get("strategy", "default") not in ROLLBACK_STRATEGIES:
        problems.append(
            f"{place}.rollbacks.strategy: must be one of {', '.join(ROLLBACK_STRATEGIES)}"
        )
    return problems


__all__ = ["DEFAULT_FREQUENCY", "HYPOTHESIS_STRATEGIES", "ROLLBACK_STRATEGIES", "runtime_problems"]
