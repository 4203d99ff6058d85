"""``chaosrun demo``: the three acts of the story against the local stack, with a report."""

from chaos.demo.acts import ACTS, Act, ActResult
from chaos.demo.story import DemoOptions, DemoOutcome, run_demo

__all__ = ["ACTS", "Act", "ActResult", "DemoOptions", "DemoOutcome", "run_demo"]
