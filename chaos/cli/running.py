"""What ``chaosrun pod``, ``deployment``, ``latency`` and ``run`` do once their options are
read, free of the CLI framework.

The Typer commands (``chaos.cli.commands``) and the console script's fast path
(``chaos.cli.fastargs``, for command lines it can read without Typer) both call these
functions (``execute``), so the two paths cannot drift apart. Each returns the exit code;
bad input raises ``chaos.errors.BadInput`` (see ``report``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chaos.cli import groups
from chaos.cli.groups import CtkOptions, RunPlan, Values
from chaos.engine.options import RunOptions, check_namespace, check_url
from chaos.errors import BadInput, ChaosrunError

if TYPE_CHECKING:
    from chaos.engine.inputs import RunInputs
    from chaos.engine.session import Session
    from chaos.engine.settings import RunHooks
    from chaos.experiment.builtin import PodChaos, ScaleChaos
    from chaos.experiment.cutoffs import Builtin

BUILTIN: dict[str, Callable[[Values], Builtin]] = {
    "pod": groups.pod_chaos,
    "deployment": groups.deployment_chaos,
    "scale": groups.scale_chaos,
    "latency": groups.latency_chaos,
    "partition": groups.partition_chaos,
    "drain": groups.drain_chaos,
}


def fail(message: str) -> BadInput:
    """Bad input (exit 2) with ``message``, one sentence: ``raise fail(...)``."""
    return BadInput(message)


def say(line: str) -> None:
    """A line for the user beside the run's log (which goes to stdout)."""
    print(line, file=sys.stderr, flush=True)


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


def finish(result: Any, options: RunOptions) -> int:
    """Print what the run's log does not say (the measurement's table, the journal if
    asked for); the exit code."""
    if result.measurement is not None:
        from chaos.cli.printing import print_measurement

        print_measurement(result.measurement)
    if options.print_journal and not options.dry_run:
        from chaos.cli.printing import print_journal

        print_journal(result.journal)
    return int(result.exit_code)


def start(options: RunOptions, hooks: RunHooks | None = None) -> Session:
    """A session whose target-free checks passed, after warning about earlier runs' leftovers."""
    from chaos.engine.options import unfinished_warnings
    from chaos.engine.session import Session

    session = Session(options, hooks=hooks)
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


def execute(command: str, values: Values) -> int:
    """Run ``command`` with the values read from its command line; the exit code."""
    from chaos.cli.logs import setup_logging

    setup_logging(values["verbose"])
    options = groups.run_options(values)
    if options.outputs.live is None or options.dry_run:
        return _execute(command, values, options, None)
    from chaos.live.serving import hooks_of, live_view

    outputs = options.outputs
    with live_view(outputs.live, outputs.live_linger, say) as hub:
        return _execute(command, values, options, hooks_of(hub))


def _execute(command: str, values: Values, options: RunOptions, hooks: RunHooks | None) -> int:
    if command == "run":
        return run(options, groups.run_plan(values), hooks)
    chaos = BUILTIN[command](values)
    return builtin(options, chaos, values["frontend_url"], hooks)


def builtin(
    options: RunOptions, chaos: Builtin, frontend_url: str | None, hooks: RunHooks | None = None
) -> int:
    """``chaosrun pod``, ``deployment`` or ``latency``: the tutorial's experiment."""
    from chaos.experiment.builtin import DeploymentChaos, LatencyChaos, PodChaos, ScaleChaos

    check_namespace(chaos.namespace, options.guards.allow_system_namespaces)
    if isinstance(chaos, PodChaos):
        pod_ok(chaos)
        pause_ok(chaos.pause)
    elif isinstance(chaos, DeploymentChaos):
        if not chaos.name.strip():
            raise fail("--name must not be empty (chaosrun never deletes every Deployment).")
        pause_ok(chaos.pause)
    elif isinstance(chaos, ScaleChaos):
        scale_ok(chaos)
    elif isinstance(chaos, LatencyChaos):
        if not chaos.service.strip():
            raise fail("--service must not be empty.")
        pause_ok(chaos.duration)
    else:
        cutoff_ok(chaos)
    session = start(options, hooks)
    return finish(session.run_builtin(chaos, frontend_url), options)


def cutoff_ok(chaos: Builtin) -> None:
    """``partition``'s selector parses; ``drain`` names one node or a node selector."""
    from chaos.experiment.cutoffs import DrainChaos, PartitionChaos

    if isinstance(chaos, PartitionChaos):
        chaos.policy()
        pause_ok(chaos.pause)
    elif isinstance(chaos, DrainChaos):
        if bool(chaos.node) == bool(chaos.node_selector):
            raise fail("Name one node, or give --node-selector (not both).")
        pause_ok(chaos.pause)


def scale_ok(chaos: ScaleChaos) -> None:
    from chaos.experiment.builtin import SCALE_KINDS

    if not chaos.name.strip():
        raise fail("NAME must not be empty.")
    if chaos.replicas is None:
        raise fail("--replicas is required: how many replicas the workload runs during the chaos.")
    if chaos.kind not in SCALE_KINDS:
        raise fail(f"--kind must be one of {', '.join(SCALE_KINDS)}, not {chaos.kind!r}.")
    pause_ok(chaos.pause)


def pod_ok(chaos: PodChaos) -> None:
    from chaos.actions.pods import MODES, ORDERS

    mode, order, qty, name_pattern = chaos.mode, chaos.order, chaos.qty, chaos.name_pattern
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
    selection_ok(chaos.label_selector, name_pattern)


def run(options: RunOptions, plan: RunPlan, hooks: RunHooks | None = None) -> int:
    from chaos.engine.config import parse_var
    from chaos.experiment import load_raw

    variables: dict[str, Any] = dict(parse_var(item) for item in plan.variables)
    if plan.measure_url:
        check_url("--measure-url", plan.measure_url)
    inputs = build_inputs(plan.ctk)
    session = start(options, hooks)
    raw = load_raw(plan.file)
    result = session.run_document(
        raw,
        source=str(plan.file),
        variables=variables,
        namespace=plan.namespace,
        measure_url=plan.measure_url,
        inputs=inputs,
    )
    return finish(result, options)


def build_inputs(ctk: CtkOptions) -> RunInputs:
    """``chaosrun run``'s Chaos Toolkit options as the engine's ``RunInputs``; the default
    settings file is read when it exists."""
    from chaos.engine.inputs import (
        DRY_MODES,
        RunInputs,
        global_controls,
        read_settings,
        read_var_files,
    )
    from chaos.engine.strategies import RuntimeFlags
    from chaos.experiment.runtime import HYPOTHESIS_STRATEGIES, ROLLBACK_STRATEGIES

    dry, rollback_strategy, hypothesis_strategy = (
        ctk.dry,
        ctk.rollback_strategy,
        ctk.hypothesis_strategy,
    )
    if dry is not None and dry not in DRY_MODES:
        raise fail(f"--dry must be one of {', '.join(DRY_MODES)} (got {dry!r}).")
    if rollback_strategy is not None and rollback_strategy not in ROLLBACK_STRATEGIES:
        choices = ", ".join(ROLLBACK_STRATEGIES)
        raise fail(f"--rollback-strategy must be one of {choices} (got {rollback_strategy!r}).")
    if hypothesis_strategy is not None and hypothesis_strategy not in HYPOTHESIS_STRATEGIES:
        choices = ", ".join(HYPOTHESIS_STRATEGIES)
        raise fail(f"--hypothesis-strategy must be one of {choices} (got {hypothesis_strategy!r}).")
    ctk_settings = read_settings(ctk.settings)
    configuration, secrets = read_var_files(list(ctk.var_files))
    return RunInputs(
        controls=global_controls(ctk_settings, list(ctk.control_files)),
        ctk_settings=ctk_settings,
        flags=RuntimeFlags(
            hypothesis=hypothesis_strategy,
            frequency=ctk.hypothesis_frequency,
            fail_fast=True if ctk.fail_fast else None,
            rollbacks=rollback_strategy,
        ),
        dry=dry,
        configuration=configuration,
        secrets=secrets,
    )
