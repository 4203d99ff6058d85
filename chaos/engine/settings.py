"""What a run is given and what it gives back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chaos.defaults import PROBE_INTERVAL
from chaos.engine.strategies import Runtime
from chaos.errors import EXIT_FAILED
from chaos.experiment.journal import Journal

if TYPE_CHECKING:
    from chaos.measure.gates import Gate

EXIT_OK = 0


@dataclass
class RunSettings:
    configuration: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    measure_url: str | None = None
    breaker_url: str | None = None
    probe_interval: float = PROBE_INTERVAL
    journal_path: Path | None = None
    gates: tuple[Gate, ...] = ()  # SLO gates judged on the live measurement
    abort_rules: tuple[Gate, ...] = ()  # met on the measurement so far: the run stops
    events_file: Path | None = None
    # The Chaos Toolkit's ``--dry``: actions, probes, activities (not run) or pause (no
    # pauses); unlike ``dry_run``, everything else runs.
    dry: str | None = None
    runtime: Runtime = field(default_factory=Runtime)
    # Global controls (``--control-file``, the settings file's), each with its name.
    controls: list[dict[str, Any]] = field(default_factory=list)
    # The settings file's content, as Chaos Toolkit controls receive it.
    ctk_settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunHooks:
    """What a caller may follow as the run goes, without parsing its log."""

    on_pause: Callable[[float, str], None] | None = None  # (seconds, "before" or "after")


@dataclass
class RunResult:
    journal: Journal
    measurement: Any = None
    journal_lost: bool = False  # it could be written neither to its path nor to a fallback

    @property
    def status(self) -> str:
        return str(self.journal["status"])

    @property
    def deviated(self) -> bool:
        return bool(self.journal["deviated"])

    @property
    def exit_code(self) -> int:
        ok = self.status == "completed" and not self.deviated and not self.journal_lost
        return EXIT_OK if ok else EXIT_FAILED
