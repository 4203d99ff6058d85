"""One activity as the Chaos Toolkit runs it: its pauses, its provider, its journal entry."""

from __future__ import annotations

import logging
import time
import traceback
from typing import TYPE_CHECKING, Any, Protocol

from chaos.engine import signals
from chaos.engine.config import substitute
from chaos.engine.journal import now_iso
from chaos.engine.settings import RunHooks, RunSettings
from chaos.engine.signals import Interrupted
from chaos.experiment.journal import ActivityRun
from chaos.experiment.model import Activity, Experiment, Ref
from chaos.experiment.validate import read_provider
from chaos.providers import PROVIDERS, Call

if TYPE_CHECKING:
    from chaos.engine.controls import Controls

logger = logging.getLogger("chaosrun")


def format_seconds(value: float) -> str:
    return f"{value:g}"


def _exception_lines(exc: BaseException) -> list[str]:
    return traceback.format_exception_only(type(exc), exc)


def short_output(output: Any) -> str:
    if isinstance(output, dict) and "status" in output:
        return f"status {output['status']}"
    text = repr(output)
    return text if len(text) <= 120 else text[:117] + "..."


class ActivityObserver(Protocol):
    """Told when each announced activity starts and when its call ends (before its pause)."""

    def activity_started(self, activity: Activity, into: list[ActivityRun]) -> None: ...

    def activity_ended(
        self, activity: Activity, into: list[ActivityRun], entry: ActivityRun
    ) -> None: ...


class ActivityRunner:
    """Runs the activities of one experiment with the run's variables, settings and hooks."""

    def __init__(
        self,
        experiment: Experiment,
        call: Call,
        variables: dict[str, Any],
        settings: RunSettings,
        hooks: RunHooks,
        controls: Controls | None = None,
    ) -> None:
        self.experiment = experiment
        self.call = call
        self.variables = variables
        self.settings = settings
        self.hooks = hooks
        self.controls = controls
        self.observer: ActivityObserver | None = None

    def dry_mode(self, activity: Activity) -> str | None:
        """The ``dry`` mode that says this activity is not run: ``--dry``'s or the
        activity's own (either keeps it from running)."""
        for dry in (self.settings.dry, activity.declared.get("dry")):
            if dry == "activities" or dry == f"{activity.type}s":
                return str(dry)
        return None

    def is_dry(self, activity: Activity) -> bool:
        """True when a ``dry`` mode says this activity is not run (the Chaos Toolkit's
        meaning)."""
        return self.dry_mode(activity) is not None

    def _dry_pause(self, activity: Activity) -> bool:
        return "pause" in (self.settings.dry, activity.declared.get("dry"))

    def load_providers(self) -> None:
        """Import what this experiment's providers run with, before the run's clock starts,
        so the journal's times measure the activities, not our imports (httpx: ~40 ms)."""
        specs: dict[str, list[Any]] = {}
        for activity in self.experiment.activities():
            try:
                provider = read_provider(substitute(activity.provider.declared, self.variables))
                specs.setdefault(provider.type, []).append(provider.spec())
            except Exception:
                continue  # the activity itself fails when it runs, saying why
        for kind, found in sorted(specs.items()):
            PROVIDERS[kind].load(found)

    def resolve(self, item: Activity | Ref) -> Activity:
        if isinstance(item, Ref):
            found = self.experiment.find(item.ref)
            if found is None:  # validation prevents this
                raise RuntimeError(f"no activity named {item.ref!r}")
            return found
        return item

    def _pause(self, seconds: Any, when: str, dry: bool) -> None:
        value = float(substitute(seconds, self.variables))
        if value <= 0:
            return
        if self.settings.dry_run or dry:
            logger.info("Dry run: skipping the %ss pause", format_seconds(value))
            return
        if when == "before":
            logger.info("Pausing before next activity for %ss...", format_seconds(value))
        else:
            logger.info("Pausing after activity for %ss...", format_seconds(value))
        if self.hooks.on_pause is not None:
            self.hooks.on_pause(value, when)
        signals.sleep(value)

    def _call(self, activity: Activity) -> Any:
        provider = read_provider(substitute(activity.provider.declared, self.variables))
        return PROVIDERS[provider.type].run(provider.spec(), self.call)

    def _skipped_in_dry_run(self, activity: Activity) -> bool:
        if not self.settings.dry_run:
            return False
        provider = activity.provider
        return not PROVIDERS[provider.type].runs_in_dry_run(provider.spec())

    def execute(
        self, activity: Activity, into: list[ActivityRun], *, quiet: bool = False
    ) -> ActivityRun:
        """Run one activity with its pauses and controls; its journal entry is appended to
        ``into`` before the pause after it, so an interruption mid-pause keeps it.
        ``quiet``: a probe run for chaosrun itself (a safeguard's, a tolerance's), neither
        announced nor controlled."""
        signals.checkpoint()
        declared = activity.as_declared()
        controls = None if quiet else self.controls
        if controls:
            controls.before("activity", declared)
        dry_mode = self.dry_mode(activity)
        dry = dry_mode is not None or self._dry_pause(activity)
        pauses = activity.pauses
        if pauses is not None and pauses.before is not None:
            self._pause(pauses.before, "before", dry)
        if not quiet:
            kind = "Action" if activity.type == "action" else "Probe"
            logger.info("%s: %s", kind, activity.name)
        entry: ActivityRun = {
            "activity": declared,
            "output": None,
            "start": now_iso(),
            "status": "succeeded",
        }
        into.append(entry)
        observer = None if quiet else self.observer
        if observer is not None:
            observer.activity_started(activity, into)
        started = time.monotonic()
        try:
            if dry_mode is not None:
                logger.info("Dry run (dry %s): not running %r", dry_mode, activity.name)
            elif self._skipped_in_dry_run(activity):
                logger.info("Dry run: skipping %s %r", activity.provider.type, activity.name)
                entry["status"] = "skipped"
            else:
                entry["output"] = self._call(activity)
                logger.debug("  => output: %r", entry["output"])
        except Exception as exc:
            entry["status"] = "failed"
            entry["exception"] = _exception_lines(exc)
            logger.error("  => failed: %s", str(exc) or type(exc).__name__)
            logger.debug("%s", "".join(traceback.format_exception(exc)))
        except signals.STOPPING as exc:
            entry["status"] = "failed"
            if isinstance(exc, Interrupted) and exc.requested:
                entry["exception"] = [f"Interrupted: {exc.signame}\n"]
            elif isinstance(exc, SystemExit):
                entry["exception"] = [f"Interrupted: the activity exited with {exc.code}\n"]
            else:
                name = exc.signame if isinstance(exc, Interrupted) else "SIGINT"
                entry["exception"] = [f"Interrupted: {name} arrived during this activity\n"]
            raise
        finally:
            entry["end"] = now_iso()
            entry["duration"] = round(time.monotonic() - started, 6)
            if observer is not None:
                observer.activity_ended(activity, into, entry)
        # A failed action stops the method: waiting out its pause would only delay the end.
        failed_action = activity.type == "action" and entry["status"] == "failed"
        if pauses is not None and pauses.after is not None and not failed_action:
            self._pause(pauses.after, "after", dry)
        if controls:
            controls.after("activity", declared, entry)
        return entry
