"""Run an experiment: hypothesis, method, hypothesis again, rollbacks; write the journal.

Chaos Toolkit semantics, with three deliberate differences (documented in ``--help``):

* a hypothesis not met *before* the method stops the run: status ``failed``, exit 1,
  the method never runs;
* an action that raises fails the run: the rest of the method and the second
  hypothesis are skipped, status ``failed`` (a ``background`` action's failure counts
  once the method has waited for it);
* rollbacks are played whenever the method started, including after a failure, a
  deviation or an interruption (Ctrl-C / SIGTERM, even mid-pause); a rollback that fails
  turns a completed run into a failed one.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from typing import Any

from chaos.actions.changes import settle
from chaos.actions.context import RunContext
from chaos.engine.activity import ActivityRunner, format_seconds
from chaos.engine.background import Background, settle_in_flight
from chaos.engine.blast import FloorWatch
from chaos.engine.config import substitute
from chaos.engine.controls import Controls, RunScope
from chaos.engine.hypothesis import DuringMethod, Hypothesis
from chaos.engine.journal import MachinePlatform, new_journal, now_iso, save_journal
from chaos.engine.observer import RunObserver
from chaos.engine.rollbacks import play_rollbacks
from chaos.engine.safeguards import Safeguards
from chaos.engine.settings import RunHooks, RunResult, RunSettings
from chaos.engine.signals import STOPPING, Interrupted, interruptible, interruption, shielded
from chaos.engine.strategies import Runtime
from chaos.experiment.controls import SAFEGUARDS_MODULE
from chaos.experiment.journal import Journal, SteadyState
from chaos.experiment.model import Experiment
from chaos.history.ids import new_run_id
from chaos.history.score import score_of
from chaos.providers import Call
from chaos.records.kinds import describe

logger = logging.getLogger("chaosrun")


class Runner:
    def __init__(
        self,
        experiment: Experiment,
        raw: dict[str, Any],
        ctx: RunContext,
        settings: RunSettings,
        hooks: RunHooks | None = None,
    ) -> None:
        self.experiment = experiment
        self.hooks = hooks or RunHooks()
        self.raw = raw
        self.ctx = ctx
        self.settings = settings
        self.variables: dict[str, Any] = {}
        self._sync_variables()
        self.activities = ActivityRunner(
            experiment,
            Call(ctx, settings.configuration, settings.secrets),
            self.variables,
            settings,
            self.hooks,
        )
        self.observer = self.activities.observer = RunObserver.of(settings, self.hooks)
        self.resolve = self.activities.resolve
        self.execute = self.activities.execute
        self.checker = Hypothesis(experiment, self.activities, None)
        self.controls: Controls | None = None
        self._during: DuringMethod | None = None
        self.method_started = False
        self.journal_lost = False  # written nowhere: the run then cannot exit 0
        self._prober: Any = None
        self.measurement: Any = None

    def _sync_variables(self) -> None:
        """What ``${name}`` stands for: the configuration, then every secret (a control may
        have changed either)."""
        self.variables.clear()
        self.variables.update(self.settings.configuration)
        for scope in self.settings.secrets.values():
            if isinstance(scope, dict):
                self.variables.update(scope)

    def _load_controls(self) -> None:
        """Load and configure the run's controls (``BadInput`` when one cannot run)."""
        scope = RunScope(
            experiment=self.raw,
            configuration=self.settings.configuration,
            secrets=self.settings.secrets,
            settings=self.settings.ctk_settings,
            changed=self._sync_variables,
        )
        natives = {SAFEGUARDS_MODULE: lambda: Safeguards(self.checker.check_declared)}
        controls = Controls(scope, self.settings.controls, natives)
        if controls:
            controls.configure()
            self.controls = self.activities.controls = self.checker.controls = controls

    # -- phases -------------------------------------------------------------------------
    def hypothesis(self) -> SteadyState:
        state = self.checker.check()
        self.observer.hypothesis(state, "after" if self.method_started else "before")
        return state

    def _start_measuring(self) -> None:
        url = self.settings.measure_url
        if self._prober is not None or not url or self.settings.dry_run:
            return
        from chaos.measure import Prober

        url = str(substitute(url, self.variables))
        try:
            prober = Prober(
                url, interval=self.settings.probe_interval, breaker_url=self.settings.breaker_url
            )
            prober.start()
        except Exception as exc:
            logger.warning("Live measurement of %s could not start: %s", url, exc)
            return
        self._prober = prober
        logger.info("Measuring %s every %ss", url, format_seconds(self.settings.probe_interval))
        self.observer.measuring(prober)

    def _stop_measuring(self, journal: Journal) -> None:
        if self._prober is None:
            return
        prober, self._prober = self._prober, None
        try:
            self.measurement = prober.stop()
        except Exception as exc:
            logger.warning("Live measurement failed: %s", exc)
            return
        finally:
            self.observer.measured(self.measurement)
        journal["measurements"] = self.measurement.to_journal()

    def method(self, journal: Journal) -> bool:
        """Play the method; False when an action failed (the run then fails)."""
        logger.info("Playing your experiment's method now...")
        activities = [self.resolve(item) for item in self.experiment.method]
        if not activities:
            logger.info("No declared activities, let's move on.")
        ok = True
        with Background(self.execute, activities) as background:
            for activity in activities:
                if activity.type == "action":
                    self._start_measuring()
                if activity.background:
                    background.start(activity, journal["run"])
                    continue
                entry = self.execute(activity, journal["run"])
                if entry["status"] == "failed" and activity.type == "action":
                    logger.critical(
                        "Action '%s' failed, so the experiment fails (chaosrun stops here)",
                        activity.name,
                    )
                    ok = False
                    break
            for activity, entry in background.wait():
                if entry["status"] == "failed" and activity.type == "action":
                    logger.critical(
                        "Background action '%s' failed, so the experiment fails", activity.name
                    )
                    ok = False
        if ok:
            self._stop_measuring(journal)
        return ok

    def rollbacks(self, journal: Journal, method_started: bool) -> None:
        play_rollbacks(self.activities, self.raw, journal, method_started)

    # -- the run ------------------------------------------------------------------------

    def run(self) -> RunResult:
        self.activities.load_providers()
        self._load_controls()
        try:
            return self._run()
        finally:
            if self.controls:
                self.controls.cleanup()

    def _steady_and_method(self, journal: Journal) -> None:
        """Hypothesis, method, hypothesis, per the hypothesis strategy; sets the journal's
        status, and ``method_started`` once the method starts."""
        runtime = self.settings.runtime
        status = "completed"
        hypothesis = self.experiment.steady_state_hypothesis
        run_hypothesis = hypothesis is not None and bool(hypothesis.probes)
        if not run_hypothesis:
            logger.info("No steady state hypothesis defined. That's ok, just exploring.")
        elif self.settings.dry_run:
            logger.info("Dry run: skipping the steady-state hypothesis")
            run_hypothesis = False
        before_met = True
        if run_hypothesis and runtime.before:
            before = self.hypothesis()
            journal["steady_states"]["before"] = before
            before_met = before["steady_state_met"]
            if not before_met:
                status = "failed"
        if before_met:
            during = journal["steady_states"]["during"]
            if run_hypothesis and runtime.during:
                self._during = DuringMethod(
                    self.checker, runtime.frequency, runtime.fail_fast, during
                )
            journal["status"] = status
            if not self._method_watched(journal):
                status = "failed"
            elif run_hypothesis and runtime.after:
                after = self.hypothesis()
                journal["steady_states"]["after"] = after
                if not after["steady_state_met"]:
                    journal["deviated"] = True
                    status = "failed"
            if self._during is not None and self._during.deviated:
                journal["deviated"] = True
                status = "failed"
        journal["status"] = status

    def _method_watched(self, journal: Journal) -> bool:
        if self.controls:
            self.controls.before("method", self.raw)
        self.method_started = True
        if self._during is None:
            ok = self.method(journal)
        else:
            with self._during:
                ok = self.method(journal)
        if self.controls:
            self.controls.after("method", self.raw, journal["run"])
        return ok

    def _run(self) -> RunResult:
        journal = new_journal(self.raw)
        # The run's id leads chaosrun's section: the history stores the run under it.
        kept = self.ctx.record.copy()
        self.ctx.record.clear()
        self.ctx.record.update(run_id=new_run_id(), **kept)
        machine = MachinePlatform()
        started = time.monotonic()
        if self.settings.dry_run:
            logger.warning("Dry run: nothing will be changed")
        if self.settings.dry:
            logger.warning("Running experiment with dry %s", self.settings.dry)
        if self.settings.runtime != Runtime():
            self.ctx.record["runtime"] = self.settings.runtime.to_journal()
        with interruptible():
            floors = FloorWatch(self.ctx).start()
            try:
                title = substitute(self.experiment.title, self.variables)
                self.observer.begin(journal, str(title))
                logger.info("Running experiment: %s", title)
                if self.controls:
                    self.controls.before("experiment", self.raw)
                self._steady_and_method(journal)
            except STOPPING as exc:
                journal["status"] = "interrupted"
                message, journal["interruption"] = interruption(exc)
                logger.warning("%s", message)
            except Exception as exc:
                journal["status"] = "aborted"
                logger.critical(
                    "Experiment ran into an unexpected fatal error, aborting now: %s", exc
                )
                logger.debug("%s", "".join(traceback.format_exception(exc)))
            finally:
                floors.stop()
                if self.controls:
                    self.controls.stop_watching()
        if self._during is not None and self._during.deviated:
            journal["deviated"] = True
            if self._during.fail_fast:
                journal["status"] = "failed"
        with shielded():
            try:
                if journal["status"] == "interrupted":
                    settle_in_flight()
                journal["platform"] = machine.get()
                self._stop_measuring(journal)
                self.observer.judge(journal, self.measurement)
                try:
                    self.rollbacks(journal, self.method_started)
                except STOPPING:
                    journal["status"] = "interrupted"
                    logger.warning("Terminating now without running the remaining rollbacks.")
                self._close_run_record(journal)
                score = None if self.settings.dry_run else score_of(journal)
                if score is not None:
                    self.ctx.record["score"] = score.to_journal()
                journal["chaosrun"] = self.ctx.record
                journal["end"] = now_iso()
                journal["duration"] = round(time.monotonic() - started, 6)
                shown = "deviated" if journal["deviated"] else journal["status"]
                logger.info("Experiment ended with status: %s", shown)
                if journal["deviated"]:
                    logger.info(
                        "The steady-state has deviated, a weakness may have been discovered"
                    )
                if score is not None:
                    logger.info(score.line())
                self._after_experiment(journal)
                self._write(journal)
            except STOPPING:
                journal["status"] = "interrupted"
                self._write(journal)
            finally:
                self.observer.end(journal)
        return RunResult(
            journal=journal, measurement=self.measurement, journal_lost=self.journal_lost
        )

    def _after_experiment(self, journal: Journal) -> None:
        if self.controls:
            with contextlib.suppress(Interrupted):  # the run is over: nothing to interrupt
                self.controls.after("experiment", self.raw, journal)

    def _close_run_record(self, journal: Journal) -> None:
        """Close the run record when all is back; otherwise say where the snapshots are."""
        if self.ctx.undoable and not self.settings.dry_run:
            settle(self.ctx)
        writer = self.ctx.records
        record = writer.finish(journal["status"]) if writer is not None else None
        if writer is None or record is None or record.done:
            return
        kept = writer.store.path(record.id)
        for obj in record.pending():
            logger.warning(
                "%s is not restored: what undoes it is kept in %s; `chaosrun restore` puts it back",
                obj.label,
                kept,
            )
        self.ctx.record["open_changes"] = [describe(obj) for obj in record.pending()]

    def _write(self, journal: Journal) -> None:
        if self.settings.dry_run:
            return
        path = self.settings.journal_path
        if path is not None:
            self.journal_lost = save_journal(path, journal) is None


def run_experiment(
    experiment: Experiment,
    raw: dict[str, Any],
    ctx: RunContext,
    settings: RunSettings,
    hooks: RunHooks | None = None,
) -> RunResult:
    return Runner(experiment, raw, ctx, settings, hooks).run()
