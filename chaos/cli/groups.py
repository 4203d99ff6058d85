"""The values read from a command line, grouped by concern into frozen objects.

Every option of ``chaos.cli.option_table`` lands in one of them: ``RunOptions`` (what every
run takes, itself grouped: the target, the measurement, the guards, the outputs), the tutorial's
experiment for ``pod``/``deployment``/``latency`` (``PodChaos``...) with its frontend URL, or
``RunPlan`` for ``run``. Framework-free: both readers of a command line build these.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from chaos.cli.option_table import Values
from chaos.drivers.factory import TargetRef
from chaos.engine.options import Guards, MeasureOptions, Outputs, RunOptions
from chaos.experiment.builtin import DeploymentChaos, LatencyChaos, PodChaos, ScaleChaos
from chaos.experiment.cutoffs import DrainChaos, PartitionChaos
from chaos.history.options import HistoryOptions

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


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
        seed=values.get("seed"),
        record_in_cluster=values.get("record_in_cluster", False),
        print_journal=values["print_journal"],
        measurement=MeasureOptions(
            enabled=not values["no_measure"],
            probe_interval=values["probe_interval"],
            breaker_url=values["breaker_url"],
            slo=_many(values["slo"]),
            abort_if=_many(values["abort_if"]),
        ),
        guards=Guards(
            allow_system_namespaces=values["allow_system_namespaces"],
            max_percent=values.get("max_percent"),
            min_healthy=values.get("min_healthy"),
            allow_irreversible=values["allow_irreversible"],
        ),
        outputs=Outputs(
            report=values["report"],
            junit=values["junit"],
            events=values["events_file"],
            metrics=values["metrics_file"],
            pushgateway=values["pushgateway"],
            live=values["live"],
            live_linger=values["live_linger"],
        ),
        history=HistoryOptions.of(
            values["history"], not values["no_history"], _many(values["label"])
        ),
    )


def _fill(cls: type[T], values: Values, **given: Any) -> T:
    """A ``cls`` whose fields take the options' values of the same names, or ``given``."""
    return cls(
        **{f.name: given[f.name] if f.name in given else values[f.name] for f in fields(cls)}
    )


def pod_chaos(values: Values) -> PodChaos:
    return _fill(PodChaos, values, label_selector=values["selector"])


def deployment_chaos(values: Values) -> DeploymentChaos:
    return _fill(DeploymentChaos, values, rollback=not values["no_rollback"])


def scale_chaos(values: Values) -> ScaleChaos:
    return _fill(ScaleChaos, values, rollback=not values["no_rollback"])


def latency_chaos(values: Values) -> LatencyChaos:
    # Any Service, through the fault proxy; its image from CHAOSRUN_PROXY_IMAGE until the
    # command line declares --proxy-image.
    return _fill(LatencyChaos, values, through_proxy=True)


def partition_chaos(values: Values) -> PartitionChaos:
    return _fill(PartitionChaos, values, rollback=not values["no_rollback"])


def drain_chaos(values: Values) -> DrainChaos:
    return _fill(
        DrainChaos,
        values,
        local_storage=values["delete_emptydir_data"],
        rollback=not values["no_rollback"],
    )


def run_plan(values: Values) -> RunPlan:
    return RunPlan(
        file=values["file"],
        variables=_many(values["var"]),
        measure_url=values["measure_url"],
        namespace=values["namespace"],
        ctk=_fill(
            CtkOptions,
            values,
            var_files=_many(values["var_file"]),
            control_files=_many(values["control_file"]),
        ),
    )
