"""What every run takes, and the checks that need no target: cheap to import, for the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from chaos.actions.context import system_namespace_refusal
from chaos.defaults import JOURNAL_PATH, PROBE_INTERVAL
from chaos.drivers.factory import TargetRef
from chaos.errors import BadInput
from chaos.files import check_writable, claim_stdout, is_stdout
from chaos.history.options import HistoryOptions


@dataclass(frozen=True)
class Outputs:
    """Files and places a run's results go to at its end (the journal aside), and its events
    file as it goes."""

    report: Path | None = None  # HTML
    junit: Path | None = None
    events: Path | None = None  # NDJSON, written as the run goes
    metrics: Path | None = None  # Prometheus textfile
    pushgateway: str | None = None

    def files(self) -> list[tuple[str, Path]]:
        named = [
            ("--report", self.report),
            ("--junit", self.junit),
            ("--events-file", self.events),
            ("--metrics-file", self.metrics),
        ]
        return [(option, path) for option, path in named if path is not None]


@dataclass(frozen=True)
class MeasureOptions:
    """The live measurement of the frontend while the chaos runs, and what judges it."""

    enabled: bool = True
    probe_interval: float = PROBE_INTERVAL
    breaker_url: str | None = None  # None: v2's breaker endpoint if the frontend serves one
    slo: tuple[str, ...] = ()  # SLO gates, as written (see chaos.measure.gates)
    abort_if: tuple[str, ...] = ()  # abort rules, same grammar


@dataclass(frozen=True)
class Guards:
    """What a run refuses to touch unless told."""

    allow_system_namespaces: bool = False
    # Changes chaosrun cannot undo (a deleted Namespace, a command run in a pod).
    allow_irreversible: bool = False


@dataclass(frozen=True)
class RunOptions:
    """What every run takes, whatever started it, by concern."""

    target: TargetRef = field(default_factory=TargetRef)
    journal_path: Path | None = JOURNAL_PATH
    dry_run: bool = False
    seed: int | None = None
    record_in_cluster: bool = False
    print_journal: bool = False
    measurement: MeasureOptions = field(default_factory=MeasureOptions)
    guards: Guards = field(default_factory=Guards)
    outputs: Outputs = field(default_factory=Outputs)
    history: HistoryOptions = field(default_factory=HistoryOptions)


def check_namespace(namespace: str, allowed: bool) -> None:
    refusal = system_namespace_refusal(namespace, allowed)
    if refusal is not None:
        raise BadInput(refusal)


def check_journal_path(path: Path) -> None:
    """Before any chaos: a journal that cannot be written is found now, not after."""
    if is_stdout(path):
        claim_stdout()
        return
    if path.is_dir():
        raise BadInput(
            f"--journal-path {path} is a directory; give a file name such as {JOURNAL_PATH}."
        )
    why = check_writable(path)
    if why is not None:
        raise BadInput(f"--journal-path {path} cannot be written ({why}); nothing was changed.")


def check_outputs(outputs: Outputs) -> None:
    """Before any chaos: every output file can be written, the Pushgateway URL is one."""
    for option, path in outputs.files():
        if is_stdout(path):
            claim_stdout()
        why = check_writable(path)
        if why is not None:
            raise BadInput(f"{option} {path} cannot be written ({why}); nothing was changed.")
    if outputs.pushgateway:
        check_url("--pushgateway", outputs.pushgateway)


def check_url(option: str, url: str) -> None:
    if not re.match(r"^https?://", url):
        raise BadInput(f"{option} must start with http:// or https:// (got {url!r}).")


def unfinished_warnings() -> list[str]:
    """What earlier runs left deleted, one line each (a directory listing, no network)."""
    from chaos.records.store import RecordStore

    store = RecordStore()
    records, _ = store.unfinished()
    return [
        f"Warning: run {record.id} left {obj.label} deleted; "
        "`chaosrun restore` puts it back (`--dry-run` lists it)."
        for record in records
        if not store.in_progress(record.id)
        for obj in record.pending()
    ]
