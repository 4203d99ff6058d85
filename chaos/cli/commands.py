"""``chaosrun pod``, ``deployment``, ``run`` and ``validate``: options in, the result out."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from chaos import defaults
from chaos.cli import ctk_inputs as ctk
from chaos.cli.errors import fail, handles_errors
from chaos.cli.options import FrontendUrl, Namespace, Pause, Verbose, run_options
from chaos.engine.options import RunOptions, check_namespace, check_url

if TYPE_CHECKING:
    from chaos.engine.session import Session


def _finish(session: Session, result: Any) -> NoReturn:
    from chaos.cli.printing import print_measurement

    if result.measurement is not None:
        print_measurement(result.measurement)
    raise typer.Exit(result.exit_code)


def _start(options: RunOptions) -> Session:
    """A session whose target-free checks passed, after warning about earlier runs' leftovers."""
    from chaos.engine.options import unfinished_warnings
    from chaos.engine.session import Session

    session = Session(options)
    session.prepare()
    for warning in unfinished_warnings():
        typer.echo(warning, err=True)
    return session


def _selection_ok(selector: str | None, name_pattern: str | None) -> None:
    """A selector that parses; a blank one only when a name pattern narrows the choice."""
    from chaos.drivers.labels import SelectorError, parse_selector

    if not (selector or "").strip() and not (name_pattern or "").strip():
        fail(
            "--selector must not be empty without --name-pattern "
            "(chaosrun never terminates every pod of a namespace)."
        )
    if selector:
        try:
            parse_selector(selector)
        except SelectorError as exc:
            fail(f"--selector: {exc}.")


def _pause_ok(pause: float) -> None:
    from chaos.experiment import pause_problem

    if problem := pause_problem(pause):
        fail(f"--pause {problem}.")


ExperimentSource = Annotated[
    str, typer.Argument(help="Experiment file (JSON or YAML), or its http(s) URL.")
]

POD_EPILOG = (
    "Example: chaosrun pod --selector app=front --pause 10 --journal-path pod.json\n\n"
    "A selector that matches no pod fails the action: status failed, exit 1."
)


@run_options
def pod(
    options: RunOptions,
    selector: Annotated[
        str | None,
        typer.Option(
            help="Label selector of the pods to terminate (empty only with --name-pattern)."
        ),
    ] = defaults.FRONTEND_SELECTOR,
    name_pattern: Annotated[
        str | None, typer.Option(help="Regular expression searched in the pod names.")
    ] = None,
    qty: Annotated[int, typer.Option(min=0, help="How many pods (or percent with --mode).")] = 1,
    mode: Annotated[str, typer.Option(help="fixed or percentage.")] = "fixed",
    all_pods: Annotated[bool, typer.Option("--all", help="Terminate every matching pod.")] = False,
    rand: Annotated[bool, typer.Option("--rand", help="Pick the pods at random.")] = False,
    order: Annotated[str, typer.Option(help="alphabetic or oldest (first pods hit).")] = (
        "alphabetic"
    ),
    grace_period: Annotated[
        int | None, typer.Option(min=0, help="Grace period in seconds (default: the pod's).")
    ] = None,
    namespace: Namespace = defaults.NAMESPACE,
    frontend_url: FrontendUrl = None,
    pause: Pause = defaults.PAUSE,
) -> None:
    """Terminate the frontend pod(s), pause, then check the steady-state hypothesis.

    Hypothesis, before and after: all pods Running and Ready; GET on the frontend is 200.
    """
    from chaos.actions.pods import MODES, ORDERS
    from chaos.experiment.builtin import PodChaos

    check_namespace(namespace, options.allow_system_namespaces)
    if mode not in MODES:
        fail(f"--mode must be one of {', '.join(MODES)} (got {mode!r}).")
    if order not in ORDERS:
        fail(f"--order must be one of {', '.join(ORDERS)} (got {order!r}).")
    if mode == "percentage" and qty > 100:
        fail(f"--qty must be at most 100 with --mode percentage (got {qty}).")
    if name_pattern:
        try:
            re.compile(name_pattern)
        except re.error as exc:
            fail(f"--name-pattern {name_pattern!r} is not a valid regular expression ({exc}).")
    _selection_ok(selector, name_pattern)
    _pause_ok(pause)
    session = _start(options)
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
    _finish(session, session.run_builtin(chaos, frontend_url))


DEPLOYMENT_EPILOG = (
    "Example: chaosrun deployment --name back --pause 10 --journal-path deployment.json\n\n"
    "A Deployment that does not exist is bad input (exit 2, nothing is run). With v1 the "
    "frontend fails without its backend: status deviated, exit 1; with v2 it falls back: "
    "completed, exit 0. The Deployment is restored from its snapshot in every case "
    "(failure, deviation, Ctrl-C) unless --no-rollback; the snapshot is on disk before the "
    "delete, so `chaosrun restore` puts it back after a run that was killed."
)


@run_options
def deployment(
    options: RunOptions,
    name: Annotated[
        str, typer.Option(help="The Deployment to delete.")
    ] = defaults.BACKEND_DEPLOYMENT,
    no_rollback: Annotated[
        bool, typer.Option("--no-rollback", help="Leave the Deployment deleted afterwards.")
    ] = False,
    namespace: Namespace = defaults.NAMESPACE,
    frontend_url: FrontendUrl = None,
    pause: Pause = defaults.PAUSE,
) -> None:
    """Delete the backend Deployment, pause, check the hypothesis, then restore it.

    A snapshot taken before the delete is the rollback; the journal records time to restore.
    """
    from chaos.experiment.builtin import DeploymentChaos

    check_namespace(namespace, options.allow_system_namespaces)
    if not name.strip():
        fail("--name must not be empty (chaosrun never deletes every Deployment).")
    _pause_ok(pause)
    session = _start(options)
    chaos = DeploymentChaos(namespace=namespace, pause=pause, name=name, rollback=not no_rollback)
    _finish(session, session.run_builtin(chaos, frontend_url))


RUN_EPILOG = (
    "Example: chaosrun run experiments/pod.json --var frontend_url=http://127.0.0.1:8080/\n\n"
    "Stricter than the Chaos Toolkit: a hypothesis not met before the method stops the run "
    "(failed, exit 1); an action that raises fails the run (a missing Deployment is such a "
    "failure, exit 1); rollbacks are played whenever the method started, also after a "
    "failure, a deviation or Ctrl-C, and a failed rollback fails the run; a pod "
    "termination with neither a label selector nor a name pattern is refused. "
    "Exit codes: 0 completed, 1 deviated/failed/interrupted, "
    "2 bad input (invalid file, bad option, cluster unreachable)."
)


@run_options
def run(
    options: RunOptions,
    file: Annotated[
        str, typer.Argument(help="Experiment file (JSON or YAML), or its http(s) URL.")
    ],
    var: Annotated[
        list[str] | None,
        typer.Option(
            "--var",
            help="Override a configuration entry: key=value or key:type=value "
            "(type: str, int, float, bool, json). Repeatable.",
        ),
    ] = None,
    measure_url: Annotated[
        str | None, typer.Option(help="URL to probe continuously during the method.")
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace",
            "-n",
            help="Namespace for chaosk8s functions whose arguments name none (default: default).",
        ),
    ] = None,
    var_file: ctk.VarFiles = None,
    control_file: ctk.ControlFiles = None,
    settings: ctk.Settings = None,
    dry: ctk.Dry = None,
    rollback_strategy: ctk.RollbackStrategy = None,
    hypothesis_strategy: ctk.HypothesisStrategy = None,
    hypothesis_frequency: ctk.HypothesisFrequency = None,
    fail_fast: ctk.FailFast = False,
) -> None:
    """Run a Chaos Toolkit experiment file (chaosk8s functions need no extension)."""
    from chaos.engine.config import parse_var
    from chaos.experiment import load_raw

    variables: dict[str, Any] = dict(parse_var(item) for item in var or [])
    if measure_url:
        check_url("--measure-url", measure_url)
    inputs = ctk.build_inputs(
        var_files=var_file,
        control_files=control_file,
        settings=settings,
        dry=dry,
        rollback_strategy=rollback_strategy,
        hypothesis_strategy=hypothesis_strategy,
        hypothesis_frequency=hypothesis_frequency,
        fail_fast=fail_fast,
    )
    session = _start(options)
    raw = load_raw(file)
    result = session.run_document(
        raw,
        source=str(file),
        variables=variables,
        namespace=namespace,
        measure_url=measure_url,
        inputs=inputs,
    )
    _finish(session, result)


VALIDATE_EPILOG = "Example: chaosrun validate experiments/deployment.yaml"


def validate(
    file: Annotated[
        str, typer.Argument(help="Experiment file (JSON or YAML), or its http(s) URL.")
    ],
    verbose: Verbose = False,
) -> None:
    """Validate an experiment file without running it (nothing is contacted)."""
    from chaos.cli.validating import validate_file

    raise typer.Exit(validate_file(file, verbose))


def register(app: typer.Typer) -> None:
    app.command(epilog=POD_EPILOG)(handles_errors(pod))
    app.command(epilog=DEPLOYMENT_EPILOG)(handles_errors(deployment))
    app.command(epilog=RUN_EPILOG)(handles_errors(run))
    app.command(epilog=VALIDATE_EPILOG)(handles_errors(validate))
