"""``chaosrun pod``, ``deployment``, ``run`` and ``validate``: options in, the result out."""

from __future__ import annotations

from typing import Annotated

import typer

from chaos import defaults
from chaos.cli import ctk_inputs as ctk
from chaos.cli import running
from chaos.cli.errors import handles_errors
from chaos.cli.options import FrontendUrl, Namespace, Pause, Verbose, run_options
from chaos.engine.options import RunOptions

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
    raise typer.Exit(
        running.pod(
            options,
            selector=selector,
            name_pattern=name_pattern,
            qty=qty,
            mode=mode,
            all_pods=all_pods,
            rand=rand,
            order=order,
            grace_period=grace_period,
            namespace=namespace,
            frontend_url=frontend_url,
            pause=pause,
        )
    )


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
    raise typer.Exit(
        running.deployment(
            options,
            name=name,
            no_rollback=no_rollback,
            namespace=namespace,
            frontend_url=frontend_url,
            pause=pause,
        )
    )


RUN_EPILOG = (
    "Example: chaosrun run experiments/pod.json --var frontend_url=http://127.0.0.1:8080/\n\n"
    "Stricter than the Chaos Toolkit: a hypothesis not met before the method stops the run "
    "(failed, exit 1); an action that raises fails the run (a missing Deployment is such a "
    "failure, exit 1); rollbacks are played whenever the method started, also after a "
    "failure, a deviation or Ctrl-C, and a failed rollback fails the run; a pod "
    "termination with neither a label selector nor a name pattern is refused. "
    "Exit codes: 0 completed, 1 deviated/failed/interrupted, "
    "2 bad input (invalid file, bad option, cluster unreachable).\n\n"
    "An experiment file is code: its python and process providers run with your rights."
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
    raise typer.Exit(
        running.run(
            options,
            file=file,
            var=var,
            measure_url=measure_url,
            namespace=namespace,
            var_file=var_file,
            control_file=control_file,
            settings=settings,
            dry=dry,
            rollback_strategy=rollback_strategy,
            hypothesis_strategy=hypothesis_strategy,
            hypothesis_frequency=hypothesis_frequency,
            fail_fast=fail_fast,
        )
    )


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
