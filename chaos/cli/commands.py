"""``chaosrun pod``, ``deployment``, ``scale``, ``run`` and ``validate``: options in, the
result out."""

from __future__ import annotations

import typer

from chaos.cli import running
from chaos.cli.errors import handles_errors
from chaos.cli.options import Values, declared

POD_EPILOG = (
    "Example: chaosrun pod --selector app=front --pause 10 --journal-path pod.json\n\n"
    "A selector that matches no pod fails the action: status failed, exit 1."
)


@declared("pod")
def pod(values: Values) -> None:
    """Terminate the frontend pod(s), pause, then check the steady-state hypothesis.

    Hypothesis, before and after: all pods Running and Ready; GET on the frontend is 200.
    """
    raise typer.Exit(running.execute("pod", values))


DEPLOYMENT_EPILOG = (
    "Example: chaosrun deployment --name back --pause 10 --journal-path deployment.json\n\n"
    "A Deployment that does not exist is bad input (exit 2, nothing is run). With v1 the "
    "frontend fails without its backend: status deviated, exit 1; with v2 it falls back: "
    "completed, exit 0. The Deployment is restored from its snapshot in every case "
    "(failure, deviation, Ctrl-C) unless --no-rollback; the snapshot is on disk before the "
    "delete, so `chaosrun restore` puts it back after a run that was killed."
)


@declared("deployment")
def deployment(values: Values) -> None:
    """Delete the backend Deployment, pause, check the hypothesis, then restore it.

    A snapshot taken before the delete is the rollback; the journal records time to restore.
    """
    raise typer.Exit(running.execute("deployment", values))


SCALE_EPILOG = (
    "Example: chaosrun scale back --replicas 0 --pause 10 --journal-path scale.json\n\n"
    "A workload that does not exist is bad input (exit 2, nothing is run). The count it had is "
    "written to the run record before the scale, and the rollback scales it back in every case "
    "(failure, deviation, Ctrl-C) unless --no-rollback; `chaosrun restore` scales it back after "
    "a run that was killed."
)


@declared("scale")
def scale(values: Values) -> None:
    """Scale a Deployment (or StatefulSet) to --replicas, pause, check the hypothesis, then
    scale it back to the count it had."""
    raise typer.Exit(running.execute("scale", values))


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


@declared("run")
def run(values: Values) -> None:
    """Run a Chaos Toolkit experiment file (chaosk8s functions need no extension)."""
    raise typer.Exit(running.execute("run", values))


VALIDATE_EPILOG = "Example: chaosrun validate experiments/deployment.json"


@declared("validate")
def validate(values: Values) -> None:
    """Validate an experiment file without running it (nothing is contacted)."""
    from chaos.cli.validating import validate_file

    raise typer.Exit(validate_file(values["file"], values["verbose"]))


def register(app: typer.Typer) -> None:
    app.command(epilog=POD_EPILOG)(handles_errors(pod))
    app.command(epilog=DEPLOYMENT_EPILOG)(handles_errors(deployment))
    app.command(epilog=SCALE_EPILOG)(handles_errors(scale))
    app.command(epilog=RUN_EPILOG)(handles_errors(run))
    app.command(epilog=VALIDATE_EPILOG)(handles_errors(validate))
