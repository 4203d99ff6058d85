"""The steady-state hypothesis: checked once (before or after the method), or again and
again while the method runs (``continuously`` and ``during-method-only``)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from chaos.engine import signals
from chaos.engine.activity import ActivityRunner, short_output
from chaos.engine.config import substitute
from chaos.engine.tolerance import within_tolerance
from chaos.experiment.journal import ActivityRun, SteadyState
from chaos.experiment.model import Activity, Experiment
from chaos.experiment.validate import read_activity

if TYPE_CHECKING:
    from chaos.engine.controls import Controls

logger = logging.getLogger("chaosrun")


class Hypothesis:
    """Checks an experiment's steady-state hypothesis with the run's activities."""

    def __init__(
        self, experiment: Experiment, activities: ActivityRunner, controls: Controls | None
    ) -> None:
        self.experiment = experiment
        self.activities = activities
        self.controls = controls

    def met(self, probe: Activity, entry: ActivityRun) -> bool:
        """Did the probe's run satisfy its tolerance? A probe a dry run did not play
        (``--dry``, or skipped by ``--dry-run``) did: there is nothing to judge, as in the
        Chaos Toolkit."""
        if entry["status"] == "skipped" or self.activities.is_dry(probe):
            return True
        if entry["status"] != "succeeded":
            return False
        tolerance = substitute(probe.tolerance, self.activities.variables)
        if isinstance(tolerance, dict) and tolerance.get("type") == "probe":
            return self._probe_tolerance(tolerance, entry["output"])
        return within_tolerance(tolerance, entry["output"])

    def _probe_tolerance(self, tolerance: dict[str, Any], value: Any) -> bool:
        """A tolerance that is itself a probe: it gets ``value`` as an argument and the
        output is within tolerance when that probe succeeds with a true result."""
        declared = dict(tolerance)
        provider = dict(declared.get("provider") or {})
        if provider.get("type") == "python":
            provider["arguments"] = {**(provider.get("arguments") or {}), "value": value}
        declared["provider"] = provider
        declared.setdefault("name", "tolerance")
        probe = read_activity(declared)
        entry = self.activities.execute(probe, [], quiet=True)
        return entry["status"] == "succeeded" and bool(entry["output"])

    def check(self) -> SteadyState:
        hypothesis = self.experiment.steady_state_hypothesis
        assert hypothesis is not None
        context = hypothesis.as_declared()
        state: SteadyState = {"steady_state_met": True, "probes": []}
        if self.controls:
            self.controls.before("hypothesis", context)
        logger.info("Steady state hypothesis: %s", hypothesis.title)
        for item in hypothesis.probes:
            probe = self.activities.resolve(item)
            entry = self.activities.execute(probe, state["probes"])
            met = self.met(probe, entry)
            entry["tolerance_met"] = met
            if not met:
                state["steady_state_met"] = False
                if entry["status"] == "succeeded":
                    tolerance = substitute(probe.tolerance, self.activities.variables)
                    logger.warning(
                        "  => got %s, the tolerance is %s", short_output(entry["output"]), tolerance
                    )
                logger.critical(
                    "Steady state probe '%s' is not in the given tolerance so failing "
                    "this experiment",
                    probe.name,
                )
                break
        else:
            logger.info("Steady state hypothesis is met!")
        if self.controls:
            self.controls.after("hypothesis", context, state)
        return state

    def check_declared(self, declared: dict[str, Any]) -> tuple[bool, str]:
        """Run one probe declaration (a safeguard's): within tolerance, and what was seen."""
        if "ref" in declared:
            probe = self.experiment.find(str(declared["ref"]))
            if probe is None:
                return False, f"no activity named {declared['ref']!r}"
        else:
            probe = read_activity(declared)
        entry = self.activities.execute(probe, [], quiet=True)
        if self.met(probe, entry):
            return True, ""
        if entry["status"] != "succeeded":
            return False, "the probe failed: " + "".join(entry.get("exception", [])).strip()
        tolerance = substitute(probe.tolerance, self.activities.variables)
        return False, f"got {short_output(entry['output'])}, the tolerance is {tolerance}"


class DuringMethod:
    """Checks the hypothesis every ``frequency`` seconds while the method runs; each check
    goes to ``into`` (the journal's ``steady_states.during``)."""

    def __init__(
        self,
        hypothesis: Hypothesis,
        frequency: float,
        fail_fast: bool,
        into: list[SteadyState],
    ) -> None:
        self.hypothesis = hypothesis
        self.frequency = frequency
        self.fail_fast = fail_fast
        self.into = into
        self.deviated = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="chaosrun-hypothesis", daemon=True)

    def __enter__(self) -> DuringMethod:
        logger.info(
            "Executing the steady-state hypothesis continuously every %g seconds", self.frequency
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=max(self.frequency, 1.0) + 30)

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                state = self.hypothesis.check()
                self.into.append(state)
                if not state["steady_state_met"]:
                    self.deviated = True
                    logger.warning("The steady-state hypothesis deviated during the method")
                    if self.fail_fast:
                        signals.request_stop(
                            "the steady-state hypothesis deviated during the method (fail fast)"
                        )
                        return
                if self._stop.wait(self.frequency):
                    return
        except (signals.Interrupted, KeyboardInterrupt):
            return


__all__ = ["DuringMethod", "Hypothesis"]
