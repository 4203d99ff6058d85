"""The values read from a command line, grouped by concern into frozen objects.

Every option of ``chaos.cli.option_table`` lands in one of them: ``RunOptions`` (what every
run takes: the target, the journal, the measurement, the guards, the outputs), the tutorial's
experiment for ``pod``/``deployment``/``latency`` (``PodChaos``...) with its frontend URL, or
``RunPlan`` for ``run``. Framework-free: both readers of a command line build these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaos.drivers.factory import TargetRef
from chaos.engine.options import Outputs, RunOptions
from chaos.experiment.builtin import DeploymentChaos, LatencyChaos, PodChaos

Values = dict[str, Any]


@dataclass(frozen=True)
class CtkOptions:
    """``chaosrun run``'s Chaos Toolkit options (``chaos run`` 1.19's names)."""

    var_files: tuple[Path, ...] = ()
    control_files: tuple[Path, ...] = ()
    settings: Path | None = None
    dry: str | None = None
    rollback_strategy: str | None = None
    hypothesis_strategy: str | None = None
    hypothesis_frequency: float | None = None
    fail_fast: bool = False


@dataclass(frozen=True)
class RunPlan:
    """``chaosrun run``'s own options: the file and what changes in it."""

    file: str
    variables: tuple[str, ...] = ()  # --var, as written
    measure_url: str | None = None
    namespace: str | None = None
    ctk: CtkOptions = field(default_factory=CtkOptions)


def _many(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


def run_options(values: Values) -> RunOptions:
    """What every run takes."""
    state_dir = values["state_dir"]
    return RunOptions(
        target=TargetRef(
            values["target"],
            values["context"],
            values["kubeconfig"],
            str(state_dir) if state_dir else None,
        ),
        journal_path=values["journal_path"],
        dry_run=values["dry_run"],
        seed=values["seed"],
        allow_system_namespaces=values["allow_system_namespaces"],
        probe_interval=values["probe_interval"],
        measure=not values["no_measure"],
        breaker_url=values["breaker_url"],
        record_in_cluster=values["record_in_cluster"],
        print_journal=values["print_journal"],
        slo=_many(values["slo"]),
        abort_if=_many(values["abort_if"]),
        outputs=Outputs(
            report=values["report"],
            junit=values["junit"],
            events=values["events_file"],
            metrics=values["metrics_file"],
            pushgateway=values["pushgateway"],
        ),
    )


def pod_chaos(values: Values) -> PodChaos:
    return PodChaos(
        namespace=values["namespace"],
        pause=values["pause"],
        label_selector=values["selector"],
        name_pattern=values["name_pattern"],
        qty=values["qty"],
        mode=values["mode"],
        all_pods=values["all_pods"],
        rand=values["rand"],
        order=values["order"],
        grace_period=values["grace_period"],
    )


def deployment_chaos(values: Values) -> DeploymentChaos:
    return DeploymentChaos(
        namespace=values["namespace"],
        pause=values["pause"],
        name=values["name"],
        rollback=not values["no_rollback"],
    )


def latency_chaos(values: Values) -> LatencyChaos:
    return LatencyChaos(
        namespace=values["namespace"],
        delay=values["delay"],
        error_share=values["error_share"],
        duration=values["duration"],
        service=values["service"],
        page_timeout=values["page_timeout"],
    )


def run_plan(values: Values) -> RunPlan:
    return RunPlan(
        file=values["file"],
        variables=_many(values["var"]),
        measure_url=values["measure_url"],
        namespace=values["namespace"],
        ctk=CtkOptions(
            var_files=_many(values["var_file"]),
            control_files=_many(values["control_file"]),
            settings=values["settings"],
            dry=values["dry"],
            rollback_strategy=values["rollback_strategy"],
            hypothesis_strategy=values["hypothesis_strategy"],
            hypothesis_frequency=values["hypothesis_frequency"],
            fail_fast=values["fail_fast"],
        ),
    )
