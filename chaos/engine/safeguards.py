"""``chaosaddons.controls.safeguards``, run natively: the same declaration, nothing to install.

The control's ``probes`` argument lists probes with a tolerance. A probe with neither
``background`` nor ``frequency`` runs once before the experiment, and the experiment waits
for it; one with ``background: true`` runs once in a thread of its own as the experiment
starts; one with ``frequency: N`` runs every N seconds until the chaos is over. The first
probe out of its tolerance stops the run (status ``interrupted``, the rollbacks played),
at once, or after the current activity with ``interrupt_after_activity: true``.

Watchers stop before the rollbacks: a safeguard guards the chaos, and must not cut short
what puts the system back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from chaos.engine import signals
from chaos.errors import InterruptRun

logger = logging.getLogger("chaosrun")

# Runs one probe declaration: (within its tolerance, what was seen when it is not).
ProbeCheck = Callable[[dict[str, Any]], tuple[bool, str]]


class Safeguards:
    """One declared safeguards control; chaosrun calls its methods as control functions."""

    def __init__(self, check: ProbeCheck) -> None:
        self._check = check
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._tripped: str | None = None
        self._after_activity = False
        self._threads: list[threading.Thread] = []

    # -- the control interface ------------------------------------------------------------
    def before_experiment_control(
        self,
        context: Any = None,
        probes: list[dict[str, Any]] | None = None,
        interrupt_after_activity: bool | None = None,
        **_: Any,
    ) -> None:
        self._after_activity = bool(interrupt_after_activity)
        probes = probes or []
        for probe in probes:
            if not probe.get("frequency") and not probe.get("background"):
                met, seen = self._check(probe)
                if not met:
                    raise InterruptRun(_reason(probe, seen))
        for probe in probes:
            if probe.get("frequency") or probe.get("background"):
                thread = threading.Thread(
                    target=self._watch,
                    args=(probe,),
                    name=f"chaosrun-safeguard-{probe.get('name', 'ref')}",
                    daemon=True,
                )
                self._threads.append(thread)
                thread.start()

    def after_activity_control(self, context: Any = None, **_: Any) -> None:
        with self._lock:
            tripped = self._tripped if self._after_activity else None
        if tripped is not None:
            raise InterruptRun(tripped)

    def after_experiment_control(self, **_: Any) -> None:
        self.stop_watching()

    def cleanup_control(self) -> None:
        self.stop_watching()

    # -- chaosrun's side ------------------------------------------------------------------
    def stop_watching(self) -> None:
        """No probe may stop the run after this returns (called before the rollbacks)."""
        with self._lock:
            self._finished.set()

    def _watch(self, probe: dict[str, Any]) -> None:
        frequency = probe.get("frequency")
        try:
            while not self._finished.is_set():
                met, seen = self._check(probe)
                if not met:
                    self._trip(_reason(probe, seen))
                    return
                if not frequency or self._finished.wait(float(frequency)):
                    return
        except (signals.Interrupted, KeyboardInterrupt):
            return  # the run is stopping already
        except Exception as exc:
            logger.warning("Safeguard '%s' could not run: %s", probe.get("name"), exc)

    def _trip(self, reason: str) -> None:
        with self._lock:
            if self._finished.is_set() or self._tripped is not None:
                return
            self._tripped = reason
            if self._after_activity:
                logger.critical("%s; the run stops after the current activity", reason)
                return
            logger.critical("%s", reason)
            signals.request_stop(reason)


def _reason(probe: dict[str, Any], seen: str) -> str:
    name = probe.get("name") or probe.get("ref")
    return f"safeguard '{name}' is not in its tolerance ({seen})"


__all__ = ["ProbeCheck", "Safeguards"]
