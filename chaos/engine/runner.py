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

import json
import logging
import time
import traceback
from typing import Any

from chaos.actions.context import RunContext
from chaos.engine.activity import ActivityRunner, format_seconds, short_output
from chaos.engine.background import Background
from chaos.engine.config import substitute
from chaos.engine.events import EventLog
from chaos.engine.journal import new_journal, now_iso, write_journal
from chaos.engine.observer import RunObserver
from chaos.engine.settings import RunHooks, RunResult, RunSettings
from chaos.engine.signals import Interrupted, interruptible, shielded
from chaos.engine.tolerance import within_tolerance
from chaos.experiment.journal import ActivityRun, Journal, SteadyState
from chaos.experiment.model import Activity, Experiment
from chaos.providers import PROVIDERS, Call

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
        self.variables: dict[str, Any] = dict(settings.configuration)
        for scope in settings.secrets.values():
            if isinstance(scope, dict):
                self.variables.update(scope)
        self.activities = ActivityRunner(
            experiment,
            Call(ctx, settings.configuration, settings.secrets),
            self.variables,
            settings,
            self.hooks,
        )
        self.observer = _observer(settings)
        self.resolve = self.activities.resolve
        self.execute = self.observer.wrap(self.activities.execute)
        self._prober: Any = None
        self.measurement: Any = None

    # -- phases -------------------------------------------------------------------------
    def hypothesis(self) -> SteadyState:
        hypothesis = self.experiment.steady_state_hypothesis
        assert hypothesis is not None
        logger.info("Steady state hypothesis: %s", hypothesis.title)
        state: SteadyState = {"steady_state_met": True, "probes": []}
        for item in hypothesis.probes:
            probe = self.resolve(item)
            entry = self.execute(probe, state["probes"])
            tolerance = substitute(probe.tolerance, self.variables)
            met = entry["status"] == "succeeded" and within_tolerance(tolerance, entry["output"])
            entry["tolerance_met"] = met
            if not met:
                state["steady_state_met"] = False
                if entry["status"] == "succeeded":
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
        self.observer.hypothesis(state)
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
        logger.info("Let's rollback...")
        if not method_started:
            logger.info("No rollbacks played: the method did not run, so nothing to undo.")
            return
        if not self.experiment.rollbacks:
            logger.info("No declared rollbacks, let's move on.")
            return
        activities = [self.resolve(item) for item in self.experiment.rollbacks]
        with Background(self.execute, activities) as background:
            for activity in activities:
                logger.info("Rollback: %s", activity.name)
                if activity.background:
                    background.start(activity, journal["rollbacks"])
                else:
                    entry = self.execute(activity, journal["rollbacks"])
                    _judge_rollback(journal, activity, entry)
            for activity, entry in background.wait():
                _judge_rollback(journal, activity, entry)

    # -- the run ------------------------------------------------------------------------
    def _load_providers(self) -> None:
        """Import what the providers this experiment uses run with, before the run's clock
        starts, so the journal's times measure the activities (httpx alone takes ~60 ms)."""
        for kind in sorted({a.provider.type for a in self.experiment.activities()}):
            PROVIDERS[kind].load()

    def run(self) -> RunResult:
        self._load_providers()
        journal = new_journal(self.raw)
        started = time.monotonic()
        method_started = False
        if self.settings.dry_run:
            logger.warning("Dry run: nothing will be changed")
        with interruptible():
            try:
                title = substitute(self.experiment.title, self.variables)
                self.observer.begin(journal, str(title))
                logger.info("Running experiment: %s", title)
                status = "completed"
                hypothesis = self.experiment.steady_state_hypothesis
                run_hypothesis = hypothesis is not None and bool(hypothesis.probes)
                if not run_hypothesis:
                    logger.info("No steady state hypothesis defined. That's ok, just exploring.")
                elif self.settings.dry_run:
                    logger.info("Dry run: skipping the steady-state hypothesis")
                    run_hypothesis = False
                before_met = True
                if run_hypothesis:
                    before = self.hypothesis()
                    journal["steady_states"]["before"] = before
                    before_met = before["steady_state_met"]
                    if not before_met:
                        status = "failed"
                if before_met:
                    method_started = True
                    if not self.method(journal):
                        status = "failed"
                    elif run_hypothesis:
                        after = self.hypothesis()
                        journal["steady_states"]["after"] = after
                        if not after["steady_state_met"]:
                            journal["deviated"] = True
                            status = "failed"
                journal["status"] = status
            except (KeyboardInterrupt, Interrupted) as exc:
                journal["status"] = "interrupted"
                if isinstance(exc, Interrupted) and exc.requested:
                    logger.warning("The run was interrupted: %s", exc.signame)
                else:
                    name = exc.signame if isinstance(exc, Interrupted) else "SIGINT"
                    logger.warning("Received a termination signal (%s)...", name)
            except Exception as exc:
                journal["status"] = "aborted"
                logger.critical(
                    "Experiment ran into an unexpected fatal error, aborting now: %s", exc
                )
                logger.debug("%s", "".join(traceback.format_exception(exc)))
        with shielded():
            try:
                self._stop_measuring(journal)
                self.observer.judge(journal, self.measurement)
                try:
                    self.rollbacks(journal, method_started)
                except (KeyboardInterrupt, Interrupted):
                    journal["status"] = "interrupted"
                    logger.warning("Terminating now without running the remaining rollbacks.")
                self._close_run_record(journal)
                if self.ctx.record:
                    journal["chaosrun"] = self.ctx.record
                journal["end"] = now_iso()
                journal["duration"] = round(time.monotonic() - started, 6)
                shown = "deviated" if journal["deviated"] else journal["status"]
                logger.info("Experiment ended with status: %s", shown)
                if journal["deviated"]:
                    logger.info(
                        "The steady-state has deviated, a weakness may have been discovered"
                    )
                self._write(journal)
            except (KeyboardInterrupt, Interrupted):
                journal["status"] = "interrupted"
                self._write(journal)
            finally:
                self.observer.end(journal)
        return RunResult(journal=journal, measurement=self.measurement)

    def _close_run_record(self, journal: Journal) -> None:
        """Close the run record when all is back; otherwise say where the snapshots are."""
        writer = self.ctx.records
        record = writer.finish(journal["status"]) if writer is not None else None
        if writer is None or record is None or record.done:
            return
        for obj in record.pending():
            logger.warning(
                "%s is not restored: its snapshot is kept in %s; `chaosrun restore` puts it back",
                obj.label,
                writer.store.path(record.id),
            )

    def _write(self, journal: Journal) -> None:
        if self.settings.dry_run:
            return
        if self.settings.print_journal:
            logger.info("Journal follows, on one line:")
            print(json.dumps(journal, ensure_ascii=False, default=str), flush=True)
        path = self.settings.journal_path
        if path is None:
            return
        try:
            write_journal(path, journal)
        except OSError as exc:
            logger.error("Could not write the journal to %s: %s", path, exc.strerror or exc)
            return
        logger.info("Journal written to %s", path)


def _judge_rollback(journal: Journal, activity: Activity, entry: ActivityRun) -> None:
    if entry["status"] == "failed" and journal["status"] in ("completed", None):
        # Stricter than the Chaos Toolkit: an unrestored system is not a success.
        journal["status"] = "failed"
        logger.critical(
            "Rollback '%s' failed: the system may not be restored, so the experiment fails",
            activity.name,
        )


def _observer(settings: RunSettings) -> RunObserver:
    events = None
    if settings.events_file and not settings.dry_run:
        events = EventLog(settings.events_file)
    return RunObserver(settings.gates, settings.abort_rules, events)


def run_experiment(
    experiment: Experiment,
    raw: dict[str, Any],
    ctx: RunContext,
    settings: RunSettings,
    hooks: RunHooks | None = None,
) -> RunResult:
    return Runner(experiment, raw, ctx, settings, hooks).run()
