"""What ``chaosrun pod``, ``deployment`` and ``run`` do once their options are read, free of
the CLI framework.

The Typer commands (``chaos.cli.commands``) and the console script's fast path
(``chaos.cli.fastargs``, for command lines it can read without Typer) both call these
functions, so the two paths cannot drift apart. Each returns the exit code; bad input raises
``chaos.errors.BadInput`` (see ``report``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chaos.drivers.factory import TargetRef
from chaos.engine.options import Outputs, RunOptions, check_namespace, check_url
from chaos.errors import BadInput, ChaosrunError

if TYPE_CHECKING:
    from chaos.engine.inputs import RunInputs
    from chaos.engine.session import Session


def fail(message: str) -> BadInput:
    """Bad input (exit 2) with ``message``, one sentence: ``raise fail(...)``."""
    return BadInput(message)


def sentence(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if text.endswith((".", "!", "?")) else text + "."


def report(exc: ChaosrunError) -> int:
    """Print ``exc`` for the user; its exit code."""
    from chaos.experiment import ExperimentError

    if isinstance(exc, ExperimentError):
        from chaos.cli.validating import report_invalid

        return report_invalid(exc)
    print(f"Error: {sentence(exc)}", file=sys.stderr, flush=True)
    return exc.exit_code


def build_run_options(values: dict[str, Any]) -> RunOptions:
    """``RunOptions`` from the shared options' values (``chaos.cli.options.SHARED``)."""
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
        slo=tuple(values["slo"] or ()),
        abort_if=tuple(values["abort_if"] or ()),
        outputs=Outputs(
            report=values["report"],
            junit=values["junit"],
            events=values["events_file"],
            metrics=values["metrics_file"],
            pushgateway=values["pushgateway"],
        ),
    )


def finish(result: Any) -> int:
    if result.measurement is not None:
        from chaos.cli.printing import print_measurement

        print_measurement(result.measurement)
    return int(result.exit_code)


def start(options: RunOptions) -> Session:
    """A session whose target-free checks passed, after warning about earlier runs' leftovers."""
    from chaos.engine.options import unfinished_warnings
    from chaos.engine.session import Session

    session = Session(options)
    session.prepare()
    for warning in unfinished_warnings():
        print(warning, file=sys.stderr, flush=True)
    return session


def selection_ok(selector: str | None, name_pattern: str | None) -> None:
    """A selector that parses; a blank one only when a name pattern narrows the choice."""
    from chaos.drivers.labels import SelectorError, parse_selector

    if not (selector or "").strip() and not (name_pattern or "").strip():
        raise fail(
            "--selector must not be empty without --name-pattern "
            "(chaosrun never terminates every pod of a namespace)."
        )
    if selector:
        try:
            parse_selector(selector)
        except SelectorError as exc:
            raise fail(f"--selector: {exc}.") from None


def pause_ok(pause: float) -> None:
    from chaos.experiment import pause_problem

    if problem := pause_problem(pause):
        raise fail(f"--pause {problem}.")


def pod(
    options: RunOptions,
    *,
    selector: str | None,
    name_pattern: str | None,
    qty: int,
    mode: str,
    all_pods: bool,
    rand: bool,
    order: str,
    grace_period: int | None,
    namespace: str,
    frontend_url: str | None,
    pause: float,
) -> int:
    from chaos.actions.pods import MODES, ORDERS
    from chaos.experiment.builtin import PodChaos

    check_namespace(namespace, options.allow_system_namespaces)
    if mode not in MODES:
        raise fail(f"--mode must be one of {', '.join(MODES)} (got {mode!r}).")
    if order not in ORDERS:
        raise fail(f"--order must be one of {', '.join(ORDERS)} (got {order!r}).")
    if mode == "percentage" and qty > 100:
        raise fail(f"--qty must be at most 100 with --mode percentage (got {qty}).")
    if name_pattern:
        try:
            re.compile(name_pattern)
        except re.error as exc:
            raise fail(
                f"--name-pattern {name_pattern!r} is not a valid regular expression ({exc})."
            ) from None
    selection_ok(selector, name_pattern)
    pause_ok(pause)
    session = start(options)
    chaos = PodChaos(
        namespace=namespace,
        pause=pause,
        label_selector=selector,
        name_pattern=name_pattern,
        qty=qty,
        mode=mode,
        all_pods=all_pods,
        rand=rand,
        order=order,
        grace_period=grace_period,
    )
    return finish(session.run_builtin(chaos, frontend_url))


def deployment(
    options: RunOptions,
    *,
    name: str,
    no_rollback: bool,
    namespace: str,
    frontend_url: str | None,
    pause: float,
) -> int:
    from chaos.experiment.builtin import DeploymentChaos

    check_namespace(namespace, options.allow_system_namespaces)
    if not name.strip():
        raise fail("--name must not be empty (chaosrun never deletes every Deployment).")
    pause_ok(pause)
    session = start(options)
    chaos = DeploymentChaos(namespace=namespace, pause=pause, name=name, rollback=not no_rollback)
    return finish(session.run_builtin(chaos, frontend_url))


def run(
    options: RunOptions,
    *,
    file: str,
    var: list[str] | None,
    measure_url: str | None,
    namespace: str | None,
    var_file: list[Path] | None,
    control_file: list[Path] | None,
    settings: Path | None,
    dry: str | None,
    rollback_strategy: str | None,
    hypothesis_strategy: str | None,
    hypothesis_frequency: float | None,
    fail_fast: bool,
) -> int:
    from chaos.engine.config import parse_var
    from chaos.experiment import load_raw

    variables: dict[str, Any] = dict(parse_var(item) for item in var or [])
    if measure_url:
        check_url("--measure-url", measure_url)
    inputs = build_inputs(
        var_files=var_file,
        control_files=control_file,
        settings=settings,
        dry=dry,
        rollback_strategy=rollback_strategy,
        hypothesis_strategy=hypothesis_strategy,
        hypothesis_frequency=hypothesis_frequency,
        fail_fast=fail_fast,
    )
    session = start(options)
    raw = load_raw(file)
    result = session.run_document(
        raw,
        source=str(file),
        variables=variables,
        namespace=namespace,
        measure_url=measure_url,
        inputs=inputs,
    )
    return finish(result)


def build_inputs(
    *,
    var_files: list[Path] | None,
    control_files: list[Path] | None,
    settings: Path | None,
    dry: str | None,
    rollback_strategy: str | None,
    hypothesis_strategy: str | None,
    hypothesis_frequency: float | None,
    fail_fast: bool,
) -> RunInputs:
    """``chaosrun run``'s Chaos Toolkit options (``chaos.cli.ctk_inputs``) as the engine's
    ``RunInputs``; the default settings file is read when it exists."""
    from chaos.engine.inputs import (
        DRY_MODES,
        RunInputs,
        global_controls,
        read_settings,
        read_var_files,
    )
    from chaos.engine.strategies import RuntimeFlags
    from chaos.experiment.runtime import HYPOTHESIS_STRATEGIES, ROLLBACK_STRATEGIES

    if dry is not None and dry not in DRY_MODES:
        raise fail(f"--dry must be one of {', '.join(DRY_MODES)} (got {dry!r}).")
    if rollback_strategy is not None and rollback_strategy not in ROLLBACK_STRATEGIES:
        choices = ", ".join(ROLLBACK_STRATEGIES)
        raise fail(f"--rollback-strategy must be one of {choices} (got {rollback_strategy!r}).")
    if hypothesis_strategy is not None and hypothesis_strategy not in HYPOTHESIS_STRATEGIES:
        choices = ", ".join(HYPOTHESIS_STRATEGIES)
        raise fail(f"--hypothesis-strategy must be one of {choices} (got {hypothesis_strategy!r}).")
    ctk_settings = read_settings(settings)
    configuration, secrets = read_var_files(var_files or [])
    return RunInputs(
        controls=global_controls(ctk_settings, control_files or []),
        ctk_settings=ctk_settings,
        flags=RuntimeFlags(
            hypothesis=hypothesis_strategy,
            frequency=hypothesis_frequency,
            fail_fast=True if fail_fast else None,
            rollbacks=rollback_strategy,
        ),
        dry=dry,
        configuration=configuration,
        secrets=secrets,
    )
